// Paths a node or sentinel needs at start: redis-server and redis-sentinel 7.0 exit at once
// (FATAL CONFIG FILE ERROR) when `dir` does not exist, when the folder of `logfile` does not,
// or when an `include`d file cannot be read; under a supervisor that is a start that fails
// over and over, then FATAL. Only absolute paths are checked: a relative one depends on the
// process's working directory and on the `dir` lines before it, which the files alone do
// not tell. A live rule: what this machine has matters only where the files are used
// (the app's running lab, `sentinel-lab doctor` without --files-only).
import { statSync } from 'node:fs'
import { dirname, isAbsolute } from 'node:path'
import type { DoctorFinding } from '../../shared/conf'
import type { Written } from './conf-view'
import type { FileSet, Member } from './deployment'
import { at, describe } from './finding'

/** 'unknown': this user may not look (EACCES): not a finding, the process may well see it. */
function kindOf(path: string): 'dir' | 'file' | 'missing' | 'unknown' {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'file'
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unknown'
  }
}

function missing(m: Member, w: Written, directive: string, title: string, explanation: string): DoctorFinding {
  return { id: 'missing-path', severity: 'error', ...at(w, directive, 0), title, explanation: `${describe(m)}: ${explanation}` }
}

export function missingPathRule(set: FileSet): DoctorFinding[] {
  const out: DoctorFinding[] = []
  for (const m of [...set.nodes, ...set.sentinels]) {
    for (const w of m.conf.all('dir')) {
      const dir = w.args[0] ?? ''
      if (!isAbsolute(dir) || kindOf(dir) === 'dir' || kindOf(dir) === 'unknown') continue
      out.push(missing(m, w, 'dir', `dir ${dir} ${kindOf(dir) === 'file' ? 'is a file, not a folder' : 'does not exist'}`,
        `Redis changes into its dir while it reads the file and exits at once when it cannot ("FATAL CONFIG FILE ERROR ... No such file or directory"). Create the folder (mkdir -p ${dir}) or point dir at one that exists.`))
    }
    const log = m.conf.last('logfile')
    const logfile = log?.args[0] ?? ''
    if (log && isAbsolute(logfile) && kindOf(dirname(logfile)) === 'missing') {
      out.push(missing(m, log, 'logfile', `the folder of logfile ${logfile} does not exist`,
        `Redis opens its log file at start and exits when it cannot ("Can't open the log file: No such file or directory"). Create ${dirname(logfile)}, or set logfile "" to log to stdout (under a supervisor, its log captures it).`))
    }
    for (const w of m.conf.all('include')) {
      const file = w.args[0] ?? ''
      if (!isAbsolute(file) || kindOf(file) === 'file' || kindOf(file) === 'unknown') continue
      out.push(missing(m, w, 'include', `include ${file} ${kindOf(file) === 'dir' ? 'is a folder, not a file' : 'does not exist'}`,
        `Redis reads included files at start and exits when one cannot be opened ("Fatal error, can't open config file"). Fix the path or remove the line.`))
    }
  }
  return out
}
