// The link between a lab's timeline and its sentinels' logs: which log line reports a
// timeline entry, and which timeline entry a log line reports. Sentinel writes an event to
// its log and publishes it with the same words ("+switch-master mymaster 127.0.0.1 16990
// 127.0.0.1 16991" in the log, "mymaster 127.0.0.1 16990 127.0.0.1 16991" on the channel
// +switch-master), so they match on the event's name and payload; "#quorum N/M" is left
// out (each sentinel counts its own votes, the timeline keeps the first one's). When
// several match (a failover back and forth repeats a payload), the nearest in time wins,
// within TOLERANCE_MS. Pure: no state, no DOM.
import type { LabTimelineEntry } from '../../shared/model'
import type { LogEntry } from './log-view'
import { parseRedisLine, type RedisLogLine } from './redis-log'

/** A log line and a timeline entry further apart than this are not the same sighting. */
export const TOLERANCE_MS = 60_000

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** A payload as compared: without "#quorum N/M", spaces collapsed. */
export function samePayload(s: string): string {
  return s.replace(/\s*#quorum \d+\/\d+/, '').trim().replace(/\s+/g, ' ')
}

/**
 * When a Redis line was written, in ms since the epoch (local time, as Redis writes it);
 * null if it does not say (a signal handler's line carries no date). An old server's line
 * has no year: the one that puts it nearest `near`.
 */
export function lineTime(p: Pick<RedisLogLine, 'date' | 'time'>, near: number): number | null {
  const d = /^(\d{1,2}) ([A-Z][a-z]{2})(?: (\d{4}))?$/.exec(p.date)
  const t = /^(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(p.time)
  if (!d || !t) return null
  const month = MONTHS.indexOf(d[2]!)
  if (month < 0) return null
  const ms = Math.floor(Number((t[4] ?? '0').padEnd(3, '0').slice(0, 3)))
  const at = (year: number): number => new Date(year, month, Number(d[1]), Number(t[1]), Number(t[2]), Number(t[3]), ms).getTime()
  if (d[3]) return at(Number(d[3]))
  const y = new Date(near).getFullYear()
  return [y - 1, y, y + 1].map(at).reduce((a, b) => (Math.abs(b - near) < Math.abs(a - near) ? b : a))
}

/** The one nearest `t` among candidates with a time (or the last without one), within the tolerance. */
function nearest<T>(candidates: readonly { item: T; at: number | null }[], t: number, tolerance: number): T | null {
  let best: T | null = null
  let bestGap = Infinity
  for (const c of candidates) {
    const gap = c.at === null ? tolerance : Math.abs(c.at - t)
    if (gap <= tolerance && gap <= bestGap) {
      best = c.item
      bestGap = gap
    }
  }
  return best
}

/**
 * The line of a sentinel's log that reports this timeline entry: a Sentinel event of the
 * same name and payload, the nearest in time. null when none is there (a lab entry, a
 * line dropped from the pane or older than what was read, a log cleared).
 */
export function findLogLine(entries: readonly LogEntry[], ev: Pick<LabTimelineEntry, 'type' | 'text' | 't' | 'source'>, tolerance = TOLERANCE_MS): LogEntry | null {
  if (ev.source !== 'sentinel') return null
  const payload = samePayload(ev.text)
  const candidates: { item: LogEntry; at: number | null }[] = []
  for (const e of entries) {
    // Cheap first: most lines are not this event at all.
    if (e.kind !== 'line' || !e.text.includes(ev.type)) continue
    const p = parseRedisLine(e.text)
    if (!p?.event || p.event.name !== ev.type) continue
    if (samePayload(p.event.detail) !== payload) continue
    candidates.push({ item: e, at: lineTime(p, ev.t) })
  }
  return nearest(candidates, ev.t, tolerance)
}

/**
 * The timeline entry a log line reports: a Sentinel entry of the same name and payload,
 * preferably one that `member` (the sentinel whose log it is) was seen reporting, the
 * nearest in time. null when the line is not a Sentinel event or no entry matches (the
 * timeline keeps its newest entries only; the app may not have been watching then).
 */
export function findTimelineEntry(timeline: readonly LabTimelineEntry[], line: string, member: string | null, tolerance = TOLERANCE_MS): LabTimelineEntry | null {
  const p = parseRedisLine(line)
  if (!p?.event) return null
  const payload = samePayload(p.event.detail)
  const same = timeline.filter((e) => e.source === 'sentinel' && e.type === p.event!.name && samePayload(e.text) === payload)
  if (same.length === 0) return null
  const seen = member ? same.filter((e) => e.seenBy.includes(member)) : []
  const at = lineTime(p, same[same.length - 1]!.t)
  // No time to go by (a line without a date): the newest.
  if (at === null) return (seen.length ? seen : same).at(-1)!
  const pick = (list: LabTimelineEntry[]): LabTimelineEntry | null =>
    nearest(
      list.map((e) => ({ item: e, at: e.t })),
      at,
      tolerance,
    )
  return (seen.length ? pick(seen) : null) ?? pick(same)
}
