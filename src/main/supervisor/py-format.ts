// Python's `format % mapping`, the expansion supervisord applies to its options
// (%(program_name)s, %(process_num)02d, %(ENV_HOME)s, %%). Only what a mapping can feed:
// every conversion must name its key.

export type Expansions = Record<string, string | number>

class FormatError extends Error {}

const SPEC = /%(?:\(([^)]*)\))?([-#0 +]*)(\d+)?(?:\.(\d+))?([diouxXeEfFgGcrsa%])?/y

export function pyFormat(template: string, expansions: Expansions): string {
  let out = ''
  let i = 0
  while (i < template.length) {
    const pct = template.indexOf('%', i)
    if (pct === -1) {
      out += template.slice(i)
      break
    }
    out += template.slice(i, pct)
    SPEC.lastIndex = pct
    const m = SPEC.exec(template)
    if (!m || m[5] === undefined) throw new FormatError('incomplete format')
    const [whole, key, flags = '', width, precision, conv] = m
    i = pct + whole.length
    if (conv === '%' && key === undefined) {
      out += '%'
      continue
    }
    if (key === undefined) {
      // Python would print the whole expansion dictionary here (a classic surprise with
      // printf-style commands); refusing, with the fix, serves users better.
      throw new FormatError(`'%${conv}' has no (name): write %%${conv} for a literal '%${conv}'`)
    }
    if (!(key in expansions)) throw new KeyMissingError(key)
    out += pad(convert(expansions[key], conv, flags, precision), flags, width)
  }
  return out
}

export class KeyMissingError extends FormatError {
  constructor(readonly key: string) {
    super(`'${key}'`)
  }
}

function convert(value: string | number, conv: string, flags: string, precision?: string): string {
  switch (conv) {
    case 's':
    case 'a':
      return precision !== undefined ? String(value).slice(0, Number(precision)) : String(value)
    case 'r':
      return typeof value === 'number' ? String(value) : `'${value}'`
    case 'd':
    case 'i':
    case 'u':
      return signed(Math.trunc(number(value, conv)), flags, 10)
    case 'x':
    case 'X': {
      const s = signed(Math.trunc(number(value, conv)), flags, 16)
      return conv === 'X' ? s.toUpperCase() : s
    }
    case 'o':
      return signed(Math.trunc(number(value, conv)), flags, 8)
    case 'f':
    case 'F':
      return number(value, conv).toFixed(precision !== undefined ? Number(precision) : 6)
    case 'e':
    case 'E':
    case 'g':
    case 'G':
      return String(number(value, conv))
    case 'c':
      if (typeof value === 'number') return String.fromCharCode(value)
      if ([...value].length !== 1) throw new FormatError('%c requires int or char')
      return value
    default:
      throw new FormatError(`unsupported format character '${conv}'`)
  }
}

function number(value: string | number, conv: string): number {
  if (typeof value !== 'number') {
    throw new FormatError(`%${conv} format: a real number is required, not str`)
  }
  return value
}

function signed(n: number, flags: string, radix: number): string {
  const body = Math.abs(n).toString(radix)
  const sign = n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : ''
  return sign + body
}

function pad(s: string, flags: string, width?: string): string {
  const w = width ? Number(width) : 0
  if (s.length >= w) return s
  if (flags.includes('-')) return s.padEnd(w)
  if (flags.includes('0') && /^[+\- ]?\d/.test(s)) {
    const sign = /^[+\- ]/.test(s) ? s[0] : ''
    return sign + s.slice(sign.length).padStart(w - sign.length, '0')
  }
  return s.padStart(w)
}
