// A Sentinel deployment the app watches but does not run (attach mode): a lab folder run by
// `sentinel-lab up` in a terminal, or any sentinels given by address. Topology and timeline
// only; its one action is a manual failover through the sentinels. No process is owned.
import { failFastClient } from '../sentinel/redis-pool'
import type { AttachTarget, LabListing, LabState, LabStatus } from '../../shared/model'
import { ApiError } from '../../shared/errors'
import { reason } from '../sentinel/replies'
import { SentinelWatcher } from '../sentinel/watcher'
import { requestFailover } from './failover'
import { safeSwitchover } from './safe-switchover'
import { pastTheLinks } from '../links/lab-links'
import { type Member, mergedTimeline, nodeStatuses, runningState, sentinelStatuses } from './lab-status'
import type { Lab } from './layout'
import { type Throttle, statusThrottle } from './throttle'

export interface AttachSource {
  id: string
  name: string
  /** In words: "sentinel-lab up, pid 4242" or the addresses. */
  origin: string
  sentinels: { host: string; port: number }[]
  masterName: string
  password?: string
  sentinelPassword?: string
  /** A lab folder run elsewhere: names and roles come from it. */
  lab?: Lab
}

export function addressSource(id: string, t: Extract<AttachTarget, { kind: 'addresses' }>): AttachSource {
  const sentinels = t.sentinels.map((a) => {
    const i = a.lastIndexOf(':')
    return { host: a.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(a.slice(i + 1)) }
  })
  return { id, name: t.name ?? `${t.masterName}@${t.sentinels[0]}`, origin: `sentinels ${t.sentinels.join(', ')}`, sentinels, masterName: t.masterName, password: t.password, sentinelPassword: t.sentinelPassword }
}

export class AttachedLab {
  private state: LabState = 'starting'
  private error: string | null = null
  private readonly watcher: SentinelWatcher
  private readonly throttle: Throttle

  constructor(
    private readonly source: AttachSource,
    emit: (status: LabStatus) => void,
    private readonly onStateChange: () => void = () => {},
  ) {
    this.throttle = statusThrottle(() => this.status(), emit, () => this.onStateChange())
    this.watcher = new SentinelWatcher({
      sentinels: source.sentinels,
      masterName: source.masterName,
      password: source.password,
      sentinelPassword: source.sentinelPassword,
      pollIntervalMs: 500,
      dial: source.lab?.spec.links ? pastTheLinks : undefined,
    })
    this.watcher.on('topology', () => this.throttle.schedule())
    this.watcher.on('timeline', () => this.throttle.schedule())
  }

  get id(): string {
    return this.source.id
  }

  /** Where the deployment is, and its passwords: for a drill's client, or the user's own application. */
  get connection(): Pick<AttachSource, 'sentinels' | 'masterName' | 'password' | 'sentinelPassword'> {
    const { sentinels, masterName, password, sentinelPassword } = this.source
    return { sentinels, masterName, password, sentinelPassword }
  }

  /** The lab folder, when what is watched is a lab run elsewhere. */
  get folderLab(): Lab | null {
    return this.source.lab ?? null
  }

  /** Connect; fails (and closes) when no sentinel answers for the master name. */
  async attach(): Promise<LabStatus> {
    await this.watcher.start()
    const topo = this.watcher.topology()
    if (!topo.sentinels.some((s) => s.reachable)) {
      const why = topo.sentinels.map((s) => `${s.id}: ${s.error ?? 'unreachable'}`).join('; ')
      await this.watcher.close()
      throw new ApiError(`no sentinel answered (${why})`, 'failed')
    }
    if (!topo.master) {
      const why = topo.sentinels.map((s) => s.error).find(Boolean) ?? `no sentinel monitors a master named '${this.source.masterName}'`
      await this.watcher.close()
      throw new ApiError(`could not attach: ${why}`, 'failed')
    }
    // A wrong password would only show as every node unreachable: ask the master, say it now.
    const refusal = await authRefusal(topo.master.host, topo.master.port, this.source.password)
    if (refusal) {
      await this.watcher.close()
      const where = `${topo.master.host}:${topo.master.port}`
      throw new ApiError(`could not attach: ${this.source.password ? `${where} refuses the nodes' password (requirepass) given` : `${where} needs the nodes' password (requirepass)`} (${refusal})`, 'failed')
    }
    this.state = 'healthy'
    this.throttle.schedule()
    return this.status()
  }

  status(): LabStatus {
    const topo = this.watcher.topology()
    const lab = this.source.lab
    const nodes: Member[] = lab
      ? lab.nodes.map((n) => ({ ...n, host: n.linkHost }))
      : topo.nodes.map((n) => ({ name: `${n.host}:${n.port}`, host: n.host, port: n.port }))
    const sentinels: Member[] = lab
      ? lab.sentinels.map((x) => ({ ...x, host: x.linkHost }))
      : topo.sentinels.map((s) => ({ name: `${s.host}:${s.port}`, host: s.host, port: s.port }))
    const facts = { procs: [], topology: topo, live: true, paused: new Set<string>(), held: new Set<string>() }
    const nodeList = nodeStatuses(nodes, facts)
    const sentinelList = sentinelStatuses(sentinels, facts)
    if (this.state === 'healthy' || this.state === 'degraded') this.state = runningState(nodeList, sentinelList, topo)
    const names = new Map(sentinels.map((s) => [`${s.host ?? '127.0.0.1'}:${s.port}`, s.name]))
    return {
      id: this.id,
      kind: 'attached',
      name: this.source.name,
      masterName: this.source.masterName,
      state: this.state,
      dir: lab?.dir ?? null,
      origin: this.source.origin,
      settings: null,
      progress: [],
      healthyMs: null,
      error: this.error,
      nodes: nodeList,
      sentinels: sentinelList,
      timeline: mergedTimeline(this.watcher.timeline.entries(), [], names),
    }
  }

  listing(): LabListing {
    return { id: this.id, kind: 'attached', name: this.source.name, dir: this.source.lab?.dir ?? null, state: this.state, runningElsewhere: null, createdAt: null }
  }

  /** Safe (the default) or Sentinel's own SENTINEL FAILOVER, as for a lab the app runs. */
  async failover(safe = true): Promise<LabStatus> {
    try {
      const target = { sentinels: this.source.sentinels, masterName: this.source.masterName, password: this.source.password, sentinelPassword: this.source.sentinelPassword }
      if (safe) await safeSwitchover(target)
      else await requestFailover(target)
    } catch (e) {
      throw new ApiError(reason(e), 'failed')
    }
    return this.status()
  }

  /** Detach: every connection closed. */
  async stop(): Promise<LabStatus> {
    this.state = 'stopped'
    await this.watcher.close()
    this.throttle.schedule()
    return this.status()
  }

  async shutdown(): Promise<void> {
    await this.watcher.close()
    this.throttle.cancel()
  }
}

/** The server's answer when it refuses `password` (WRONGPASS, NOAUTH), else null (also when unreachable). */
async function authRefusal(host: string, port: number, password: string | undefined): Promise<string | null> {
  const c = failFastClient(port, password, 1000, host)
  let seen: string | null = null
  c.on('error', (e: Error) => (seen ??= e.message))
  try {
    await c.connect()
    await c.ping()
    return null
  } catch (e) {
    const m = seen ?? reason(e)
    return /WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(m) ? m : null
  } finally {
    c.disconnect()
  }
}
