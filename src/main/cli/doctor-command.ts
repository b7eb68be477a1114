// `sentinel-lab doctor PATH... [--json]`: the doctor on files and folders, printed like a
// compiler's diagnostics, with each file's validation diagnostics (what the editor shows
// inline: a value Redis refuses stops it at start) among the findings. Passwords are masked
// in both outputs. Exit status: 1 when any finding is an error, 0 otherwise, 2 when the
// command line or a path is wrong.
import { parseArgs } from 'node:util'
import { PathError, collectFiles } from '../doctor/collect'
import { formatFinding, summarize } from '../doctor/format'
import { byLocation } from '../doctor/finding'
import { diagnoseFiles, diagnoseLive } from '../doctor/index'
import { maskFinding } from '../doctor/secrets'
import { validationFindings } from '../doctor/validation'
import { releaseForFile } from '../lab/server-version'
import { labMemberOf } from './lab-member'
import type { CheckedAgainst, DoctorFinding } from '../../shared/conf'

export const DOCTOR_HELP = `Usage: sentinel-lab doctor PATH... [--json] [--files-only] [--verbose]

Checks redis.conf, sentinel.conf and supervisor .ini files for the mistakes that break a
Sentinel deployment: a missing masterauth, copied sentinel myids, daemonize under a
supervisor, a master restarted empty, quorum and sentinel counts, passwords that differ,
ports used twice, and more. PATH is a file or a folder (its *.conf and *.ini files, two
levels of subfolders deep); files given together are checked as one deployment. While the
processes run it also checks what they show: ports taken by something else, a sentinel
monitoring a replica, a password changed at run time, config files that cannot be rewritten,
a file edited since its process started (the process still runs the old value). Each
file is also checked line by line as the editor checks it (a value Redis refuses, an
unknown directive, an option for a master no 'sentinel monitor' names): these are
findings too, with the checker's code as id (bad-value, unknown-directive, ...). Which
directives exist is judged for the release that will read the files: the one
'redis-server --version' and 'redis-sentinel --version' report (a lab's files: its own
binaries; other files: those a new lab would use, SENTINEL_LAB_REDIS_SERVER /
SENTINEL_LAB_REDIS_SENTINEL, else PATH, Redis first, then Valkey); a directive another
release added or dropped is an error that says which ("added in Redis 7.2").

Prints each finding as path:line:col: severity [id] title, with an explanation and, where
one is safe, a fix. A fix is applied with the app (the doctor panel) or with
'sentinel-lab conf set FILE DIRECTIVE VALUE...' / 'sentinel-lab conf unset FILE DIRECTIVE'.
Passwords are printed as ******** in both outputs, the fixes' included: take the password
from your own records when you apply such a fix by hand. Exit status: 1 if any finding is
an error, 0 otherwise, 2 on a bad path or option.

Options:
  --json         print one JSON object: {"files":[...],"checkedAgainst":{PATH:{"release","binary"}},"findings":[...],"errors":N,"warnings":N,"notes":N}
  --files-only   only read the files: do not connect to the ports they name
  -v, --verbose  also print the checker's notes (old spellings such as slaveof, order hints)
  -h, --help     show this help`

export async function doctorCommand(args: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args, options: { json: { type: 'boolean' }, 'files-only': { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true })
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
  const rules: DoctorFinding[] = parsed.values['files-only'] ? diagnoseFiles(files) : await diagnoseLive(files)
  // Each file is judged by the release that reads it: its lab's binaries, else the installed ones.
  const judged = new Map(files.filter((f) => f.kind !== 'supervisor').map((f) => [f.path, releaseForFile(f.kind as 'redis' | 'sentinel', labMemberOf(f.path)?.binaries ?? null)]))
  const checked = validationFindings(files, { verbose: parsed.values.verbose === true, releaseOf: (f) => judged.get(f.path)!.release })
  const checkedAgainst = Object.fromEntries([...judged].map(([path, j]) => [path, j.checkedAgainst]))
  const findings = [...rules, ...checked].sort(byLocation).map(maskFinding)
  const count = (s: DoctorFinding['severity']): number => findings.filter((f) => f.severity === s).length
  const errors = count('error')
  if (parsed.values.json) {
    const report = { files: files.map((f) => f.path), checkedAgainst, findings, errors, warnings: count('warning'), notes: count('info') }
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  } else {
    for (const f of findings) process.stdout.write(`${formatFinding(f)}\n\n`)
    for (const line of checkedLines([...judged.values()].map((j) => j.checkedAgainst))) process.stdout.write(`${line}\n`)
    process.stdout.write(`${summarize(findings, files.length)}\n`)
  }
  return errors > 0 ? 1 : 0
}

/** "Checked for Redis 7.0.15 (/usr/bin/redis-server, /usr/bin/redis-sentinel).": one line per release. */
function checkedLines(all: readonly CheckedAgainst[]): string[] {
  const byRelease = new Map<string, Set<string>>()
  for (const c of all) {
    const binaries = byRelease.get(c.release) ?? new Set<string>()
    if (c.binary) binaries.add(c.binary)
    byRelease.set(c.release, binaries)
  }
  return [...byRelease].map(([release, binaries]) => `Checked for ${release}${binaries.size > 0 ? ` (${[...binaries].join(', ')})` : ', assumed: no server here told its version'}.`)
}
