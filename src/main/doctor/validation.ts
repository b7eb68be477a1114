// What the editor's checker says of each file (validate.ts for redis.conf / sentinel.conf,
// iniDiagnostics for supervisor files: the checker and the engine's loader), as doctor findings for `sentinel-lab doctor`: a value
// Redis refuses, a per-master option of a master no `sentinel monitor` names, a directive
// it does not know... each stops the process at start, so the doctor must not stay silent
// about them. Kept apart from diagnoseFiles: the app shows these diagnostics in the editor
// already, beside the doctor's findings. Passwords a message quotes are masked.
import type { ConfDiagnostic, DoctorFinding } from '../../shared/conf'
import { iniDiagnostics } from '../conf/ini-loader-check'
import { RedisConfDocument } from '../conf/redis-doc'
import { lookupDirective } from '../conf/schema'
import { ASSUMED_RELEASE, type ServerRelease } from '../conf/server-release'
import { validateConf } from '../conf/validate'
import type { DoctorFile } from './deployment'
import { programsDefined } from './ini-programs'
import { isPasswordRule, maskQuoted, secretArgs } from './secrets'

interface ValidationOptions {
  /** Also the 'info' diagnostics (old spellings, order hints). */
  verbose?: boolean
  /** The release that will read each redis.conf / sentinel.conf (default: the assumed one). */
  releaseOf?: (file: DoctorFile) => ServerRelease
}

/** The words of a redis.conf / sentinel.conf that are passwords (for masking messages). */
function secretsOf(file: DoctorFile): string[] {
  if (file.kind === 'supervisor') return []
  const out: string[] = []
  for (const line of RedisConfDocument.parse(file.text).lines) {
    if (line.kind !== 'directive') continue
    let info = null
    try {
      info = lookupDirective(file.kind, line)
    } catch {
      continue
    }
    const args = RedisConfDocument.args(line).slice(line.name === 'sentinel' ? 1 : 0)
    const secret = secretArgs(info, args)
    args.forEach((a, i) => {
      if (!secret[i]) return
      out.push(a)
      if (info?.name === 'user' && isPasswordRule(a)) out.push(a.slice(1))
    })
  }
  return out
}

function explanation(d: ConfDiagnostic, file: DoctorFile, release: ServerRelease): string {
  const program = file.kind === 'supervisor' ? 'supervisord' : `${release.product}-${file.kind === 'sentinel' ? 'sentinel' : 'server'}`
  if (d.severity === 'error') return `${program} reads this file when it starts and refuses it with this line as written: the process does not start until the line is fixed.`
  if (d.severity === 'warning') return `Found by the same checker as the editor's: the message says what ${program} does with this line. Check it before the process next starts.`
  return 'A note only: nothing breaks because of it.'
}

/** Each file's validation diagnostics as findings: errors and warnings, and with `verbose` the notes. */
export function validationFindings(files: readonly DoctorFile[], options: ValidationOptions = {}): DoctorFinding[] {
  const out: DoctorFinding[] = []
  const programs = programsDefined(files)
  for (const file of files) {
    const release = file.kind === 'supervisor' ? ASSUMED_RELEASE : (options.releaseOf?.(file) ?? ASSUMED_RELEASE)
    const diagnostics = file.kind === 'supervisor' ? iniDiagnostics(file.text, file.path, programs) : validateConf(file.text, file.kind, file.path, release)
    const secrets = secretsOf(file)
    for (const d of diagnostics) {
      if (d.severity === 'info' && !options.verbose) continue
      out.push({
        id: d.code, severity: d.severity, file: d.file, line: d.line, column: d.column,
        ...(d.directive ? { directive: d.directive } : {}),
        title: maskQuoted(d.message, secrets),
        explanation: explanation(d, file, release),
      })
    }
  }
  return out
}
