// No orphans, even after a SIGKILL of the engine: every spawn and exit is recorded in a
// small state file; the next engine on the same configuration reads it and stops what the
// last run left behind. A pid is trusted only if the process still has the start time that
// was recorded with it, so a pid reused by an unrelated process is never signalled.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

interface RecordedProcess {
  name: string
  pid: number
  startTime: string
  /** Whether to signal its whole process group (it leads one: the engine spawns detached). */
  group: boolean
}

export interface RunState {
  enginePid: number
  engineStartTime: string
  processes: RecordedProcess[]
}

export function stateFileFor(stateDir: string, configRoot: string): string {
  const id = createHash('sha256').update(configRoot).digest('hex').slice(0, 16)
  return join(stateDir, `supervisor-${id}.json`)
}

/** A process's start time, as the kernel keeps it; null if there is no such process. */
export function processStartTime(pid: number): string | null {
  try {
    if (process.platform === 'linux') {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      // Field 22, counted after the command name, which may itself hold spaces or ')'.
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
    }
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' }).trim()
    return out || null
  } catch {
    return null
  }
}

export class RunStateFile {
  constructor(readonly path: string) {}

  read(): RunState | null {
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as RunState
    } catch {
      return null
    }
  }

  write(processes: RecordedProcess[]): void {
    const state: RunState = {
      enginePid: process.pid,
      engineStartTime: processStartTime(process.pid) ?? '',
      processes,
    }
    mkdirSync(join(this.path, '..'), { recursive: true })
    const tmp = `${this.path}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 })
    renameSync(tmp, this.path)
  }

  remove(): void {
    rmSync(this.path, { force: true })
  }
}

/** Whether the engine that wrote the state is still alive (then its processes are not orphans). */
export function ownerAlive(state: RunState): boolean {
  return state.enginePid !== process.pid && processStartTime(state.enginePid) === state.engineStartTime
}

/** The recorded processes that still run (same pid, same start time). */
export function survivors(state: RunState): RecordedProcess[] {
  return state.processes.filter((p) => p.pid > 0 && processStartTime(p.pid) === p.startTime)
}

/** SIGTERM the survivors (their groups), then SIGKILL what is left after `graceMs`. */
export async function stopSurvivors(list: RecordedProcess[], graceMs: number): Promise<void> {
  const send = (p: RecordedProcess, sig: NodeJS.Signals): void => {
    try {
      process.kill(p.group ? -p.pid : p.pid, sig)
    } catch {
      // already gone
    }
  }
  for (const p of list) send(p, 'SIGTERM')
  const deadline = Date.now() + graceMs
  let alive = list
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20))
    alive = alive.filter((p) => processStartTime(p.pid) === p.startTime && !isZombie(p.pid))
  }
  for (const p of alive) send(p, 'SIGKILL')
}

function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
  } catch {
    return true
  }
}
