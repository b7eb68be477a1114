// Drills through the app's API, as the Drills screen runs them: against a lab the app runs
// (kill -9 of the master through the lab's own restart policy, both clients side by side,
// progress then the report as 'drill' events, the report kept and listed), against the same
// deployment attached by address (a safe switch-over loses nothing; process faults are
// refused plainly), one drill per lab at a time, and the connection an application needs.
import { describe, expect, it } from 'vitest'
import type { ApiEventMessage } from '../../src/shared/api'
import type { DrillProgress, DrillReport } from '../../src/shared/drill'
import { ApiError } from '../../src/shared/errors'
import { serviceWithLabs } from '../helpers/service-with-labs'
import { waitFor } from '../helpers/wait'

const { service, remember } = await serviceWithLabs('drill-service-')
const progress: DrillProgress[] = []
service.events.on('event', (m: ApiEventMessage) => void (m.event === 'drill' && progress.push(m.payload as DrillProgress)))

async function finished(labId: string, id: string, timeoutMs: number): Promise<DrillReport> {
  await waitFor(() => progress.some((p) => p.labId === labId && p.id === id && p.state !== 'running'), `drill ${id} to end`, timeoutMs)
  const end = progress.find((p) => p.id === id && p.state !== 'running')!
  expect(end.state, end.text).toBe('done')
  return end.report!
}

describe('drills through the API', () => {
  it('kill-master on a lab the app runs: both clients side by side, the report kept and listed', async () => {
    const lab = remember(await service.createLab({ replicas: 2, sentinels: 3, timers: 'fast' }))
    expect(lab.state).toBe('healthy')
    const { id } = await service.startDrill(lab.id, { scenario: 'kill-master', clients: ['default', 'detector'], rate: 200 })
    // One drill per lab at a time.
    const again = await service.startDrill(lab.id, { scenario: 'kill-master', clients: ['default'] }).catch((e: ApiError) => e)
    expect((again as ApiError).message).toMatch(/a drill is already running/)
    const report = await finished(lab.id, id, 120_000)
    expect(progress.filter((p) => p.id === id && p.state === 'running').length).toBeGreaterThan(3)
    expect(report.runs.map((r) => r.client)).toEqual(['default', 'detector'])
    for (const run of report.runs) {
      expect(run.verdict.lostAcked).toBe(0)
      expect(run.verdict.failoverMs).toBeGreaterThan(0)
      expect(run.marks.some((m) => m.kind === 'fault' && /^kill redis-/.test(m.label))).toBe(true)
      expect(run.marks.some((m) => m.label === '+switch-master')).toBe(true)
      expect(run.series.acked.reduce((a, b) => a + b, 0)).toBe(run.verdict.acked)
      expect(run.story.some((l) => l.event === '+switch-master' && l.member?.startsWith('sentinel-'))).toBe(true)
    }
    // The client without a command timeout waited through the whole failover.
    expect(report.runs[0].verdict.maxLatencyMs).toBeGreaterThan(report.runs[1].verdict.maxLatencyMs)
    const kept = await service.listDrillReports(lab.id)
    expect(kept.map((k) => k.id)).toContain(report.id)
    expect((await service.getDrillReport(lab.id, report.id)).runs[1].verdict).toEqual(report.runs[1].verdict)
    expect((await service.getDrillReport(lab.id, 'nope').catch((e: ApiError) => e) as ApiError).code).toBe('not-found')
    // The lab's timeline says what the drill did.
    expect((await service.getLab(lab.id)).timeline.some((e) => e.type === 'drill')).toBe(true)

    // The same deployment attached by address: the safe switch-over loses nothing; kills are not the app's to make.
    const conn = await service.getLabConnection(lab.id)
    expect(conn.password).toMatch(/^[A-Za-z0-9_-]{32}$/)
    const attached = await service.attachLab({ kind: 'addresses', sentinels: conn.sentinels.map((s) => `${s.host}:${s.port}`), masterName: conn.masterName, password: conn.password! })
    const refused = await service.startDrill(attached.id, { scenario: 'kill-master', clients: ['default'] }).catch((e: ApiError) => e)
    expect((refused as ApiError).message).toMatch(/kills or pauses processes/)
    const sw = await service.startDrill(attached.id, { scenario: 'failover', clients: ['default'], rate: 300, safe: true })
    const swReport = await finished(attached.id, sw.id, 90_000)
    expect(swReport.runs[0].verdict.lostAcked).toBe(0)
    expect(swReport.runs[0].verdict.failoverMs).not.toBeNull()
    expect(swReport.dir).toContain('drills')
    await service.stopLab(attached.id)
  }, 240_000)
})
