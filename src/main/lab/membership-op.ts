// One membership change in progress: its deadline, its connections, its steps, and its
// programs in the supervisor (stop one, wait for a new one to start). withOp runs an
// operation body with one; exclusive runs one change at a time per lab. The types of the
// public API live here too (membership.ts re-exports them), so that membership-files.ts and
// membership-sentinels.ts can throw MembershipError without importing membership.ts.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ProcessInfo } from '../../shared/model'
import { reason } from '../sentinel/replies'
import type { Supervisor } from '../supervisor/supervisor'
import type { LabLinks } from '../links/lab-links'
import type { Lab } from './layout'
import { RedisPool } from '../sentinel/redis-pool'

/**
 * What membership changes need: the running lab and its supervisor. The caller's object is
 * updated in place: runtime.lab is replaced by the new Lab BEFORE the supervisor spawns the
 * new process (fast timers and the restart policy read runtime.lab).
 */
export interface LabRuntime {
  lab: Lab
  supervisor: Supervisor
  /** Link faults: a member that joins gets its front before it starts; one that leaves loses it. */
  links?: LabLinks | null
}

export interface MembershipOptions {
  /** Give up waiting after this long (whole operation). Default: 15 s to add, 30 s to remove. */
  timeoutMs?: number
  signal?: AbortSignal
}

export interface MembershipResult {
  /** The lab as it is now (also in runtime.lab). */
  lab: Lab
  /** The member added or removed. */
  name: string
  port: number
  ms: number
  /** What was done, in plain words, in order. */
  steps: string[]
}

/** A refusal or a failure, in words that say why. */
export class MembershipError extends Error {
  override name = 'MembershipError'
}

const POLL_MS = 20
const CALL_TIMEOUT_MS = 500
export const LOOPBACK = '127.0.0.1'

export class Op {
  readonly steps: string[] = []
  readonly pool = new RedisPool(CALL_TIMEOUT_MS)

  constructor(readonly rt: LabRuntime, readonly deadline: number, readonly signal: AbortSignal | undefined) {}

  step(s: string): void {
    this.steps.push(s)
  }

  checkAbort(): void {
    if (this.signal?.aborted) throw Object.assign(new Error(`aborted; done so far: ${this.steps.join('; ') || 'nothing'}`), { name: 'AbortError' })
  }

  async waitFor(what: string, check: () => Promise<string | null>): Promise<void> {
    for (;;) {
      this.checkAbort()
      let missing: string | null
      try {
        missing = await check()
      } catch (e) {
        if (e instanceof MembershipError) throw e
        missing = reason(e)
      }
      if (missing === null) return
      if (performance.now() >= this.deadline) {
        throw new MembershipError(`timed out waiting for ${what}: ${missing}; done so far: ${this.steps.join('; ')}`)
      }
      await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, this.deadline - performance.now()))))
    }
  }

  proc(program: string): ProcessInfo | undefined {
    return this.rt.supervisor.snapshot().processes.find((p) => p.program === program)
  }

  isRunning(program: string): boolean {
    const s = this.proc(program)?.state
    return s === 'RUNNING' || s === 'STARTING'
  }

  async stopProcess(name: string): Promise<void> {
    const target = { kind: 'process', name } as const
    const p = this.proc(name)
    if (!p) return
    if (p.pid > 0) this.rt.supervisor.signal(target, 'CONT') // a paused (SIGSTOP) process would sit on SIGTERM
    this.rt.supervisor.stop(target)
    await this.waitFor(`${name} to stop`, async () => {
      const q = this.proc(name)
      return !q || (q.pid === 0 && !['RUNNING', 'STARTING', 'STOPPING', 'BACKOFF'].includes(q.state)) ? null : `${name} is ${q.state} (pid ${q.pid})`
    })
  }

  /**
   * Wait for a newly started member to be `ready`. If its process fails to start (BACKOFF,
   * FATAL, EXITED), the change is undone (`undo`), and it throws.
   */
  async waitStarted(name: string, log: string, undo: () => Promise<void>, ready: () => Promise<string | null>): Promise<void> {
    await this.waitFor(`${name} to start`, async () => {
      const p = this.proc(name)
      if (p && ['BACKOFF', 'FATAL', 'EXITED'].includes(p.state)) {
        const why = p.spawnError ?? p.exitDescription ?? p.state
        const tail = logTail(log)
        await undo()
        throw new MembershipError(`${name} did not start (${why}), so it was taken out again (lab.json, lab.ini as they were)${tail ? `; its log ends: ${tail}` : ''}`)
      }
      if (!p || p.pid <= 0) return `${name} is ${p?.state ?? 'not there'}`
      return ready()
    })
  }
}

export async function withOp(rt: LabRuntime, options: MembershipOptions, defaultTimeout: number,
  body: (op: Op) => Promise<Omit<MembershipResult, 'ms' | 'steps'>>): Promise<MembershipResult> {
  const t0 = performance.now()
  const op = new Op(rt, t0 + (options.timeoutMs ?? defaultTimeout), options.signal)
  op.checkAbort()
  const configPath = rt.supervisor.snapshot().configPath
  if (configPath === null) throw new MembershipError(`the lab ${rt.lab.spec.name} is not running`)
  if (resolve(configPath) !== resolve(rt.lab.ini)) throw new MembershipError(`the supervisor runs ${configPath}, not the lab's ${rt.lab.ini}`)
  try {
    const r = await body(op)
    return { ...r, ms: Math.round(performance.now() - t0), steps: op.steps }
  } finally {
    op.pool.close()
  }
}

/** One membership change at a time per lab (per supervisor). */
const queues = new WeakMap<Supervisor, Promise<unknown>>()

export function exclusive<T>(rt: LabRuntime, fn: () => Promise<T>): Promise<T> {
  const before = queues.get(rt.supervisor) ?? Promise.resolve()
  const run = before.then(fn, fn)
  queues.set(rt.supervisor, run.catch(() => {}))
  return run
}

function logTail(log: string): string {
  try {
    return readFileSync(log, 'utf8').trim().split('\n').slice(-3).join(' | ').slice(-400)
  } catch {
    return ''
  }
}
