// SentinelWatcher: the live view of one Sentinel-monitored master, on ioredis. Monitor
// only (attach mode): it owns no process, only connections.
// - PSUBSCRIBE * on every sentinel: each message parsed, timestamped, attributed to its
//   sentinel ('event'), and merged into `timeline` ('timeline').
// - A model ('topology'): per data node (found through SENTINEL MASTER / REPLICAS) its
//   INFO replication view; per sentinel what it believes (GET-MASTER-ADDR-BY-NAME, flags,
//   num-other-sentinels, quorum, CKQUORUM).
// - +switch-master updates the model at once from the message itself (emit 'topology'),
//   then triggers a refresh; INFO polling is only the slow background check.
// Connections: authenticated, short timeouts, reconnecting with backoff; close() leaves no
// socket and no timer.
import { EventEmitter } from 'node:events'
import Redis from 'ioredis'
import { type Address, type SentinelEvent, parseSentinelEvent } from './event-parser'
import { ended, ready } from './connection'
import { infoReplicas, num, parseInfo, reason } from './replies'
import { type SentinelAnswer, askSentinel } from './sentinel-query'
import { Timeline, type TimelineEntry, type TimelineOptions } from './timeline'
import { type NodeState, type SentinelState, type Topology, addressId, applyInfo, currentMaster, sameAddress } from './topology'

interface SentinelWatcherOptions {
  sentinels: { host: string; port: number }[]
  masterName: string
  /** Password of the data nodes (requirepass). */
  password?: string
  /** Password of the sentinels, when they have one. */
  sentinelPassword?: string
  username?: string
  sentinelUsername?: string
  /** Background INFO / SENTINEL polling period (default 1000 ms). */
  pollIntervalMs?: number
  /** Connect and command timeout (default 500 ms). */
  timeoutMs?: number
  timeline?: TimelineOptions
  /**
   * Where to connect for an instance known by this address (default: the address itself).
   * A lab with link faults names its members by addresses that go through its proxies; the
   * watcher reaches them directly, so a partition never blinds it.
   */
  dial?: (address: { host: string; port: number }) => { host: string; port: number }
}

export interface WatchedEvent {
  /** The sentinel that published it ("host:port"). */
  sentinel: string
  event: SentinelEvent
  /** Date.now() on receipt. */
  at: number
  /** performance.now() on receipt (for latency measurements). */
  receivedAt: number
}

interface SentinelWatcherEvents {
  event: [WatchedEvent]
  timeline: [TimelineEntry, boolean]
  topology: [Topology]
  /** A problem worth showing (never thrown): connection errors are kept in the model instead. */
  warning: [string]
}

interface SentinelLink {
  state: SentinelState
  cmd: Redis
  sub: Redis
}

interface SentinelView extends SentinelAnswer {
  link: SentinelLink
}

interface NodeLink {
  state: NodeState
  cmd: Redis
}

export class SentinelWatcher extends EventEmitter<SentinelWatcherEvents> {
  readonly timeline: Timeline
  private readonly sentinels: SentinelLink[] = []
  private readonly nodes = new Map<string, NodeLink>()
  /**
   * Members removed on purpose: Sentinel keeps listing them until SENTINEL RESET has run
   * everywhere, and they must not come back through discovery and be reconnected forever.
   */
  private readonly forgotten = new Set<string>()
  private readonly pollMs: number
  private readonly timeoutMs: number
  private lastSwitch: Address | null = null
  /** Bumped by every +switch-master: a refresh that began before it is stale. */
  private generation = 0
  private running: Promise<void> | null = null
  private again = false
  private timer: NodeJS.Timeout | null = null
  private closed = false
  private started = false
  private lastEmitted = ''
  private snapshot: Topology

  constructor(private readonly options: SentinelWatcherOptions) {
    super()
    if (options.sentinels.length === 0) throw new Error('SentinelWatcher: at least one sentinel address is needed')
    this.pollMs = options.pollIntervalMs ?? 1000
    this.timeoutMs = options.timeoutMs ?? 500
    this.timeline = new Timeline(options.timeline)
    this.snapshot = this.build('refresh')
  }

  /** Connect to every sentinel, subscribe, and take the first full look. */
  async start(): Promise<void> {
    if (this.started || this.closed) return
    this.started = true
    for (const s of this.options.sentinels) this.addSentinel(s.host, s.port)
    // Wait (bounded) for the first connections, so the first look does not see them all as down.
    await Promise.all(this.sentinels.flatMap((l) => [ready(l.cmd, this.timeoutMs * 2), ready(l.sub, this.timeoutMs * 2)]))
    await this.refresh()
    // The data nodes are found by that first look: wait (bounded) for their connections and
    // look again, so the first model does not show every node as unreachable.
    await Promise.all([...this.nodes.values()].map((n) => ready(n.cmd, this.timeoutMs * 2)))
    await this.refresh()
  }

  /** The model as of now. */
  topology(): Topology {
    return this.snapshot
  }

  /** Resolves once the model satisfies `wanted`, or after `timeoutMs` anyway. */
  whenModel(wanted: (t: Topology) => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.off('topology', look)
        resolve()
      }
      const look = (): void => void (wanted(this.snapshot) && done())
      const timer = setTimeout(done, timeoutMs)
      this.on('topology', look)
      look()
    })
  }

  /** Re-read everything now (coalesced with a refresh already running). */
  refresh(): Promise<void> {
    if (this.closed) return Promise.resolve()
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      try {
        do {
          this.again = false
          await this.refreshOnce()
        } while (this.again && !this.closed)
      } catch (e) {
        this.emit('warning', `refresh failed: ${reason(e)}`)
      } finally {
        this.running = null
        this.schedulePoll()
      }
    })()
    return this.running
  }

  /** A member was removed: close its connections and ignore it in what the sentinels say. */
  async forget(address: Address): Promise<void> {
    const id = addressId(address)
    this.forgotten.add(id)
    const node = this.nodes.get(id)
    this.nodes.delete(id)
    const i = this.sentinels.findIndex((l) => l.state.id === id)
    const sentinel = i >= 0 ? this.sentinels.splice(i, 1)[0] : undefined
    this.publish('refresh')
    await Promise.all([node?.cmd, sentinel?.cmd, sentinel?.sub].filter((c): c is Redis => c !== undefined).map((c) => ended(c)))
  }

  /** A member was added at an address forgotten before (ports are reused): watch it again. */
  remember(address: Address): void {
    this.forgotten.delete(addressId(address))
    void this.refresh()
  }

  /** Stop: every connection closed, every timer cleared. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const clients = [...this.sentinels.flatMap((l) => [l.cmd, l.sub]), ...[...this.nodes.values()].map((n) => n.cmd)]
    await Promise.all(clients.map((c) => ended(c)))
    await this.running?.catch(() => {})
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  // ---- connections ----

  private client(host: string, port: number, password: string | undefined, username: string | undefined, subscriber: boolean): Redis {
    const to = this.options.dial?.({ host, port }) ?? { host, port }
    const c = new Redis({
      host: to.host, port: to.port, password, username,
      lazyConnect: false,
      connectTimeout: this.timeoutMs,
      commandTimeout: subscriber ? undefined : this.timeoutMs,
      enableOfflineQueue: subscriber, // the psubscribe is queued until connected; commands fail fast
      enableReadyCheck: false,
      maxRetriesPerRequest: subscriber ? null : 0,
      autoResubscribe: true,
      retryStrategy: (times) => (this.closed ? null : Math.min(50 * times, 1000)),
      reconnectOnError: () => false,
      // disconnect() arms a timer this long to destroy a socket that does not end: keep it
      // short, so nothing of ours outlives close() by more than this.
      disconnectTimeout: Math.min(this.timeoutMs, 200),
    })
    c.on('error', () => {}) // the model records failures through the calls
    return c
  }

  private addSentinel(host: string, port: number): void {
    const id = addressId({ host, port })
    const state: SentinelState = {
      id, host, port, reachable: false, subscribed: false, runId: null, masterAddress: null, flags: [],
      numSlaves: null, numOtherSentinels: null, quorum: null, downAfterMs: null, configEpoch: null, ckquorum: null, error: null, updatedAt: null,
    }
    const cmd = this.client(host, port, this.options.sentinelPassword, this.options.sentinelUsername, false)
    const sub = this.client(host, port, this.options.sentinelPassword, this.options.sentinelUsername, true)
    sub.on('pmessage', (_pattern: string, channel: string, message: string) => this.onMessage(id, channel, message))
    sub.on('ready', () => {
      state.subscribed = true
      void this.refresh() // events may have been missed while disconnected
    })
    sub.on('close', () => {
      if (state.subscribed) {
        state.subscribed = false
        this.publish('event')
      }
    })
    sub.psubscribe('*').catch((e) => this.emit('warning', `PSUBSCRIBE * on sentinel ${id}: ${reason(e)}`))
    this.sentinels.push({ state, cmd, sub })
  }

  private node(address: Address): NodeLink {
    const id = addressId(address)
    let link = this.nodes.get(id)
    if (!link) {
      const state: NodeState = {
        id, host: address.host, port: address.port, reachable: false, role: 'unknown', roleSource: 'none', masterAddress: null,
        masterLinkStatus: null, offset: null, lagBytes: null, lagSeconds: null, connectedReplicas: null, error: null, updatedAt: null,
      }
      link = { state, cmd: this.client(address.host, address.port, this.options.password, this.options.username, false) }
      this.nodes.set(id, link)
    }
    return link
  }

  // ---- events ----

  private onMessage(sentinel: string, channel: string, message: string): void {
    if (this.closed) return
    const receivedAt = performance.now()
    const event = parseSentinelEvent(channel, message)
    const watched: WatchedEvent = { sentinel, event, at: Date.now(), receivedAt }
    if (event.type === '+switch-master' && event.format === 'switch-master' && event.name === this.options.masterName) this.onSwitch(sentinel, event, receivedAt)
    this.emit('event', watched)
    const { entry, created } = this.timeline.add({ event, sentinel, at: watched.at })
    this.emit('timeline', entry, created)
    if (event.master?.name === this.options.masterName && event.format === 'instance' && event.instanceType === 'slave' && event.address) {
      if (!this.nodes.has(addressId(event.address)) && !this.forgotten.has(addressId(event.address))) {
        this.node(event.address) // a new replica: watch it
        void this.refresh()
      }
    }
  }

  /** The model follows +switch-master at once, from the message itself; INFO confirms later. */
  private onSwitch(sentinel: string, event: SentinelEvent, receivedAt: number): void {
    const to = event.to!
    const from = event.from!
    this.generation++
    const s = this.sentinels.find((l) => l.state.id === sentinel)
    if (s) s.state.masterAddress = to
    const changed = !sameAddress(this.lastSwitch, to) || !sameAddress(this.snapshot.master, to)
    this.lastSwitch = to
    if (changed) {
      const promoted = this.node(to).state
      promoted.role = 'master'
      promoted.roleSource = 'switch-master'
      promoted.masterAddress = null
      promoted.masterLinkStatus = null
      const old = this.node(from).state
      if (!sameAddress(from, to)) {
        old.role = 'replica'
        old.roleSource = 'switch-master'
        old.masterAddress = to
      }
    }
    this.publish('switch-master', true, { sentinel, type: event.type, receivedAt })
    void this.refresh()
  }

  // ---- polling ----

  private schedulePoll(): void {
    if (this.closed) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      void this.refresh()
    }, this.pollMs)
  }

  private async refreshOnce(): Promise<void> {
    const generation = this.generation
    const now = Date.now()
    const sentinelViews = await Promise.all(this.sentinels.map((l) => this.querySentinel(l)))
    if (this.closed) return
    for (const v of sentinelViews) for (const a of v.discovered) if (!this.forgotten.has(addressId(a))) this.node(a)
    // Attach mode may be given one sentinel: the others are found through it, like ioredis does.
    const known = new Set(this.sentinels.map((l) => l.state.id))
    for (const a of sentinelViews.flatMap((v) => v.sentinels)) {
      if (known.has(addressId(a)) || this.forgotten.has(addressId(a))) continue
      known.add(addressId(a))
      this.addSentinel(a.host, a.port)
    }
    const links = [...this.nodes.values()]
    const infos = await Promise.all(links.map(async (l) => {
      try {
        return { link: l, info: parseInfo(await l.cmd.info('replication')), error: null }
      } catch (e) {
        return { link: l, info: null, error: reason(e) }
      }
    }))
    if (this.closed) return
    if (generation !== this.generation) {
      this.again = true // a +switch-master arrived meanwhile: these answers may predate it
      return
    }
    for (const v of sentinelViews) Object.assign(v.link.state, v.state, { updatedAt: now })
    for (const { link, info, error } of infos) applyInfo(link.state, info, error, now)
    // Lag: against the master's offset, and the master's own view of each replica.
    const masters = infos.filter((i) => i.info?.role === 'master')
    for (const m of masters) {
      const masterOffset = num(m.info!.master_repl_offset)
      for (const r of infoReplicas(m.info!)) {
        const link = this.nodes.get(addressId({ host: r.host, port: r.port }))
        if (!link || link.state.masterAddress?.port !== m.link.state.port) continue
        link.state.lagSeconds = r.lag
        if (masterOffset !== null && link.state.offset !== null) link.state.lagBytes = Math.max(0, masterOffset - link.state.offset)
      }
    }
    this.publish('refresh')
  }

  private async querySentinel(l: SentinelLink): Promise<SentinelView> {
    return { link: l, ...(await askSentinel(l.cmd, this.options.masterName)) }
  }

  // ---- the model ----

  private build(why: Topology['reason'], cause?: Topology['cause']): Topology {
    const sentinels = this.sentinels.map((l) => ({ ...l.state, flags: [...l.state.flags], masterAddress: l.state.masterAddress && { ...l.state.masterAddress } }))
    const master = currentMaster(sentinels, this.lastSwitch)
    const reachable = sentinels.filter((s) => s.reachable)
    const nodes = [...this.nodes.values()].map((n) => ({ ...n.state, masterAddress: n.state.masterAddress && { ...n.state.masterAddress } }))
      .sort((a, b) => a.host.localeCompare(b.host) || a.port - b.port)
    return {
      masterName: this.options.masterName,
      master: master && { ...master },
      agreed: reachable.length > 0 && reachable.every((s) => sameAddress(s.masterAddress, master)),
      nodes, sentinels, reason: why, updatedAt: Date.now(), ...(cause ? { cause } : {}),
    }
  }

  /** Rebuild the snapshot; emit 'topology' when it changed (or when forced). */
  private publish(why: Topology['reason'], force = false, cause?: Topology['cause']): void {
    if (this.closed) return
    const next = this.build(why, cause)
    const key = JSON.stringify({ ...next, reason: '', cause: null, updatedAt: 0, nodes: next.nodes.map((n) => ({ ...n, updatedAt: 0 })), sentinels: next.sentinels.map((s) => ({ ...s, updatedAt: 0 })) })
    this.snapshot = next
    if (!force && key === this.lastEmitted) return
    this.lastEmitted = key
    this.emit('topology', next)
  }
}
