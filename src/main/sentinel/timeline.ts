// One timeline from the event streams of several sentinels. The same event (type +
// payload) seen by several sentinels within `windowMs` of its first sighting is one entry
// with `seenBy` (in the order they reported it) and the first-seen time; a sentinel that
// reports the same event twice starts a new entry. "#quorum N/M" is not part of the
// identity (each sentinel counts its own votes: +odown ... #quorum 3/2 and ... #quorum 2/2
// are the same ODOWN); it is kept per sentinel in `extras`. Entries are ordered by
// first-seen time and bounded (the oldest go first). Pure, no timers.
import type { SentinelEvent } from './event-parser'

interface TimedEvent {
  event: SentinelEvent
  /** Which sentinel published it ("host:port" or any id). */
  sentinel: string
  /** ms (epoch or monotonic: one clock for a whole timeline). */
  at: number
}

export interface TimelineEntry {
  /** Increasing id, stable for the life of the timeline. */
  id: number
  key: string
  type: string
  event: SentinelEvent
  firstSeen: number
  lastSeen: number
  seenBy: string[]
  /** Per-sentinel payload when it differs from the first one (e.g. another #quorum count). */
  extras: Record<string, string>
}

export interface TimelineOptions {
  /** Sightings of one event by several sentinels within this time merge (default 1500 ms). */
  windowMs?: number
  /** At most this many entries (default 1000). */
  maxEntries?: number
}

function eventKey(event: SentinelEvent): string {
  return `${event.type} ${event.raw.replace(/\s*#quorum \d+\/\d+/, '').trim().replace(/\s+/g, ' ')}`
}

export class Timeline {
  private readonly windowMs: number
  private readonly maxEntries: number
  private readonly list: TimelineEntry[] = []
  private nextId = 1

  constructor(options: TimelineOptions = {}) {
    this.windowMs = options.windowMs ?? 1500
    this.maxEntries = Math.max(1, options.maxEntries ?? 1000)
  }

  /** Add one sighting; returns the entry it created or merged into, and whether it is new. */
  add(e: TimedEvent): { entry: TimelineEntry; created: boolean } {
    const key = eventKey(e.event)
    for (let i = this.list.length - 1; i >= 0; i--) {
      const entry = this.list[i]
      if (entry.firstSeen < e.at - this.windowMs) break // older than any mergeable one (list is ordered)
      if (entry.key !== key || entry.firstSeen > e.at + this.windowMs) continue
      if (entry.seenBy.includes(e.sentinel)) continue
      entry.seenBy.push(e.sentinel)
      if (e.event.raw !== entry.event.raw) entry.extras[e.sentinel] = e.event.raw
      if (e.at < entry.firstSeen) {
        entry.firstSeen = e.at
        this.reposition(i)
      }
      entry.lastSeen = Math.max(entry.lastSeen, e.at)
      return { entry, created: false }
    }
    const entry: TimelineEntry = { id: this.nextId++, key, type: e.event.type, event: e.event, firstSeen: e.at, lastSeen: e.at, seenBy: [e.sentinel], extras: {} }
    // Insert in order of first-seen (events from different sentinels may arrive slightly out of order).
    let i = this.list.length
    while (i > 0 && this.list[i - 1].firstSeen > e.at) i--
    this.list.splice(i, 0, entry)
    if (this.list.length > this.maxEntries) this.list.splice(0, this.list.length - this.maxEntries)
    return { entry, created: true }
  }

  entries(): readonly TimelineEntry[] {
    return this.list
  }

  get size(): number {
    return this.list.length
  }

  clear(): void {
    this.list.length = 0
  }

  private reposition(i: number): void {
    const [entry] = this.list.splice(i, 1)
    let j = i
    while (j > 0 && this.list[j - 1].firstSeen > entry.firstSeen) j--
    this.list.splice(j, 0, entry)
  }
}
