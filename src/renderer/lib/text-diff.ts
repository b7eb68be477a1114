// Small text helpers for the editor: which lines changed between two versions of a file
// (for "what changed on disk"), and resolving a merge's conflict blocks by choice.

export interface LineChange {
  kind: 'added' | 'removed'
  text: string
}

/** The lines removed from `a` and added in `b` (a plain LCS over the part that differs). */
export function changedLines(a: string, b: string): LineChange[] {
  const x = a.split(/\r?\n/)
  const y = b.split(/\r?\n/)
  let start = 0
  while (start < x.length && start < y.length && x[start] === y[start]) start++
  let endX = x.length
  let endY = y.length
  while (endX > start && endY > start && x[endX - 1] === y[endY - 1]) {
    endX--
    endY--
  }
  const xs = x.slice(start, endX)
  const ys = y.slice(start, endY)
  if (xs.length * ys.length > 4_000_000) {
    return [...xs.map((text) => ({ kind: 'removed' as const, text })), ...ys.map((text) => ({ kind: 'added' as const, text }))]
  }
  // lcs[i][j]: the longest common run of xs[i..] and ys[j..].
  const lcs: Uint32Array[] = Array.from({ length: xs.length + 1 }, () => new Uint32Array(ys.length + 1))
  for (let i = xs.length - 1; i >= 0; i--) {
    for (let j = ys.length - 1; j >= 0; j--) {
      lcs[i]![j] = xs[i] === ys[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
    }
  }
  const out: LineChange[] = []
  let i = 0
  let j = 0
  while (i < xs.length || j < ys.length) {
    if (i < xs.length && j < ys.length && xs[i] === ys[j]) {
      i++
      j++
    } else if (j < ys.length && (i >= xs.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      out.push({ kind: 'added', text: ys[j++]! })
    } else {
      out.push({ kind: 'removed', text: xs[i++]! })
    }
  }
  return out
}

/** "3 lines added, 1 removed". */
export function describeChanges(changes: LineChange[]): string {
  const added = changes.filter((c) => c.kind === 'added').length
  const removed = changes.length - added
  const parts: string[] = []
  if (added) parts.push(`${added} ${added === 1 ? 'line' : 'lines'} added`)
  if (removed) parts.push(`${removed} ${removed === 1 ? 'line' : 'lines'} removed`)
  return parts.join(', ') || 'no line changed'
}

export type ConflictChoice = 'mine' | 'disk' | 'both'

/**
 * Replace each `<<<<<<<` … `=======` … `>>>>>>>` block of a merged text (an optional
 * `|||||||` base part is dropped) by the side chosen for it, in order. Every kept line keeps
 * its own ending (a merge of an LF text with a CRLF one has both), and a text that ended on
 * the closing marker without a newline still ends without one.
 */
export function resolveConflicts(merged: string, choices: ConflictChoice[]): string {
  const lines = merged.split(/(?<=\n)/).map((raw) => {
    const m = /\r?\n$/.exec(raw)
    return m ? { body: raw.slice(0, m.index), eol: m[0] } : { body: raw, eol: '' }
  })
  const out: { body: string; eol: string }[] = []
  let n = 0
  let i = 0
  while (i < lines.length) {
    const l = lines[i]!
    if (!l.body.startsWith('<<<<<<<')) {
      out.push(l)
      i++
      continue
    }
    const mine: typeof out = []
    const disk: typeof out = []
    let part: 'mine' | 'base' | 'disk' = 'mine'
    i++
    while (i < lines.length && !lines[i]!.body.startsWith('>>>>>>>')) {
      const m = lines[i]!
      if (m.body.startsWith('|||||||')) part = 'base'
      else if (m.body.startsWith('=======') && part !== 'disk') part = 'disk'
      else if (part === 'mine') mine.push(m)
      else if (part === 'disk') disk.push(m)
      i++
    }
    const closing = lines[i]
    i++ // the >>>>>>> line
    const choice = choices[n++] ?? 'disk'
    const chosen = (choice === 'mine' ? mine : choice === 'disk' ? disk : [...mine, ...disk]).map((x) => ({ ...x }))
    out.push(...chosen)
    // The block was the end of the text, with no newline after it: the text still ends without one.
    if ((!closing || !closing.eol) && i >= lines.length && out.length) out[out.length - 1] = { ...out[out.length - 1]!, eol: '' }
  }
  return out.map((l) => l.body + l.eol).join('')
}
