// The log pane toolbar's pure choices (src/renderer/lib/log-filter.ts): stepping from match
// to match wraps around and skips markers; what the counts and an empty view say; what a
// hidden line needs turned off.
import { describe, expect, it } from 'vitest'
import { emptyText, lineCountText, matchCountText, nextMatch, olderText, stepOrigin, unhide } from '../../src/renderer/lib/log-filter'
import { type LogEntry, type Matcher, compileQuery, toEntries } from '../../src/renderer/lib/log-view'

const matcher = (text: string): Matcher => {
  const q = compileQuery({ text, regex: false, matchCase: false })
  if (!q.ok || !q.matcher) throw new Error('no matcher')
  return q.matcher
}

describe('log-filter', () => {
  const shown: LogEntry[] = [...toEntries(['a +sdown', 'b', 'c +sdown'], 0), { seq: 3, kind: 'rotated', text: '+sdown in a marker', level: -1 }, ...toEntries(['d', 'e +sdown'], 4)]

  it('steps to the next and previous matching line, wrapping, never onto a marker', () => {
    const m = matcher('+sdown')
    expect(nextMatch(shown, m, 0, 1)).toBe(2)
    expect(nextMatch(shown, m, 2, 1)).toBe(5)
    expect(nextMatch(shown, m, 5, 1)).toBe(0)
    expect(nextMatch(shown, m, 0, -1)).toBe(5)
    expect(nextMatch(shown, m, -1, 1)).toBe(0)
    expect(nextMatch(shown, m, shown.length, -1)).toBe(5)
    expect(nextMatch(shown, matcher('nowhere'), 0, 1)).toBe(-1)
  })

  it('starts stepping at the current match, else above the top line or past the end', () => {
    expect(stepOrigin(shown, 4, 1, 0)).toBe(4)
    expect(stepOrigin(shown, -1, 1, 3)).toBe(2)
    expect(stepOrigin(shown, -1, -1, 3)).toBe(shown.length)
  })

  it('says counts and empty views in words', () => {
    expect(matchCountText(0, 1)).toBe('1 match')
    expect(matchCountText(3, 12000)).toBe('3 / 12,000 matches')
    expect(lineCountText(1, 1, false)).toBe('1 line')
    expect(lineCountText(2500, 3, true)).toBe('2,500 lines, 3 shown')
    expect(emptyText({ starting: true, lines: 0, searching: false })).toBe('Reading the log…')
    expect(emptyText({ starting: false, lines: 5, searching: true })).toBe('No line matches.')
    expect(emptyText({ starting: false, lines: 5, searching: false })).toBe('No line at this level.')
    expect(olderText({ dropped: 0, cleared: false, truncatedHead: false, lines: 9 })).toBeNull()
    expect(olderText({ dropped: 10, cleared: false, truncatedHead: false, lines: 9 })).toMatch(/10 lines dropped .*newest 200,000/)
    expect(olderText({ dropped: 0, cleared: false, truncatedHead: true, lines: 1000 })).toBe('Showing the last 1,000 lines')
  })

  it('turns off only-matching only when the search hides the line, and the level filter always', () => {
    const m = matcher('sdown')
    expect(unhide('+sdown master', { onlyMatching: true, matcher: m })).toEqual({ onlyMatching: true, minLevel: -1 })
    expect(unhide('other', { onlyMatching: true, matcher: m })).toEqual({ onlyMatching: false, minLevel: -1 })
    expect(unhide('other', { onlyMatching: false, matcher: null })).toEqual({ onlyMatching: false, minLevel: -1 })
  })
})
