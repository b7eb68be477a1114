// A lab the app runs: its folder, its supervisor (runLab), a SentinelWatcher on it, the
// node actions, and the LabStatus the UI shows, emitted on progress, process changes,
// topology changes and timeline entries (throttled). Passwords stay here: nothing in
// LabStatus holds one.
import { existsSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { LabListing, LabNodeAction, LabNodeStatus, LabState, LabStatus } from '../../shared/model'
import type { LabSpecInput } from '../../shared/lab-spec'
import { ApiError } from '../../shared/errors'
import type { TimelineEntry } from '../sentinel/timeline'
import { SentinelWatcher } from '../sentinel/watcher'
import type { Supervisor } from '../supervisor/supervisor'
import { readLab } from './blueprint'
import { dataLossWarning } from './data-loss'
import { requestFailover } from './failover'
import { safeSwitchover } from './safe-switchover'
import { type LabNote, mergedTimeline, nodeStatuses, runningState, sentinelStatuses, serverOf } from './lab-status'
import type { Lab } from './layout'
import { type LabLinks, frontHost, pastTheLinks } from '../links/lab-links'
import { applyLinks } from '../links/links-control'
import { describeChange, linksView } from '../links/links-view'
import type { LinkChange } from '../../shared/links'
import { addReplica, addSentinel, removeMember } from './membership'
import { supervisedNodeAction } from './node-action'
import { liveOwner } from './owner'
import { type LabHandle, runLab } from './runner'
import { type Throttle, statusThrottle } from './throttle'

const NOTES_MAX = 200

export class OwnedLab {
  private state: LabState = 'stopped'
  private progress: LabStatus['progress'] = []
  private healthyMs: number | null = null
  private error: string | null = null
  private lab: Lab | null = null
  private supervisor: Supervisor | null = null
  private handle: LabHandle | null = null
  private watcher: SentinelWatcher | null = null
  private abort: AbortController | null = null
  private starting: Promise<void> | null = null
  private stopping: Promise<void> | null = null
  private readonly notes: LabNote[] = []
  private noteCount = 0
  /** The watcher's timeline, kept when the lab stops so the story stays on screen. */
  private lastTimeline: readonly TimelineEntry[] = []
  /** Each node's role when the lab last stopped. */
  private readonly lastRoles = new Map<string, LabNodeStatus['role']>()
  private readonly paused = new Set<string>()
  /** Changes in flight (operate()): aborted and awaited before the lab stops. */
  private readonly operations = new Set<{ abort: AbortController; done: Promise<void> }>()
  private readonly held = new Set<string>()
  private readonly throttle: Throttle

  constructor(
    readonly dir: string,
    emit: (status: LabStatus) => void,
    private readonly onStateChange: () => void = () => {},
  ) {
    this.throttle = statusThrottle(() => this.status(), emit, () => this.onStateChange())
  }

  get id(): string {
    return basename(this.dir)
  }

  get running(): boolean {
    return this.state === 'healthy' || this.state === 'degraded'
  }

  get idle(): boolean {
    return this.state === 'stopped' || this.state === 'failed'
  }

  /** The lab as the folder describes it (null before the folder is read or written). */
  /** The lab's link faults (its front proxies), when it runs with them. */
  get links(): LabLinks | null {
    return this.handle?.links ?? null
  }

  get layout(): Lab | null {
    if (this.handle) return this.handle.lab
    if (!this.lab && existsSync(join(this.dir, 'lab.json'))) {
      try {
        this.lab = readLab(this.dir)
      } catch {
        // Unreadable: run() reports why.
      }
    }
    return this.lab
  }

  status(): LabStatus {
    const lab = this.layout
    const procs = this.supervisor?.snapshot().processes ?? []
    const topology = this.watcher?.topology() ?? null
    const facts = { procs, topology, live: this.watcher !== null, paused: this.paused, held: this.held }
    // The watcher knows members by the address the sentinels use for them (their own with link faults).
    let nodes = lab ? nodeStatuses(byLinkHost(lab.nodes), facts) : []
    let sentinels = lab ? sentinelStatuses(byLinkHost(lab.sentinels), facts) : []
    // Without a watcher (stopping, stopped): the roles they had last, as a failover does not undo itself.
    if (!this.watcher) nodes = nodes.map((n) => ({ ...n, role: this.lastRoles.get(n.name) ?? n.role }))
    if (this.idle) {
      nodes = nodes.map((n) => ({ ...n, pid: 0, reachable: false, linkStatus: null, paused: false, held: false }))
      sentinels = sentinels.map((s) => ({ ...s, pid: 0, ok: false, reachable: false, flags: [], paused: false }))
    }
    const names = new Map((lab?.sentinels ?? []).map((s) => [`${s.linkHost}:${s.port}`, s.name]))
    const timeline = mergedTimeline(this.watcher?.timeline.entries() ?? this.lastTimeline, this.notes, names)
    if (this.running && this.watcher) this.state = runningState(nodes, sentinels, topology)
    const spec = lab?.spec
    return {
      id: this.id,
      kind: 'owned',
      name: spec?.name ?? this.id,
      masterName: spec?.masterName ?? 'mymaster',
      state: this.state,
      dir: this.dir,
      origin: null,
      settings: spec
        ? { replicas: lab!.replicas.length, sentinels: lab!.sentinels.length, quorum: spec.quorum, downAfterMs: spec.downAfterMs, timers: spec.timers, persistence: spec.persistence, ...serverOf(lab!) }
        : null,
      progress: [...this.progress],
      healthyMs: this.healthyMs,
      error: this.error,
      nodes,
      sentinels,
      timeline,
      links: this.links ? linksView(this.links) : null,
    }
  }

  /** Cut, slow, partition, heal or reset links (labs with link faults); noted on the timeline. */
  changeLinks(change: LinkChange): LabStatus {
    const links = this.links
    if (!links) throw new ApiError(`${this.id} runs without link faults: make a lab with "Link faults" to cut its links`, 'failed')
    const reply = applyLinks(links, change)
    if (!reply.ok) throw new ApiError(reply.error, 'invalid-argument')
    this.note(change.op === 'heal' ? 'heal' : change.op === 'partition' ? 'partition' : 'link', describeChange(change, reply.reset))
    return this.status()
  }

  listing(): LabListing {
    const s = this.layout?.spec
    // Stopped here, the folder may since run under `sentinel-lab up` in a terminal.
    const owner = this.idle ? liveOwner(this.dir) : null
    return {
      id: this.id, kind: 'owned', name: s?.name ?? this.id, dir: this.dir, state: owner ? 'healthy' : this.state,
      runningElsewhere: owner && owner.pid !== process.pid ? { pid: owner.pid } : null, createdAt: null,
    }
  }

  /**
   * Run the lab: a fresh one from `spec` when the folder holds none yet, else the folder's
   * own lab (what a previous run left running is stopped first by the supervisor).
   */
  async run(spec: LabSpecInput | null): Promise<LabStatus> {
    if (!this.idle) throw new ApiError(`the lab ${this.id} is already ${this.state === 'stopping' ? 'stopping' : 'running'}`, 'failed')
    this.setState('starting')
    this.progress = []
    this.healthyMs = null
    this.error = null
    this.paused.clear()
    this.held.clear()
    this.abort = new AbortController()
    this.throttle.schedule()
    const run = (async () => {
      try {
        this.handle = await runLab(spec ?? {}, {
          dir: this.dir,
          signal: this.abort!.signal,
          onLab: (lab) => {
            this.lab = lab
            this.throttle.schedule()
          },
          onSupervisor: (s) => this.watchSupervisor(s),
          onProgress: (p) => {
            this.progress.push({ atMs: p.ms, text: p.message })
            this.throttle.schedule()
          },
          onPolicy: (e) => {
            if (e.kind === 'hold') this.held.add(e.node)
            else this.held.delete(e.node)
            this.note(e.kind, e.text)
          },
        })
        this.healthyMs = this.handle.healthyMs
        this.handle.links?.rules.on('change', () => this.throttle.schedule())
        this.watcher = this.makeWatcher(this.handle.lab)
        await this.watcher.start()
        await this.modelCaughtUp(this.watcher, 3000)
        if (this.state === 'starting') {
          this.note('start', `lab started: HEALTHY in ${this.healthyMs} ms (${this.handle.lab.nodes.length} nodes, ${this.handle.lab.sentinels.length} sentinels)`)
          this.setState('healthy')
        }
      } catch (e) {
        await this.teardown()
        if (this.state === 'stopping' || this.abort?.signal.aborted) this.setState('stopped')
        else {
          this.error = e instanceof Error ? e.message : String(e)
          this.setState('failed')
        }
      }
      this.throttle.schedule()
    })()
    this.starting = run
    await run
    this.starting = null
    return this.status()
  }

  async stop(): Promise<LabStatus> {
    if (this.idle) return this.status()
    this.stopping ??= (async () => {
      this.setState('stopping')
      this.abort?.abort()
      await this.starting?.catch(() => {})
      for (const op of this.operations) op.abort.abort()
      await Promise.all([...this.operations].map((op) => op.done))
      await this.teardown()
      this.note('stop', 'lab stopped: every process is gone')
      this.setState('stopped')
    })()
    try {
      await this.stopping
    } finally {
      this.stopping = null
    }
    return this.status()
  }

  /**
   * A manual failover. Safe (the default): writes paused until the replicas have everything,
   * so no acknowledged write is lost (safe-switchover.ts). Not safe: Sentinel's own SENTINEL
   * FAILOVER, under which the old master acknowledges writes until it is demoted.
   */
  async failover(safe = true): Promise<LabStatus> {
    const lab = this.requireRunning()
    this.note('failover', safe ? 'safe switch-over asked (writes paused, replicas caught up, SENTINEL FAILOVER)' : 'manual failover asked (SENTINEL FAILOVER)')
    try {
      if (safe) {
        const r = await safeSwitchover(lab)
        this.note('failover', `switch-over done: 127.0.0.1:${r.from} -> 127.0.0.1:${r.to}; writes held ${r.heldMs} ms (replicas caught up in ${r.caughtUpMs} ms, sentinels agreed in ${r.ms} ms)`)
        if (this.watcher) await this.watcher.whenModel((t) => t.master?.port === r.to, 2000)
      } else {
        const r = await requestFailover(lab)
        this.note('failover', `failover done: 127.0.0.1:${r.from} -> 127.0.0.1:${r.to} in ${r.ms} ms`)
        // The answer should show the new master: wait (bounded) for the watcher to have it too.
        if (this.watcher) await this.watcher.whenModel((t) => t.master?.port === r.to, 2000)
      }
    } catch (e) {
      throw new ApiError(e instanceof Error ? e.message : String(e), 'failed')
    }
    return this.status()
  }

  /** Why `action` on node `name` would lose data now (null: it would not, or it is not a node). */
  dataLossWarning(name: string, action: LabNodeAction): string | null {
    const node = this.layout?.nodes.find((n) => n.name === name)
    if (!node || !this.running) return null
    const topo = this.watcher?.topology()
    return dataLossWarning(name, action, {
      persistence: this.layout!.spec.persistence,
      // Sentinels that cannot say count as "it may be the master", as in the restart policy.
      isMaster: topo?.master ? topo.master.port === node.port : topo?.nodes.find((n) => n.port === node.port)?.role !== 'replica',
      linkedReplicas: (topo?.nodes ?? []).filter((n) => n.port !== node.port && n.role === 'replica' && n.masterLinkStatus === 'up').length,
    })
  }

  async nodeAction(name: string, action: LabNodeAction, confirmed: boolean): Promise<LabStatus> {
    const lab = this.requireRunning()
    const supervisor = this.supervisor!
    const isNode = lab.nodes.some((n) => n.name === name)
    if (!isNode && !lab.sentinels.some((s) => s.name === name)) {
      throw new ApiError(`${name}: no such node or sentinel in ${this.id} (there are ${[...lab.nodes, ...lab.sentinels].map((m) => m.name).join(', ')})`, 'not-found')
    }
    if (isNode && !confirmed) {
      const warning = this.dataLossWarning(name, action)
      if (warning) throw new ApiError(warning, 'needs-confirmation')
    }
    await supervisedNodeAction(supervisor, name, action, this.paused, (type, text) => this.note(type, text))
    return this.status()
  }

  /**
   * Run a change to the running lab (a membership change) tied to its life: stop() aborts it
   * and waits for it before the processes go, so it never edits files under a later run.
   */
  private async operate<T>(fn: (runtime: LabHandle, signal: AbortSignal) => Promise<T>): Promise<T> {
    this.requireRunning()
    const abort = new AbortController()
    const run = fn(this.handle!, abort.signal)
    const entry = { abort, done: run.then(() => {}, () => {}) }
    this.operations.add(entry)
    try {
      return await run
    } finally {
      this.operations.delete(entry)
      this.throttle.schedule()
    }
  }

  /** Add a replica or a sentinel to the running lab (membership.ts says how the others learn of it). */
  async addMember(kind: 'replica' | 'sentinel'): Promise<LabStatus> {
    const add = kind === 'replica' ? addReplica : addSentinel
    const r = await this.operate((rt, signal) => add(rt, { signal }))
    // Maybe on a port a removed member had: the watcher takes it back.
    this.watcher?.remember({ host: this.layout?.spec.links ? frontHost(r.port) : '127.0.0.1', port: r.port })
    this.note('add', `added ${r.name} on port ${r.port} in ${r.ms} ms: ${r.steps.join('; ')}`)
    return this.status()
  }

  /** Remove a replica or a sentinel; the watcher stops reconnecting to it. */
  async removeMember(name: string): Promise<LabStatus> {
    const r = await this.operate((rt, signal) => removeMember(rt, name, { signal }))
    await this.watcher?.forget({ host: this.layout?.spec.links ? frontHost(r.port) : '127.0.0.1', port: r.port })
    this.note('remove', `removed ${r.name} in ${r.ms} ms: ${r.steps.join('; ')}`)
    return this.status()
  }

  /** Something the lab did, for the timeline. */
  note(type: string, text: string): void {
    this.notes.push({ id: ++this.noteCount, t: Date.now(), type, text })
    if (this.notes.length > NOTES_MAX) this.notes.splice(0, this.notes.length - NOTES_MAX)
    this.throttle.schedule()
  }

  async shutdown(): Promise<void> {
    await this.stop()
    this.throttle.cancel()
  }

  private requireRunning(): Lab {
    const lab = this.layout
    if (!lab || !this.running) throw new ApiError(`the lab ${this.id} is not running`, 'failed')
    return lab
  }

  private setState(state: LabState): void {
    this.state = state
    this.throttle.schedule()
    this.onStateChange()
  }

  private watchSupervisor(s: Supervisor): void {
    this.supervisor = s
    s.on('change', () => this.throttle.schedule())
    s.on('process', () => this.throttle.schedule())
    s.on('transition', (e) => {
      // A paused process that exits or is respawned is no longer paused.
      if (e.to !== 'RUNNING' || e.from !== 'STARTING') this.paused.delete(e.process.program)
      if (e.to === 'EXITED' && e.from === 'RUNNING') this.note('exit', `${e.process.program} exited (${e.process.exitDescription ?? 'unknown cause'})`)
      this.throttle.schedule()
    })
  }

  /**
   * The lab is HEALTHY (runLab checked), but the watcher's first look may predate its node
   * connections: wait (bounded) until its model says so too, so the answer shows the truth.
   */
  private modelCaughtUp(watcher: SentinelWatcher, timeoutMs: number): Promise<void> {
    const lab = this.layout!
    return watcher.whenModel((topology) => {
      const facts = { procs: this.supervisor?.snapshot().processes ?? [], topology, live: true, paused: this.paused, held: this.held }
      return runningState(nodeStatuses(byLinkHost(lab.nodes), facts), sentinelStatuses(byLinkHost(lab.sentinels), facts), topology) === 'healthy'
    }, timeoutMs)
  }

  private makeWatcher(lab: Lab): SentinelWatcher {
    const watcher = new SentinelWatcher({
      sentinels: lab.sentinels.map((s) => ({ host: s.linkHost, port: s.port })),
      masterName: lab.masterName,
      password: lab.password,
      pollIntervalMs: 500,
      dial: lab.spec.links ? pastTheLinks : undefined,
    })
    watcher.on('topology', () => this.throttle.schedule())
    watcher.on('timeline', () => this.throttle.schedule())
    return watcher
  }

  private async teardown(): Promise<void> {
    if (this.watcher) for (const n of this.status().nodes) if (n.role !== 'unknown') this.lastRoles.set(n.name, n.role)
    const watcher = this.watcher
    this.watcher = null
    if (watcher) this.lastTimeline = watcher.timeline.entries()
    await watcher?.close().catch(() => {})
    const handle = this.handle
    this.handle = null
    if (handle) this.lab = handle.lab
    await handle?.stop()
    // A bring-up that failed before runLab returned has stopped its supervisor already.
    await this.supervisor?.shutdown().catch(() => {})
    this.paused.clear()
    this.held.clear()
  }
}

/** The watcher knows members by the address the sentinels use for them (their own, with link faults). */
function byLinkHost<T extends { linkHost: string }>(members: readonly T[]): (T & { host: string })[] {
  return members.map((m) => ({ ...m, host: m.linkHost }))
}
