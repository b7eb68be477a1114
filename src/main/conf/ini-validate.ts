// Located problems of one supervisor .ini file: lines supervisord cannot read, unknown
// sections and keys, values its converters refuse, and the cross-key rules its loader
// enforces. One file on its own: a [group:x] naming a program of an [include]d file, or a
// %(ENV_X)s value, cannot be judged here and is not flagged as an error.
import type { ConfDiagnostic, Severity } from '../../shared/conf'
import { processOrGroupName } from '../supervisor/datatypes'
import { type IniLine, keySpans, spanValue } from './ini-lines'
import { closestKey, KNOWN_SECTION, PROGRAM_KEYS, programValueProblem, SECTION_KEYS } from '../supervisor/ini-schema'

const PROGRAM_KEY_NAMES = PROGRAM_KEYS.map((k) => k.name)

export function validateIniLines(lines: readonly IniLine[], file: string, programsElsewhere: ReadonlySet<string> = new Set()): ConfDiagnostic[] {
  const out: ConfDiagnostic[] = []
  const at = (index: number, start: number, end: number, directive: string | null, severity: Severity, code: string, message: string): void => {
    out.push({ file, line: index + 1, column: start + 1, endColumn: Math.max(end, start + 1) + 1, directive, severity, code, message })
  }
  const firstSectionLine = new Map<string, number>()
  lines.forEach((l, i) => {
    if (l.kind === 'error') {
      const start = l.raw.search(/\S/)
      const code = l.section === null ? 'missing-section-header' : 'syntax'
      at(i, start, l.raw.trimEnd().length, l.section, 'error', code, `${l.error}: supervisord refuses the whole file`)
    }
    if (l.kind === 'section' && !firstSectionLine.has(l.section!)) firstSectionLine.set(l.section!, i)
  })

  for (const [section, headerIndex] of firstSectionLine) {
    const header = lines[headerIndex]
    const headerStart = header.raw.search(/\S/)
    const headerAt = (severity: Severity, code: string, message: string): void =>
      at(headerIndex, headerStart, header.headerEnd!, section, severity, code, message)
    if (!KNOWN_SECTION.test(section)) {
      headerAt('warning', 'unknown-section', `unknown section [${section}]: supervisord ignores it (a typo?)`)
      continue
    }
    const kind = section.includes(':') ? section.slice(0, section.indexOf(':')) : section
    const keys = [...new Set(lines.filter((l) => l.kind === 'key' && l.section === section).map((l) => l.key!))]
    const value = (key: string): string | undefined => {
      const span = keySpans(lines, section, key).at(-1)
      return span && spanValue(lines, span)
    }
    /** Report at the key's winning line: its value, or the key itself when the value is empty. */
    const keyAt = (key: string, severity: Severity, code: string, message: string, on: 'key' | 'value' = 'value'): void => {
      const span = keySpans(lines, section, key).at(-1)
      if (!span) return headerAt(severity, code, message)
      const l = lines[span.start]
      const onKey = on === 'key' || l.valueStart === l.valueEnd
      at(span.start, onKey ? l.keyStart! : l.valueStart!, onKey ? l.keyEnd! : l.valueEnd!, `${section}.${key}`, severity, code, message)
    }

    for (const key of keys) {
      const spans = keySpans(lines, section, key)
      for (const dup of spans.slice(0, -1)) {
        const l = lines[dup.start]
        at(dup.start, l.keyStart!, l.keyEnd!, `${section}.${key}`, 'warning', 'duplicate-key',
          `${key} is set again on line ${spans.at(-1)!.start + 1}: supervisord uses the last one and ignores this line`)
      }
    }

    if (kind === 'program') {
      const name = section.slice(section.indexOf(':') + 1)
      try {
        processOrGroupName(name)
      } catch (e) {
        headerAt('error', 'bad-name', `${(e as Error).message}: program names cannot hold spaces, ':' or '/'`)
      }
      // supervisord reads a program's other keys once per process: with none, it never does.
      const noProcess = /^\s*-?\d+\s*$/.test(value('numprocs') ?? '') && Number(value('numprocs')) < 1
      for (const key of keys) {
        if (!PROGRAM_KEY_NAMES.includes(key)) {
          const guess = closestKey(key, PROGRAM_KEY_NAMES)
          keyAt(key, 'warning', 'unknown-key', `unknown key "${key}" in [${section}]: supervisord ignores it${guess ? ` (did you mean ${guess}?)` : ''}`, 'key')
          continue
        }
        const problem = programValueProblem(key, value(key)!)
        if (problem && noProcess) keyAt(key, 'warning', 'bad-value', `${key}: ${problem} (not read while numprocs is ${value('numprocs')}: supervisord makes no process of this program)`)
        else if (problem) keyAt(key, 'error', 'bad-value', `${key}: ${problem}`)
      }
      if (value('command') === undefined) {
        headerAt('error', 'missing-key', `[${section}] has no command: supervisord refuses a program without one`)
      } else if (value('command')!.trim() === '') {
        keyAt('command', 'warning', 'empty-command', 'command is empty: supervisord accepts the file, but the program fails at every start')
      }
      const numprocs = Number(value('numprocs') ?? '1')
      if (numprocs > 1 && !(value('process_name') ?? '').includes('%(process_num)')) {
        keyAt(value('process_name') === undefined ? 'numprocs' : 'process_name', 'error', 'bad-value',
          'process_name must hold %(process_num)s when numprocs > 1, or the copies would share one name')
      }
      if (/^(true|yes|on|1)$/i.test(value('stopasgroup') ?? '') && /^(false|no|off|0)$/i.test(value('killasgroup') ?? '')) {
        keyAt('killasgroup', 'error', 'bad-value', 'stopasgroup=true needs killasgroup=true (or left out): supervisord refuses stopasgroup without killasgroup')
      }
    } else if (kind in SECTION_KEYS) {
      const known = SECTION_KEYS[kind]
      for (const key of keys.filter((k) => !known.includes(k))) {
        const guess = closestKey(key, known)
        keyAt(key, 'warning', 'unknown-key', `unknown key "${key}" in [${section}]: supervisord ignores it${guess ? ` (did you mean ${guess}?)` : ''}`, 'key')
      }
      if (kind === 'group') checkGroup(section, value, lines, programsElsewhere, keyAt, headerAt)
      // files= with no pattern is accepted (it includes nothing); no files= at all is refused.
      if (kind === 'include' && value('files') === undefined) headerAt('error', 'missing-key', '[include] has no files= setting: supervisord refuses it')
    }
  }
  return out
}

type KeyAt = (key: string, severity: Severity, code: string, message: string) => void
type HeaderAt = (severity: Severity, code: string, message: string) => void

function checkGroup(section: string, value: (key: string) => string | undefined, lines: readonly IniLine[], elsewhere: ReadonlySet<string>, keyAt: KeyAt, headerAt: HeaderAt): void {
  const programs = value('programs')
  if (programs === undefined) return headerAt('warning', 'missing-key', `[${section}] has no programs= setting: supervisord accepts it as a group of no program`)
  const priority = value('priority')
  if (priority !== undefined) {
    const problem = programValueProblem('priority', priority)
    if (problem) keyAt('priority', 'error', 'bad-value', `priority: ${problem}`)
  }
  const defined = new Set(lines.filter((l) => l.kind === 'section' && l.section!.startsWith('program:')).map((l) => l.section!.slice(8)))
  const missing = programs.split(',').map((p) => p.trim()).filter((p) => p && !defined.has(p) && !elsewhere.has(p))
  if (missing.length > 0) {
    keyAt('programs', 'warning', 'unknown-program',
      `no [program:${missing[0]}] in this file${missing.length > 1 ? ` (nor ${missing.slice(1).join(', ')})` : ''}: supervisord refuses the group unless an [include]d file defines it`)
  }
}
