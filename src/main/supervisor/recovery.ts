// No orphans, even after a SIGKILL of the engine: every spawn and exit is recorded in a
// small state file; the next engine on the same configuration reads it and stops what the
// last run left behind. A pid is trusted only if the process still has the start time that
// was recorded with it, so a pid reused by an unrelated process is never signalled.
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { processStartTime, stillRuns } from '../platform/process-identity'

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
    // Private: it names the processes and their pids (and sits beside a lab's files).
    mkdirSync(join(this.path, '..'), { recursive: true, mode: 0o700 })
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
  return state.enginePid !== process.pid && stillRuns(state.enginePid, state.engineStartTime)
}

/** The recorded processes that still run (same pid, same start time, not zombies). */
export function survivors(state: RunState): RecordedProcess[] {
  return state.processes.filter((p) => stillRuns(p.pid, p.startTime))
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
    alive = alive.filter((p) => stillRuns(p.pid, p.startTime))
  }
  for (const p of alive) send(p, 'SIGKILL')
}
