// What a benchmark returns, and how run.ts prints it: a table on screen, or JSON.

export interface Row {
  benchmark: string
  metric: string
  unit: string
  engine: number
  /** null: supervisord has no counterpart for this figure. */
  supervisord: number | null
  /** A human reading of the goal, e.g. "<= 10 ms". null: informational row. */
  goal: string | null
  /** Whether the engine figure meets the goal (null: informational row). */
  pass: boolean | null
  note?: string
}

export interface BenchResult {
  name: string
  rows: Row[]
  /** Raw samples and anything else worth keeping in --json. */
  details: Record<string, unknown>
  /** Observations printed under the table (e.g. engine behaviour that looked wrong). */
  notes: string[]
}

export function ratio(r: Row): number | null {
  return r.supervisord === null || r.supervisord === 0 ? null : r.engine / r.supervisord
}

function fmt(n: number | null): string {
  if (n === null || Number.isNaN(n)) return '-'
  const a = Math.abs(n)
  return a >= 100 ? n.toFixed(0) : a >= 10 ? n.toFixed(1) : a >= 1 ? n.toFixed(2) : n.toFixed(3)
}

export function formatTable(results: BenchResult[]): string {
  const head = ['benchmark', 'metric', 'engine', 'supervisord', 'ratio e/s', 'goal', 'result']
  const body = results.flatMap((res) =>
    res.rows.map((r) => [
      r.benchmark,
      r.metric,
      `${fmt(r.engine)} ${r.unit}`,
      r.supervisord === null ? '-' : `${fmt(r.supervisord)} ${r.unit}`,
      ratio(r) === null ? '-' : `${fmt(ratio(r))}x`,
      r.goal ?? '-',
      r.pass === null ? '' : r.pass ? 'PASS' : 'MISS',
    ]),
  )
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)))
  const line = (cells: string[]): string => cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd()
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)]
  const notes = results.flatMap((r) => r.notes.map((n) => `[${r.name}] ${n}`))
  if (notes.length > 0) out.push('', ...notes)
  return out.join('\n')
}

export function toJson(results: BenchResult[], meta: Record<string, unknown>): string {
  return JSON.stringify(
    {
      ...meta,
      results: results.map((r) => ({
        name: r.name,
        rows: r.rows.map((row) => ({ ...row, ratio: ratio(row) })),
        notes: r.notes,
        details: r.details,
      })),
    },
    null,
    2,
  )
}
