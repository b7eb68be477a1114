// The pure mapping from what the engines know (the lab's layout, its processes, the
// SentinelWatcher's topology and timeline, the app's own actions) to the LabStatus the UI
// shows. Shared by labs the app runs and labs it only watches.
import type { LabNodeStatus, LabSentinelStatus, LabState, LabTimelineEntry, ProcessInfo, ProcessState } from '../../shared/model'
import type { TimelineEntry } from '../sentinel/timeline'
import type { Topology } from '../sentinel/topology'
import { releaseName } from '../conf/server-release'
import type { Lab } from './layout'
import { binaryRelease } from './server-version'

const TIMELINE_MAX = 200

/** A node or sentinel as the lab knows it before asking anyone. */
export interface Member {
  name: string
  port: number
  host?: string
  /** The role it was created with; shown until the watcher knows better. */
  initialRole?: 'master' | 'replica'
}

/** What the lab itself did (actions, restart policy), for the timeline. */
export interface LabNote {
  /** Counts up from 1 per lab: stable while the note is kept. */
  id: number
  t: number
  type: string
  text: string
}

export interface MemberFacts {
  procs: ProcessInfo[]
  topology: Topology | null
  /** The watcher runs (roles not yet known show as 'unknown' rather than as created). */
  live: boolean
  paused: ReadonlySet<string>
  held: ReadonlySet<string>
}

const key = (host: string | undefined, port: number): string => `${host ?? '127.0.0.1'}:${port}`

export function nodeStatuses(members: Member[], f: MemberFacts): LabNodeStatus[] {
  const byId = new Map((f.topology?.nodes ?? []).map((n) => [n.id, n]))
  return members.map((m) => {
    const t = byId.get(key(m.host, m.port))
    const proc = f.procs.find((p) => p.program === m.name)
    return {
      name: m.name,
      role: t && t.role !== 'unknown' ? t.role : f.live ? 'unknown' : (m.initialRole ?? 'unknown'),
      port: m.port,
      pid: proc?.pid ?? 0,
      linkStatus: t?.masterLinkStatus ?? null,
      offset: t?.offset ?? null,
      lagBytes: t?.lagBytes ?? null,
      reachable: t?.reachable ?? false,
      error: t?.reachable ? null : (t?.error ?? null),
      paused: f.paused.has(m.name),
      held: f.held.has(m.name),
      processState: proc?.state ?? null,
    }
  })
}

export function sentinelStatuses(members: Member[], f: MemberFacts): LabSentinelStatus[] {
  const byId = new Map((f.topology?.sentinels ?? []).map((s) => [s.id, s]))
  return members.map((m) => {
    const t = byId.get(key(m.host, m.port))
    const proc = f.procs.find((p) => p.program === m.name)
    return {
      name: m.name,
      port: m.port,
      pid: proc?.pid ?? 0,
      masterPort: t?.masterAddress?.port ?? null,
      flags: t?.flags ?? [],
      downAfterMs: t?.reachable ? t.downAfterMs : null,
      ok: Boolean(t?.reachable && t.ckquorum?.ok),
      reachable: t?.reachable ?? false,
      error: t?.reachable ? null : (t?.error ?? null),
      paused: f.paused.has(m.name),
      processState: proc?.state ?? null,
    }
  })
}

/** Sentinel events (merged across sentinels) and the lab's own notes, oldest first, bounded. */
export function mergedTimeline(entries: readonly TimelineEntry[], notes: readonly LabNote[], sentinelNames: Map<string, string>): LabTimelineEntry[] {
  const fromSentinels = entries.slice(-TIMELINE_MAX).map((e): LabTimelineEntry => ({
    id: e.id, t: e.firstSeen, type: e.type, text: e.event.raw, seenBy: e.seenBy.map((id) => sentinelNames.get(id) ?? id), source: 'sentinel',
  }))
  // Notes get ids far above the watcher's so keyed lists never confuse the two.
  const fromLab = notes.slice(-TIMELINE_MAX).map((n): LabTimelineEntry => ({
    id: 1_000_000_000 + n.id, t: n.t, type: n.type, text: n.text, seenBy: [], source: 'lab',
  }))
  return [...fromSentinels, ...fromLab].sort((a, b) => a.t - b.t || a.id - b.id).slice(-TIMELINE_MAX)
}

/** Not supervised here (attached), or spawned and not exited. */
const up = (state: ProcessState | null): boolean => state === null || state === 'RUNNING' || state === 'STARTING'

/** HEALTHY while every node and sentinel agrees on one reachable master; DEGRADED otherwise. */
export function runningState(nodes: LabNodeStatus[], sentinels: LabSentinelStatus[], topology: Topology | null): Extract<LabState, 'healthy' | 'degraded'> {
  const master = topology?.master?.port
  const good = master !== undefined &&
    nodes.every((n) => n.reachable && !n.paused && !n.held && up(n.processState) && (n.role === 'master' ? n.port === master : n.linkStatus === 'up')) &&
    sentinels.every((s) => s.ok && !s.paused && up(s.processState) && s.masterPort === master && !s.flags.some((fl) => /down|failover|disconnected/.test(fl)))
  return good ? 'healthy' : 'degraded'
}

/** The release the lab runs, when its redis-server says (cached per binary). */
export function serverOf(lab: Lab): { server?: string } {
  const release = binaryRelease(lab.binaries.redisServer)
  return release ? { server: releaseName(release) } : {}
}
