// supervisord's option types (supervisor/datatypes.py), with its messages, so a file that
// supervisord rejects is rejected here for the same reason.
import { constants } from 'node:os'

const TRUTHY = ['yes', 'true', 'on', '1']
const FALSY = ['no', 'false', 'off', '0']

export function boolean(s: string): boolean {
  const v = s.toLowerCase()
  if (TRUTHY.includes(v)) return true
  if (FALSY.includes(v)) return false
  throw new Error(`not a valid boolean value: '${s}' (use true/false, yes/no, on/off, 1/0)`)
}

/** Python's int(): optional sign, digits, underscores between digits, surrounding spaces. */
export function integer(s: string): number {
  const t = s.trim()
  if (!/^[+-]?\d+(_\d+)*$/.test(t)) throw new Error(`invalid literal for int() with base 10: '${s}'`)
  return Number(t.replace(/_/g, ''))
}

const SIZE_SUFFIXES: Record<string, number> = { kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }

/** Sizes like 50MB, 10kb, 1GB or a plain byte count. */
export function byteSize(s: string): number {
  const v = s.toLowerCase()
  const suffix = v.slice(-2)
  try {
    if (suffix in SIZE_SUFFIXES) return integer(v.slice(0, -2)) * SIZE_SUFFIXES[suffix]
    return integer(v)
  } catch {
    throw new Error(`not a valid size: '${s}' (a byte count, or a number with KB, MB or GB)`)
  }
}

export function listOfStrings(s: string): string[] {
  if (!s) return []
  return s.split(',').map((x) => x.trim())
}

export function exitCodes(s: string): number[] {
  if (!s) return []
  const codes = s.split(',').map((x) => {
    const n = Number.parseInt(x.trim(), 10)
    if (!/^\s*[+-]?\d+\s*$/.test(x) || n < 0 || n > 255) {
      throw new Error(`not a valid list of exit codes: '${s}' (comma-separated numbers 0-255)`)
    }
    return n
  })
  return codes
}

export type AutoRestart = 'true' | 'false' | 'unexpected'

export function autoRestart(s: string): AutoRestart {
  const v = s.toLowerCase()
  if (TRUTHY.includes(v)) return 'true'
  if (FALSY.includes(v)) return 'false'
  if (v === 'unexpected') return 'unexpected'
  throw new Error(`invalid 'autorestart' value '${v}' (use true, false or unexpected)`)
}

/** A signal name (TERM, SIGTERM, term) or number, returned as its canonical name. */
export function signalName(s: string): NodeJS.Signals {
  const byNumber = Object.entries(constants.signals)
  if (/^\d+$/.test(s.trim())) {
    const n = Number(s.trim())
    const found = byNumber.find(([, num]) => num === n)
    if (!found) throw new Error(`value '${s}' is not a valid signal number`)
    return found[0] as NodeJS.Signals
  }
  let name = s.trim().toUpperCase()
  if (!name.startsWith('SIG')) name = 'SIG' + name
  if (!(name in constants.signals)) throw new Error(`value '${s}' is not a valid signal name`)
  return name as NodeJS.Signals
}

/** Process and group names: no spaces, colons or slashes (they break namespecs). */
export function processOrGroupName(s: string): string {
  const v = s.trim()
  for (const c of [' ', ':', '/']) {
    if (v.includes(c)) throw new Error(`invalid name: '${s}' because of character: '${c}'`)
  }
  return v
}

/**
 * `KEY=val,KEY2="a,b"` as supervisord reads it: Python's non-POSIX shlex with
 * '/.+-():' added to the word characters; quotes kept in the token, then stripped.
 */
export function keyValuePairs(s: string): Record<string, string> {
  const tokens = shlexNonPosix(s)
  const result: Record<string, string> = {}
  for (let i = 0; i < tokens.length; i += 4) {
    const [k, eq, v] = tokens.slice(i, i + 3)
    if (v === undefined || eq !== '=') {
      throw new Error(`unexpected end of key/value pairs in value '${s}' (expected KEY=value,KEY2=value2)`)
    }
    result[k] = v.replace(/^['"]+|['"]+$/g, '')
  }
  return result
}

const WORD = /[A-Za-z0-9_/.+\-():]/

function shlexNonPosix(s: string): string[] {
  const tokens: string[] = []
  let i = 0
  while (i < s.length) {
    const c = s[i]
    if (/\s/.test(c)) {
      i++
    } else if (c === '#') {
      const nl = s.indexOf('\n', i)
      i = nl === -1 ? s.length : nl + 1
    } else if (c === '"' || c === "'") {
      const end = s.indexOf(c, i + 1)
      if (end === -1) throw new Error(`no closing quotation in '${s}'`)
      tokens.push(s.slice(i, end + 1))
      i = end + 1
    } else if (WORD.test(c)) {
      let j = i
      while (j < s.length && (WORD.test(s[j]) || s[j] === '"' || s[j] === "'")) j++
      tokens.push(s.slice(i, j))
      i = j
    } else {
      tokens.push(c)
      i++
    }
  }
  return tokens
}
