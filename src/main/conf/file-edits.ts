// Edits by directive name on any config file, the way both the editor (applyConfEdits, the
// doctor's fixes) and `sentinel-lab conf` make them: losslessly (only the lines of the
// directive change), and checked the same way afterwards (the kind's validation, and a lab
// member's own port rule).
import type { ConfDiagnostic, ConfEdit, ConfKind } from '../../shared/conf'
import { DirectiveError, getDirective, setDirective, unsetDirective } from './conf-edit'
import { IniDocument, IniValueError } from './ini-doc'
import { iniDiagnostics } from './ini-loader-check'
import { labMemberPortDiagnostics } from './lab-member-port'
import { RedisConfDocument } from './redis-doc'
import { ASSUMED_RELEASE, type ServerRelease } from './server-release'
import { validateConf } from './validate'

/** One edit of a file: ConfEdit without the file. */
export type FileEdit = Omit<ConfEdit, 'file'>

/** A value the directive does not take, or a directive name that names nothing: the text is unchanged. */
export class EditError extends Error {}

/** A file read by a lab member's process: its port is the lab's to choose. */
export interface LabMemberFile {
  member: { name: string; port: number }
  labName: string
}

/** 'program:x.key' -> section 'program:x', key 'key' (keys hold no '.', program names may). */
export function iniKey(directive: string): { section: string; key: string } {
  const dot = directive.lastIndexOf('.')
  if (dot <= 0 || dot === directive.length - 1) {
    throw new EditError(`'${directive}': an .ini directive is SECTION.KEY, e.g. program:redis-master.autostart`)
  }
  return { section: directive.slice(0, dot), key: directive.slice(dot + 1) }
}

/** The value of a directive: the words of each line it is on (redis / sentinel), or its string (.ini); null when not set. */
export function directiveValue(kind: ConfKind, text: string, directive: string): string[][] | string | null {
  return guarded(() => {
    if (kind === 'supervisor') {
      const { section, key } = iniKey(directive)
      return IniDocument.parse(text).get(section, key) ?? null
    }
    const found = getDirective(RedisConfDocument.parse(text), kind, directive)
    return found.length === 0 ? null : found
  })
}

/**
 * `text` with `edits` made, in order. `absent`: the directives an unset found nowhere (the
 * caller decides whether that is a refusal).
 */
export function applyEdits(kind: ConfKind, text: string, edits: readonly FileEdit[]): { text: string; absent: string[] } {
  return guarded(() => {
    const absent: string[] = []
    if (kind === 'supervisor') {
      const doc = IniDocument.parse(text)
      for (const e of edits) {
        const { section, key } = iniKey(e.directive)
        if (e.op === 'set') doc.set(section, key, (e.args ?? []).join(' '))
        else if (!doc.unset(section, key)) absent.push(e.directive)
      }
      return { text: doc.text(), absent }
    }
    const doc = RedisConfDocument.parse(text)
    for (const e of edits) {
      if (e.op === 'set') setDirective(doc, kind, e.directive, e.args ?? [])
      else if (unsetDirective(doc, kind, e.directive) === 0) absent.push(e.directive)
    }
    return { text: doc.text(), absent }
  })
}

/**
 * What is wrong with `text` as the file at `path`: its kind's rules (for the release that
 * will read it), and a lab member's port rule.
 */
export function fileDiagnostics(path: string, kind: ConfKind, text: string, labMember: LabMemberFile | null = null, release: ServerRelease = ASSUMED_RELEASE): ConfDiagnostic[] {
  if (kind === 'supervisor') return iniDiagnostics(text, path)
  const own = labMember ? labMemberPortDiagnostics(path, text, labMember.member, labMember.labName) : []
  return [...validateConf(text, kind, path, release), ...own]
}

function guarded<T>(fn: () => T): T {
  try {
    return fn()
  } catch (e) {
    if (e instanceof DirectiveError || e instanceof IniValueError) throw new EditError(e.message)
    throw e
  }
}
