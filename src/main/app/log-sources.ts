// Which file a log pane follows: a program's stdout or stderr log from the open
// configuration, or a lab member's own log. Only files resolved here are ever followed or
// revealed, never a path a page sent.
import { statSync } from 'node:fs'
import { ApiError } from '../../shared/errors'
import type { LogSource } from '../../shared/model'
import type { LabRegistry } from '../lab/lab-registry'
import { memberLogPath } from '../logs/own-logfile'
import type { Supervisor } from '../supervisor/supervisor'

/** The file behind a log source; not-found when it has none. */
export function logPathOf(source: LogSource, supervisor: Supervisor, labs: LabRegistry): string {
  if (source.kind === 'program') {
    const p = supervisor.snapshot().processes.find((x) => x.name === source.name)
    if (!p) throw new ApiError(`no program ${source.name} in the open configuration`, 'not-found')
    const path = source.channel === 'stderr' ? p.stderrLogfile : p.stdoutLogfile
    if (!path) throw new ApiError(`${source.name} has no ${source.channel} log file (${source.channel}_logfile is NONE${source.channel === 'stderr' ? ', or redirect_stderr sends it to stdout' : ''})`, 'not-found')
    return path
  }
  let lab
  try {
    lab = labs.layout(source.lab)
  } catch {
    throw new ApiError(`${source.lab}: no log files here (an attached deployment's logs are on its own machines)`, 'not-found')
  }
  const member = [...lab.nodes, ...lab.sentinels].find((m) => m.name === source.member)
  if (!member) throw new ApiError(`${source.member}: no such node or sentinel in ${source.lab}`, 'not-found')
  return memberLogPath(member)
}

/**
 * A log to follow must be a regular file (or not exist yet): /dev/stdout, a tty or a FIFO
 * would block the reader or read the user's terminal.
 */
export function regularFileOrAbsent(path: string): string {
  let st
  try {
    st = statSync(path)
  } catch {
    return path
  }
  if (!st.isFile()) throw new ApiError(`${path} is not a regular file (a terminal, a pipe or a device): there is nothing to follow`, 'failed')
  return path
}
