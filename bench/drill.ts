// drill: the failover drill's own overhead, on a real fast lab (2 replicas, 3 sentinels).
//  (a) the writer's achieved rate against the rate asked (a steady run without faults, per
//      rate), beside redis-benchmark's SET rate on the same master with one connection and
//      no pipelining (the cost of one write there, for reference);
//  (b) from the end of the writing to the report in hand (settle, SCAN of the run's keys on
//      the final master, verdict, chart data, story, the report saved), for a run of
//      --seconds (default 60) at 200 writes/s: goal under 1 s;
//  (c) the verdict's arithmetic alone on the same operations.
// A run that wrote nothing is a MISS, never a PASS. The lab is stopped whatever happens.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Scenario } from '../src/shared/drill'
import { signalledLab } from '../src/main/drill/folder-lab'
import { runDrill } from '../src/main/drill/run-drill'
import { computeVerdict, seriesOf } from '../src/main/drill/verdict'
import { type LabHandle, runLab } from '../src/main/lab/runner'
import type { BenchResult, Row } from './report'

export interface DrillBenchOptions {
  rates: number[]
  rateSeconds: number
  reportSeconds: number
}

export const defaults: DrillBenchOptions = { rates: [200, 1000, 5000], rateSeconds: 10, reportSeconds: 60 }

const steady = (seconds: number): Scenario => ({ name: 'steady', description: 'no fault: the writer alone', seconds, steps: [], needsProcessControl: false, needsLinks: false })

export async function drillBench(options: DrillBenchOptions, progress: (s: string) => void): Promise<BenchResult> {
  const root = mkdtempSync(join(tmpdir(), 'bench-drill-'))
  let handle: LabHandle | null = null
  const rows: Row[] = []
  const notes: string[] = []
  const details: Record<string, unknown> = {}
  try {
    handle = await runLab({ name: 'bench-drill', timers: 'fast', replicas: 2, sentinels: 3 }, { dir: join(root, 'lab'), timeoutMs: 30_000 })
    await handle.timersApplied
    const lab = signalledLab(handle.lab)
    const master = handle.lab.master
    const reference = redisBenchmarkSetRate(master.port, handle.lab.password)
    details.redisBenchmarkSetPerSecond = reference
    notes.push(`the 'supervisord' column of the writer rows is redis-benchmark's SET rate on the same master (1 connection, no pipelining: ${reference ?? 'not measured'}/s), for scale: the drill's writer is open-loop at the rate asked`)
    for (const rate of options.rates) {
      progress(`drill: writer at ${rate}/s for ${options.rateSeconds} s`)
      const report = await runDrill(lab, steady(options.rateSeconds), { scenario: 'steady', clients: ['detector'], rate })
      const v = report.runs[0]!.verdict
      details[`rate${rate}`] = v
      const achieved = v.writes === 0 ? 0 : v.achievedRate
      rows.push({
        benchmark: 'drill', metric: `writer rate, ${rate}/s asked`, unit: '/s', engine: achieved, supervisord: reference,
        goal: rate <= 1000 ? `>= ${Math.round(rate * 0.99)}` : null, pass: rate <= 1000 ? v.writes > 0 && achieved >= rate * 0.99 : null,
        note: 'reference: redis-benchmark SET, 1 connection, no pipelining',
      })
      if (v.failed > 0) notes.push(`${v.failed} of ${v.writes} writes failed at ${rate}/s without a fault: ${JSON.stringify(v.errors)}`)
    }

    progress(`drill: ${options.reportSeconds} s at 200/s, then the time to the report`)
    let endOfWriting = 0
    const t0 = performance.now()
    const report = await runDrill(lab, steady(options.reportSeconds), { scenario: 'steady', clients: ['detector'], rate: 200 }, {
      progress: (text) => void (text.includes('waiting for the lab to settle') && !endOfWriting ? (endOfWriting = performance.now()) : null),
    })
    const reportMs = performance.now() - endOfWriting
    const v = report.runs[0]!.verdict
    details.report = { writes: v.writes, reportMs, totalMs: performance.now() - t0 }
    rows.push({ benchmark: 'drill', metric: `end of writing -> report (${v.writes} writes)`, unit: 'ms', engine: reportMs, supervisord: null, goal: '< 1000', pass: v.writes > 0 && endOfWriting > 0 && reportMs < 1000 })

    // The arithmetic alone, on operations shaped like that run's.
    const ops = Array.from({ length: v.writes }, (_, n) => ({ n, start: n * 5, end: n * 5 + 1, outcome: 'ok' as const, port: master.port }))
    const present = new Set(ops.map((o) => o.n))
    const c0 = performance.now()
    computeVerdict({ ops, present, firstFault: null, events: [], quorum: 2, durationMs: options.reportSeconds * 1000 })
    seriesOf(ops, options.reportSeconds * 1000)
    rows.push({ benchmark: 'drill', metric: `verdict + chart data (${ops.length} operations)`, unit: 'ms', engine: performance.now() - c0, supervisord: null, goal: null, pass: null })
  } finally {
    await handle?.stop().catch(() => {})
    rmSync(root, { recursive: true, force: true })
  }
  return { name: 'drill', rows, details, notes }
}

/** SET requests per second from redis-benchmark against the master (1 connection, 20,000 requests). */
function redisBenchmarkSetRate(port: number, password: string): number | null {
  try {
    const out = execFileSync('redis-benchmark', ['-p', String(port), '-a', password, '-t', 'set', '-n', '20000', '-c', '1', '-q', '--csv'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    const line = out.split('\n').find((l) => l.startsWith('"SET"'))
    return line ? Number(JSON.parse(`[${line}]`)[1]) : null
  } catch {
    return null
  }
}
