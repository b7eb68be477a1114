// Run a lab: build it (or reuse an existing lab folder), start a Supervisor on its lab.ini
// (logs and run state inside the lab folder), keep fast timers on every sentinel start when
// the spec asks for them, keep the Redis nodes up by the hold-until-failover restart policy
// (restart-policy.ts), and wait for HEALTHY, reporting progress as it happens: files
// written, master up, replicas linked, sentinels agree, HEALTHY in N ms.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { RedisBinaries } from './binaries'
import { buildLab, readLab } from './blueprint'
import { keepFastTimers } from './fast-timers'
import { type HealthReport, waitHealthy } from './health'
import type { Lab } from './layout'
import { type PolicyEvent, keepRedisNodesUp } from './restart-policy'
import type { LabSpecInput } from '../../shared/lab-spec'
import { Supervisor } from '../supervisor/supervisor'
import { LabLinks, MAC_ALIAS_HINT, loopbackAliasesWork } from '../links/lab-links'
import { serveLinks } from '../links/links-control'

type ProgressStep = 'files' | 'master' | 'replicas' | 'sentinels' | 'healthy' | 'timers'

interface RunProgress {
  step: ProgressStep
  /** ms since the supervisor was asked to start the lab (0 for 'files'). */
  ms: number
  message: string
}

export interface RunOptions {
  /** The lab folder. If it holds a lab already (lab.json), that lab is run as it is. */
  dir?: string
  binaries?: Partial<RedisBinaries>
  onProgress?: (p: RunProgress) => void
  /** Give up on HEALTHY after this long (default 30 s): the lab is stopped and runLab throws. */
  timeoutMs?: number
  /** Aborting stops the bring-up (the lab is stopped and runLab throws an AbortError). */
  signal?: AbortSignal
  /** Called once the lab folder is known, before any process starts. */
  onLab?: (lab: Lab, reused: boolean) => void
  /** Called with the supervisor before it loads the lab (to watch its events from the first spawn). */
  onSupervisor?: (supervisor: Supervisor) => void
  /** What the restart policy does (a node held down, released, restarted), as it happens. */
  onPolicy?: (e: PolicyEvent) => void
}

export interface LabHandle {
  /**
   * The lab as it is now. Code that grows the lab (adds replicas or sentinels) assigns a new
   * Lab here: the restart policy and the fast timers read it at every event.
   */
  lab: Lab
  /** Whether the folder held a lab already. */
  reused: boolean
  supervisor: Supervisor
  /** From supervisor.load() (the first spawn) to HEALTHY. */
  healthyMs: number
  /** performance.now() when supervisor.load() was called (healthyMs counts from here). */
  startedAt: number
  report: HealthReport
  /** Fast labs: resolves once every sentinel has its fast timers (or failed to get them). */
  timersApplied: Promise<void>
  /** Link faults (spec.links): the members' front proxies, null without. */
  links: LabLinks | null
  /** Stops every process of the lab; resolves once they are gone. Idempotent. */
  stop(): Promise<void>
}

/** The lab's fronts and the control other processes ask through; closed with the lab. */
async function startLinks(lab: Lab): Promise<{ links: LabLinks; close(): Promise<void> }> {
  if (!(await loopbackAliasesWork())) throw new Error(`this lab has link faults on, but ${MAC_ALIAS_HINT}`)
  const links = new LabLinks()
  try {
    await links.start([...lab.nodes, ...lab.sentinels].map((m) => ({ name: m.name, host: m.linkHost, port: m.port })))
  } catch (e) {
    await links.close()
    throw new Error(`the link fronts could not start: ${(e as Error).message}`)
  }
  const control = await serveLinks(lab.dir, links)
  return { links, close: async () => (await control.close(), await links.close()) }
}

class LabNotHealthyError extends Error {
  constructor(readonly report: HealthReport) {
    super(`the lab did not become HEALTHY within ${report.elapsedMs} ms: ` +
      report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('; '))
    this.name = 'LabNotHealthyError'
  }
}

export async function runLab(specInput: LabSpecInput = {}, options: RunOptions = {}): Promise<LabHandle> {
  const progress = options.onProgress ?? (() => {})
  const reused = options.dir !== undefined && existsSync(join(options.dir, 'lab.json'))
  const lab = reused ? readLab(options.dir!) : await buildLab(specInput, { dir: options.dir, binaries: options.binaries })
  progress({ step: 'files', ms: 0, message: `${reused ? 'using the lab files in' : 'files written to'} ${lab.dir}` })
  options.onLab?.(lab, reused)

  const supervisor = new Supervisor({ logDir: lab.logsDir, stateDir: join(lab.dir, 'state') })
  // The handle exists only once HEALTHY; until then the lab is the one just built or read.
  let handle: LabHandle | null = null
  const getLab = (): Lab => handle?.lab ?? lab
  const fast = lab.spec.timers === 'fast'
  const pending = new Set(fast ? lab.sentinels.map((s) => s.name) : [])
  let timersDone: () => void = () => {}
  const timersApplied = new Promise<void>((r) => (timersDone = r))
  if (pending.size === 0) timersDone()
  const settle = (name: string): void => {
    if (pending.delete(name) && pending.size === 0) timersDone()
  }
  const timerErrors: string[] = []
  const stopWatching = fast
    ? keepFastTimers(supervisor, getLab, {
        onApplied: (n) => settle(n),
        onError: (n, e) => {
          timerErrors.push(`${n}: ${e.message}`)
          settle(n)
        },
      })
    : () => {}
  const stopPolicy = keepRedisNodesUp(supervisor, getLab, { onEvent: options.onPolicy })
  // The fronts stand before any member starts: a replica's first connection goes through one.
  const links = lab.spec.links ? await startLinks(lab) : null

  let stopping: Promise<void> | null = null
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      stopWatching()
      // Before the shutdown: a node held down must not be started under a stopping lab.
      await stopPolicy()
      await supervisor.shutdown()
      await links?.close()
    })()
    return stopping
  }

  options.onSupervisor?.(supervisor)
  const t0 = performance.now()
  const seen = new Set<ProgressStep>()
  const once = (step: ProgressStep, message: string): void => {
    if (seen.has(step)) return
    seen.add(step)
    progress({ step, ms: Math.round(performance.now() - t0), message })
  }
  let report: HealthReport
  try {
    await supervisor.load(lab.ini)
    report = await waitHealthy(lab, {
      timeoutMs: options.timeoutMs ?? 30_000,
      signal: options.signal,
      onProgress: (r) => {
        const ok = (kind: string): boolean => r.checks.filter((c) => c.kind === kind).every((c) => c.ok)
        const master = r.checks.find((c) => c.kind === 'master')
        if (master?.ok) once('master', `master up on 127.0.0.1:${master.port}`)
        if (seen.has('master') && ok('replica')) once('replicas', `${lab.replicas.length} replica(s) linked`)
        if (seen.has('replicas') && ok('sentinel')) once('sentinels', `${lab.sentinels.length} sentinel(s) agree, quorum ${lab.spec.quorum} OK`)
      },
    })
  } catch (e) {
    await stop()
    throw e
  }
  const healthyMs = Math.round(performance.now() - t0)
  if (!report.healthy) {
    await stop()
    if (options.signal?.aborted) throw Object.assign(new Error('bring-up aborted'), { name: 'AbortError' })
    throw new LabNotHealthyError(report)
  }
  once('master', 'master up')
  once('replicas', 'replicas linked')
  once('sentinels', 'sentinels agree')
  once('healthy', `HEALTHY in ${healthyMs} ms`)
  if (fast) {
    void timersApplied.then(() => {
      const ms = Math.round(performance.now() - t0)
      if (timerErrors.length > 0) progress({ step: 'timers', ms, message: `fast timers NOT applied: ${timerErrors.join('; ')}` })
      else progress({ step: 'timers', ms, message: `fast timers applied on ${lab.sentinels.length} sentinel(s)` })
    })
  }
  handle = { lab, reused, supervisor, healthyMs, startedAt: t0, report, timersApplied, links: links?.links ?? null, stop }
  return handle
}
