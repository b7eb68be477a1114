// The delay from +switch-master on the wire to the new roles in the app's model.
// A raw PSUBSCRIBE * client per sentinel timestamps (performance.now()) every message on
// receipt; a SentinelWatcher on the same lab timestamps its first 'topology' event whose
// master is the new one and shows that node as master. Both run in this process on the
// same clock, so the difference is what the watcher adds (its own socket's arrival, the
// parse, the model rebuild), not Sentinel's time. "On the wire" is the earliest receipt
// of +switch-master by any of our sockets, the watcher's own included (its receivedAt):
// when Node reads the watcher's socket first in an event-loop turn, the raw clients' reads
// come after the watcher's handler, and would make the delay look negative. The raw
// clients also keep when each event type was first seen, to explain a failover that did
// not happen.
import Redis from 'ioredis'
import { ended } from '../src/main/sentinel/connection'
import { SentinelWatcher } from '../src/main/sentinel/watcher'
import type { Topology } from '../src/main/sentinel/topology'

export interface ProbeTarget {
  masterName: string
  password: string
  sentinels: { port: number }[]
}

export interface SwitchSeen {
  /** performance.now() when this sentinel's +switch-master reached the raw client. */
  at: number
  newPort: number
}

export class SwitchProbe {
  /** Per sentinel port: its first +switch-master for our master (after arm()). */
  readonly switches = new Map<number, SwitchSeen>()
  /** Event type -> performance.now() of its first sighting on any sentinel (after arm()). */
  readonly firstSeen = new Map<string, number>()
  /** When the watcher's model first showed a new master with the master role (after arm()). */
  modelAt: number | null = null
  modelPort: number | null = null
  /** The watcher's own receipt (performance.now()) of its first +switch-master for our master. */
  watcherWireAt: number | null = null
  armed = false
  private oldPort = 0

  private constructor(private readonly subs: Redis[], private readonly watcher: SentinelWatcher) {}

  static async start(target: ProbeTarget): Promise<SwitchProbe> {
    const subs = target.sentinels.map((s) => new Redis({ host: '127.0.0.1', port: s.port, lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: () => 50 }))
    const watcher = new SentinelWatcher({ sentinels: target.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })), masterName: target.masterName, password: target.password })
    const probe = new SwitchProbe(subs, watcher)
    subs.forEach((sub, i) => {
      const port = target.sentinels[i].port
      sub.on('error', () => {})
      sub.on('pmessage', (_p: string, channel: string, message: string) => probe.onWire(port, channel, message, performance.now(), target.masterName))
    })
    watcher.on('topology', (t) => probe.onModel(t, performance.now()))
    watcher.on('event', (w) => {
      if (probe.armed && probe.watcherWireAt === null && w.event.type === '+switch-master' && w.event.name === target.masterName) probe.watcherWireAt = w.receivedAt
    })
    try {
      await Promise.all(subs.map(async (s) => {
        await s.connect()
        await s.psubscribe('*')
      }))
      await watcher.start()
    } catch (e) {
      await probe.close()
      throw e
    }
    return probe
  }

  /** Start recording: everything before this (the lab's start-up chatter) is ignored. */
  arm(oldPort: number): void {
    this.oldPort = oldPort
    this.armed = true
  }

  /** The first +switch-master on the wire, from any sentinel, read by any of our sockets. */
  firstSwitchAt(): number | null {
    const all = [...this.switches.values()].map((s) => s.at)
    if (this.watcherWireAt !== null) all.push(this.watcherWireAt)
    return all.length > 0 ? Math.min(...all) : null
  }

  /** When every sentinel had published +switch-master (null until all have). */
  allSwitchedAt(count: number): number | null {
    return this.switches.size >= count ? Math.max(...[...this.switches.values()].map((s) => s.at)) : null
  }

  async close(): Promise<void> {
    await Promise.all([this.watcher.close(), ...this.subs.map((s) => ended(s))])
  }

  private onWire(port: number, channel: string, message: string, at: number, masterName: string): void {
    if (!this.armed) return
    if (!this.firstSeen.has(channel)) this.firstSeen.set(channel, at)
    if (channel !== '+switch-master' || this.switches.has(port)) return
    // "<name> <old-ip> <old-port> <new-ip> <new-port>"
    const [name, , , , newPort] = message.split(' ')
    if (name === masterName) this.switches.set(port, { at, newPort: Number(newPort) })
  }

  private onModel(t: Topology, at: number): void {
    if (!this.armed || this.modelAt !== null || !t.master || t.master.port === this.oldPort) return
    const promoted = t.nodes.find((n) => n.port === t.master!.port)
    if (promoted?.role !== 'master') return
    this.modelAt = at
    this.modelPort = t.master.port
  }
}
