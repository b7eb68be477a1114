// Reading and editing the text of a redis.conf / sentinel.conf or a supervisor .ini in the
// renderer, for the form: find the line of a directive (or of an ini key), rewrite only that
// line, add or remove one. Every other byte (comments, blank lines, order, CRLF) is kept.
// Pure functions, no DOM. Words are split and quoted by Redis's rules (src/shared/redis-args.ts).
import { quoteConfArg, splitConfArgs } from '../../../shared/redis-args'

/** One line of a redis.conf / sentinel.conf that holds a directive. */
export interface ConfLine {
  /** 1-based. */
  line: number
  /** The words, unquoted (Redis's sdssplitargs rules). */
  words: string[]
  /** The words as written. */
  raw: string[]
  indent: string
}

interface SplitLine {
  body: string
  eol: string
}

/** Lines with their ends, so that joining them gives back the text byte for byte. */
function splitLines(text: string): SplitLine[] {
  const parts = text.split(/(?<=\n)/)
  return parts.map((p) => {
    const m = /\r?\n$/.exec(p)
    return m ? { body: p.slice(0, m.index), eol: m[0] } : { body: p, eol: '' }
  })
}

const join = (lines: SplitLine[]): string => lines.map((l) => l.body + l.eol).join('')

/** The line end the file uses (CRLF if its first line ends so). */
function eolOf(lines: SplitLine[]): string {
  return lines.find((l) => l.eol)?.eol ?? '\n'
}

/** Split a line into words the way Redis does (null: unbalanced quotes). */
export function splitWords(body: string): { words: string[]; raw: string[] } | null {
  const split = splitConfArgs(body)
  if (!split.ok) return null
  return { words: split.tokens.map((t) => t.value), raw: split.tokens.map((t) => body.slice(t.start, t.end)) }
}

/** Every line that holds a directive (not blank, not a comment, quotes balanced). */
export function confLines(text: string): ConfLine[] {
  const out: ConfLine[] = []
  splitLines(text).forEach((l, i) => {
    const trimmed = l.body.trim()
    if (!trimmed || trimmed.startsWith('#')) return
    const split = splitWords(l.body)
    if (!split || !split.words.length) return
    out.push({ line: i + 1, words: split.words, raw: split.raw, indent: /^\s*/.exec(l.body)![0] })
  })
  return out
}

/** A word as Redis reads it back: bare when it can be, else in double quotes with escapes. */
export const quoteWord = quoteConfArg

/**
 * Which line a directive key names: `key` is the directive's words and any fixed leading
 * arguments ('sentinel', 'down-after-milliseconds', 'mymaster'). Directive words compare
 * case-insensitively (and through aliases), arguments exactly. The last line wins, as in Redis.
 */
export function findDirective(lines: ConfLine[], key: string[], nameWords: number, aliases: string[][] = []): ConfLine | null {
  const spellings = [key.slice(0, nameWords), ...aliases].map((s) => s.map((w) => w.toLowerCase()))
  const fixed = key.slice(nameWords)
  let found: ConfLine | null = null
  for (const l of lines) {
    for (const name of spellings) {
      if (l.words.length < name.length + fixed.length) continue
      if (!name.every((w, i) => l.words[i]!.toLowerCase() === w)) continue
      if (!fixed.every((w, i) => l.words[name.length + i] === w)) continue
      found = l
    }
  }
  return found
}

export function findAllDirective(lines: ConfLine[], name: string[], aliases: string[][] = []): ConfLine[] {
  const spellings = [name, ...aliases].map((s) => s.map((w) => w.toLowerCase()))
  return lines.filter((l) => spellings.some((s) => s.length <= l.words.length && s.every((w, i) => l.words[i]!.toLowerCase() === w)))
}

/**
 * Rewrite the directive's line with new arguments (keeping how its name and fixed arguments
 * were written and its indentation), or add a line: after `afterLine` when given, else at the end.
 */
export function setDirectiveLine(text: string, target: ConfLine | null, keyWords: string[], args: string[], afterLine: number | null = null): string {
  const lines = splitLines(text)
  if (target) {
    const head = target.raw.slice(0, keyWords.length)
    lines[target.line - 1]!.body = target.indent + [...head, ...args.map(quoteWord)].join(' ')
    return join(lines)
  }
  const body = [...keyWords.map(quoteWord), ...args.map(quoteWord)].join(' ')
  return insertLine(lines, body, afterLine)
}

function insertLine(lines: SplitLine[], body: string, afterLine: number | null): string {
  const eol = eolOf(lines)
  if (afterLine !== null && afterLine >= 1 && afterLine <= lines.length) {
    const prev = lines[afterLine - 1]!
    let ending = eol
    // The file ended on that line with no newline: it keeps ending without one.
    if (!prev.eol) {
      prev.eol = eol
      ending = ''
    }
    lines.splice(afterLine, 0, { body, eol: ending })
    return join(lines)
  }
  // At the end: after the last line, which gets an end if it had none.
  while (lines.length && lines[lines.length - 1]!.body === '' && lines[lines.length - 1]!.eol === '') lines.pop()
  const last = lines[lines.length - 1]
  if (last && !last.eol) last.eol = eol
  lines.push({ body, eol })
  return join(lines)
}

/** Take out one line (1-based). */
export function removeLine(text: string, line: number): string {
  const lines = splitLines(text)
  if (line < 1 || line > lines.length) return text
  const [gone] = lines.splice(line - 1, 1)
  // The file ended on that line without a newline: the line before keeps none either.
  if (gone && !gone.eol && lines.length) lines[lines.length - 1]!.eol = ''
  return join(lines)
}

// ---- supervisor .ini ----------------------------------------------------------------------

export interface IniSection {
  name: string
  /** 1-based line of the [header]. */
  line: number
  /** Last line of the section (1-based, inclusive). */
  end: number
  keys: IniKeyLine[]
}

export interface IniKeyLine {
  key: string
  value: string
  line: number
  /** Where the value sits in the line's body. */
  valueStart: number
  valueEnd: number
}

export function iniSections(text: string): IniSection[] {
  const sections: IniSection[] = []
  let cur: IniSection | null = null
  splitLines(text).forEach((l, i) => {
    const n = i + 1
    const header = /^\s*\[([^\]]+)\]/.exec(l.body)
    if (header) {
      cur = { name: header[1]!.trim(), line: n, end: n, keys: [] }
      sections.push(cur)
      return
    }
    if (!cur) return
    if (/^\s*([;#]|$)/.test(l.body)) return
    cur.end = n
    const kv = /^(\s*)([^=:\s][^=:]*?)\s*[=:]\s*/.exec(l.body)
    if (!kv) return
    const valueStart = kv[0].length
    const comment = /\s+;/.exec(l.body.slice(valueStart))
    const valueEnd = comment ? valueStart + comment.index : l.body.replace(/\s+$/, '').length
    cur.keys.push({ key: kv[2]!.trim().toLowerCase(), value: l.body.slice(valueStart, Math.max(valueStart, valueEnd)), line: n, valueStart, valueEnd: Math.max(valueStart, valueEnd) })
  })
  return sections
}

/** Set a key of a section: its value replaced in place, or a `key = value` line added at the section's end. */
export function setIniKey(text: string, section: IniSection, key: string, value: string): string {
  const existing = [...section.keys].reverse().find((k) => k.key === key)
  const lines = splitLines(text)
  if (existing) {
    const l = lines[existing.line - 1]!
    l.body = l.body.slice(0, existing.valueStart) + value + l.body.slice(existing.valueEnd)
    return join(lines)
  }
  return insertLine(lines, `${key} = ${value}`, section.end)
}
