// The verdict is arithmetic over what was recorded: checked here on operations made up to
// hit each rule (a lost acknowledged write, an unknown outcome that was applied, a gap over
// 1 s, the quorum-th +switch-master), and the scenario file format's located errors.
import { describe, expect, it } from 'vitest'
import { computeVerdict, seriesOf } from '../../src/main/drill/verdict'
import { parseScenario } from '../../src/main/drill/scenarios'
import type { Operation } from '../../src/main/drill/writer'

const ok = (n: number, start: number, end = start + 1, port = 1): Operation => ({ n, start, end, outcome: 'ok', port })
const bad = (n: number, start: number, end: number, error: Operation['error']): Operation => ({ n, start, end, outcome: 'error', error })

describe('the drill verdict', () => {
  it('counts lost acknowledged writes exactly, and unknown outcomes apart', () => {
    const ops = [ok(0, 0), ok(1, 100), ok(2, 200), bad(3, 300, 800, 'timeout'), bad(4, 400, 401, 'READONLY'), ok(5, 2500)]
    const v = computeVerdict({ ops, present: new Set([0, 2, 3, 5]), firstFault: 250, events: [], quorum: 2, durationMs: 3000 })
    expect(v).toMatchObject({ writes: 6, acked: 4, failed: 2, unknown: 1, unknownApplied: 1, lostAcked: 1, lostRange: { from: 100, to: 101 }, errors: { timeout: 1, READONLY: 1 } })
    // From the last acknowledgement before the fault (201) to the next (2501).
    expect(v.gaps).toEqual([{ from: 201, to: 2501 }])
    expect(v.unavailableMs).toBe(2300)
    expect(v.maxLatencyMs).toBe(500)
    expect(v.achievedRate).toBe(2)
  })

  it('times the failover to the quorum-th sentinel announcing +switch-master', () => {
    const events = [
      { t: 100, member: 's1', type: '+switch-master', text: '' }, // before the fault: not this failover
      { t: 1500, member: 's1', type: '+sdown', text: '' },
      { t: 2000, member: 's2', type: '+switch-master', text: '' },
      { t: 2100, member: 's2', type: '+switch-master', text: '' },
      { t: 2300, member: 's3', type: '+switch-master', text: '' },
    ]
    const v = computeVerdict({ ops: [ok(0, 0)], present: new Set([0]), firstFault: 1000, events, quorum: 2, durationMs: 3000 })
    expect(v.failoverMs).toBe(1300)
    expect(computeVerdict({ ops: [ok(0, 0)], present: new Set([0]), firstFault: null, events, quorum: 2, durationMs: 3000 }).failoverMs).toBeNull()
  })

  it('a run that ends in an outage has its last gap to the end', () => {
    const v = computeVerdict({ ops: [ok(0, 0), bad(1, 100, 2900, 'closed')], present: new Set([0]), firstFault: 50, events: [], quorum: 1, durationMs: 3000 })
    expect(v.gaps).toEqual([{ from: 1, to: 3000 }])
    expect(v.unavailableMs).toBe(2999)
  })

  it('buckets the chart by 100 ms', () => {
    const s = seriesOf([ok(0, 0, 50), ok(1, 10, 150), bad(2, 20, 250, 'timeout')], 300)
    expect(s).toEqual({ bucketMs: 100, acked: [1, 1, 0], failed: [0, 0, 1], maxLatencyMs: [230, 0, 0] })
  })
})

describe('scenario files', () => {
  it('read as the built-ins are, and say where they are wrong', () => {
    const s = parseScenario(JSON.stringify({ name: 'mine', seconds: 10, steps: [{ at: 5, do: 'resume', target: 'master' }, { at: 2, do: 'pause', target: 'master' }] }), 'f.json')
    expect(s.steps.map((x) => x.at)).toEqual([2, 5])
    expect(s.needsProcessControl).toBe(true)
    expect(parseScenario(JSON.stringify({ name: 'sw', seconds: 5, steps: [{ at: 1, do: 'failover' }] }), 'f.json').needsProcessControl).toBe(false)
    const bad = (o: unknown): string => { try { parseScenario(JSON.stringify(o), 'f.json'); return '' } catch (e) { return (e as Error).message } }
    expect(bad({ name: 'x', seconds: 5, steps: [{ at: 9, do: 'kill', target: 'master' }] })).toBe('f.json: steps[0].at: seconds after the start, from 0 to 5')
    expect(bad({ name: 'x', seconds: 5, steps: [{ at: 1, do: 'kill' }] })).toMatch(/steps\[0\]\.target: 'master', 'replica' or a member's name/)
    expect(bad({ name: 'x', seconds: 5, steps: [{ at: 1, do: 'rate', rate: 0 }] })).toMatch(/steps\[0\]\.rate: writes per second/)
    expect(bad({ name: 'x', seconds: 5, steps: [], when: 1 })).toMatch(/when: unknown field/)
    expect(() => parseScenario('{', 'f.json')).toThrow(/f\.json: not JSON/)
  })
})
