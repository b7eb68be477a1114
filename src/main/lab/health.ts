// HEALTHY, as DESIGN.md defines it: every replica reports master_link_status:up to the
// current master; every sentinel's SENTINEL MASTER shows num-slaves = replicas and
// num-other-sentinels = sentinels - 1; SENTINEL CKQUORUM is OK on every sentinel. Also
// checked, from the same replies: exactly one node is a master, and every sentinel
// believes in that master and does not see it down.
// Connections fail fast (lazyConnect, no offline queue, no retries, short timeouts) and
// are all closed before a check returns.
import { pairs, parseInfo, reason } from '../sentinel/replies'
import { RedisPool } from '../sentinel/redis-pool'

interface HealthTarget {
  masterName: string
  password: string
  nodes: { name: string; port: number }[]
  sentinels: { name: string; port: number }[]
}

interface HealthCheck {
  kind: 'master' | 'replica' | 'sentinel'
  /** The node or sentinel's program name, or "master" for the master check. */
  name: string
  port: number | null
  ok: boolean
  /** What was seen, in a few words ("link up", "connection refused", "num-slaves 1/2"). */
  detail: string
}

export interface HealthReport {
  healthy: boolean
  /** ms from the start of waitHealthy (0 for a single check). */
  elapsedMs: number
  /** The current master's port, when exactly one node is a master. */
  masterPort: number | null
  checks: HealthCheck[]
}

const TIMEOUT_MS = 500

type NodeView = { name: string; port: number; info: Record<string, string> | null; error: string | null }

async function checkOnce(target: HealthTarget, pool: RedisPool): Promise<Omit<HealthReport, 'elapsedMs'>> {
  const [views, sentinelViews] = await Promise.all([
    Promise.all(target.nodes.map(async (n): Promise<NodeView> => {
      try {
        const c = await pool.get(n.port, target.password)
        return { ...n, info: parseInfo(await c.info('replication')), error: null }
      } catch (e) {
        return { ...n, info: null, error: reason(e) }
      }
    })),
    Promise.all(target.sentinels.map(async (s) => {
      try {
        const c = await pool.get(s.port, undefined)
        const [master, ckquorum] = await Promise.all([
          c.call('SENTINEL', 'MASTER', target.masterName).then(pairs),
          c.call('SENTINEL', 'CKQUORUM', target.masterName).then(String, (e: Error) => e.message),
        ])
        return { ...s, master, ckquorum, error: null }
      } catch (e) {
        return { ...s, master: null, ckquorum: null, error: reason(e) }
      }
    })),
  ])

  const checks: HealthCheck[] = []
  const masters = views.filter((v) => v.info?.role === 'master')
  const master = masters.length === 1 ? masters[0] : null
  checks.push({
    kind: 'master', name: master?.name ?? 'master', port: master?.port ?? null, ok: master !== null,
    detail: master ? `${master.name} is the master (${master.info!.connected_slaves ?? 0} replica(s) connected)`
      : masters.length === 0 ? 'no node reports role:master' : `${masters.length} nodes report role:master: ${masters.map((m) => m.name).join(', ')}`,
  })
  for (const v of views) {
    if (v === master) continue
    let ok = false
    let detail: string
    if (!v.info) detail = v.error ?? 'unreachable'
    else if (v.info.role !== 'slave') detail = `role ${v.info.role}`
    else if (master && Number(v.info.master_port) !== master.port) detail = `replicates port ${v.info.master_port}, not the master's ${master.port}`
    else if (v.info.master_link_status !== 'up') detail = `master_link_status:${v.info.master_link_status}`
    else {
      ok = master !== null
      detail = 'link up'
    }
    checks.push({ kind: 'replica', name: v.name, port: v.port, ok, detail })
  }
  const wantSlaves = target.nodes.length - 1
  const wantOthers = target.sentinels.length - 1
  for (const s of sentinelViews) {
    const problems: string[] = []
    if (!s.master) problems.push(s.error ?? 'unreachable')
    else {
      const m = s.master
      if (master && Number(m.port) !== master.port) problems.push(`believes the master is port ${m.port}`)
      if (/(^|,)(s_down|o_down)(,|$)/.test(m.flags ?? '')) problems.push(`flags ${m.flags}`)
      if (Number(m['num-slaves']) !== wantSlaves) problems.push(`num-slaves ${m['num-slaves']}/${wantSlaves}`)
      if (Number(m['num-other-sentinels']) !== wantOthers) problems.push(`num-other-sentinels ${m['num-other-sentinels']}/${wantOthers}`)
      if (!s.ckquorum?.startsWith('OK')) problems.push(`CKQUORUM: ${s.ckquorum}`)
    }
    checks.push({ kind: 'sentinel', name: s.name, port: s.port, ok: problems.length === 0, detail: problems.length ? problems.join('; ') : 'agrees, quorum OK' })
  }
  return { healthy: checks.every((c) => c.ok), masterPort: master?.port ?? null, checks }
}

/** One check of the whole lab, now. */
export async function checkHealth(target: HealthTarget): Promise<HealthReport> {
  const pool = new RedisPool(TIMEOUT_MS)
  try {
    return { ...(await checkOnce(target, pool)), elapsedMs: 0 }
  } finally {
    pool.close()
  }
}

interface WaitOptions {
  timeoutMs: number
  /** Pause between polls (default 20 ms). */
  intervalMs?: number
  /** Called after every poll with what it saw (for progress reporting). */
  onProgress?: (report: HealthReport) => void
  signal?: AbortSignal
}

/**
 * Poll until HEALTHY or the deadline. Resolves with the last report either way: healthy
 * true and the time it took, or healthy false with what still fails.
 */
export async function waitHealthy(target: HealthTarget, options: WaitOptions): Promise<HealthReport> {
  const started = performance.now()
  const deadline = started + options.timeoutMs
  const pool = new RedisPool(TIMEOUT_MS)
  try {
    for (;;) {
      const report: HealthReport = { ...(await checkOnce(target, pool)), elapsedMs: Math.round(performance.now() - started) }
      options.onProgress?.(report)
      if (report.healthy || performance.now() >= deadline || options.signal?.aborted) return report
      await new Promise((r) => setTimeout(r, Math.min(options.intervalMs ?? 20, Math.max(0, deadline - performance.now()))))
    }
  } finally {
    pool.close()
  }
}
