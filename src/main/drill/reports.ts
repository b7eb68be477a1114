// Drill reports kept per lab: a folder per drill with the report (verdicts, chart data,
// story) as JSON, the scenario, and every operation of each run as JSONL, so a report can
// be opened again, compared, or checked by hand.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ClientPreset, DrillReport, DrillReportSummary } from '../../shared/drill'
import { writeFileAtomic } from '../conf/atomic-write'
import type { Operation } from './writer'

const REPORT = 'report.json'

export function saveReport(root: string, report: DrillReport, ops: ReadonlyMap<ClientPreset, readonly Operation[]>): string {
  const dir = join(root, report.id)
  mkdirSync(dir, { recursive: true })
  for (const [client, list] of ops) writeFileSync(join(dir, `operations-${client}.jsonl`), list.map((o) => JSON.stringify(o)).join('\n') + '\n')
  writeFileSync(join(dir, 'scenario.json'), JSON.stringify(report.scenario, null, 2) + '\n')
  const kept = { ...report, dir }
  writeFileAtomic(join(dir, REPORT), JSON.stringify(kept) + '\n')
  return dir
}

export function readReport(root: string, id: string): DrillReport {
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(id)) throw new Error(`${id}: not a report id`)
  return JSON.parse(readFileSync(join(root, id, REPORT), 'utf8')) as DrillReport
}

/** The reports kept in `root`, newest first; one that cannot be read is listed with why. */
export function listReports(root: string, labId: string): DrillReportSummary[] {
  if (!existsSync(root)) return []
  const out: DrillReportSummary[] = []
  for (const id of readdirSync(root)) {
    try {
      const r = readReport(root, id)
      out.push({ id, labId, scenario: r.scenario.name, createdAt: r.createdAt, clients: r.runs.map((x) => x.client), lostAcked: r.runs.map((x) => x.verdict.lostAcked), ...(r.error ? { error: r.error } : {}) })
    } catch (e) {
      if (existsSync(join(root, id))) out.push({ id, labId, scenario: '?', createdAt: 0, clients: [], lostAcked: [], error: `unreadable: ${(e as Error).message}` })
    }
  }
  return out.sort((a, b) => b.createdAt - a.createdAt)
}
