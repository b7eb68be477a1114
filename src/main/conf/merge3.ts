// Three-way line merge of a config file: `base` is what the editor opened, `mine` the
// user's unsaved text, `theirs` what the disk holds now (Sentinel rewrote it, another editor
// saved). Lines are compared without their endings, so a CRLF file merged with an LF rewrite
// does not conflict on every line; each merged line keeps the ending of the side it came
// from. Changes on one side only, or the same change on both, merge cleanly; so do changes
// of the two sides that merely touch (the user edits the line right after the one Sentinel
// rewrote on a failover): only changes of the same base lines, or insertions of different
// lines at the same place, become conflicts, marked as git marks them
// (<<<<<<< mine / ======= / >>>>>>> disk) and listed.
import { diffIndices } from 'node-diff3'
import type { MergeConflict, MergeResult } from '../../shared/conf'

interface Lines {
  text: string[]
  eol: string[]
}

function splitKeepingEndings(s: string): Lines {
  const text: string[] = []
  const eol: string[] = []
  for (const m of s.matchAll(/([^\n]*?)(\r?\n|$)/g)) {
    if (m[0] === '' && m.index === s.length) break
    text.push(m[1])
    eol.push(m[2])
  }
  return { text, eol }
}

/** The line ending most lines of `lines` use, or null when none has one. */
function usualEol(lines: Lines): string | null {
  const crlf = lines.eol.filter((e) => e === '\r\n').length
  const lf = lines.eol.filter((e) => e === '\n').length
  if (crlf === 0 && lf === 0) return null
  return crlf > lf ? '\r\n' : '\n'
}

/** One side's change: base lines [start, end) became `length` lines of that side (end === start: an insertion before base line `start`). */
interface Hunk {
  side: 'mine' | 'theirs'
  start: number
  end: number
  length: number
}

function hunks(base: string[], side: string[], name: Hunk['side']): Hunk[] {
  return diffIndices(base, side).map((d) => ({ side: name, start: d.buffer1[0], end: d.buffer1[0] + d.buffer1[1], length: d.buffer2[1] }))
}

/**
 * Whether two changes touch the same base lines: their ranges overlap, or both insert at the
 * same place. An insertion at the very start or end of a range the other side changed, or two
 * ranges that only meet, do not: both apply, one after the other.
 */
function overlap(x: Hunk, y: Hunk): boolean {
  if (x.start < y.end && y.start < x.end) return true
  return x.start === x.end && y.start === y.end && x.start === y.start
}

/**
 * The changes of both sides in base order, grouped so that changes of the two sides touching
 * the same base lines (directly or through a chain) share a group. One side's own changes
 * never overlap or meet (an unchanged line separates them), and in this order (by start, an
 * insertion before a range starting at the same line) a change that overlaps none of the
 * current group's overlaps no earlier group either.
 */
function groups(all: Hunk[]): Hunk[][] {
  const sorted = [...all].sort((x, y) => x.start - y.start || x.end - y.end)
  const out: Hunk[][] = []
  for (const h of sorted) {
    const last = out[out.length - 1]
    if (last && last.some((g) => overlap(g, h))) last.push(h)
    else out.push([h])
  }
  return out
}

export function merge3(base: string, mine: string, theirs: string): MergeResult {
  const o = splitKeepingEndings(base)
  const a = splitKeepingEndings(mine)
  const b = splitKeepingEndings(theirs)
  const eol = usualEol(a) ?? usualEol(b) ?? usualEol(o) ?? '\n'
  const out: { text: string; eol: string }[] = []
  const conflicts: MergeConflict[] = []
  const take = (from: Lines, start: number, length: number): void => {
    for (let i = start; i < start + length; i++) out.push({ text: from.text[i], eol: from.eol[i] })
  }
  // Where each text is: the base lines before `at` are merged, and so are mine's lines before
  // `atMine` and theirs' before `atTheirs`.
  let at = 0
  let atMine = 0
  let atTheirs = 0
  for (const group of groups([...hunks(o.text, a.text, 'mine'), ...hunks(o.text, b.text, 'theirs')])) {
    const start = group[0].start
    const end = Math.max(...group.map((h) => h.end))
    // Lines no side changed: the base's (the same text on every side).
    take(o, at, start - at)
    atMine += start - at
    atTheirs += start - at
    // Each side's text for base lines [start, end): its changes there, and the base lines between.
    const grow = (side: Hunk['side']): number => group.filter((h) => h.side === side).reduce((n, h) => n + h.length - (h.end - h.start), end - start)
    const mineLength = grow('mine')
    const theirsLength = grow('theirs')
    const mineText = a.text.slice(atMine, atMine + mineLength)
    const theirsText = b.text.slice(atTheirs, atTheirs + theirsLength)
    const sides = new Set(group.map((h) => h.side))
    if (!sides.has('theirs') || (mineLength === theirsLength && mineText.every((line, i) => line === theirsText[i]))) {
      take(a, atMine, mineLength)
    } else if (!sides.has('mine')) {
      take(b, atTheirs, theirsLength)
    } else {
      conflicts.push({ line: out.length + 1, base: o.text.slice(start, end), mine: mineText, theirs: theirsText })
      out.push({ text: '<<<<<<< mine', eol })
      take(a, atMine, mineLength)
      out.push({ text: '=======', eol })
      take(b, atTheirs, theirsLength)
      out.push({ text: '>>>>>>> disk', eol })
    }
    at = end
    atMine += mineLength
    atTheirs += theirsLength
  }
  take(o, at, o.text.length - at)
  // Every line but the last needs an ending (a side's last line may have had none); the last
  // line ends as the side that changed the file's end wants it. An empty text has no last
  // line, so no say in how it ends.
  const ends = (s: string): boolean | null => (s === '' ? null : s.endsWith('\n'))
  const finalEol = (ends(mine) !== null && ends(base) !== null && ends(mine) !== ends(base) ? ends(mine) : ends(theirs) ?? ends(mine)) ?? true
  const text = out
    .map((line, i) => line.text + (i < out.length - 1 ? line.eol || eol : finalEol ? line.eol || eol : ''))
    .join('')
  return { text, conflicts }
}
