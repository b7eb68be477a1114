// Three-way line merge of a config file: `base` is what the editor opened, `mine` the
// user's unsaved text, `theirs` what the disk holds now (Sentinel rewrote it, another editor
// saved). Lines are compared without their endings, so a CRLF file merged with an LF rewrite
// does not conflict on every line; each merged line keeps the ending of the side it came
// from. Changes on one side only, or the same change on both, merge cleanly; the rest become
// conflicts, marked as git marks them (<<<<<<< mine / ======= / >>>>>>> disk) and listed.
import { diff3MergeRegions } from 'node-diff3'
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
  for (const region of diff3MergeRegions(a.text, o.text, b.text)) {
    if (region.stable) {
      take(region.buffer === 'a' ? a : region.buffer === 'b' ? b : o, region.bufferStart, region.bufferLength)
      continue
    }
    const same = region.aLength === region.bLength && region.aContent.every((line, i) => line === region.bContent[i])
    if (same) {
      take(a, region.aStart, region.aLength)
      continue
    }
    conflicts.push({ line: out.length + 1, base: region.oContent, mine: region.aContent, theirs: region.bContent })
    out.push({ text: '<<<<<<< mine', eol })
    take(a, region.aStart, region.aLength)
    out.push({ text: '=======', eol })
    take(b, region.bStart, region.bLength)
    out.push({ text: '>>>>>>> disk', eol })
  }
  // Every line but the last needs an ending (a side's last line may have had none); the last
  // line ends as the side that changed the file's end wants it.
  const finalEol = endsWithNewline(mine) !== endsWithNewline(base) ? endsWithNewline(mine) : endsWithNewline(theirs)
  const text = out
    .map((line, i) => line.text + (i < out.length - 1 ? line.eol || eol : finalEol ? line.eol || eol : ''))
    .join('')
  return { text, conflicts }
}

function endsWithNewline(s: string): boolean {
  return s === '' ? true : s.endsWith('\n')
}
