// One Sentinel pub/sub message (channel + payload) -> a typed SentinelEvent. Pure.
// Payload shapes (Redis 7.0 sentinel.c, sentinelEvent()):
//   instance format  `<instance-type> <name> <ip> <port> [@ <master-name> <master-ip> <master-port>] [extra...]`
//   +switch-master   `<master-name> <old-ip> <old-port> <new-ip> <new-port>`
//   +new-epoch       `<epoch>`
//   +vote-for-leader `<runid> <epoch>`
//   +tilt / -tilt    `#tilt mode entered` / `#tilt mode exited`
// Anything else (an unknown channel, a payload that does not fit) is kept with its raw
// payload and `known: false` fields left empty: never dropped.

export interface Address {
  host: string
  port: number
}

type InstanceType = 'master' | 'slave' | 'sentinel'

export interface SentinelEvent {
  /** The channel: '+sdown', '+switch-master', '-odown', ... */
  type: string
  /** The payload, as received. */
  raw: string
  /** 'instance' / 'switch-master' / 'epoch' / 'vote' / 'tilt' / 'other' (not understood: see raw). */
  format: 'instance' | 'switch-master' | 'epoch' | 'vote' | 'tilt' | 'other'
  instanceType?: InstanceType
  /** Instance name: master name, "ip:port" for a replica, run id for a sentinel. */
  name?: string
  address?: Address
  /** The master the instance belongs to (instance format with "@ ..."; or the master itself). */
  master?: { name: string; address: Address }
  /** +switch-master: the old and new master address. */
  from?: Address
  to?: Address
  epoch?: number
  /** +vote-for-leader: the run id voted for. */
  leaderRunId?: string
  /** Text after the instance part ("#quorum 3/2", "new reported role is master", ...). */
  extra?: string
  /** From "#quorum N/M". */
  quorum?: { votes: number; needed: number }
  /** From "new reported role is X" (±role-change). */
  reportedRole?: string
}

const INSTANCE_TYPES = new Set<string>(['master', 'slave', 'sentinel'])

function port(s: string | undefined): number | null {
  if (s === undefined || !/^\d{1,5}$/.test(s)) return null
  const n = Number(s)
  return n <= 65535 ? n : null
}

function epoch(s: string | undefined): number | null {
  return s !== undefined && /^\d+$/.test(s) ? Number(s) : null
}

/** Parse one message. `channel` is the pub/sub channel (the event type). */
export function parseSentinelEvent(channel: string, payload: string): SentinelEvent {
  const raw = payload
  const base: SentinelEvent = { type: channel, raw, format: 'other' }
  const t = payload.trim().split(/\s+/).filter(Boolean)

  if (channel === '+switch-master' && t.length === 5) {
    const p1 = port(t[2])
    const p2 = port(t[4])
    if (p1 !== null && p2 !== null) {
      const from = { host: t[1], port: p1 }
      const to = { host: t[3], port: p2 }
      return { ...base, format: 'switch-master', instanceType: 'master', name: t[0], address: to, master: { name: t[0], address: to }, from, to }
    }
  }
  if (channel === '+new-epoch' && t.length === 1 && epoch(t[0]) !== null) {
    return { ...base, format: 'epoch', epoch: epoch(t[0])! }
  }
  if (channel === '+vote-for-leader' && t.length === 2 && epoch(t[1]) !== null) {
    return { ...base, format: 'vote', leaderRunId: t[0], epoch: epoch(t[1])! }
  }
  if ((channel === '+tilt' || channel === '-tilt') && payload.trim().startsWith('#')) {
    return { ...base, format: 'tilt', extra: payload.trim() }
  }

  if (t.length >= 4 && INSTANCE_TYPES.has(t[0]) && port(t[3]) !== null) {
    const ev: SentinelEvent = { ...base, format: 'instance', instanceType: t[0] as InstanceType, name: t[1], address: { host: t[2], port: port(t[3])! } }
    let rest = t.slice(4)
    if (rest[0] === '@' && rest.length >= 4 && port(rest[3]) !== null) {
      ev.master = { name: rest[1], address: { host: rest[2], port: port(rest[3])! } }
      rest = rest.slice(4)
    } else if (ev.instanceType === 'master') {
      ev.master = { name: ev.name!, address: ev.address! }
    }
    if (rest.length > 0) {
      ev.extra = rest.join(' ')
      const q = /#quorum (\d+)\/(\d+)/.exec(ev.extra)
      if (q) ev.quorum = { votes: Number(q[1]), needed: Number(q[2]) }
      const r = /new reported role is (\S+)/.exec(ev.extra)
      if (r) ev.reportedRole = r[1]
    }
    return ev
  }
  return base
}
