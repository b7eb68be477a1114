// `sentinel-lab doctor PATH... [--json]`: the doctor on files and folders, printed like a
// compiler's diagnostics. Exit status: 1 when any finding is an error, 0 otherwise, 2 when
// the command line or a path is wrong.
import { parseArgs } from 'node:util'
import { PathError, collectFiles } from './doctor/collect'
import { formatFinding, summarize } from './doctor/format'
import { diagnoseFiles, diagnoseLive } from './doctor/index'
import type { DoctorFinding } from '../../shared/conf'

export const DOCTOR_HELP = `Usage: sentinel-lab doctor PATH... [--json] [--files-only]

Checks redis.conf, sentinel.conf and supervisor .ini files for the mistakes that break a
Sentinel deployment: a missing masterauth, copied sentinel myids, daemonize under a
supervisor, a master restarted empty, quorum and sentinel counts, passwords that differ,
ports used twice, and more. PATH is a file or a folder (its *.conf and *.ini files, two
levels of subfolders deep); files given together are checked as one deployment. While the
processes run it also checks what they show: ports taken by something else, a sentinel
monitoring a replica, a password changed at run time, config files that cannot be rewritten.

Prints each finding as path:line:col: severity [id] title, with an explanation and, where
one is safe, a fix. Exit status: 1 if any finding is an error, 0 otherwise, 2 on a bad
path or option.

Options:
  --json         print one JSON object: {"files":[...],"findings":[...],"errors":N,"warnings":N}
  --files-only   only read the files: do not connect to the ports they name
  -h, --help     show this help`

export async function doctorCommand(args: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args, options: { json: { type: 'boolean' }, 'files-only': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true })
  } catch (e) {
    process.stderr.write(`sentinel-lab doctor: ${(e as Error).message}\n\n${DOCTOR_HELP}\n`)
    return 2
  }
  if (parsed.values.help) {
    process.stdout.write(`${DOCTOR_HELP}\n`)
    return 0
  }
  if (parsed.positionals.length === 0) {
    process.stderr.write(`sentinel-lab doctor: which files? give one or more files or folders\n\n${DOCTOR_HELP}\n`)
    return 2
  }
  let files
  try {
    files = collectFiles(parsed.positionals)
  } catch (e) {
    if (!(e instanceof PathError)) throw e
    process.stderr.write(`sentinel-lab doctor: ${e.message}\n`)
    return 2
  }
  const findings: DoctorFinding[] = parsed.values['files-only'] ? diagnoseFiles(files) : await diagnoseLive(files)
  const errors = findings.filter((f) => f.severity === 'error').length
  if (parsed.values.json) {
    const warnings = findings.filter((f) => f.severity === 'warning').length
    process.stdout.write(`${JSON.stringify({ files: files.map((f) => f.path), findings, errors, warnings }, null, 2)}\n`)
  } else {
    for (const f of findings) process.stdout.write(`${formatFinding(f)}\n\n`)
    process.stdout.write(`${summarize(findings, files.length)}\n`)
  }
  return errors > 0 ? 1 : 0
}
