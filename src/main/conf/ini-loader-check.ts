// One verdict on a supervisor .ini for the editor, the doctor and the engine: the checker's
// located problems (ini-validate.ts), plus whatever the engine's loader refuses that the
// checker did not already say at that line (a %(ENV_X)s that is not set, a folder that does
// not exist, a [group] naming nothing, ...). The loader reads the text as it is in the editor,
// and the files it [include]s from disk.
import { resolve } from 'node:path'
import type { ConfDiagnostic } from '../../shared/conf'
import { ConfigError } from '../supervisor/config-error'
import { loadSupervisorConfig } from '../supervisor/config-loader'
import { validateIni } from './ini-doc'

/** The loader's refusal of `text` as the file at `path`, located in it; null when it loads. */
function loaderRefusal(text: string, path: string, programsElsewhere: ReadonlySet<string>): ConfDiagnostic | null {
  try {
    loadSupervisorConfig(path, { text })
    return null
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e
    const i = e.issue
    // A program another file of the same folder defines (the loader given the folder finds it).
    const unknown = /names unknown program (\S+)/.exec(i.message)
    if (unknown && programsElsewhere.has(unknown[1]!)) return null
    const here = resolve(i.file) === resolve(path)
    const includeLine = text.split(/\r?\n/).findIndex((l) => /^\s*\[include\]/.test(l)) + 1
    const line = here ? Math.max(i.line, 1) : Math.max(includeLine, 1)
    return {
      file: path, line, column: 1, endColumn: (text.split(/\r?\n/)[line - 1]?.length ?? 0) + 1,
      directive: i.section ? (i.key ? `${i.section}.${i.key}` : i.section) : null,
      severity: 'error', code: 'supervisor-refuses',
      message: here ? `${i.message}: supervisord refuses the whole file` : `an included file is refused: ${i.file}${i.line ? `:${i.line}` : ''}: ${i.message}`,
    }
  }
}

/** Located problems of a supervisor .ini text, in the editor, the doctor and `conf set` alike. */
export function iniDiagnostics(text: string, path: string, programsElsewhere: ReadonlySet<string> = new Set()): ConfDiagnostic[] {
  const checked = validateIni(text, path, programsElsewhere)
  const refusal = loaderRefusal(text, path, programsElsewhere)
  if (!refusal || checked.some((d) => d.severity === 'error' && d.line === refusal.line)) return checked
  // A warning at that line is what the loader refuses: it becomes the error, where it points.
  const warned = checked.findIndex((d) => d.line === refusal.line)
  if (warned < 0) return [...checked, refusal]
  return checked.map((d, i) => (i === warned ? { ...d, severity: 'error', code: refusal.code, message: refusal.message } : d))
}
