// The config editors' renderer helpers (src/renderer/components/conf: conf-lines, form-model,
// text-diff, cm-setup's maskedForDiff) against the main process's authorities on seeded
// random inputs: the form's line edits read back by RedisConfDocument / getDirective and by
// IniDocument, its quick checks against validate.ts and the supervisor key checks, conflict
// resolution on merge3's outputs, and the save diff's password masking.
import { describe, expect, it } from 'vitest'
import { getDirective } from '../../src/main/conf/conf-edit'
import { IniDocument, IniValueError } from '../../src/main/conf/ini-doc'
import { PROGRAM_KEYS, programValueProblem } from '../../src/main/supervisor/ini-schema'
import { merge3 } from '../../src/main/conf/merge3'
import { RedisConfDocument } from '../../src/main/conf/redis-doc'
import { REDIS_DIRECTIVES, SENTINEL_DIRECTIVES } from '../../src/main/conf/schema'
import { validateConf } from '../../src/main/conf/validate'
import { type ServerRelease, directiveVerdict } from '../../src/main/conf/server-release'
import { maskedForDiff, secretDirectives } from '../../src/renderer/components/conf/cm-setup'
import { confLines, findDirective, iniSections, removeLine, setDirectiveLine, setIniKey } from '../../src/renderer/components/conf/conf-lines'
import { buildForm, checkArg, checkIni, type DirectiveField, type FormField, type IniField, setField, unitOf, unsetField } from '../../src/renderer/components/conf/form-model'
import { changedLines, describeChanges, resolveConflicts } from '../../src/renderer/lib/text-diff'
import type { ArgInfo, ConfSchema, DirectiveInfo } from '../../src/shared/conf'
import { quoteConfArg } from '../../src/shared/redis-args'
import { rng } from '../helpers/rng'

const SCHEMA: ConfSchema = { redis: [...REDIS_DIRECTIVES], sentinel: [...SENTINEL_DIRECTIVES], program: [...PROGRAM_KEYS] }

type Rand = () => number
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1))

/** Lines with their endings, as the main process's documents keep them. */
function rawLines(text: string): { raw: string; eol: string }[] {
  return RedisConfDocument.parse(text).lines.map((l) => ({ raw: l.raw, eol: l.eol }))
}

/**
 * `after` is `before` with line `index` (0-based, of `after`) added or rewritten; every other
 * line byte-identical (the old last line may gain the ending it lacked, the new last line lose its).
 */
function expectOnlyLineChanged(before: string, after: string, index: number, op: 'replace' | 'insert' | 'remove', ctx = ''): void {
  ctx = `${ctx} ${JSON.stringify(before)} -> ${JSON.stringify(after)}`
  const a = rawLines(before)
  const b = rawLines(after)
  const rest = op === 'insert' ? b.filter((_, i) => i !== index) : op === 'replace' ? b.filter((_, i) => i !== index) : b
  const orig = op === 'remove' ? a.filter((_, i) => i !== index) : op === 'replace' ? a.filter((_, i) => i !== index) : a
  expect(b.length, ctx).toBe(a.length + (op === 'insert' ? 1 : op === 'remove' ? -1 : 0))
  expect(rest.map((l) => l.raw), ctx).toEqual(orig.map((l) => l.raw))
  rest.forEach((l, i) => {
    if (i === rest.length - 1 || i === orig.length - 1) return
    expect(l.eol, `line ending of line ${i + 1} ${ctx}`).toBe(orig[i]!.eol)
  })
  // The file's final-newline style is kept.
  // (A blank line that becomes the last keeps its newline, or it would be lost.)
  if (after !== '') expect(after.endsWith('\n'), ctx).toBe(before.endsWith('\n') || before === '' || /(^|\n)\r?\n$/.test(after))
}

// ---- generated redis.conf / sentinel.conf texts -------------------------------------------

const PASSWORD_CHARS = ['a', 'B', '7', ' ', '"', "'", '\\', '#', ';', '\t', 'é', '$', '=', ':', '\n']
function password(r: Rand): string {
  let s = ''
  const n = int(r, 1, 10)
  for (let i = 0; i < n; i++) s += pick(r, PASSWORD_CHARS)
  return s
}

/** A value of one argument; `oneWord`: no blanks (the last argument of several, a variadic's word). */
function valueFor(r: Rand, a: ArgInfo, oneWord: boolean): string {
  switch (a.type) {
    case 'int':
    case 'ms':
    case 'seconds': {
      const lo = a.min ?? 0
      const hi = Math.min(a.max ?? lo + 100000, lo + 100000)
      return String(int(r, lo, hi))
    }
    case 'port':
      return String(int(r, 0, 65535))
    case 'bytes':
      return pick(r, [`${int(r, 2, 900)}mb`, `${int(r, 2, 4)}gb`, `${int(r, 2, 900)}MB`, String(int(r, 2, 1000) * 1024 * 1024)])
    case 'bool':
      return pick(r, ['yes', 'no'])
    case 'enum':
      return pick(r, a.values!)
    case 'host':
      return pick(r, ['127.0.0.1', '::1', '10.0.0.7', 'redis-a'])
    case 'name':
      return pick(r, ['m1', 'other'])
    case 'runid':
      return Array.from({ length: 40 }, () => pick(r, [...'0123456789abcdef'])).join('')
    case 'password':
    case 'string':
    case 'path':
    default:
      if (oneWord) return pick(r, ['x', 'a#b', 'q"uote', "it's", 'é', '$HOME'])
      return r() < 0.5 ? password(r).replace(/^\s+|\s+$/g, '') || 'p' : pick(r, ['/tmp/a b/c', 'plain', '""', 'TLSv1.2 TLSv1.3', '{title} {port}'])
  }
}

const COMMENTS = ['# a comment', '', '   ', '  # indented comment', '#requirepass old']

function redisText(r: Rand, kind: 'redis' | 'sentinel'): string {
  const lines: string[] = []
  const infos = (kind === 'redis' ? REDIS_DIRECTIVES : SENTINEL_DIRECTIVES).filter((d) => !d.managed)
  if (kind === 'sentinel') {
    lines.push('sentinel monitor m1 127.0.0.1 6379 2')
    if (r() < 0.5) lines.push('sentinel monitor other 127.0.0.1 6380 1')
  }
  const n = int(r, 0, 10)
  for (let i = 0; i < n; i++) {
    if (r() < 0.3) {
      lines.splice(int(r, 0, lines.length), 0, pick(r, COMMENTS))
      continue
    }
    const info = pick(r, infos)
    const names = [info.name, ...info.aliases]
    const name = pick(r, names)
    const written = name.split(' ').map((w) => (r() < 0.15 ? w.toUpperCase() : w))
    const args = info.args.map((a, j) => valueFor(r, a, j > 0 || info.args.length > 1 || !!a.variadic))
    const indent = r() < 0.1 ? '  ' : ''
    const sep = r() < 0.1 ? '\t' : ' '
    const at = kind === 'sentinel' && info.name.startsWith('sentinel ') ? int(r, 1, lines.length) : int(r, 0, lines.length)
    lines.splice(at, 0, indent + [...written, ...args.map(quoteConfArg)].join(sep))
  }
  const eol = r() < 0.25 ? '\r\n' : '\n'
  const body = lines.join(eol)
  return body === '' ? '' : body + (r() < 0.8 ? eol : '')
}

/** The words setField should write for `values`: a variadic (or last of several) argument split at blanks. */
function intendedWords(f: DirectiveField, values: string[]): string[] {
  const words = f.args.flatMap((a, i) => {
    const v = values[i]!
    if (a.variadic || (i === f.args.length - 1 && f.args.length > 1 && /\s/.test(v))) return v.split(' ')
    return [v]
  })
  while (words.length && words[words.length - 1] === '' && f.args[words.length - 1]?.optional) words.pop()
  return words
}

function fieldsOf(text: string, kind: 'redis' | 'sentinel' | 'supervisor'): FormField[] {
  return buildForm(text, kind, SCHEMA).flatMap((g) => [...g.set, ...g.unset])
}

/** The key `sentinel-lab conf get` takes for a field. */
const mainKey = (f: DirectiveField): string => [f.info.name, ...f.fixed].join(' ')

describe('conf-lines: a directive line found, rewritten, added, removed', () => {
  it('finds the last line of a directive through aliases and case, and keeps everything else', () => {
    const text = '# head\r\nslaveof 10.0.0.1 6379\r\n  REPLICAOF  "10.0.0.2"  6380\r\nport 1\r\n'
    const lines = confLines(text)
    expect(lines.map((l) => l.line)).toEqual([2, 3, 4])
    const at = findDirective(lines, ['replicaof'], 1, [['slaveof']])
    expect(at?.line).toBe(3)
    expect(at?.raw).toEqual(['REPLICAOF', '"10.0.0.2"', '6380'])
    const out = setDirectiveLine(text, at, ['replicaof'], ['127.0.0.1', '7000'])
    expect(out).toBe('# head\r\nslaveof 10.0.0.1 6379\r\n  REPLICAOF 127.0.0.1 7000\r\nport 1\r\n')
    expect(removeLine(out, 2)).toBe('# head\r\n  REPLICAOF 127.0.0.1 7000\r\nport 1\r\n')
  })

  it('adds a line at the end keeping the file’s line ending and its missing final newline', () => {
    expect(setDirectiveLine('', null, ['port'], ['1'])).toBe('port 1\n')
    expect(setDirectiveLine('a 1\r\nb 2\r\n', null, ['port'], ['1'])).toBe('a 1\r\nb 2\r\nport 1\r\n')
    expect(setDirectiveLine('a 1\nb 2', null, ['port'], ['1'])).toBe('a 1\nb 2\nport 1')
    expect(setDirectiveLine('a 1\nb 2', null, ['x'], ['1'], 1)).toBe('a 1\nx 1\nb 2')
    expect(setDirectiveLine('a 1\nb 2', null, ['x'], ['1'], 2)).toBe('a 1\nb 2\nx 1')
    expect(removeLine('a 1\nb 2', 2)).toBe('a 1')
    expect(removeLine('a 1\nb 2', 5)).toBe('a 1\nb 2')
  })

  it('quotes words that need it, so that Redis reads them back', () => {
    const out = setDirectiveLine('', null, ['requirepass'], ['a b"c\\d\'e\n'])
    expect(getDirective(RedisConfDocument.parse(out), 'redis', 'requirepass')).toEqual([['a b"c\\d\'e\n']])
  })
})

describe('form-model setField / unsetField read back by the main process (differential)', () => {
  for (const kind of ['redis', 'sentinel'] as const) {
    it(`${kind}.conf: the field's value is what getDirective reads; every other line byte-identical`, () => {
      let checked = 0
      let inserted = 0
      let unset = 0
      for (let seed = 1; seed <= 400; seed++) {
        const r = rng(seed * 7919 + (kind === 'sentinel' ? 1 : 0))
        const text = redisText(r, kind)
        const fields = fieldsOf(text, kind).filter((f): f is DirectiveField => f.kind === 'directive' && !f.readOnly)
        const set = fields.filter((x) => x.values)
        const f = set.length && r() < 0.5 ? pick(r, set) : pick(r, fields)
        const ctx = `seed ${seed}, ${f.key}, text ${JSON.stringify(text)}`
        const before = getDirective(RedisConfDocument.parse(text), kind, mainKey(f))
        expect(before.length, ctx).toBe(f.count)

        if (f.values && r() < 0.3) {
          const out = unsetField(text, f)
          expectOnlyLineChanged(text, out, f.line! - 1, 'remove', ctx)
          expect(getDirective(RedisConfDocument.parse(out), kind, mainKey(f)), ctx).toEqual(before.slice(0, -1))
          unset++
          continue
        }
        const values = f.args.map((a, i) => {
          if (a.optional && r() < 0.3) return ''
          if (a.variadic) return Array.from({ length: int(r, 1, 3) }, () => valueFor(r, a, true)).join(' ')
          return valueFor(r, a, i === f.args.length - 1 && f.args.length > 1)
        })
        const out = setField(text, f, values)
        const words = intendedWords(f, values)
        const after = getDirective(RedisConfDocument.parse(out), kind, mainKey(f))
        expect(after.at(-1), `${ctx}, values ${JSON.stringify(values)}, out ${JSON.stringify(out)}`).toEqual(words)
        if (f.line !== null) {
          expect(after.length, ctx).toBe(before.length)
          expectOnlyLineChanged(text, out, f.line - 1, 'replace', ctx)
        } else {
          expect(after.length, ctx).toBe(1)
          const b = rawLines(out)
          const index = b.findIndex((l, i) => l.raw !== rawLines(text)[i]?.raw)
          expectOnlyLineChanged(text, out, index, 'insert', ctx)
          // A sentinel per-master option goes after its master's monitor line.
          if (f.fixed.length) {
            const monitor = b.findIndex((l) => new RegExp(`^\\s*sentinel\\s+monitor\\s+${f.fixed[0]}\\s`, 'i').test(l.raw))
            expect(monitor, ctx).toBeGreaterThanOrEqual(0)
            expect(index, ctx).toBe(monitor + 1)
          }
          inserted++
        }
        // The form built from the new text shows the field set, on that line.
        const again = fieldsOf(out, kind).find((g) => g.key === f.key) as DirectiveField
        expect(again.values, ctx).not.toBeNull()
        checked++
      }
      expect(checked).toBeGreaterThan(150)
      expect(inserted).toBeGreaterThan(50)
      expect(unset).toBeGreaterThan(30)
    })
  }

  it('an emptied list field writes save "" (no snapshots), which Redis takes, not a bare save', () => {
    const f = fieldsOf('save 900 1\n', 'redis').find((x) => x.key === 'save')!
    const out = setField('save 900 1\n', f, [''])
    expect(out).toBe('save ""\n')
    expect(validateConf(out, 'redis', 'redis.conf').filter((d) => d.severity === 'error')).toEqual([])
  })
})

// ---- checkArg against validate.ts ----------------------------------------------------------

/** Directives whose words arg-rules.ts checks as a whole (checkSpecial), not argument by argument. */
const SPECIAL = new Set(['save', 'bind', 'replicaof', 'client-output-buffer-limit', 'oom-score-adj-values', 'latency-tracking-info-percentiles', 'shutdown-on-sigint', 'shutdown-on-sigterm', 'notify-keyspace-events', 'user'])

/**
 * Where the quick check and validate.ts disagree on purpose. Each returns the reason, or null.
 * A false alarm (checkArg refuses what Redis takes) shows an error in the form; a miss
 * (checkArg takes what Redis refuses) is shown by validate.ts's diagnostics anyway.
 */
const ALLOWED: { why: string; applies: (directive: string, arg: ArgInfo, value: string, checkArgOk: boolean) => boolean }[] = [
  {
    why: 'stricter on purpose: an address or a master name with blanks in it is never meant (Redis would only fail at run time)',
    applies: (_d, arg, value, ok) => !ok && (arg.type === 'host' || arg.type === 'name') && /\s/.test(value),
  },
  {
    why: 'stricter on purpose: Sentinel makes ids of 40 hex characters; validate.ts checks only the length of sentinel myid (a read-only field)',
    applies: (d, arg, value, ok) => !ok && arg.type === 'runid' && (d !== 'sentinel myid' || value.length === 40),
  },
  {
    why: 'a rule of single directives left to validate.ts (a file name without a folder, a path that cannot be empty)',
    applies: (d, _arg, value, ok) =>
      ok && ((['dbfilename', 'appendfilename', 'appenddirname'].includes(d) && value.includes('/')) || (['include', 'loadmodule', 'dir'].includes(d) && value === '')),
  },
]

const NUMBERISH = ['0', '1', '7', '42', '-1', '-0', '007', '+5', ' 5', '5 ', '1.5', '0x10', '1e3', '65535', '65536', '777', '0777', '800', '2147483647', '2147483648', '-2147483649', '4294967295', '4294967296', '9007199254740991', '9007199254740993', '9223372036854775807', '9223372036854775808', '18446744073709551615', '18446744073709551616', '99999999999999999999']
const UNITS = ['', 'b', 'k', 'kb', 'm', 'mb', 'g', 'gb', 'K', 'Mb', 'GB', 'tb', 'ms', 's', '%', ' mb']
const WORDS = ['', 'yes', 'no', 'YES', 'No', 'maybe', 'on', 'a b', 'x', '127.0.0.1', '::1', 'a'.repeat(40), 'f'.repeat(40), 'F'.repeat(39) + 'g', 'a/b', '/tmp/x', '#', '"q"', 'allkeys-lru', 'ALLKEYS-LRU', 'everysec', 'debug', 'optional', 'local', 'swapdb', 'ip', 'hostname']

function fuzzValue(r: Rand, arg: ArgInfo): string {
  const x = r()
  if (x < 0.35) return pick(r, NUMBERISH)
  if (x < 0.6) return `${pick(r, ['0', '1', '64', '100', '1024', '1048575', '1048576', '01', '18446744073709551615', '17179869184'])}${pick(r, UNITS)}`
  if (x < 0.7 && arg.values) return pick(r, arg.values)
  if (x < 0.75) return `${int(r, 0, 150)}%`
  return pick(r, WORDS)
}

/** The errors validate.ts gives the directive's line (line 1 for redis.conf, 2 after a monitor line in sentinel.conf). */
function mainVerdict(kind: 'redis' | 'sentinel', info: DirectiveInfo, args: string[]): boolean {
  const master = kind === 'sentinel' && info.args[0]?.name === 'master'
  const head = kind === 'sentinel' ? 'sentinel monitor m1 127.0.0.1 6379 2\n' : ''
  const name = info.name.split(' ')
  const line = [...name, ...(master ? ['m1'] : []), ...args].map(quoteConfArg).join(' ')
  // The values are what is compared: judge the line for a release that has the directive.
  const release = RELEASES.find((r) => directiveVerdict(r, info.name).kind === 'known') ?? RELEASES[0]
  const diags = validateConf(head + line + '\n', kind, 'x.conf', release)
  return !diags.some((d) => d.severity === 'error' && d.line === (kind === 'sentinel' ? 2 : 1))
}
const RELEASES: ServerRelease[] = [{ product: 'redis', version: '7.0' }, { product: 'redis', version: '7.4' }, { product: 'valkey', version: '8.0' }]

describe('checkArg agrees with validate.ts (differential)', () => {
  const cases: { kind: 'redis' | 'sentinel'; info: DirectiveInfo; arg: ArgInfo }[] = []
  for (const info of REDIS_DIRECTIVES) if (!SPECIAL.has(info.name) && info.args.length === 1) cases.push({ kind: 'redis', info, arg: info.args[0]! })
  for (const info of SENTINEL_DIRECTIVES) {
    if (info.file !== 'sentinel' || !info.name.startsWith('sentinel ')) continue
    if (info.args.length === 1) cases.push({ kind: 'sentinel', info, arg: info.args[0]! })
    else if (info.args.length === 2 && info.args[0]!.name === 'master') cases.push({ kind: 'sentinel', info, arg: info.args[1]! })
  }

  it('on every one-value directive of the schema, for generated values, or the disagreement is allow-listed', () => {
    expect(cases.length).toBeGreaterThan(150)
    const r = rng(20240601)
    const disagreements: string[] = []
    const allowed = new Map<string, number>()
    let compared = 0
    let accepted = 0
    for (const { kind, info, arg } of cases) {
      for (let i = 0; i < 40; i++) {
        const value = fuzzValue(r, arg)
        const ours = checkArg(arg, value, info.name) === null
        const theirs = mainVerdict(kind, info, [value])
        compared++
        if (ours) accepted++
        if (ours === theirs) continue
        const why = ALLOWED.find((a) => a.applies(info.name, arg, value, ours))
        if (why) allowed.set(why.why, (allowed.get(why.why) ?? 0) + 1)
        else disagreements.push(`${info.name} ${JSON.stringify(value)}: checkArg ${ours ? 'accepts' : `refuses (${checkArg(arg, value, info.name)})`}, validate.ts ${theirs ? 'accepts' : 'refuses'}`)
      }
    }
    expect(disagreements).toEqual([])
    // The generator reaches both verdicts.
    expect(accepted).toBeGreaterThan(compared / 10)
    expect(compared - accepted).toBeGreaterThan(compared / 10)
  })

  it('each argument of sentinel monitor, and the words of a list (bind) one by one', () => {
    const monitor = SENTINEL_DIRECTIVES.find((d) => d.name === 'sentinel monitor')!
    const r = rng(77)
    for (let i = 0; i < 300; i++) {
      const at = int(r, 2, 3) // port, quorum (the address needs resolve-hostnames: validate.ts's)
      const args = ['m1', '127.0.0.1', '6379', '2']
      args[at] = fuzzValue(r, monitor.args[at]!)
      const ours = checkArg(monitor.args[at]!, args[at]!, monitor.name) === null
      const diags = validateConf(`sentinel monitor ${args.map(quoteConfArg).join(' ')}\n`, 'sentinel', 'x.conf')
      expect(ours, `${JSON.stringify(args)}: ${JSON.stringify(diags)}`).toBe(!diags.some((d) => d.severity === 'error'))
    }
    const bind = REDIS_DIRECTIVES.find((d) => d.name === 'bind')!
    expect(checkArg(bind.args[0]!, '127.0.0.1 -::1', 'bind')).toBeNull()
    expect(mainVerdict('redis', bind, ['127.0.0.1', '-::1'])).toBe(true)
  })

  it('examples the form meets: values Redis takes are not flagged, values it refuses are', () => {
    const arg = (name: string): ArgInfo => REDIS_DIRECTIVES.find((d) => d.name === name)!.args[0]!
    expect(checkArg(arg('logfile'), '', 'logfile')).toBeNull() // logfile "": standard output
    expect(checkArg(arg('requirepass'), '', 'requirepass')).toBeNull()
    expect(checkArg(arg('maxmemory'), '100b', 'maxmemory')).toBeNull()
    expect(checkArg(arg('maxmemory-clients'), '5%', 'maxmemory-clients')).toBeNull()
    expect(checkArg(arg('unixsocketperm'), '777', 'unixsocketperm')).toBeNull()
    expect(checkArg(arg('unixsocketperm'), '778', 'unixsocketperm')).toMatch(/octal/)
    expect(checkArg(arg('port'), '007', 'port')).toMatch(/port/)
    expect(checkArg(arg('maxclients'), '0', 'maxclients')).toBe('clients must be at least 1')
    expect(checkArg(arg('client-query-buffer-limit'), '1000', 'client-query-buffer-limit')).toMatch(/at least 1048576/)
    expect(checkArg(arg('slowlog-max-len'), '9007199254740993', 'slowlog-max-len')).toBeNull()
    expect(checkArg(arg('maxmemory'), '18446744073709551616', 'maxmemory')).toMatch(/size/)
    expect(checkArg(arg('daemonize'), 'maybe', 'daemonize')).toBe("yes|no takes yes or no, not 'maybe'")
    expect(checkArg(arg('port'), '', 'port')).toBe('port is required')
    expect(checkArg({ name: 'x', type: 'int', optional: true }, '')).toBeNull()
  })
})

describe('checkIni agrees with the supervisor key checks (differential)', () => {
  const VALUES = ['true', 'false', 'TRUE', 'yes', 'no', 'on', 'off', '1', '0', '2', '-1', '+1', ' 5', '1_000', '10', '50MB', '1GB', '10kb', '5 MB', '-5MB', 'MB', 'unexpected', 'Unexpected', 'maybe', '']
  /** Where checkIni is stricter on purpose: Python's int() accepts a sign, underscores and blanks a person never means. */
  const stricter = (value: string): boolean => /^\s|\s$|_|^[+-]|\d\s+[a-z]/i.test(value)

  it('for every bool / int / enum / bytes key of [program:x], on every value, or the disagreement is explained', () => {
    const disagreements: string[] = []
    for (const info of PROGRAM_KEYS) {
      if (!['bool', 'int', 'enum', 'bytes'].includes(info.type)) continue
      for (const v of VALUES) {
        const ours = checkIni(info, v) === null
        const theirs = programValueProblem(info.name, v) === null
        if (ours === theirs) continue
        if (!ours && stricter(v)) continue
        // Ranges (numprocs >= 1, a TCP port) are load-time rules: only for a well-formed whole number.
        if (ours && info.type === 'int' && /^-?\d+$/.test(v)) continue
        disagreements.push(`${info.name}=${JSON.stringify(v)}: checkIni ${ours ? 'accepts' : 'refuses'}, supervisor ${theirs ? 'accepts' : 'refuses'}`)
      }
    }
    expect(disagreements).toEqual([])
  })
})

describe('unitOf', () => {
  it('names the unit of ms, seconds and sizes, and none for the rest', () => {
    expect(unitOf('ms')).toBe('ms')
    expect(unitOf('seconds')).toBe('s')
    expect(unitOf('bytes')).toMatch(/100mb/)
    for (const t of ['int', 'bool', 'string', 'port', 'path'] as const) expect(unitOf(t)).toBeNull()
  })
})

// ---- supervisor .ini ----------------------------------------------------------------------

const INI_PIECES = [
  '; comment', '# comment', '', '   ', 'command = redis-server ./redis.conf', 'command=/bin/true ; with a comment', 'command = a # b',
  'autostart = true', 'autostart:false', 'Priority = 5', 'environment = A="1",B="2"', 'startsecs=3 #three', 'stopsignal = TERM',
  '    continued value', '\tmore continued', '  ; indented comment', 'directory = /tmp/x;y', 'numprocs = 1',
]
function iniText(r: Rand): string {
  const lines: string[] = []
  for (const name of ['program:a', 'program:b', 'supervisord'].filter(() => r() < 0.8)) {
    lines.push(`[${name}]`)
    const n = int(r, 0, 6)
    for (let i = 0; i < n; i++) lines.push(pick(r, INI_PIECES))
  }
  if (!lines.some((l) => l.startsWith('[program:'))) lines.unshift('[program:a]')
  const eol = r() < 0.25 ? '\r\n' : '\n'
  return lines.join(eol) + (r() < 0.8 ? eol : '')
}
const INI_VALUE_CHARS = ['a', 'Z', '9', ' ', ';', '#', '=', ':', '%', '"', ',', '/', 'é']
function iniValue(r: Rand): string {
  let v = ''
  const n = int(r, 1, 12)
  for (let i = 0; i < n; i++) v += pick(r, INI_VALUE_CHARS)
  // What the format can hold: no surrounding blanks, no ' ;' / ' #' (they start a comment).
  return v.trim().replace(/\s+(?=[;#])/g, '').replace(/^[;#]+/, '').trim() || 'v'
}

describe('setIniKey read back by IniDocument (differential)', () => {
  it('the form reads each key as supervisord does, and setting it gives that value, every other key unchanged', () => {
    let replaced = 0
    let added = 0
    let mainRefused = 0
    for (let seed = 1; seed <= 500; seed++) {
      const r = rng(seed * 104729)
      const text = iniText(r)
      const doc = IniDocument.parse(text)
      const sections = iniSections(text)
      // The renderer sees the sections, keys and (one-line) values the main process sees.
      for (const s of sections) {
        for (const k of s.keys) {
          const value = doc.get(s.name, k.key)!
          const last = [...s.keys].reverse().find((x) => x.key === k.key)!
          if (last === k && !k.continuation.length) expect(k.value, `seed ${seed} ${s.name}.${k.key}`).toBe(value)
        }
      }
      const fields = fieldsOf(text, 'supervisor') as IniField[]
      const set = fields.filter((x) => x.value !== null)
      const f = set.length && r() < 0.5 ? pick(r, set) : pick(r, fields)
      const value = iniValue(r)
      const out = setField(text, f, [value])
      const ctx = `seed ${seed}, ${f.key} = ${JSON.stringify(value)}, text ${JSON.stringify(text)} -> ${JSON.stringify(out)}`
      const after = IniDocument.parse(out)
      expect(after.get(f.section, f.info.name), ctx).toBe(value)
      for (const s of doc.sections()) {
        for (const k of doc.keys(s)) {
          if (s === f.section && k === f.info.name) continue
          expect(after.get(s, k), `${ctx}: ${s}.${k}`).toBe(doc.get(s, k))
        }
      }
      // Same as the main process's own edit, when it takes the value.
      const main = IniDocument.parse(text)
      try {
        main.set(f.section, f.info.name, value)
        expect(IniDocument.parse(main.text()).get(f.section, f.info.name)).toBe(after.get(f.section, f.info.name))
      } catch (e) {
        // The main process adds a new key right after the last key of the section, and refuses
        // when an indented line there would then continue it; the renderer adds it after the
        // section's last line, which the checks above found right.
        if (!(e instanceof IniValueError)) throw e
        mainRefused++
      }
      expect(out.endsWith('\n')).toBe(text.endsWith('\n'))
      if (f.line === null) added++
      else replaced++
    }
    expect(replaced).toBeGreaterThan(50)
    expect(added).toBeGreaterThan(50)
    expect(mainRefused).toBeLessThan(50)
  })

  it('a value with continuation lines is replaced whole; an inline # comment is not part of the value', () => {
    const text = '[program:a]\ncommand = redis-server # note\nenvironment = A=1,\n    B=2\n\n  ; kept\nautostart = true'
    const f = fieldsOf(text, 'supervisor') as IniField[]
    expect(f.find((x) => x.info.name === 'command')!.value).toBe('redis-server')
    const envField = f.find((x) => x.info.name === 'environment')!
    const out = setField(text, envField, ['C=3'])
    expect(out).toBe('[program:a]\ncommand = redis-server # note\nenvironment = C=3\n\n  ; kept\nautostart = true')
    const s = iniSections('[program:a]\nx = 1\n  y = 2')[0]!
    expect(setIniKey('[program:a]\nx = 1\n  y = 2', s, 'x', '3')).toBe('[program:a]\nx = 3')
  })
})

// ---- conflicts and changed lines ----------------------------------------------------------

/** base, and mine / theirs where every change of one side meets a different change of the other. */
function conflicting(r: Rand): { base: string[]; mine: string[]; theirs: string[] } {
  const base = Array.from({ length: int(r, 0, 12) }, (_, i) => `line ${i} ${pick(r, ['a', 'b', 'c'])}`)
  const mine: string[] = []
  const theirs: string[] = []
  let k = 0
  const hunk = (): void => {
    const m = Array.from({ length: int(r, 1, 2) }, () => `mine ${k++}`)
    const t = Array.from({ length: int(r, 1, 2) }, () => `disk ${k++}`)
    mine.push(...m)
    theirs.push(...t)
  }
  for (let i = 0; i <= base.length; i++) {
    if (r() < 0.25) hunk() // inserted before line i (or at the end)
    if (i === base.length) break
    if (r() < 0.3) {
      const m = Array.from({ length: int(r, 0, 2) }, () => `mine ${k++}`)
      const t = Array.from({ length: int(r, m.length ? 0 : 1, 2) }, () => `disk ${k++}`)
      mine.push(...m)
      theirs.push(...t)
    } else {
      mine.push(base[i]!)
      theirs.push(base[i]!)
    }
  }
  return { base, mine, theirs }
}

describe('resolveConflicts on merge3 outputs (differential)', () => {
  it('choosing mine everywhere gives mine, disk everywhere gives the disk’s text, exactly', () => {
    let withConflicts = 0
    for (let seed = 1; seed <= 600; seed++) {
      const r = rng(seed * 31337)
      const { base, mine, theirs } = conflicting(r)
      // merge3 counts an empty text as ending with a newline: its final newline is then its own choice.
      if (!mine.length || !theirs.length) continue
      const eol = r() < 0.3 ? '\r\n' : '\n'
      const final = r() < 0.8
      const text = (lines: string[]): string => (lines.length ? lines.join(eol) + (final ? eol : '') : '')
      const [b, m, t] = [text(base), text(mine), text(theirs)]
      const merged = merge3(b, m, t)
      const n = merged.conflicts.length
      if (n) withConflicts++
      const ctx = JSON.stringify({ b, m, t, merged: merged.text })
      expect(resolveConflicts(merged.text, Array(n).fill('mine')), ctx).toBe(m)
      expect(resolveConflicts(merged.text, Array(n).fill('disk')), ctx).toBe(t)
      // 'both': mine's lines then the disk's, at each conflict.
      const both = resolveConflicts(merged.text, Array(n).fill('both'))
      // Every line but the three markers of each conflict.
      expect(both.split(/\r?\n/).length, ctx).toBe(merged.text.split(/\r?\n/).length - 3 * n)
      for (const c of merged.conflicts) expect(both).toContain([...c.mine, ...c.theirs].join(eol))
    }
    expect(withConflicts).toBeGreaterThan(300)
  })

  it('keeps each line’s own ending: the user’s LF text stays LF when the disk’s turned CRLF', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = rng(seed * 17)
      const { base, mine, theirs } = conflicting(r)
      if (!base.length) continue
      const b = base.join('\n') + '\n'
      const m = mine.length ? mine.join('\n') + '\n' : ''
      const t = theirs.length ? theirs.join('\r\n') + '\r\n' : ''
      const merged = merge3(b, m, t)
      expect(resolveConflicts(merged.text, Array(merged.conflicts.length).fill('mine')), JSON.stringify({ b, m, t })).toBe(m)
    }
  })

  it('examples: a base part is dropped, missing choices take the disk, no final newline is kept', () => {
    const merged = 'a\n<<<<<<< mine\nX\n||||||| base\nB\n=======\nY\n>>>>>>> disk\nc\n<<<<<<< mine\nP\n=======\nQ\n>>>>>>> disk'
    expect(resolveConflicts(merged, ['mine'])).toBe('a\nX\nc\nQ')
    expect(resolveConflicts(merged, ['both', 'mine'])).toBe('a\nX\nY\nc\nP')
    expect(resolveConflicts('no conflict\r\n', [])).toBe('no conflict\r\n')
  })
})

/** The longest common subsequence's length, by the book. */
function lcsLength(x: string[], y: string[]): number {
  const t = Array.from({ length: x.length + 1 }, () => Array<number>(y.length + 1).fill(0))
  for (let i = 1; i <= x.length; i++) for (let j = 1; j <= y.length; j++) t[i]![j] = x[i - 1] === y[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!)
  return t[x.length]![y.length]!
}

describe('changedLines / describeChanges', () => {
  it('removes and adds the fewest lines, and exactly the lines that differ', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const r = rng(seed)
      const a = Array.from({ length: int(r, 0, 10) }, () => pick(r, ['a', 'b', 'c', 'd', '']))
      const b = Array.from({ length: int(r, 0, 10) }, () => pick(r, ['a', 'b', 'c', 'e', '']))
      const eol = r() < 0.5 ? '\n' : '\r\n'
      const changes = changedLines(a.join('\n'), b.join(eol))
      const x = a.join('\n').split('\n')
      const y = b.join(eol).split(/\r?\n/)
      const common = lcsLength(x, y)
      const removed = changes.filter((c) => c.kind === 'removed').map((c) => c.text)
      const added = changes.filter((c) => c.kind === 'added').map((c) => c.text)
      expect(removed.length).toBe(x.length - common)
      expect(added.length).toBe(y.length - common)
      // x without the removed lines (as a multiset) plus the added ones is y.
      const bag = new Map<string, number>()
      for (const l of x) bag.set(l, (bag.get(l) ?? 0) + 1)
      for (const l of removed) bag.set(l, bag.get(l)! - 1)
      for (const l of added) bag.set(l, (bag.get(l) ?? 0) + 1)
      const want = new Map<string, number>()
      for (const l of y) want.set(l, (want.get(l) ?? 0) + 1)
      expect([...bag].filter(([, n]) => n !== 0).sort()).toEqual([...want].sort())
    }
  })

  it('says it in words', () => {
    expect(describeChanges(changedLines('a\nb\n', 'a\nb\n'))).toBe('no line changed')
    expect(describeChanges(changedLines('a\nb', 'a\nc\nd'))).toBe('2 lines added, 1 line removed')
    expect(describeChanges(changedLines('a\nb', 'a'))).toBe('1 line removed')
    expect(changedLines('x\r\ny', 'x\ny')).toEqual([])
  })
})

// ---- passwords in the save diff -----------------------------------------------------------

const SECRETS = secretDirectives([...REDIS_DIRECTIVES, ...SENTINEL_DIRECTIVES])
/** Every password holds this, so that a leak of any part of it shows. */
const MARK = 'Zq'

function secretValue(r: Rand): string {
  const parts = [MARK]
  for (let i = int(r, 0, 4); i > 0; i--) parts.push(pick(r, [' ', '"', "'", '\\', '#', 'x', 'é', '\t', MARK]))
  parts.push(MARK)
  return parts.join('')
}
/** A way to write it that Redis reads back as it (or, once in a while, an unbalanced quote). */
function written(r: Rand, v: string): string {
  const x = r()
  if (x < 0.6 || /["\\\s]/.test(v) === false) return quoteConfArg(v)
  if (x < 0.8 && !/['\\]/.test(v)) return `'${v}'`
  if (x < 0.9 && !/["\\\s]/.test(v.slice(2))) return `${v.slice(0, 2)}"${v.slice(2)}"` // a quote inside a word
  return `"${v.replace(/"/g, '')}` // never closed
}

function secretLine(r: Rand, v: string, w: (v: string) => string): string {
  switch (int(r, 0, 5)) {
    case 0:
      return `requirepass ${w(v)}`
    case 1:
      return `  MASTERAUTH ${w(v)}`
    case 2:
      return `sentinel auth-pass m1 ${w(v)}`
    case 3:
      return `sentinel sentinel-pass ${w(v)}`
    case 4:
      return `tls-key-file-pass ${w(v)}`
    default:
      return `user alice on ${w(`>${v}`)} ~* +@all`
  }
}

describe('maskedForDiff', () => {
  it('leaves no password in either side, and marks the ones that changed (differential on generated files)', () => {
    let changedSeen = 0
    for (let seed = 1; seed <= 500; seed++) {
      const r = rng(seed * 2654435761)
      const disk: string[] = []
      const edited: string[] = []
      const changed: boolean[] = []
      for (let i = int(r, 1, 6); i > 0; i--) {
        if (r() < 0.3) {
          const plain = pick(r, ['port 6379', '# requirepass is below', '', 'maxmemory 1gb'])
          disk.push(plain)
          edited.push(plain)
          changed.push(false)
          continue
        }
        const v = secretValue(r)
        const seedLine = r()
        const w = (x: string): string => written(rng(Math.floor(seedLine * 1e9)), x)
        const kind = rng(Math.floor(seedLine * 1e9) + 1)
        const d = secretLine(kind, v, w)
        const change = r() < 0.4
        const e = change ? secretLine(rng(Math.floor(seedLine * 1e9) + 1), `${v}${MARK}9`, w) : d
        disk.push(d)
        edited.push(e)
        changed.push(change)
      }
      const eol = r() < 0.3 ? '\r\n' : '\n'
      const out = maskedForDiff(disk.join(eol), edited.join(eol), SECRETS)
      const ctx = JSON.stringify({ disk, edited, out })
      expect(out.disk, ctx).not.toContain(MARK)
      expect(out.edited, ctx).not.toContain(MARK)
      const dl = out.disk.split('\n')
      const el = out.edited.split('\n')
      expect(dl.length).toBe(disk.length)
      expect(el.length).toBe(edited.length)
      edited.forEach((line, i) => {
        if (!line.includes(MARK)) {
          expect(el[i]).toBe(line + (i < edited.length - 1 && eol === '\r\n' ? '\r' : ''))
          return
        }
        // A password the disk's file has for the same directive is not marked (the same
        // directive may repeat with another password: only a change of the line matters here).
        const marked = el[i]!.includes('(changed)')
        if (changed[i]) {
          changedSeen++
          expect(marked, ctx).toBe(true)
        } else if (!disk.some((dline, j) => j !== i && dline.split(' ')[0] === line.split(' ')[0])) expect(marked, ctx).toBe(false)
      })
    }
    expect(changedSeen).toBeGreaterThan(100)
  })

  it('masks what Redis reads as the password, quotes and all', () => {
    const d = maskedForDiff(`requirepass 'it\\'s Zq secret'\nuser bob on >Zq1 >Zq2 ~*\nrequirepass pa"ss Zq"\n`, '', SECRETS).disk
    expect(d).not.toContain('Zq')
    expect(d.split('\n')[1]).toBe('user bob on •••••••• •••••••• ~*')
    const same = maskedForDiff('masterauth "a b"\n', 'masterauth "a b"\nmasterauth other\n', SECRETS)
    expect(same.edited).toBe('masterauth ••••••••\nmasterauth •••••••• (changed)\n')
    expect(same.disk).toBe('masterauth ••••••••\n')
  })

  it("masks the passwords of ACL users as CONFIG REWRITE writes them, not the user's name or other rules, even before the schema arrives", () => {
    const hash = 'e'.repeat(64)
    const text = `user default on sanitize-payload #${hash} ~* &* +@all\nuser alice on >Zq-secret <Zq-old !${hash} ~app:* +get\n`
    for (const secrets of [SECRETS, secretDirectives([])]) {
      const d = maskedForDiff(text, '', secrets).disk
      expect(d).not.toContain(hash)
      expect(d).not.toContain('Zq')
      expect(d.split('\n')[0]).toBe('user default on sanitize-payload •••••••• ~* &* +@all')
      expect(d.split('\n')[1]).toBe('user alice on •••••••• •••••••• •••••••• ~app:* +get')
    }
  })
})
