// The pure parts of a log pane: its entries (lines and markers) capped in number, the
// search (text or regex) and level filter applied incrementally as lines arrive, and the
// join of a re-read tail onto what was shown before a reconnect. No state, no DOM.
import { levelOf } from './redis-log'

/** At most this many entries are kept in a pane; the oldest go first (they stay in the file). */
export const LINE_CAP = 200_000

type EntryKind = 'line' | 'skipped' | 'rotated' | 'reconnected'

export interface LogEntry {
  /** Increases by one per entry, never reused in a pane: a stable key. */
  seq: number
  kind: EntryKind
  /** The line, or the marker's words. */
  text: string
  /** Redis level 0 (debug) .. 3 (warning); -1 for lines not in Redis's format and for markers. */
  level: number
}

export const formatCount = (n: number): string => n.toLocaleString('en-US')

export function markerText(kind: Exclude<EntryKind, 'line'>, count = 0): string {
  switch (kind) {
    case 'skipped':
      return `… ${formatCount(count)} line${count === 1 ? '' : 's'} skipped while the pane was behind (they are in the file)`
    case 'rotated':
      return '— rotated —'
    case 'reconnected':
      return count > 0
        ? `— reconnected: ${formatCount(count)} line${count === 1 ? '' : 's'} written meanwhile —`
        : '— reconnected: lines written meanwhile may be missing here (they are in the file) —'
  }
}

/** Entries for raw lines, numbered from `seq`. */
export function toEntries(lines: readonly string[], seq: number): LogEntry[] {
  return lines.map((text, i) => ({ seq: seq + i, kind: 'line', text, level: levelOf(text) }))
}

/** `entries` then `added`, keeping at most `cap` (the newest). Says how many were dropped. */
export function appendCapped(entries: readonly LogEntry[], added: readonly LogEntry[], cap = LINE_CAP): { entries: LogEntry[]; dropped: number } {
  const total = entries.length + added.length
  if (total <= cap) return { entries: entries.concat(added), dropped: 0 }
  const dropped = total - cap
  if (dropped >= entries.length) return { entries: added.slice(dropped - entries.length), dropped }
  return { entries: entries.slice(dropped).concat(added), dropped }
}

/**
 * After a reconnect the tail is read again: the lines that follow the last ones shown.
 * `recent` holds the last lines received before (oldest first). When they are found in
 * the tail (the latest place), only what follows them is new; otherwise the whole tail is,
 * and `overlap` is false (lines may be missing in between, or the file was replaced).
 */
export function mergeTail(recent: readonly string[], tail: readonly string[]): { fresh: string[]; overlap: boolean } {
  if (recent.length === 0) return { fresh: [...tail], overlap: false }
  const last = recent[recent.length - 1]!
  for (let j = tail.length - 1; j >= 0; j--) {
    if (tail[j] !== last) continue
    // Compare as far back as both go.
    const k = Math.min(recent.length, j + 1)
    let same = true
    for (let i = 1; i < k && same; i++) same = tail[j - i] === recent[recent.length - 1 - i]
    if (same) return { fresh: tail.slice(j + 1), overlap: true }
  }
  return { fresh: [...tail], overlap: false }
}

interface QueryInput {
  text: string
  regex: boolean
  matchCase: boolean
}

/** A compiled search: whether a line matches, and where (for highlighting). */
export interface Matcher {
  /** Identity of the search, to know when a filtered view must be recomputed. */
  key: string
  test(s: string): boolean
  ranges(s: string): [number, number][]
}

export type CompiledQuery = { ok: true; matcher: Matcher | null } | { ok: false; error: string }

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** An empty search matches everything (matcher null); a bad regex says why, plainly. */
export function compileQuery(q: QueryInput): CompiledQuery {
  if (q.text === '') return { ok: true, matcher: null }
  let re: RegExp
  try {
    re = new RegExp(q.regex ? q.text : escapeRegExp(q.text), q.matchCase ? 'g' : 'gi')
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')
    return { ok: false, error: `Not a valid regular expression: ${why}` }
  }
  const key = `${q.regex ? 're' : 'text'}:${q.matchCase ? 'case' : 'nocase'}:${q.text}`
  return {
    ok: true,
    matcher: {
      key,
      test(s) {
        re.lastIndex = 0
        return re.test(s)
      },
      ranges(s) {
        const out: [number, number][] = []
        re.lastIndex = 0
        for (let m = re.exec(s); m && out.length < 200; m = re.exec(s)) {
          if (m[0].length === 0) {
            re.lastIndex++
            continue
          }
          out.push([m.index, m.index + m[0].length])
        }
        return out
      },
    },
  }
}

/** Split a text into plain and matched parts, for <mark>; `cut` also splits (the event name's end). */
export function splitRanges(s: string, ranges: readonly [number, number][], cut = 0): { text: string; hit: boolean; lead: boolean }[] {
  const points = new Set<number>([0, s.length])
  if (cut > 0 && cut < s.length) points.add(cut)
  for (const [a, b] of ranges) {
    points.add(Math.min(a, s.length))
    points.add(Math.min(b, s.length))
  }
  const sorted = [...points].sort((x, y) => x - y)
  const parts: { text: string; hit: boolean; lead: boolean }[] = []
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i]!
    const b = sorted[i + 1]!
    if (a === b) continue
    const hit = ranges.some(([x, y]) => x <= a && b <= y)
    const lead = a < cut
    const prev = parts[parts.length - 1]
    if (prev && prev.hit === hit && prev.lead === lead) prev.text += s.slice(a, b)
    else parts.push({ text: s.slice(a, b), hit, lead })
  }
  if (parts.length === 0) parts.push({ text: '', hit: false, lead: false })
  return parts
}

/**
 * A filtered view of entries that only ever lose their oldest and gain newer ones (seq
 * increasing by one): each update tests only the new entries, unless the predicate
 * changed (its key) or the entries were replaced. Answers a new array when it changed.
 */
export class IncrementalFilter {
  private key: string | null = null
  private out: LogEntry[] = []
  /** The seq of the last entry tested. */
  private lastSeq = -1

  update(entries: readonly LogEntry[], key: string, keep: (e: LogEntry) => boolean): LogEntry[] {
    const first = entries[0]
    const last = entries[entries.length - 1]
    const continuous = this.key === key && first !== undefined && last !== undefined && first.seq <= this.lastSeq + 1 && last.seq >= this.lastSeq
    if (!continuous || first === undefined || last === undefined) {
      this.key = key
      this.lastSeq = last?.seq ?? -1
      this.out = entries.filter(keep)
      return this.out
    }
    // Drop what left at the head; test what came at the tail.
    let head = 0
    while (head < this.out.length && this.out[head]!.seq < first.seq) head++
    const fromIndex = this.lastSeq + 1 - first.seq
    const added: LogEntry[] = []
    for (let i = fromIndex; i < entries.length; i++) if (keep(entries[i]!)) added.push(entries[i]!)
    this.lastSeq = last.seq
    if (head === 0 && added.length === 0) return this.out
    this.out = (head ? this.out.slice(head) : this.out).concat(added)
    return this.out
  }
}

/** How many entries of `list` (by increasing seq) come after `seq`. */
export function countAfter(list: readonly LogEntry[], seq: number): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (list[mid]!.seq <= seq) lo = mid + 1
    else hi = mid
  }
  return list.length - lo
}

/** The index of the first entry of `list` whose seq is at least `seq` (list.length if none). */
export function indexAtOrAfter(list: readonly LogEntry[], seq: number): number {
  return list.length - countAfter(list, seq - 1)
}
