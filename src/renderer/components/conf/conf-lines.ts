// Reading and editing the text of a redis.conf / sentinel.conf or a supervisor .ini in the
// renderer, for the form: find the line of a directive (or of an ini key), rewrite only that
// line, add or remove one. Every other byte (comments, blank lines, order, CRLF) is kept.
// Pure functions, no DOM.

/** One line of a redis.conf / sentinel.conf that holds a directive. */
export interface ConfLine {
  /** 1-based. */
  line: number
  /** The words, unquoted (Redis's sdssplitargs rules, simplified). */
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

/** Split a line into words the way Redis does: "double" (with escapes) and 'single' quotes. */
export function splitWords(body: string): { words: string[]; raw: string[] } | null {
  const words: string[] = []
  const raw: string[] = []
  let i = 0
  while (i < body.length) {
    while (i < body.length && /\s/.test(body[i]!)) i++
    if (i >= body.length) break
    const start = i
    let word = ''
    let quote: '"' | "'" | null = null
    let done = false
    while (!done) {
      const c = body[i]
      if (quote === '"') {
        if (c === undefined) return null
        if (c === '\\' && i + 1 < body.length) {
          const n = body[i + 1]!
          const hex = /^x([0-9a-fA-F]{2})/.exec(body.slice(i + 1))
          if (hex) {
            word += String.fromCharCode(parseInt(hex[1]!, 16))
            i += 4
            continue
          }
          word += n === 'n' ? '\n' : n === 'r' ? '\r' : n === 't' ? '\t' : n === 'b' ? '\b' : n === 'a' ? '\x07' : n
          i += 2
          continue
        }
        if (c === '"') {
          quote = null
          i++
          if (i < body.length && !/\s/.test(body[i]!)) return null
          done = true
          continue
        }
        word += c
        i++
      } else if (quote === "'") {
        if (c === undefined) return null
        if (c === '\\' && body[i + 1] === "'") {
          word += "'"
          i += 2
          continue
        }
        if (c === "'") {
          quote = null
          i++
          if (i < body.length && !/\s/.test(body[i]!)) return null
          done = true
          continue
        }
        word += c
        i++
      } else {
        if (c === undefined || /\s/.test(c)) {
          done = true
          continue
        }
        if ((c === '"' || c === "'") && word === '') {
          quote = c
          i++
          continue
        }
        word += c
        i++
      }
    }
    words.push(word)
    raw.push(body.slice(start, i))
  }
  return { words, raw }
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
export function quoteWord(w: string): string {
  if (w !== '' && /^[^\s"'\\]+$/.test(w)) return w
  const escaped = w.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!)
  return `"${escaped}"`
}

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
