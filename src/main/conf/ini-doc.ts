// A lossless supervisor .ini document: text() gives back the input byte-for-byte (comments,
// blank lines, order, spacing, CRLF, a missing final newline) until an edit, and an edit
// patches only the lines of the key it touches. Values are read as supervisord reads them
// (ini-lines.ts); every edit is checked by reading the result back, so a value the format
// cannot hold (a ' ;' that would start a comment, surrounding blanks) is refused, not mangled.
import type { ConfDiagnostic } from '../../shared/conf'
import { dominantEol } from './eol'
import { type IniLine, type KeySpan, keySpans, parseIniLines, spanValue } from './ini-lines'
import { validateIniLines } from './ini-validate'

export class IniValueError extends Error {}

export class IniDocument {
  private constructor(private lines: IniLine[]) {}

  static parse(text: string): IniDocument {
    return new IniDocument(parseIniLines(text))
  }

  text(): string {
    let out = ''
    for (const l of this.lines) out += l.raw + l.eol
    return out
  }

  /** Section names in order of first appearance, [DEFAULT] left out (as configparser does). */
  sections(): string[] {
    const names = new Set<string>()
    for (const l of this.lines) if (l.kind === 'section' && l.section !== 'DEFAULT') names.add(l.section!)
    return [...names]
  }

  /** Keys set in a section (its own, not [DEFAULT]'s), lower case, in order of first appearance. */
  keys(section: string): string[] {
    const keys = new Set<string>()
    for (const l of this.lines) if (l.kind === 'key' && l.section === section) keys.add(l.key!)
    return [...keys]
  }

  /**
   * The value as supervisord reads it (continuation lines joined with '\n', inline comments
   * cut; a section seen twice is merged, the last key wins; [DEFAULT] fills in), or undefined.
   */
  get(section: string, key: string): string | undefined {
    const k = key.toLowerCase()
    const own = this.ownValue(section, k)
    if (own !== undefined || section === 'DEFAULT' || !this.lines.some((l) => l.kind === 'section' && l.section === section)) return own
    return this.ownValue('DEFAULT', k)
  }

  /** Rewrite the key's line(s) in place, or add the key at the end of its section (the section at the end of the file if new). */
  set(section: string, key: string, value: string): void {
    const k = key.toLowerCase()
    checkName(section, key)
    const before = this.lines
    const values = this.values()
    const spans = this.keySpans(section, k)
    const last = spans.at(-1)
    if (last) {
      const keyLine = this.lines[last.start]
      const head = keyLine.raw.slice(0, keyLine.valueStart)
      const tail = keyLine.raw.slice(keyLine.valueEnd)
      const continuationIndent = this.continuationIndent(last.start, last.end, keyLine)
      const [first, ...rest] = value.split('\n')
      // An empty value leaves no blank dangling after the separator.
      const keyRaw = (first === '' ? head.trimEnd() : head) + first + tail
      // Comment lines inside the old value stay, after the new one.
      const comments = this.lines.slice(last.start + 1, last.end).filter((l) => l.kind === 'comment').map((l) => l.raw)
      const out = [keyRaw, ...rest.map((r) => (r === '' ? '' : continuationIndent + r)), ...comments]
      const eol = keyLine.eol || this.eol()
      const lastEol = this.lines[last.end - 1].eol
      const rawLines = out.map((raw, i) => ({ raw, eol: i === out.length - 1 ? lastEol : eol }))
      this.replaceLines(last.start, last.end, rawLines)
    } else {
      this.insertKey(section, key, value)
    }
    if (this.ownValue(section, k) !== value || value !== value.trim()) {
      this.lines = before
      throw new IniValueError(`${section}.${k}: ${JSON.stringify(value)} cannot be written as an .ini value (supervisord would read it differently: leading or trailing blanks, or ' ;' / ' #' which start a comment)`)
    }
    this.checkOthersUnchanged(values, section, k, before)
  }

  /** Remove the key's line(s) (every occurrence in the section); answers whether it was there. */
  unset(section: string, key: string): boolean {
    const k = key.toLowerCase()
    const before = this.lines
    const values = this.values()
    const spans = this.keySpans(section, k)
    for (const span of [...spans].reverse()) {
      const comments = this.lines.slice(span.start + 1, span.end).filter((l) => l.kind === 'comment')
      this.replaceLines(span.start, span.end, comments.map((c) => ({ raw: c.raw, eol: c.eol })))
    }
    this.checkOthersUnchanged(values, section, k, before)
    return spans.length > 0
  }

  /** Every key's value, as supervisord reads it (without [DEFAULT] filling in). */
  private values(): Map<string, string> {
    const out = new Map<string, string>()
    for (const l of this.lines) {
      if (l.kind !== 'key') continue
      const id = `${l.section}\0${l.key}`
      if (!out.has(id)) out.set(id, this.ownValue(l.section!, l.key!)!)
    }
    return out
  }

  /**
   * An edit must not change how another key reads: removing or adding a line can turn an
   * indented line below it into a continuation, or back. Such an edit is undone and refused.
   */
  private checkOthersUnchanged(before: Map<string, string>, section: string, k: string, lines: IniLine[]): void {
    const after = this.values()
    const target = `${section}\0${k}`
    const ids = new Set([...before.keys(), ...after.keys()])
    for (const id of ids) {
      if (id === target || before.get(id) === after.get(id)) continue
      this.lines = lines
      const [s, other] = id.split('\0')
      throw new IniValueError(`editing ${section}.${k} here would change how ${s}.${other} reads (an indented line would move between values): edit the file as text`)
    }
  }

  /** The line ending most lines use ('\n' for an empty file). */
  eol(): string {
    return dominantEol(this.lines)
  }

  /** 1-based line where the key's winning value starts, or of the section header, or null. */
  lineOf(section: string, key?: string): number | null {
    if (key !== undefined) {
      const span = this.keySpans(section, key.toLowerCase()).at(-1)
      if (span) return span.start + 1
    }
    const i = this.lines.findIndex((l) => l.kind === 'section' && l.section === section)
    return i === -1 ? null : i + 1
  }

  private ownValue(section: string, k: string): string | undefined {
    const span = this.keySpans(section, k).at(-1)
    return span && spanValue(this.lines, span)
  }

  private keySpans(section: string, k: string): KeySpan[] {
    return keySpans(this.lines, section, k)
  }

  private continuationIndent(start: number, end: number, keyLine: IniLine): string {
    const existing = this.lines.slice(start + 1, end).find((l) => l.kind === 'continuation')
    if (existing) return /^\s*/.exec(existing.raw)![0]
    return (/^\s*/.exec(keyLine.raw)![0]) + '    '
  }

  /** A new key after the last key (with its continuation) of the section's last occurrence; a new section at the end. */
  private insertKey(section: string, key: string, value: string): void {
    const eol = this.eol()
    let headerIndex = -1
    this.lines.forEach((l, i) => {
      if (l.kind === 'section' && l.section === section) headerIndex = i
    })
    const style = this.keyStyle(section)
    const [first, ...rest] = value.split('\n')
    const newRaw = [style.indent + key + style.separator + first, ...rest.map((r) => (r === '' ? '' : style.indent + '    ' + r))]
    if (headerIndex === -1) {
      const blankBefore = this.lines.length > 0 && this.lines.at(-1)!.kind !== 'blank'
      const raws = [...(blankBefore ? [''] : []), `[${section}]`, ...newRaw]
      this.insertLines(this.lines.length, raws, eol)
      return
    }
    let at = headerIndex + 1
    for (let j = headerIndex + 1; j < this.lines.length; j++) {
      const l = this.lines[j]
      if (l.kind === 'section') break
      if (l.kind === 'key' || l.kind === 'continuation') at = j + 1
    }
    this.insertLines(at, newRaw, eol)
  }

  /** How the section's key lines are written: the separator most of them use (else the file's; else 'key=value'). */
  private keyStyle(section: string): { indent: string; separator: string } {
    const keyLines = this.lines.filter((l) => l.kind === 'key')
    const own = keyLines.filter((l) => l.section === section)
    const models = own.length > 0 ? own : keyLines
    if (models.length === 0) return { indent: '', separator: '=' }
    const count = new Map<string, number>()
    let best = ''
    for (const l of models) {
      const sep = l.raw.slice(l.keyEnd, l.valueStart) || '='
      const n = (count.get(sep) ?? 0) + 1
      count.set(sep, n)
      // Ties go to the later line: the one the new key will sit next to.
      if (n >= (count.get(best) ?? 0)) best = sep
    }
    const last = models.at(-1)!
    return { indent: last.raw.slice(0, last.keyStart), separator: best }
  }

  private insertLines(at: number, raws: string[], eol: string): void {
    const previous = this.lines[at - 1]
    const atEnd = at === this.lines.length
    // A last line without an ending gets one, and the new last line goes without, as the file did.
    const keepNoFinalEol = atEnd && previous !== undefined && previous.eol === ''
    const before = this.lines.slice(0, at).map((l) => ({ raw: l.raw, eol: l.eol }))
    if (keepNoFinalEol) before[before.length - 1].eol = eol
    const added = raws.map((raw, i) => ({ raw, eol: keepNoFinalEol && i === raws.length - 1 ? '' : eol }))
    const after = this.lines.slice(at).map((l) => ({ raw: l.raw, eol: l.eol }))
    this.reparse([...before, ...added, ...after])
  }

  private replaceLines(start: number, end: number, raws: { raw: string; eol: string }[]): void {
    const all = this.lines.map((l) => ({ raw: l.raw, eol: l.eol }))
    const removedLastEol = all[end - 1]?.eol
    all.splice(start, end - start, ...raws)
    // A file without a final newline keeps that style when its last lines are removed.
    if (end === this.lines.length && raws.length === 0 && removedLastEol === '' && start > 0) all[start - 1].eol = ''
    this.reparse(all)
  }

  /** Lines are reclassified after an edit: a change can turn a following indented line into a continuation or back. */
  private reparse(lines: { raw: string; eol: string }[]): void {
    this.lines = parseIniLines(lines.map((l) => l.raw + l.eol).join(''))
  }
}

/** A key or section name the format can hold. */
function checkName(section: string, key: string): void {
  if (section === '' || /[\]\r\n]/.test(section)) throw new IniValueError(`invalid section name ${JSON.stringify(section)}`)
  if (key.trim() === '' || key !== key.trim() || /[=:\r\n[;#]/.test(key)) throw new IniValueError(`invalid key ${JSON.stringify(key)}`)
}

/**
 * Located problems of a supervisor .ini text (syntax, unknown or bad program keys).
 * `programsElsewhere`: programs the files read with it define (a folder's other files).
 */
export function validateIni(text: string, file: string, programsElsewhere: ReadonlySet<string> = new Set()): ConfDiagnostic[] {
  return validateIniLines(parseIniLines(text), file, programsElsewhere)
}
