// The verdict of one drill run, computed from the data: every operation the client recorded
// and the keys the final master holds. Nothing here is estimated.
import type { DrillRun, DrillVerdict, ErrorKind, TimeRange } from '../../shared/drill'
import type { HeardEvent } from './sentinel-events'
import type { Operation } from './writer'

/** A gap between acknowledged writes longer than this is listed. */
const GAP_MS = 1000
export const BUCKET_MS = 100

/** Outcomes the client cannot know: the write may have been applied. */
const UNKNOWN: ReadonlySet<ErrorKind> = new Set(['timeout', 'closed', 'retries'])

export interface VerdictInput {
  ops: readonly Operation[]
  /** The write numbers the final master holds. */
  present: ReadonlySet<number>
  /** When the first fault was made (ms), if any. */
  firstFault: number | null
  events: readonly HeardEvent[]
  /** How many sentinels must announce +switch-master for the failover to count as done. */
  quorum: number
  durationMs: number
}

export function computeVerdict(input: VerdictInput): DrillVerdict {
  const { ops, present } = input
  const acked = ops.filter((o) => o.outcome === 'ok')
  const failed = ops.filter((o) => o.outcome === 'error')
  const unknown = failed.filter((o) => UNKNOWN.has(o.error!))
  const lost = acked.filter((o) => !present.has(o.n))
  const errors: Partial<Record<ErrorKind, number>> = {}
  for (const o of failed) errors[o.error!] = (errors[o.error!] ?? 0) + 1

  // Windows without an acknowledged write, on the acknowledgements' own clock (their ends).
  const ends = acked.map((o) => o.end).sort((a, b) => a - b)
  const gaps: TimeRange[] = []
  let last = ends.length ? Math.min(ends[0], input.firstFault ?? ends[0]) : 0
  for (const t of ends) {
    if (t - last > GAP_MS) gaps.push({ from: Math.round(last), to: Math.round(t) })
    last = Math.max(last, t)
  }
  if (input.durationMs - last > GAP_MS && ops.length) gaps.push({ from: Math.round(last), to: Math.round(input.durationMs) })
  const longestGap = gaps.reduce((m, g) => Math.max(m, g.to - g.from), 0)
  const firstFault = input.firstFault
  // From the fault to the first acknowledged write after it, when that is longer than any gap.
  const afterFault = firstFault === null ? 0 : (ends.find((t) => t > firstFault) ?? input.durationMs) - firstFault

  const latencies = ops.map((o) => o.end - o.start).sort((a, b) => a - b)
  // Nearest rank: the smallest latency that 99 % of the writes do not exceed.
  const p99 = latencies.length ? latencies[Math.max(0, Math.ceil(latencies.length * 0.99) - 1)] : 0

  return {
    writes: ops.length,
    acked: acked.length,
    failed: failed.length,
    unknown: unknown.length,
    unknownApplied: unknown.filter((o) => present.has(o.n)).length,
    lostAcked: lost.length,
    lostRange: lost.length ? { from: Math.round(lost.reduce((m, o) => Math.min(m, o.start), Infinity)), to: Math.round(lost.reduce((m, o) => Math.max(m, o.end), 0)) } : null,
    errors,
    unavailableMs: Math.round(Math.max(longestGap, afterFault)),
    gaps,
    maxLatencyMs: Math.round(latencies[latencies.length - 1] ?? 0),
    p99LatencyMs: Math.round(p99),
    failoverMs: failoverMs(input),
    achievedRate: input.durationMs > 0 ? Math.round((ops.length * 1000) / input.durationMs) : 0,
  }
}

/** First fault -> the quorum-th sentinel's +switch-master. */
function failoverMs(input: VerdictInput): number | null {
  if (input.firstFault === null) return null
  const switches = input.events.filter((e) => e.type === '+switch-master' && e.t >= input.firstFault!)
  const seen = new Set<string>()
  for (const e of switches) {
    seen.add(e.member)
    if (seen.size >= input.quorum) return Math.round(e.t - input.firstFault)
  }
  return null
}

/** The chart's data: per bucket, acknowledged and failed writes (by when they ended), the slowest write started in it. */
export function seriesOf(ops: readonly Operation[], durationMs: number): DrillRun['series'] {
  const n = Math.max(1, Math.ceil(durationMs / BUCKET_MS))
  const acked = new Array<number>(n).fill(0)
  const failed = new Array<number>(n).fill(0)
  const maxLatencyMs = new Array<number>(n).fill(0)
  const at = (t: number): number => Math.min(n - 1, Math.max(0, Math.floor(t / BUCKET_MS)))
  for (const o of ops) {
    if (o.outcome === 'ok') acked[at(o.end)]++
    else failed[at(o.end)]++
    const b = at(o.start)
    maxLatencyMs[b] = Math.max(maxLatencyMs[b], Math.round(o.end - o.start))
  }
  return { bucketMs: BUCKET_MS, acked, failed, maxLatencyMs }
}
