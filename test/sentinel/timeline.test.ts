import { describe, expect, it } from 'vitest'
import { parseSentinelEvent } from '../../src/main/sentinel/event-parser'
import { Timeline } from '../../src/main/sentinel/timeline'
import { readSampleEvents } from './samples'

function sampleTimeline(options = {}): Timeline {
  const t = new Timeline(options)
  for (const l of readSampleEvents()) t.add({ event: parseSentinelEvent(l.channel, l.payload), sentinel: l.sentinel, at: Math.round(l.seconds * 1000) })
  return t
}

describe('Timeline', () => {
  it('merges the sample failover of 3 sentinels', () => {
    const t = sampleTimeline()
    const entries = t.entries()
    expect(entries.length).toBeLessThan(readSampleEvents().length)
    // +switch-master: seen by all three (the leader 1.05 s after the others), once.
    const sw = entries.filter((e) => e.type === '+switch-master')
    expect(sw).toHaveLength(1)
    expect(sw[0].seenBy).toEqual(['26381', '26380', '26382'])
    expect(sw[0].firstSeen).toBe(2755)
    expect(sw[0].event.to).toEqual({ host: '127.0.0.1', port: 6381 })
    // The first +sdown of the master: 3 sentinels.
    const sdown = entries.find((e) => e.type === '+sdown')!
    expect(sdown.seenBy).toEqual(['26381', '26380', '26382'])
    expect(sdown.firstSeen).toBe(1566)
    // +odown: same ODOWN whatever each sentinel's #quorum count; extras keep the difference.
    const odown = entries.filter((e) => e.type === '+odown')
    expect(odown).toHaveLength(1)
    expect(odown[0].seenBy).toEqual(['26382', '26380', '26381'])
    expect(odown[0].extras['26380']).toContain('#quorum 2/2')
    // Several entries with 2-3 sentinels; leader-only events stay single.
    expect(entries.filter((e) => e.seenBy.length >= 2).length).toBeGreaterThanOrEqual(8)
    expect(entries.find((e) => e.type === '+elected-leader')!.seenBy).toEqual(['26382'])
    // Ordered by first-seen.
    for (let i = 1; i < entries.length; i++) expect(entries[i].firstSeen).toBeGreaterThanOrEqual(entries[i - 1].firstSeen)
    for (const e of entries) expect(new Set(e.seenBy).size).toBe(e.seenBy.length)
  })

  it('a small window keeps sightings far apart as separate entries', () => {
    const t = sampleTimeline({ windowMs: 100 })
    const sw = t.entries().filter((e) => e.type === '+switch-master')
    expect(sw.map((e) => e.seenBy)).toEqual([['26381', '26380'], ['26382']])
  })

  it('the same sentinel reporting the same event twice makes two entries', () => {
    const t = new Timeline()
    const ev = parseSentinelEvent('+sdown', 'master m 127.0.0.1 6380')
    t.add({ event: ev, sentinel: 'a', at: 0 })
    t.add({ event: ev, sentinel: 'a', at: 10 })
    t.add({ event: ev, sentinel: 'b', at: 20 })
    expect(t.entries().map((e) => e.seenBy)).toEqual([['a'], ['a', 'b']]) // merges into the latest sighting
  })

  it('out-of-order arrivals are placed by time; first-seen is the earliest', () => {
    const t = new Timeline()
    const a = parseSentinelEvent('+sdown', 'master m 127.0.0.1 6380')
    const b = parseSentinelEvent('+odown', 'master m 127.0.0.1 6380 #quorum 2/2')
    t.add({ event: b, sentinel: 's1', at: 100 })
    t.add({ event: a, sentinel: 's1', at: 50 })
    t.add({ event: b, sentinel: 's2', at: 40 })
    expect(t.entries().map((e) => [e.type, e.firstSeen, e.lastSeen])).toEqual([['+odown', 40, 100], ['+sdown', 50, 50]])
  })

  it('is bounded, and keeps unknown events', () => {
    const t = new Timeline({ maxEntries: 5 })
    for (let i = 0; i < 20; i++) t.add({ event: parseSentinelEvent('+mystery', `n ${i}`), sentinel: 's', at: i })
    expect(t.size).toBe(5)
    expect(t.entries().map((e) => e.event.raw)).toEqual(['n 15', 'n 16', 'n 17', 'n 18', 'n 19'])
    expect(t.entries()[0].id).toBe(16)
  })
})
