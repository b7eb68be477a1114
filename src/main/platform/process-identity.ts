// Whether a process we recorded is still the one we started. A pid alone says little: the
// kernel reuses pids, and a process that died stays in the table as a zombie (state Z)
// until its parent reaps it; in a container whose pid 1 never reaps, forever. So a record
// is (pid, start time), and it still runs only while the pid has that start time and is
// not a zombie. Every "is it alive and ours" check goes through `stillRuns`.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

interface ProcessStat {
  state: string
  startTime: string
}

/** The kernel's state letter and start time of a pid; null if there is no such process. */
function readStat(pid: number): ProcessStat | null {
  if (!Number.isInteger(pid) || pid <= 0) return null
  try {
    if (process.platform === 'linux') {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      // Counted after the command name, which may itself hold spaces or ')': the state is
      // field 3, the start time (in clock ticks since boot) field 22.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      return fields[19] ? { state: fields[0] ?? '', startTime: fields[19] } : null
    }
    const out = execFileSync('ps', ['-o', 'stat=', '-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' }).trim()
    const m = /^(\S+)\s+(.+)$/.exec(out)
    return m ? { state: m[1]!, startTime: m[2]! } : null
  } catch {
    return null
  }
}

/** A process's start time, as the kernel keeps it; null if there is no such process. */
export function processStartTime(pid: number): string | null {
  return readStat(pid)?.startTime ?? null
}

/** Whether the process recorded as (pid, startTime) still runs: same start time, not a zombie. */
export function stillRuns(pid: number, startTime: string): boolean {
  const stat = readStat(pid)
  return stat !== null && startTime !== '' && stat.startTime === startTime && !stat.state.startsWith('Z')
}
