// The search and filter choices of a log pane's toolbar, as pure functions over its entries:
// the level filter's options, stepping from match to match, what the counts and the empty
// view say, and what must be turned off to show a hidden line. The search itself (compiling
// it, filtering incrementally) is in log-view.ts. No state, no DOM.
import { formatCount, indexAtOrAfter, LINE_CAP, type LogEntry, type Matcher } from './log-view'

/** The level filter (Redis logs): the lowest level shown, and its label. */
export const LEVEL_OPTIONS: readonly (readonly [number, string])[] = [
  [-1, 'All levels'],
  [1, 'Verbose and up'],
  [2, 'Notice and up'],
  [3, 'Warnings only'],
]

/**
 * The index in `shown` of the next (`dir` 1) or previous (-1) matching line after the
 * entry at `from` (which may lie outside: -1, shown.length), wrapping around; -1 if none.
 */
export function nextMatch(shown: readonly LogEntry[], matcher: Matcher, from: number, dir: 1 | -1): number {
  const n = shown.length
  for (let k = 1; k <= n; k++) {
    const i = (from + dir * k + n * 2) % n
    const e = shown[i]!
    if (e.kind === 'line' && matcher.test(e.text)) return i
  }
  return -1
}

/**
 * Where stepping starts: the current match (by seq) if there is one, else just above the
 * top line on screen (going down) or past the end (going up).
 */
export function stepOrigin(shown: readonly LogEntry[], currentSeq: number, dir: 1 | -1, topIndex: number): number {
  if (currentSeq >= 0) return indexAtOrAfter(shown, currentSeq)
  return dir > 0 ? topIndex - 1 : shown.length
}

/** "3 / 12 matches" (the current one's ordinal, when there is one), "1 match". */
export function matchCountText(ordinal: number, count: number): string {
  return `${ordinal ? `${formatCount(ordinal)} / ` : ''}${formatCount(count)} match${count === 1 ? '' : 'es'}`
}

/** What an empty view says. */
export function emptyText(p: { starting: boolean; lines: number; searching: boolean }): string {
  if (p.starting) return 'Reading the log…'
  if (p.lines && p.searching) return 'No line matches.'
  if (p.lines) return 'No line at this level.'
  return 'No line yet: what it writes shows here.'
}

/** Why the view holds fewer lines than the file (cleared, capped, the file's head not read), or null. */
export function olderText(p: { dropped: number; cleared: boolean; truncatedHead: boolean; lines: number }): string | null {
  if (p.dropped > 0 && p.cleared) return `${formatCount(p.dropped)} lines cleared from the view`
  if (p.dropped > 0) return `${formatCount(p.dropped)} lines dropped from the view (it keeps the newest ${formatCount(LINE_CAP)})`
  if (p.cleared) return 'The view was cleared'
  if (p.truncatedHead) return `Showing the last ${formatCount(p.lines)} lines`
  return null
}

/** "12 lines", and ", 3 shown" when only the matching lines are. */
export function lineCountText(lines: number, shown: number, onlyMatching: boolean): string {
  return `${formatCount(lines)} line${lines === 1 ? '' : 's'}${onlyMatching ? `, ${formatCount(shown)} shown` : ''}`
}

/**
 * A line to show is hidden by the filters: which to turn off. The search only if it hides
 * that line (only the matching lines are shown and it does not match); the level filter always.
 */
export function unhide(text: string, p: { onlyMatching: boolean; matcher: Matcher | null }): { onlyMatching: boolean; minLevel: number } {
  return { onlyMatching: p.onlyMatching && !(p.matcher && !p.matcher.test(text)), minLevel: -1 }
}
