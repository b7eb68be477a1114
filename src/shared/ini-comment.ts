// Where a comment starts on a line of a supervisord .ini file, as Python's RawConfigParser
// with inline_comment_prefixes=(';', '#') finds it (supervisord's reader). In src/shared
// because it is the file format itself: the supervisor engine, the .ini documents and the
// renderer's form must cut values at the same place.

/**
 * Where an inline or full-line comment starts, or -1. This follows configparser's own
 * search, rounds and all: each round looks at the next ';' and the next '#', and the first
 * round in which either qualifies decides, even if a later round would find an earlier one.
 */
export function findCommentStart(line: string): number {
  const trimmed = line.trim()
  if (trimmed.startsWith('#') || trimmed.startsWith(';')) return 0
  const next: Record<string, number> = { ';': -1, '#': -1 }
  let prefixes = [';', '#']
  while (prefixes.length > 0) {
    let start = Infinity
    const still: string[] = []
    for (const p of prefixes) {
      const index = line.indexOf(p, next[p] + 1)
      if (index === -1) continue
      next[p] = index
      still.push(p)
      if (index === 0 || /\s/.test(line[index - 1])) start = Math.min(start, index)
    }
    if (start !== Infinity) return start
    prefixes = still
  }
  return -1
}
