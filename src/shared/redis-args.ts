// Redis's own argument rules for a config line (sdssplitargs in sds.c, as config.c uses
// it): blanks separate words; "double quotes" take \xHH, \n \r \t \b \a and \<any> escapes;
// 'single quotes' take only \'; a closing quote must be followed by a blank or the end;
// a quote inside a bare word opens a quoted part of the same word. Every word keeps where
// it was written so that errors can point at a column and edits can leave the rest alone.
// In src/shared because it is the file format itself: the main process (documents,
// validation) and the renderer (the form's line edits) must split and quote alike.

export interface ArgToken {
  /** The word as Redis reads it (escapes decoded; \xHH gives the char with that code). */
  value: string
  /** Offsets in the line: [start, end), 0-based, in UTF-16 units. */
  start: number
  end: number
  /** Whether any part of it was quoted (so "yes" and yes read alike but are written differently). */
  quoted: boolean
}

type SplitResult =
  | { ok: true; tokens: ArgToken[] }
  | { ok: false; /** 0-based offset of the problem */ offset: number; message: string }

const BLANK = /[ \t\n\r\v\f]/
const ENDS_WORD = (c: string | undefined): boolean => c === undefined || c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\0'
const HEX = /^[0-9a-fA-F]{2}$/
const CONTROL: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' }

export function splitConfArgs(input: string): SplitResult {
  // Redis splits a C string: a NUL ends the line, whatever follows it.
  const nul = input.indexOf('\0')
  const line = nul === -1 ? input : input.slice(0, nul)
  const tokens: ArgToken[] = []
  let p = 0
  for (;;) {
    while (p < line.length && BLANK.test(line[p])) p++
    if (p >= line.length) return { ok: true, tokens }
    const start = p
    let value = ''
    let quoted = false
    let quote: '"' | "'" | null = null
    let quoteAt = 0
    for (;;) {
      const c = line[p]
      if (quote === '"') {
        if (c === undefined) return { ok: false, offset: quoteAt, message: 'a double quote is opened here and never closed' }
        if (c === '\\' && line[p + 1] === 'x' && HEX.test(line.slice(p + 2, p + 4))) {
          value += String.fromCharCode(parseInt(line.slice(p + 2, p + 4), 16))
          p += 4
          continue
        }
        if (c === '\\' && p + 1 < line.length) {
          const e = line[p + 1]
          value += CONTROL[e] ?? e
          p += 2
          continue
        }
        if (c === '"') {
          if (!ENDS_WORD(line[p + 1])) return { ok: false, offset: p + 1, message: 'a closing double quote must be followed by a space or the end of the line' }
          p++
          break
        }
        value += c
        p++
      } else if (quote === "'") {
        if (c === undefined) return { ok: false, offset: quoteAt, message: 'a single quote is opened here and never closed' }
        if (c === '\\' && line[p + 1] === "'") {
          value += "'"
          p += 2
          continue
        }
        if (c === "'") {
          if (!ENDS_WORD(line[p + 1])) return { ok: false, offset: p + 1, message: 'a closing single quote must be followed by a space or the end of the line' }
          p++
          break
        }
        value += c
        p++
      } else {
        if (ENDS_WORD(c)) break
        if (c === '"' || c === "'") {
          quote = c
          quoted = true
          quoteAt = p
        } else value += c
        p++
      }
    }
    tokens.push({ value, start, end: p, quoted })
  }
}

/** Characters a bare word may hold and still read back as itself. */
const BARE = /^[!#-&(-[\]-~]+$/

/** How to write `value` so that splitConfArgs reads it back exactly. */
export function quoteConfArg(value: string): string {
  if (BARE.test(value)) return value
  let out = '"'
  for (const ch of value) {
    const code = ch.charCodeAt(0)
    if (ch === '"' || ch === '\\') out += `\\${ch}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`
    else out += ch
  }
  return `${out}"`
}
