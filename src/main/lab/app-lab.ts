// The app's one lab: runs it (runLab), watches it (SentinelWatcher) and keeps a LabStatus
// for the API, emitted on progress, topology changes and timeline entries (throttled).
// Passwords stay here: nothing in LabStatus holds one.
import { join } from 'node:path'
import Redis from 'ioredis'
import type { LabSpecInput, LabStatus } from '../../shared/model'
import { ApiError } from '../api-guard'
import { SentinelWatcher } from '../sentinel/watcher'
import { reason } from '../sentinel/replies'
import { labsRoot } from './blueprint'
import type { Lab } from './layout'
import { type LabHandle, runLab } from './runner'
import { validateSpec } from './spec'
import type { Supervisor } from '../supervisor/supervisor'

/** At most one 'lab' event per this many ms. */
const EMIT_EVERY_MS = 100
const TIMELINE_MAX = 200

export class AppLab {
  private status: LabStatus = { state: 'stopped', dir: null, progress: [], healthyMs: null, error: null, nodes: [], sentinels: [], timeline: [] }
  private lab: Lab | null = null
  private supervisor: Supervisor | null = null
  private handle: LabHandle | null = null
  private watcher: SentinelWatcher | null = null
  private abort: AbortController | null = null
  private starting: Promise<unknown> | null = null
  private stopping: Promise<void> | null = null
  private timer: NodeJS.Timeout | null = null
  private lastEmit = 0

  constructor(
    private readonly emit: (status: LabStatus) => void,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get(): LabStatus {
    this.refreshModel()
    return structuredClone(this.status)
  }

  async start(input: LabSpecInput): Promise<LabStatus> {
    const busy = ['starting', 'healthy', 'degraded', 'stopping'] as const
    if ((busy as readonly string[]).includes(this.status.state)) {
      throw new ApiError(`a lab is already ${this.status.state === 'stopping' ? 'stopping' : 'running'} in ${this.status.dir}: stop it first`, 'failed')
    }
    const spec = { ...input, timers: input.timers ?? 'fast' }
    const errors = validateSpec(spec)
    if (errors.length > 0) throw new ApiError(errors.map((e) => `${e.field}: ${e.message}`).join('; '), 'invalid-argument')

    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')
    const dir = join(labsRoot(this.env), `${spec.name ?? 'lab'}-${stamp}-${Math.random().toString(36).slice(2, 6)}`)
    this.status = { state: 'starting', dir, progress: [], healthyMs: null, error: null, nodes: [], sentinels: [], timeline: [] }
    this.lab = null
    this.supervisor = null
    this.abort = new AbortController()
    this.schedule()
    const run = (async () => {
      try {
        this.handle = await runLab(spec, {
          dir,
          signal: this.abort!.signal,
          onLab: (lab) => {
            this.lab = lab
            this.schedule()
          },
          onSupervisor: (s) => {
            this.supervisor = s
            s.on('change', () => this.schedule())
            s.on('process', () => this.schedule())
            s.on('transition', () => this.schedule())
          },
          onProgress: (p) => {
            this.status.progress.push({ atMs: p.ms, text: p.message })
            this.schedule()
          },
        })
        this.status.healthyMs = this.handle.healthyMs
        const lab = this.handle.lab
        const watcher = new SentinelWatcher({
          sentinels: lab.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
          masterName: lab.masterName,
          password: lab.password,
          pollIntervalMs: 500,
        })
        this.watcher = watcher
        watcher.on('topology', () => this.schedule())
        watcher.on('timeline', () => this.schedule())
        await watcher.start()
        if (this.status.state === 'starting') this.status.state = 'healthy'
      } catch (e) {
        await this.teardown()
        if (this.status.state === 'stopping' || this.abort?.signal.aborted) this.status.state = 'stopped'
        else {
          this.status.state = 'failed'
          this.status.error = e instanceof Error ? e.message : String(e)
        }
      }
      this.schedule()
    })()
    this.starting = run
    await run
    this.starting = null
    return this.get()
  }

  async stop(): Promise<LabStatus> {
    if (this.status.state === 'stopped' || this.status.state === 'failed') return this.get()
    this.stopping ??= (async () => {
      this.status.state = 'stopping'
      this.schedule()
      this.abort?.abort()
      await this.starting?.catch(() => {})
      await this.teardown()
      this.status.state = 'stopped'
      this.schedule()
    })()
    try {
      await this.stopping
    } finally {
      this.stopping = null
    }
    return this.get()
  }

  /** SENTINEL FAILOVER through the first sentinel that answers. */
  async failover(): Promise<LabStatus> {
    const lab = this.lab
    if (!lab || (this.status.state !== 'healthy' && this.status.state !== 'degraded')) throw new ApiError('no lab is running', 'failed')
    let last = 'no sentinel answered'
    for (const s of lab.sentinels) {
      const c = new Redis({ host: '127.0.0.1', port: s.port, lazyConnect: true, connectTimeout: 1000, commandTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null })
      c.on('error', () => {})
      try {
        await c.connect()
        await c.call('SENTINEL', 'FAILOVER', lab.masterName)
        return this.get()
      } catch (e) {
        const m = reason(e)
        if (/INPROG/i.test(m)) throw new ApiError('a failover is already in progress', 'failed')
        if (/NOGOODSLAVE/i.test(m)) throw new ApiError('no replica can be promoted (none is linked and healthy)', 'failed')
        last = `${s.name}: ${m}`
      } finally {
        c.disconnect()
      }
    }
    throw new ApiError(`manual failover failed: ${last}`, 'failed')
  }

  /** Stop everything (the app quits). */
  async shutdown(): Promise<void> {
    await this.stop()
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private async teardown(): Promise<void> {
    const watcher = this.watcher
    this.watcher = null
    await watcher?.close().catch(() => {})
    const handle = this.handle
    this.handle = null
    await handle?.stop()
    // A bring-up that failed before runLab returned has stopped its supervisor already.
    await this.supervisor?.shutdown().catch(() => {})
    this.refreshModel()
    this.status.nodes = this.status.nodes.map((n) => ({ ...n, pid: 0, reachable: false, linkStatus: null }))
    this.status.sentinels = this.status.sentinels.map((s) => ({ ...s, ok: false, flags: [] }))
  }

  private schedule(): void {
    if (this.timer) return
    const wait = Math.max(0, this.lastEmit + EMIT_EVERY_MS - Date.now())
    this.timer = setTimeout(() => {
      this.timer = null
      this.lastEmit = Date.now()
      this.emit(this.get())
    }, wait)
  }

  /** Map the lab, its processes and the watcher's model into the status. */
  private refreshModel(): void {
    const lab = this.lab
    if (!lab) return
    const procs = this.supervisor?.snapshot().processes ?? []
    const pid = (name: string): number => procs.find((p) => p.program === name)?.pid ?? 0
    const topo = this.watcher?.topology()
    const nodeByPort = new Map((topo?.nodes ?? []).map((n) => [n.port, n]))
    const sentinelByPort = new Map((topo?.sentinels ?? []).map((s) => [s.port, s]))
    const live = this.watcher !== null
    this.status.nodes = lab.nodes.map((n) => {
      const t = nodeByPort.get(n.port)
      return {
        name: n.name,
        role: t && t.role !== 'unknown' ? t.role : live ? 'unknown' : n.initialRole,
        port: n.port,
        pid: pid(n.name),
        linkStatus: t?.masterLinkStatus ?? null,
        offset: t?.offset ?? null,
        reachable: t?.reachable ?? false,
      }
    })
    this.status.sentinels = lab.sentinels.map((s) => {
      const t = sentinelByPort.get(s.port)
      return { name: s.name, port: s.port, masterPort: t?.masterAddress?.port ?? null, flags: t?.flags ?? [], ok: Boolean(t?.reachable && t.ckquorum?.ok) }
    })
    if (this.watcher) {
      const names = new Map(lab.sentinels.map((s) => [`127.0.0.1:${s.port}`, s.name]))
      this.status.timeline = this.watcher.timeline.entries().slice(-TIMELINE_MAX).map((e) => ({
        id: e.id, t: e.firstSeen, type: e.type, text: e.event.raw, seenBy: e.seenBy.map((id) => names.get(id) ?? id),
      }))
    }
    if (this.status.state === 'healthy' || this.status.state === 'degraded') {
      const master = topo?.master?.port
      const good = this.status.nodes.every((n) => n.reachable && (n.role === 'master' ? n.port === master : n.linkStatus === 'up')) &&
        this.status.sentinels.every((s) => s.ok && s.masterPort === master && !s.flags.some((f) => /down|failover|disconnected/.test(f)))
      this.status.state = good ? 'healthy' : 'degraded'
    }
  }
}
