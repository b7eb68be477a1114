// The pure parts of the log panes: the cap on kept lines, the search (text or regex, a bad
// regex said plainly), the incremental filter, and joining a re-read tail after a reconnect.
import { describe, expect, it } from 'vitest'
import {
  appendCapped,
  compileQuery,
  countAfter,
  IncrementalFilter,
  indexAtOrAfter,
  type LogEntry,
  markerText,
  mergeTail,
  splitRanges,
  toEntries,
} from '../../src/renderer/lib/log-view'

const lines = (from: number, n: number): string[] => Array.from({ length: n }, (_, i) => `line ${from + i}`)

describe('appendCapped', () => {
  it('keeps at most the cap, the newest, and counts what it dropped', () => {
    const a = toEntries(lines(0, 8), 0)
    expect(appendCapped(a, toEntries(lines(8, 2), 8), 10)).toMatchObject({ dropped: 0 })
    const r = appendCapped(a, toEntries(lines(8, 5), 8), 10)
    expect(r.dropped).toBe(3)
    expect(r.entries.map((e) => e.seq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    // More new lines than the cap: only the newest of them.
    const big = appendCapped(a, toEntries(lines(8, 25), 8), 10)
    expect(big.dropped).toBe(23)
    expect(big.entries.map((e) => e.seq)).toEqual([23, 24, 25, 26, 27, 28, 29, 30, 31, 32])
  })

  it('bounds memory over a million lines', () => {
    let entries: LogEntry[] = []
    let dropped = 0
    let seq = 0
    for (let batch = 0; batch < 100; batch++) {
      const r = appendCapped(entries, toEntries(lines(seq, 10_000), seq), 200_000)
      seq += 10_000
      entries = r.entries
      dropped += r.dropped
    }
    expect(entries.length).toBe(200_000)
    expect(dropped).toBe(800_000)
    expect(entries[0]!.text).toBe('line 800000')
    expect(entries.at(-1)!.text).toBe('line 999999')
  })
})

describe('toEntries', () => {
  it('numbers lines and reads their Redis level (-1 for other lines)', () => {
    expect(toEntries(['25266:S 24 Nov 2026 15:06:30.590 # MASTER aborted replication', 'plain'], 7)).toEqual([
      { seq: 7, kind: 'line', text: '25266:S 24 Nov 2026 15:06:30.590 # MASTER aborted replication', level: 3 },
      { seq: 8, kind: 'line', text: 'plain', level: -1 },
    ])
  })
})

describe('compileQuery', () => {
  it('an empty search matches everything', () => {
    expect(compileQuery({ text: '', regex: true, matchCase: false })).toEqual({ ok: true, matcher: null })
  })

  it('text: a plain, case-insensitive substring (regex characters are literal)', () => {
    const r = compileQuery({ text: 'a.b(', regex: false, matchCase: false })
    if (!r.ok || !r.matcher) throw new Error('expected a matcher')
    expect(r.matcher.test('xx A.B( yy')).toBe(true)
    expect(r.matcher.test('axb(')).toBe(false)
    expect(r.matcher.ranges('a.b( A.B(')).toEqual([
      [0, 4],
      [5, 9],
    ])
  })

  it('regex, with match case', () => {
    const r = compileQuery({ text: '^\\+s(witch|down)', regex: true, matchCase: true })
    if (!r.ok || !r.matcher) throw new Error('expected a matcher')
    expect(r.matcher.test('+switch-master mymaster')).toBe(true)
    expect(r.matcher.test('+sdown master')).toBe(true)
    expect(r.matcher.test('+SDOWN')).toBe(false)
    // test() is stable across calls (the global flag's lastIndex is reset).
    expect([1, 2, 3].map(() => r.matcher!.test('+sdown'))).toEqual([true, true, true])
  })

  it('a bad regex is said plainly', () => {
    expect(compileQuery({ text: '(', regex: true, matchCase: false })).toEqual({ ok: false, error: 'Not a valid regular expression: Unterminated group' })
    expect(compileQuery({ text: '(', regex: false, matchCase: false }).ok).toBe(true)
  })

  it('a regex that matches the empty string does not loop', () => {
    const r = compileQuery({ text: 'x*', regex: true, matchCase: false })
    if (!r.ok || !r.matcher) throw new Error('expected a matcher')
    expect(r.matcher.ranges('axxb')).toEqual([[1, 3]])
  })
})

describe('splitRanges', () => {
  it('splits at the matches and at the cut (the event name)', () => {
    expect(splitRanges('+sdown master mymaster', [[7, 13]], 6)).toEqual([
      { text: '+sdown', hit: false, lead: true },
      { text: ' ', hit: false, lead: false },
      { text: 'master', hit: true, lead: false },
      { text: ' mymaster', hit: false, lead: false },
    ])
    expect(splitRanges('+switch-master x', [[1, 7]], 14).map((p) => [p.text, p.hit, p.lead])).toEqual([
      ['+', false, true],
      ['switch', true, true],
      ['-master', false, true],
      [' x', false, false],
    ])
    expect(splitRanges('', [])).toEqual([{ text: '', hit: false, lead: false }])
  })
})

describe('IncrementalFilter', () => {
  const even = (e: LogEntry): boolean => e.seq % 2 === 0

  it('tests only new entries, drops those that left at the head, recomputes on a new key', () => {
    const f = new IncrementalFilter()
    let calls = 0
    const keep = (e: LogEntry): boolean => (calls++, even(e))
    let entries = toEntries(lines(0, 10), 0)
    expect(f.update(entries, 'k', keep).map((e) => e.seq)).toEqual([0, 2, 4, 6, 8])
    expect(calls).toBe(10)
    const same = f.update(entries, 'k', keep)
    expect(calls).toBe(10)
    expect(f.update(entries, 'k', keep)).toBe(same)
    entries = appendCapped(entries, toEntries(lines(10, 4), 10), 10).entries // seq 4..13
    expect(f.update(entries, 'k', keep).map((e) => e.seq)).toEqual([4, 6, 8, 10, 12])
    expect(calls).toBe(14)
    expect(f.update(entries, 'other', () => true).length).toBe(10)
  })

  it('starts over when the entries were replaced (cleared, or more than the cap at once)', () => {
    const f = new IncrementalFilter()
    f.update(toEntries(lines(0, 10), 0), 'k', even)
    expect(f.update([], 'k', even)).toEqual([])
    expect(f.update(toEntries(lines(0, 3), 50), 'k', even).map((e) => e.seq)).toEqual([50, 52])
  })
})

describe('countAfter / indexAtOrAfter', () => {
  const list = [1, 3, 5, 9].map((seq) => ({ seq, kind: 'line', text: '', level: -1 }) as LogEntry)
  it('binary-search by seq', () => {
    expect([0, 1, 4, 9, 10].map((s) => countAfter(list, s))).toEqual([4, 3, 2, 0, 0])
    expect([0, 1, 2, 9, 10].map((s) => indexAtOrAfter(list, s))).toEqual([0, 0, 1, 3, 4])
  })
})

describe('mergeTail', () => {
  it('goes on after the last lines shown', () => {
    expect(mergeTail(['a', 'b', 'c'], ['x', 'a', 'b', 'c', 'd', 'e'])).toEqual({ fresh: ['d', 'e'], overlap: true })
    expect(mergeTail(['a', 'b', 'c'], ['b', 'c'])).toEqual({ fresh: [], overlap: true })
  })

  it('takes the latest place where the recent lines match, in context', () => {
    // "c" repeats: the context (b, c) decides.
    expect(mergeTail(['b', 'c'], ['b', 'c', 'x', 'c', 'y'])).toEqual({ fresh: ['x', 'c', 'y'], overlap: true })
    expect(mergeTail(['a', 'c'], ['a', 'c', 'c', 'z'])).toEqual({ fresh: ['c', 'z'], overlap: true })
  })

  it('says when the tail does not join (lines missing, a new file)', () => {
    expect(mergeTail(['a', 'b'], ['x', 'y'])).toEqual({ fresh: ['x', 'y'], overlap: false })
    expect(mergeTail([], ['x'])).toEqual({ fresh: ['x'], overlap: false })
  })
})

describe('markerText', () => {
  it('words the markers', () => {
    expect(markerText('skipped', 12345)).toBe('… 12,345 lines skipped while the pane was behind (they are in the file)')
    expect(markerText('skipped', 1)).toBe('… 1 line skipped while the pane was behind (they are in the file)')
    expect(markerText('rotated')).toBe('— rotated —')
    expect(markerText('reconnected', 3)).toBe('— reconnected: 3 lines written meanwhile —')
  })
})
