// The live model's shapes, and the pure rules that derive the current master from what
// the sentinels believe.
import type { Address } from './event-parser'
import { num } from './replies'

export interface NodeState {
  /** "host:port" */
  id: string
  host: string
  port: number
  reachable: boolean
  role: 'master' | 'replica' | 'unknown'
  /** Where the role came from: INFO, or a +switch-master not yet confirmed by INFO. */
  roleSource: 'info' | 'switch-master' | 'none'
  /** A replica's master (INFO master_host / master_port). */
  masterAddress: Address | null
  masterLinkStatus: 'up' | 'down' | null
  /** master_repl_offset (master) or slave_repl_offset (replica). */
  offset: number | null
  /** The master's offset minus this replica's, in bytes. */
  lagBytes: number | null
  /** Seconds since the master last heard from this replica (the master's INFO "lag="). */
  lagSeconds: number | null
  connectedReplicas: number | null
  error: string | null
  /** Date.now() of the last INFO answer. */
  updatedAt: number | null
}

export interface SentinelState {
  /** "host:port" */
  id: string
  host: string
  port: number
  reachable: boolean
  /** Its PSUBSCRIBE * connection is live. */
  subscribed: boolean
  runId: string | null
  /** SENTINEL GET-MASTER-ADDR-BY-NAME (or the latest +switch-master it published). */
  masterAddress: Address | null
  /** SENTINEL MASTER flags: master, s_down, o_down, failover_in_progress, ... */
  flags: string[]
  numSlaves: number | null
  numOtherSentinels: number | null
  quorum: number | null
  /** SENTINEL MASTER down-after-milliseconds: what this sentinel runs with (files can differ per sentinel). */
  downAfterMs: number | null
  configEpoch: number | null
  ckquorum: { ok: boolean; message: string } | null
  error: string | null
  updatedAt: number | null
}

export interface Topology {
  masterName: string
  /** The master the sentinels believe in (newest belief first; see currentMaster). */
  master: Address | null
  /** Every reachable sentinel believes in `master`, and at least one is reachable. */
  agreed: boolean
  nodes: NodeState[]
  sentinels: SentinelState[]
  /** What produced this snapshot. */
  reason: 'refresh' | 'switch-master' | 'event'
  /** For reason 'switch-master': the message that caused it (performance.now() on receipt). */
  cause?: { sentinel: string; type: string; receivedAt: number }
  updatedAt: number
}

export function sameAddress(a: Address | null | undefined, b: Address | null | undefined): boolean {
  return !!a && !!b && a.host === b.host && a.port === b.port
}

export function addressId(a: Address): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`
}

/**
 * The current master: the latest +switch-master target while at least one sentinel still
 * holds it (Sentinel moves a belief only forward); else the belief with the highest
 * config-epoch, ties broken by the number of sentinels holding it.
 */
export function currentMaster(sentinels: SentinelState[], lastSwitch: Address | null): Address | null {
  if (lastSwitch && sentinels.some((s) => sameAddress(s.masterAddress, lastSwitch))) return lastSwitch
  const votes = new Map<string, { address: Address; epoch: number; count: number }>()
  for (const s of sentinels) {
    if (!s.masterAddress || !s.reachable) continue
    const k = addressId(s.masterAddress)
    const v = votes.get(k) ?? { address: s.masterAddress, epoch: -1, count: 0 }
    v.epoch = Math.max(v.epoch, s.configEpoch ?? -1)
    v.count++
    votes.set(k, v)
  }
  const best = [...votes.values()].sort((a, b) => b.epoch - a.epoch || b.count - a.count)[0]
  return best?.address ?? lastSwitch
}

/** Fold one INFO replication reply (or the error that replaced it) into a node's state. */
export function applyInfo(s: NodeState, info: Record<string, string> | null, error: string | null, now: number): void {
  if (!info) {
    s.reachable = false
    s.error = error
    if (s.roleSource === 'info') s.roleSource = 'none'
    return
  }
  s.reachable = true
  s.error = null
  s.updatedAt = now
  s.roleSource = 'info'
  if (info.role === 'master') {
    s.role = 'master'
    s.masterAddress = null
    s.masterLinkStatus = null
    s.offset = num(info.master_repl_offset)
    s.lagBytes = null
    s.lagSeconds = null
  } else if (info.role === 'slave') {
    s.role = 'replica'
    const port = num(info.master_port)
    s.masterAddress = info.master_host && port !== null ? { host: info.master_host, port } : null
    s.masterLinkStatus = info.master_link_status === 'up' ? 'up' : 'down'
    s.offset = num(info.slave_repl_offset)
  } else {
    s.role = 'unknown'
  }
  s.connectedReplicas = num(info.connected_slaves)
}
