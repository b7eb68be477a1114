// Reads of /proc (Linux only) shared by the benchmarks: children of a pid, CPU time, I/O
// counters, start times. Nothing here signals or wakes the processes it looks at.
import { readFileSync, readdirSync } from 'node:fs'
import { execFileSync } from 'node:child_process'

/** Clock ticks per second for utime/stime (getconf CLK_TCK; 100 on Linux). */
export const CLK_TCK: number = (() => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
    return Number.isFinite(n) && n > 0 ? n : 100
  } catch {
    return 100
  }
})()

export interface ProcStat {
  pid: number
  comm: string
  state: string
  ppid: number
  /** utime + stime, in clock ticks, of every thread of the process. */
  cpuTicks: number
  userTicks: number
  systemTicks: number
  /** Start time in clock ticks after boot: with the pid, identifies one process. */
  startTime: string
}

/** /proc/<pid>/stat parsed, or null when the process is gone. */
export function procStat(pid: number): ProcStat | null {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
  // comm is in parentheses and may hold spaces or ')': split after the last ')'.
  const close = text.lastIndexOf(')')
  const comm = text.slice(text.indexOf('(') + 1, close)
  const f = text.slice(close + 2).split(' ')
  // f[0] is field 3 (state): field n is f[n - 3].
  return {
    pid,
    comm,
    state: f[0],
    ppid: Number(f[1]),
    cpuTicks: Number(f[11]) + Number(f[12]),
    userTicks: Number(f[11]),
    systemTicks: Number(f[12]),
    startTime: f[19],
  }
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const s = procStat(pid)
  if (!s) throw new Error(`process ${pid} is gone`)
  return s.cpuTicks / CLK_TCK
}

/** User and system CPU seconds the process has used so far. */
export function cpuSplit(pid: number): { user: number; system: number } {
  const s = procStat(pid)
  if (!s) throw new Error(`process ${pid} is gone`)
  return { user: s.userTicks / CLK_TCK, system: s.systemTicks / CLK_TCK }
}

/** rchar / wchar of /proc/<pid>/io: bytes the process passed to read() / write() calls. */
export function procIo(pid: number): { rchar: number; wchar: number } {
  const text = readFileSync(`/proc/${pid}/io`, 'utf8')
  const get = (k: string): number => Number(new RegExp(`^${k}: (\\d+)$`, 'm').exec(text)?.[1] ?? NaN)
  return { rchar: get('rchar'), wchar: get('wchar') }
}

/**
 * The live children of `ppid` (zombies excluded), found by scanning /proc/<pid>/stat: this
 * kernel has no /proc/<pid>/task/<tid>/children, and `ps --ppid` would fork every poll.
 */
export function childrenOf(ppid: number): ProcStat[] {
  const out: ProcStat[] = []
  for (const name of readdirSync('/proc')) {
    const c = name.charCodeAt(0)
    if (c < 48 || c > 57) continue
    const s = procStat(Number(name))
    if (s && s.ppid === ppid && s.state !== 'Z') out.push(s)
  }
  return out
}

/** True while this pid still names the process that had this start time. */
export function sameProcess(pid: number, startTime: string): boolean {
  const s = procStat(pid)
  return s !== null && s.startTime === startTime && s.state !== 'Z'
}

const sleeper = new Int32Array(new SharedArrayBuffer(4))

/** Blocks this thread for ms (fractions allowed) without spinning and without the event loop. */
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms)
}
