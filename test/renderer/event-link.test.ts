// The link between a lab's timeline and its sentinels' logs, on real lines (a sentinel's
// log of a failover, redis 7.0.15: see test/redis-log.test.ts) and real payloads (as the
// sentinels published them: test/fixtures/samples/sample-failover-events.txt).
import { describe, expect, it } from 'vitest'
import type { LabTimelineEntry } from '../../src/shared/model'
import { findLogLine, findTimelineEntry, lineTime, samePayload, TOLERANCE_MS } from '../../src/renderer/lib/event-link'
import { toEntries } from '../../src/renderer/lib/log-view'
import { parseRedisLine } from '../../src/renderer/lib/redis-log'

const LOG = `30226:X 24 Nov 2026 19:48:47.039 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo
30226:X 24 Nov 2026 19:48:47.043 # +monitor master mymaster 127.0.0.1 16990 quorum 1
30226:X 24 Nov 2026 19:48:47.044 * +slave slave 127.0.0.1:16991 127.0.0.1 16991 @ mymaster 127.0.0.1 16990
30226:X 24 Nov 2026 19:48:50.051 # Executing user requested FAILOVER of 'mymaster'
30331:X 24 Nov 2026 19:49:16.386 # +sdown master mymaster 127.0.0.1 16990
30331:X 24 Nov 2026 19:49:16.386 # +odown master mymaster 127.0.0.1 16990 #quorum 1/1
30331:X 24 Nov 2026 19:49:16.386 # +new-epoch 1
30331:X 24 Nov 2026 19:49:16.388 # +vote-for-leader 984a64c41e6bc88ab2d9fd141f16f93a9cad516a 1
30386:X 24 Nov 2026 19:49:29.664 # +promoted-slave slave 127.0.0.1:16991 127.0.0.1 16991 @ mymaster 127.0.0.1 16990
30386:X 24 Nov 2026 19:49:29.718 # +failover-end master mymaster 127.0.0.1 16990
30386:X 24 Nov 2026 19:49:29.718 # +switch-master mymaster 127.0.0.1 16990 127.0.0.1 16991
30386:X 24 Nov 2026 19:49:43.022 * +convert-to-slave slave 127.0.0.1:16990 127.0.0.1 16990 @ mymaster 127.0.0.1 16991
30386:X 24 Nov 2026 19:52:10.101 # +switch-master mymaster 127.0.0.1 16991 127.0.0.1 16990
30386:X 24 Nov 2026 19:55:02.540 # +switch-master mymaster 127.0.0.1 16990 127.0.0.1 16991
30386:signal-handler (1795549784) Received SIGTERM scheduling shutdown...`.split('\n')

const entries = toEntries(LOG, 100)
const lineOf = (prefix: string): string => LOG.find((l) => l.includes(prefix))!
/** Local time, as Redis writes it. */
const at = (h: number, m: number, s: number, ms: number): number => new Date(2026, 10, 24, h, m, s, ms).getTime()
let id = 0
const sentinel = (type: string, text: string, t: number, seenBy = ['sentinel-1', 'sentinel-2', 'sentinel-3']): LabTimelineEntry => ({ id: ++id, t, type, text, seenBy, source: 'sentinel' })

describe('lineTime', () => {
  it("reads a line's date and time as local time", () => {
    expect(lineTime(parseRedisLine(lineOf('+failover-end'))!, 0)).toBe(at(19, 49, 29, 718))
  })
  it("takes the year nearest the entry for an old server's line, and has no time for a signal handler's", () => {
    const old = parseRedisLine('[4242] 24 Nov 19:49:29.718 # +switch-master mymaster 127.0.0.1 6380 127.0.0.1 6381')!
    expect(lineTime(old, at(19, 49, 30, 0))).toBe(at(19, 49, 29, 718))
    expect(lineTime(old, new Date(2027, 0, 2).getTime())).toBe(at(19, 49, 29, 718))
    expect(lineTime(parseRedisLine(LOG.at(-1)!)!, 0)).toBeNull()
  })
})

describe('samePayload', () => {
  it('leaves "#quorum N/M" out (each sentinel counts its own votes) and collapses spaces', () => {
    expect(samePayload('master mymaster 127.0.0.1 6380 #quorum 3/2')).toBe('master mymaster 127.0.0.1 6380')
    expect(samePayload(' mymaster  127.0.0.1 6380 ')).toBe('mymaster 127.0.0.1 6380')
  })
})

describe('findLogLine (timeline → log)', () => {
  it('finds the line of the same event and payload, published a few ms after it was written', () => {
    const e = sentinel('+switch-master', 'mymaster 127.0.0.1 16990 127.0.0.1 16991', at(19, 49, 29, 721))
    expect(findLogLine(entries, e)?.text).toBe(LOG[10])
    expect(findLogLine(entries, sentinel('+new-epoch', '1', at(19, 49, 16, 390)))?.text).toBe(lineOf('+new-epoch'))
    expect(findLogLine(entries, sentinel('+vote-for-leader', '984a64c41e6bc88ab2d9fd141f16f93a9cad516a 1', at(19, 49, 16, 390)))?.text).toBe(lineOf('+vote-for-leader'))
    expect(findLogLine(entries, sentinel('+promoted-slave', 'slave 127.0.0.1:16991 127.0.0.1 16991 @ mymaster 127.0.0.1 16990', at(19, 49, 29, 670)))?.seq).toBe(108)
  })

  it('picks the nearest in time when a failover back and forth repeats the payload', () => {
    const payload = 'mymaster 127.0.0.1 16990 127.0.0.1 16991'
    expect(findLogLine(entries, sentinel('+switch-master', payload, at(19, 49, 29, 720)))?.text).toBe(LOG[10])
    expect(findLogLine(entries, sentinel('+switch-master', payload, at(19, 55, 2, 541)))?.text).toBe(LOG[13])
    // The way back has its own payload.
    expect(findLogLine(entries, sentinel('+switch-master', 'mymaster 127.0.0.1 16991 127.0.0.1 16990', at(19, 55, 2, 541)))).toBeNull()
    expect(findLogLine(entries, sentinel('+switch-master', 'mymaster 127.0.0.1 16991 127.0.0.1 16990', at(19, 52, 10, 105)))?.text).toBe(LOG[12])
  })

  it('matches +odown whatever quorum count the first sentinel published', () => {
    expect(findLogLine(entries, sentinel('+odown', 'master mymaster 127.0.0.1 16990 #quorum 3/2', at(19, 49, 16, 390)))?.text).toBe(lineOf('+odown'))
  })

  it('finds nothing for a line no longer in the pane, another event, or a lab entry', () => {
    const e = sentinel('+switch-master', 'mymaster 127.0.0.1 16990 127.0.0.1 16991', at(19, 49, 29, 721))
    // Dropped from the pane (the cap, a clear): the other one with this payload is minutes away.
    expect(findLogLine(entries.filter((x) => x.seq !== 110), e)).toBeNull()
    expect(findLogLine(entries, { ...e, t: at(19, 49, 29, 718) + TOLERANCE_MS + 1 })).toBeNull()
    // "+sdown" is no "+odown"; a payload must be the whole payload.
    expect(findLogLine(entries, sentinel('+sdown', 'master mymaster 127.0.0.1 16990 #quorum 1/1', at(19, 49, 16, 390)))?.text).toBe(lineOf('+sdown'))
    expect(findLogLine(entries, sentinel('+sdown', 'master mymaster 127.0.0.1 1699', at(19, 49, 16, 390)))).toBeNull()
    expect(findLogLine(entries, { t: at(19, 49, 16, 390), type: 'kill', text: 'killed node-1', source: 'lab' })).toBeNull()
    expect(findLogLine([], e)).toBeNull()
  })
})

describe('findTimelineEntry (log → timeline)', () => {
  const timeline: LabTimelineEntry[] = [
    { id: 1_000_000_001, t: at(19, 49, 15, 0), type: 'kill', text: 'killed node-1 (SIGKILL)', seenBy: [], source: 'lab' },
    sentinel('+sdown', 'master mymaster 127.0.0.1 16990', at(19, 49, 16, 389)),
    sentinel('+odown', 'master mymaster 127.0.0.1 16990 #quorum 3/2', at(19, 49, 16, 390), ['sentinel-3', 'sentinel-1']),
    sentinel('+new-epoch', '1', at(19, 49, 16, 390)),
    sentinel('+switch-master', 'mymaster 127.0.0.1 16990 127.0.0.1 16991', at(19, 49, 29, 720)),
    sentinel('+switch-master', 'mymaster 127.0.0.1 16991 127.0.0.1 16990', at(19, 52, 10, 104)),
    sentinel('+switch-master', 'mymaster 127.0.0.1 16990 127.0.0.1 16991', at(19, 55, 2, 543)),
  ]

  it("finds the entry of the line's event and payload, the nearest in time", () => {
    expect(findTimelineEntry(timeline, LOG[10]!, 'sentinel-1')).toBe(timeline[4])
    expect(findTimelineEntry(timeline, LOG[12]!, 'sentinel-1')).toBe(timeline[5])
    expect(findTimelineEntry(timeline, LOG[13]!, 'sentinel-1')).toBe(timeline[6])
    expect(findTimelineEntry(timeline, lineOf('+sdown'), 'sentinel-2')).toBe(timeline[1])
    expect(findTimelineEntry(timeline, lineOf('+odown'), 'sentinel-1')).toBe(timeline[2])
  })

  it('prefers an entry that sentinel was seen reporting', () => {
    // Two sightings of one payload that did not merge (more than the window apart).
    const split = [sentinel('+new-epoch', '1', at(19, 49, 16, 388), ['sentinel-2']), sentinel('+new-epoch', '1', at(19, 49, 18, 500), ['sentinel-1'])]
    expect(findTimelineEntry(split, lineOf('+new-epoch'), 'sentinel-1')).toBe(split[1])
    expect(findTimelineEntry(split, lineOf('+new-epoch'), 'sentinel-2')).toBe(split[0])
    expect(findTimelineEntry(split, lineOf('+new-epoch'), null)).toBe(split[0])
  })

  it('finds nothing for a line that is no event, an event the timeline does not hold, or one too far in time', () => {
    expect(findTimelineEntry(timeline, lineOf('Executing user requested FAILOVER'), 'sentinel-1')).toBeNull()
    expect(findTimelineEntry(timeline, LOG.at(-1)!, 'sentinel-1')).toBeNull()
    // +monitor came before the app was watching.
    expect(findTimelineEntry(timeline, lineOf('+monitor'), 'sentinel-1')).toBeNull()
    expect(findTimelineEntry(timeline.slice(0, 4), LOG[13]!, 'sentinel-1')).toBeNull()
    expect(findTimelineEntry([timeline[6]!], LOG[10]!, 'sentinel-1')).toBeNull()
  })
})
