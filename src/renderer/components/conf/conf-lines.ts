// Reading and editing the text of a redis.conf / sentinel.conf or a supervisor .ini in the
// renderer, for the form: find the line of a directive (or of an ini key), rewrite only that
// line, add or remove one. Every other byte (comments, blank lines, order, CRLF) is kept.
// Pure functions, no DOM. Words are split and quoted by Redis's rules (src/shared/redis-args.ts).
import { findCommentStart } from '../../../shared/ini-comment'
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
function splitWords(body: string): { words: string[]; raw: string[] } | null {
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
const quoteWord = quoteConfArg

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
  // At the end: after the last line, which gets an end if it had none; the new line then
  // goes without one, as the file did (as the main process's RedisConfDocument.insert does).
  while (lines.length && lines[lines.length - 1]!.body === '' && lines[lines.length - 1]!.eol === '') lines.pop()
  const last = lines[lines.length - 1]
  const noFinalEol = last !== undefined && !last.eol
  if (last && !last.eol) last.eol = eol
  lines.push({ body, eol: noFinalEol ? '' : eol })
  return join(lines)
}

/** Take out one line (1-based). */
export function removeLine(text: string, line: number): string {
  const lines = splitLines(text)
  if (line < 1 || line > lines.length) return text
  const [gone] = lines.splice(line - 1, 1)
  // The file ended on that line without a newline: the line before keeps none either (unless
  // it is blank: without its newline it would be gone too).
  const last = lines[lines.length - 1]
  if (gone && !gone.eol && last && last.body !== '') last.eol = ''
  return join(lines)
}

// ---- supervisor .ini ----------------------------------------------------------------------
// Lines are read as supervisord reads them (Python's RawConfigParser with inline comment
// prefixes ; and #), as the main process's ini-lines.ts does: an inline comment starts at a
// ; or # that follows a blank; a line indented deeper than its key line continues the value.

export interface IniSection {
  name: string
  /** 1-based line of the [header]. */
  line: number
  /** Last line of the section (1-based, inclusive). */
  end: number
  keys: IniKeyLine[]
}

interface IniKeyLine {
  key: string
  /** The value on the key's own line (continuation lines are not included). */
  value: string
  line: number
  /** Where the value sits in the line's body. */
  valueStart: number
  valueEnd: number
  /** 1-based lines that continue the value (indented deeper than the key's line). */
  continuation: number[]
}


export function iniSections(text: string): IniSection[] {
  const sections: IniSection[] = []
  let cur: IniSection | null = null
  let open: IniKeyLine | null = null
  let indentLevel = 0
  splitLines(text).forEach((l, i) => {
    const n = i + 1
    const commentStart = findCommentStart(l.body)
    const content = (commentStart === -1 ? l.body : l.body.slice(0, commentStart)).trim()
    if (!content) return
    const indent = l.body.search(/\S/)
    if (cur && open && indent > indentLevel) {
      open.continuation.push(n)
      cur.end = n
      return
    }
    indentLevel = indent
    const header = /^\[(.+)\]/.exec(content)
    if (header) {
      cur = { name: header[1]!, line: n, end: n, keys: [] }
      open = null
      sections.push(cur)
      return
    }
    if (!cur) return
    cur.end = n
    const kv = /^(.*?)\s*[=:]\s*(.*)$/.exec(content)
    if (!kv || kv[1]!.trim() === '') {
      open = null
      return
    }
    const valueEnd = indent + content.length
    const valueStart = valueEnd - kv[2]!.length
    open = { key: kv[1]!.trimEnd().toLowerCase(), value: l.body.slice(valueStart, valueEnd), line: n, valueStart, valueEnd, continuation: [] }
    cur.keys.push(open)
  })
  return sections
}

/**
 * Set a key of a section: its value replaced in place (its continuation lines removed), or a
 * `key = value` line added at the section's end.
 */
export function setIniKey(text: string, section: IniSection, key: string, value: string): string {
  const existing = [...section.keys].reverse().find((k) => k.key === key)
  const lines = splitLines(text)
  if (existing) {
    const l = lines[existing.line - 1]!
    l.body = l.body.slice(0, existing.valueStart) + value + l.body.slice(existing.valueEnd)
    if (!existing.continuation.length) return join(lines)
    const gone = new Set(existing.continuation.map((n) => n - 1))
    const lastGone = Math.max(...gone)
    const kept = lines.filter((_, i) => !gone.has(i))
    // The file ended on a removed line without a newline: it still ends without one.
    if (lastGone === lines.length - 1 && !lines[lastGone]!.eol) kept[kept.length - 1]!.eol = ''
    return join(kept)
  }
  return insertLine(lines, `${key} = ${value}`, section.end)
}
