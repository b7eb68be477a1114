// /proc helpers for the lab tests: liveness (a zombie counts as gone), children of a pid,
// and the processes whose command line names one of a lab's ports or folders.
import { readFileSync, readdirSync } from 'node:fs'

function stat(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
}

export function alive(pid: number): boolean {
  const s = stat(pid)
  return s !== null && !s.slice(s.lastIndexOf(')') + 2).startsWith('Z')
}

function pids(): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)
}

export function childrenOf(parent: number): number[] {
  return pids().filter((pid) => {
    const s = stat(pid)
    return s !== null && Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]) === parent
  })
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()
  } catch {
    return ''
  }
}

/**
 * Live processes that belong to a lab: redis-server / redis-sentinel retitle themselves
 * "redis-server 127.0.0.1:PORT", so match on the lab's ports, and on its folder too.
 */
export function labProcesses(ports: number[], dir: string): number[] {
  const marks = ports.map((p) => `127.0.0.1:${p}`)
  return pids().filter((pid) => {
    if (pid === process.pid || !alive(pid)) return false
    const c = cmdline(pid)
    return /redis|valkey/.test(c) && (c.includes(dir) || marks.some((m) => c.includes(m + ' ') || c.endsWith(m)))
  })
}

export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
