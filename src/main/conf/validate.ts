// Located diagnostics of a redis.conf / sentinel.conf: what the redis-server / redis-sentinel
// that will read it would refuse (errors), what it accepts but is likely a mistake
// (warnings), and what is merely old-fashioned (info). Which directives exist follows the
// release (server-release.ts); the value rules follow Redis 7.0's own parsers (config.c,
// util.c memtoull / string2ll, sentinel.c) so that "error" here means "Redis will not start";
// test/conf/redis-verdict.test.ts holds us to that against a real redis-server.
import { isIP } from 'node:net'
import type { ArgInfo, ConfDiagnostic, DirectiveInfo, Severity } from '../../shared/conf'
import { type ArgToken, splitConfArgs } from '../../shared/redis-args'
import { type ConfLine, RedisConfDocument } from './redis-doc'
import { directiveByName, lineDirectiveName } from './schema'
import { ASSUMED_RELEASE, type DirectiveVerdict, type ServerRelease, directiveVerdict, releaseName } from './server-release'

/** A problem with the words after a directive: which word (-1: the directive as a whole). */
interface ArgProblem {
  index: number
  code: 'bad-value' | 'missing-argument' | 'too-many-arguments'
  message: string
}

/** What the file around a line says, for checks that depend on it (sentinel resolve-hostnames). */
interface CheckContext {
  resolveHostnames: boolean
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n
const SIZE_UNITS: Record<string, bigint> = { '': 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000n ** 2n, mb: 1024n ** 2n, g: 1000n ** 3n, gb: 1024n ** 3n }
const SIZE_HELP = 'use bytes or a unit k, kb, m, mb, g, gb (e.g. 100mb)'
const ACL_RULE_WORDS = new Set(['on', 'off', 'nopass', 'resetpass', 'reset', 'allkeys', 'resetkeys', 'allchannels', 'resetchannels', 'allcommands', 'nocommands', 'clearselectors', 'sanitize-payload', 'skip-sanitize-payload'])
const ACL_RULE_PREFIX = /^[~%&+\-><#!(]/

/** Whether a word of a `user` line is an ACL rule Redis knows (on, >password, ~pattern, +@all, ...). */
export function isAclRule(word: string): boolean {
  return ACL_RULE_WORDS.has(word.toLowerCase()) || ACL_RULE_PREFIX.test(word)
}
const KEYSPACE_EVENT_CLASSES = /^[KEg$lshzxetmdnA]*$/
const SHUTDOWN_FLAGS = new Set(['default', 'save', 'nosave', 'now', 'force'])
/** Redis 7.0 splits a single quoted argument into words for these (MULTI_ARG_CONFIG). */
const MULTI_ARG = new Set(['save', 'bind', 'client-output-buffer-limit', 'oom-score-adj-values', 'latency-tracking-info-percentiles', 'shutdown-on-sigint', 'shutdown-on-sigterm', 'replicaof'])
const AT_MOST_BIND_ADDRESSES = 16
/** Addresses Sentinel resolves when it reads them (announce-ip is only passed on). */
const SENTINEL_RESOLVED = new Set(['sentinel monitor', 'sentinel known-replica', 'sentinel known-sentinel'])

/** Show a value in a message: short, control characters visible. */
function shown(value: string): string {
  const v = value.length > 40 ? `${value.slice(0, 37)}...` : value
  return `'${v.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`
}

/** Redis's string2ll: an optional minus, no leading zeros, no plus, no blanks. */
function strictInteger(value: string): bigint | null {
  return /^(-?[1-9][0-9]*|0)$/.test(value) ? BigInt(value) : null
}

/** Redis's memtoull (digits then an optional unit, case-insensitive), else a plain integer. */
function sizeInBytes(value: string): bigint | null {
  const m = /^([0-9]+)([a-z]*)$/i.exec(value)
  if (m && m[2].toLowerCase() in SIZE_UNITS) {
    const n = BigInt(m[1]) * SIZE_UNITS[m[2].toLowerCase()]
    return n <= UINT64_MAX ? n : null
  }
  return strictInteger(value)
}

function timeUnitHint(value: string, type: ArgInfo['type']): string | null {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*(ms|msec|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)$/i.exec(value)
  if (!m) return null
  return `Redis config files take no time units: write a plain number of ${type === 'ms' ? 'milliseconds' : 'seconds'}`
}

function rangeText(arg: ArgInfo, fallbackMax: bigint): string {
  const max = arg.max !== undefined && arg.max < Number.MAX_SAFE_INTEGER ? String(arg.max) : null
  const min = arg.min ?? 0
  if (max === null) return fallbackMax === UINT64_MAX || fallbackMax === INT64_MAX ? `use ${min} or more` : `use ${min} to ${fallbackMax}`
  return `use ${min} to ${max}`
}

function inRange(n: bigint, arg: ArgInfo, fallbackMax: bigint): boolean {
  const min = arg.min !== undefined ? BigInt(arg.min) : INT64_MIN
  const max = arg.max !== undefined && arg.max < Number.MAX_SAFE_INTEGER ? BigInt(arg.max) : fallbackMax
  return n >= min && n <= max
}

/** Why `value` is not a valid `arg` of `name`, or null when it is. */
function checkValue(name: string, arg: ArgInfo, value: string, ctx: CheckContext = { resolveHostnames: false }): string | null {
  const what = `${name}: ${shown(value)}`
  switch (arg.type) {
    case 'int':
    case 'ms':
    case 'seconds':
    case 'port': {
      if (name === 'unixsocketperm') {
        if (!/^[0-7]{1,4}$/.test(value) || parseInt(value, 8) > 0o777) return `${what} is not a file mode: use octal digits up to 777 (e.g. 700)`
        return null
      }
      const n = strictInteger(value)
      if (n === null) {
        const hint = arg.type === 'ms' || arg.type === 'seconds' ? timeUnitHint(value, arg.type) : null
        if (hint) return `${what}: ${hint}`
        const unit = arg.type === 'ms' ? ' of milliseconds' : arg.type === 'seconds' ? ' of seconds' : ''
        return `${what} is not a whole number${unit}: use digits only, no leading zeros, spaces or units`
      }
      if (!inRange(n, arg, INT64_MAX)) return `${what} is out of range: ${rangeText(arg, INT64_MAX)}`
      return null
    }
    case 'bytes': {
      if (name === 'maxmemory-clients' && /^[0-9]+%$/.test(value))
        return Number(value.slice(0, -1)) <= 100 ? null : `${what} is out of range: use a percent from 0% to 100%`
      const n = sizeInBytes(value)
      if (n === null) return `${what} is not a size: ${SIZE_HELP}${name === 'maxmemory-clients' ? ', or a percent of maxmemory (e.g. 5%)' : ''}`
      // maxmemory alone is unsigned in Redis; the other sizes are signed 64-bit.
      if (!inRange(n, { ...arg, min: arg.min ?? 0 }, name === 'maxmemory' ? UINT64_MAX : INT64_MAX)) return `${what} is out of range: ${arg.min ? `use at least ${arg.min} bytes` : 'use 0 or more'}`
      return null
    }
    case 'bool':
      return /^(yes|no)$/i.test(value) ? null : `${what} is not yes or no: use yes or no`
    case 'enum':
      return (arg.values ?? []).some((v) => v.toLowerCase() === value.toLowerCase()) ? null : `${what} is not allowed: use one of ${(arg.values ?? []).join(', ')}`
    case 'runid':
      // Sentinel checks only the length of its own id (it makes ids of 40 hex characters),
      // and not at all the ids of known sentinels.
      return name !== 'sentinel myid' || value.length === 40 ? null : `${what} is not a Sentinel id: use 40 characters, hex as Sentinel makes them (each sentinel its own)`
    case 'host':
      // An empty announce address means "not set"; only the addresses Sentinel connects to must be there.
      if (!SENTINEL_RESOLVED.has(name)) return null
      if (value === '') return `${name}: the address is empty: use an IP address${ctx.resolveHostnames ? ' or a host name' : ''}`
      if (!ctx.resolveHostnames && isIP(value) === 0)
        return `${what} is not an IP address: Sentinel takes IP addresses (e.g. 127.0.0.1) unless the file sets 'sentinel resolve-hostnames yes'`
      return null
    case 'name':
      return value === '' ? `${name}: the master name is empty: use a name such as mymaster` : null
    case 'path':
      if (['dbfilename', 'appendfilename', 'appenddirname'].includes(name) && value.includes('/')) return `${what} is a path: use a plain file name (the folder is dir)`
      if (['include', 'loadmodule', 'dir'].includes(name) && value === '') return `${name}: the path is empty: use a file or folder path`
      return null
    default:
      return null
  }
}

/** Words of a MULTI_ARG directive given as one quoted argument ('save "900 1"'), as Redis splits them. */
function multiArgWords(name: string, args: readonly string[]): string[] {
  if (MULTI_ARG.has(name) && args.length === 1 && args[0] !== '') {
    const split = splitConfArgs(args[0])
    if (split.ok) return split.tokens.map((t) => t.value)
  }
  return [...args]
}

function checkCount(info: DirectiveInfo, args: readonly string[]): ArgProblem | null {
  const required = info.args.filter((a) => !a.optional && !a.variadic).length
  const variadic = info.args.some((a) => a.variadic)
  const variadicRequired = info.args.some((a) => a.variadic && !a.optional)
  const names = info.args.map((a) => `<${a.name}>${a.optional ? '?' : ''}${a.variadic ? '...' : ''}`).join(' ')
  if (args.length < required || (variadicRequired && args.length === required))
    return { index: -1, code: 'missing-argument', message: `${info.name}: ${args.length === 0 ? 'no value' : `${args.length} word${args.length === 1 ? '' : 's'}`}: write ${info.name} ${names}` }
  if (!variadic && args.length > info.args.length) {
    const comment = args.slice(info.args.length).some((a) => a.startsWith('#'))
    const hint = comment ? 'a comment must be on a line of its own' : 'quote a value that holds spaces'
    return { index: info.args.length, code: 'too-many-arguments', message: `${info.name}: too many words (${args.length}): write ${info.name} ${names} (${hint})` }
  }
  return null
}

/** Checks of directives whose words the generic per-argument rules cannot express. */
function checkSpecial(info: DirectiveInfo, args: readonly string[], ctx: CheckContext): ArgProblem[] | null {
  const bad = (index: number, message: string): ArgProblem[] => [{ index, code: 'bad-value', message }]
  const words = multiArgWords(info.name, args)
  const at = (i: number): number => (words.length === args.length ? i : 0)
  switch (info.name) {
    case 'save': {
      if (args.length === 1 && args[0] === '') return []
      if (words.length === 0 || words.length % 2 === 1)
        return [{ index: -1, code: words.length === 0 ? 'missing-argument' : 'bad-value', message: `save: ${words.length} number${words.length === 1 ? '' : 's'}: write pairs <seconds> <changes> (e.g. save 900 1 300 10), or save "" for no snapshots` }]
      for (let i = 0; i < words.length; i++) {
        const n = /^\s*[+-]?[0-9]+$/.test(words[i]) ? BigInt(words[i].trim()) : null
        if (n === null || n < (i % 2 === 0 ? 1n : 0n))
          return bad(at(i), `save: ${shown(words[i])} is not ${i % 2 === 0 ? 'a number of seconds (1 or more)' : 'a number of changes (0 or more)'}: write pairs <seconds> <changes> (e.g. save 900 1)`)
      }
      return []
    }
    case 'bind': {
      if (words.length > AT_MOST_BIND_ADDRESSES) return bad(AT_MOST_BIND_ADDRESSES, `bind: ${words.length} addresses: Redis takes at most ${AT_MOST_BIND_ADDRESSES}`)
      const empty = words.findIndex((w) => w === '' || w === '-')
      return empty >= 0 ? bad(at(empty), 'bind: an empty address: use IP addresses such as 127.0.0.1 or -::1') : []
    }
    case 'replicaof': {
      if (words.length !== 2) return [{ index: words.length < 2 ? -1 : 2, code: words.length < 2 ? 'missing-argument' : 'too-many-arguments', message: 'replicaof: write replicaof <master ip> <master port>, or replicaof no one' }]
      if (words[0].toLowerCase() === 'no' && words[1].toLowerCase() === 'one') return []
      if (words[0] === '') return bad(at(0), 'replicaof: the master address is empty: use an IP address or host name')
      const port = /^\s*[+-]?[0-9]+$/.test(words[1]) ? Number(words[1]) : NaN
      return Number.isInteger(port) && port >= 0 && port <= 65535 ? [] : bad(at(1), `replicaof: ${shown(words[1])} is not a port: use 0 to 65535`)
    }
    case 'client-output-buffer-limit': {
      if (words.length === 0 || words.length % 4 !== 0)
        return [{ index: -1, code: 'missing-argument', message: 'client-output-buffer-limit: write <class> <hard limit> <soft limit> <soft seconds> (class normal, replica or pubsub; e.g. replica 256mb 64mb 60)' }]
      for (let i = 0; i < words.length; i++) {
        const problem = checkValue(info.name, info.args[i % 4], words[i], ctx)
        if (problem) return bad(at(i), problem)
      }
      return []
    }
    case 'oom-score-adj-values': {
      if (words.length !== 3) return [{ index: -1, code: 'missing-argument', message: 'oom-score-adj-values: write three numbers from -2000 to 2000 (master, replica, background child), e.g. 0 200 800' }]
      const i = words.findIndex((w) => !/^\s*[+-]?[0-9]+$/.test(w) || Math.abs(Number(w)) > 2000)
      return i >= 0 ? bad(at(i), `oom-score-adj-values: ${shown(words[i])} is not a number from -2000 to 2000`) : []
    }
    case 'latency-tracking-info-percentiles': {
      const i = words.findIndex((w) => !/^[0-9]+(\.[0-9]+)?$/.test(w) || Number(w) > 100)
      return i >= 0 ? bad(at(i), `latency-tracking-info-percentiles: ${shown(words[i])} is not a percentile: use numbers from 0 to 100 (e.g. 50 99 99.9)`) : []
    }
    case 'shutdown-on-sigint':
    case 'shutdown-on-sigterm': {
      if (words.length === 0) return [{ index: -1, code: 'missing-argument', message: `${info.name}: write one or more of default, save, nosave, now, force` }]
      const i = words.findIndex((w) => !SHUTDOWN_FLAGS.has(w.toLowerCase()))
      return i >= 0 ? bad(at(i), `${info.name}: ${shown(words[i])} is not allowed: use default, save, nosave, now or force`) : []
    }
    case 'notify-keyspace-events':
      return KEYSPACE_EVENT_CLASSES.test(args[0] ?? '') ? [] : bad(0, `notify-keyspace-events: ${shown(args[0] ?? '')} holds a letter Redis does not know: use K E g $ l s h z x e t m d n A (e.g. KEA), or "" for none`)
    case 'user': {
      if (args.length === 0 || args[0] === '') return [{ index: -1, code: 'missing-argument', message: 'user: write user <name> <rules...> (e.g. user alice on >secret ~* +@all)' }]
      for (let i = 1; i < args.length; i++) {
        const rule = args[i]
        if (!isAclRule(rule))
          return bad(i, `user: ${shown(rule)} is not an ACL rule: use on/off, >password, nopass, ~pattern, &channel, +command, -command, +@category, allkeys, allcommands, reset...`)
      }
      return []
    }
    default:
      return null
  }
}

/** Every problem with `args` (the words after the directive, for sentinel lines after the option). */
export function checkDirectiveArgs(info: DirectiveInfo, args: readonly string[], ctx: CheckContext = { resolveHostnames: false }): ArgProblem[] {
  const special = checkSpecial(info, args, ctx)
  if (special !== null) return special
  const count = checkCount(info, args)
  if (count) return [count]
  const out: ArgProblem[] = []
  args.forEach((value, i) => {
    const arg = info.args[Math.min(i, info.args.length - 1)]
    const problem = checkValue(info.name, arg, value, ctx)
    if (problem) out.push({ index: i, code: 'bad-value', message: problem })
  })
  return out
}

/** The master a per-master sentinel option names, or null for other directives. */
export function masterOf(info: DirectiveInfo, args: readonly string[]): string | null {
  return info.args[0]?.name === 'master' && info.args[0].type === 'name' ? (args[0] ?? null) : null
}

interface Located {
  index: number
  line: ConfLine
  info: DirectiveInfo
  /** Tokens of the words after the name (after the option for sentinel lines). */
  argTokens: ArgToken[]
  args: string[]
}

/**
 * Every problem of `text` (a file of `kind` at `file`) for the release that will read it,
 * located; never throws.
 */
export function validateConf(text: string, kind: 'redis' | 'sentinel', file: string, release: ServerRelease = ASSUMED_RELEASE): ConfDiagnostic[] {
  try {
    return diagnose(text, kind, file, release)
  } catch (e) {
    // A bug here must not take the editor down: report it where the user can see it.
    return [{ file, line: 1, column: 1, endColumn: 1, directive: null, severity: 'error', code: 'internal', message: `the checker failed: ${e instanceof Error ? e.message : String(e)}` }]
  }
}

function diagnose(text: string, kind: 'redis' | 'sentinel', file: string, release: ServerRelease): ConfDiagnostic[] {
  const doc = RedisConfDocument.parse(text)
  const out: ConfDiagnostic[] = []
  const at = (index: number, from: number, to: number, directive: string | null, severity: Severity, code: string, message: string): void => {
    out.push({ file, line: index + 1, column: from + 1, endColumn: Math.max(to, from + 1) + 1, directive, severity, code, message })
  }
  const lines: Located[] = []
  // Redis 7.0 reads `sentinel resolve-hostnames` before any monitor line, wherever it is.
  const resolveHostnames = doc.lines.some((l) => l.kind === 'directive' && l.name === 'sentinel' && l.tokens[1]?.value.toLowerCase() === 'resolve-hostnames' && l.tokens[2]?.value.toLowerCase() === 'yes')
  const ctx: CheckContext = { resolveHostnames }
  // A module's options (`module.option value`) are checked by the module once loadmodule loaded it.
  const loadsModule = doc.lines.some((l) => l.kind === 'directive' && l.name === 'loadmodule')

  doc.lines.forEach((line, index) => {
    if (line.kind === 'error' && line.error) {
      const name = line.raw.trim().split(/[ \t]+/)[0]?.toLowerCase() ?? null
      at(index, line.error.offset, line.raw.length, name || null, 'error', 'unbalanced-quotes', `${line.error.message}: close the quote (inside double quotes write \\" for a quote, inside single quotes \\')`)
      return
    }
    if (line.kind !== 'directive') return
    const nameTok = line.tokens[0]
    if (line.name === 'sentinel') {
      const optTok = line.tokens[1]
      if (kind === 'redis') {
        at(index, nameTok.start, (optTok ?? nameTok).end, lineDirectiveName(line), 'error', 'wrong-file', 'sentinel lines belong in sentinel.conf: redis-server refuses them (start redis-sentinel with this file instead)')
        return
      }
      if (!optTok) {
        at(index, nameTok.start, nameTok.end, 'sentinel', 'error', 'missing-argument', 'sentinel: no option: write e.g. sentinel monitor <master> <ip> <port> <quorum>')
        return
      }
    }
    const written = lineDirectiveName(line)
    const nameEnd = (line.name === 'sentinel' ? line.tokens[1] : nameTok).end
    const verdict = directiveVerdict(release, written)
    const unknown = unknownDirective(verdict, written, kind, release, loadsModule)
    if (unknown) {
      at(index, nameTok.start, nameEnd, written, unknown.severity, unknown.code, unknown.message)
      return
    }
    const info = directiveByName(kind, written)
    // Known to the release but not to the schema (debugging options, a newer release's): its value goes unchecked.
    if (!info) return
    if (info.name !== written) at(index, nameTok.start, nameEnd, info.name, 'info', 'deprecated', `${written} is the old name of ${info.name}: both work; ${info.name} is preferred`)
    const argTokens = line.tokens.slice(line.name === 'sentinel' ? 2 : 1)
    const args = argTokens.map((t) => t.value)
    for (const p of checkDirectiveArgs(info, args, ctx)) {
      const tok = p.index >= 0 ? argTokens[p.index] : undefined
      if (tok) at(index, tok.start, tok.end, info.name, 'error', p.code, p.message)
      else at(index, nameTok.start, nameEnd, info.name, 'error', p.code, p.message)
    }
    lines.push({ index, line, info, argTokens, args })
  })

  duplicates(lines, at)
  if (kind === 'sentinel') {
    masters(lines, at)
    knownTwice(lines, at)
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column)
}

/** What to say of a directive the release may not read, or null when it reads it. */
function unknownDirective(verdict: DirectiveVerdict, written: string, kind: 'redis' | 'sentinel', release: ServerRelease, loadsModule: boolean): { severity: Severity; code: string; message: string } | null {
  const server = kind === 'sentinel' ? 'redis-sentinel' : 'redis-server'
  const name = releaseName(release)
  if (verdict.kind === 'known') {
    return verdict.ignored ? { severity: 'warning', code: 'deprecated', message: `${written}: ${name} reads this directive and ignores it: remove it` } : null
  }
  if (verdict.kind === 'unsure') {
    return { severity: 'warning', code: 'unknown-directive', message: `${written}: no release up to ${verdict.newestKnown} reads this directive, and this checker does not know ${name}'s: ${server} refuses to start on a directive it does not know; check that ${name} has it` }
  }
  const refusal = written.startsWith('sentinel ') ? 'Unrecognized sentinel configuration statement' : 'Bad directive or wrong number of arguments'
  if (!written.startsWith('sentinel ') && written.includes('.') && loadsModule) {
    return { severity: 'warning', code: 'module-option', message: `${written}: not a directive of ${name}; a module this file loads (loadmodule) may define it, and ${server} refuses to start if none does` }
  }
  const here = release.assumed ? `checked as ${name}: no ${server} found here` : `this machine has ${name}`
  const moduleHint = written.includes('.') && !written.startsWith('sentinel ') ? '; a module\'s option needs its loadmodule line first' : ''
  const what = verdict.history
    ? `${verdict.history}; ${here}`
    : `${release.assumed ? here : `${name} has no such directive`}${verdict.suggestion ? ` (did you mean ${verdict.suggestion}?)` : ''}`
  return { severity: 'error', code: 'unknown-directive', message: `${written}: ${what}: ${server} refuses to start on it ("${refusal}")${moduleHint}` }
}

type At = (index: number, from: number, to: number, directive: string | null, severity: Severity, code: string, message: string) => void

/** A directive set twice: the first line has no effect (Redis keeps the last). */
function duplicates(lines: Located[], at: At): void {
  const last = new Map<string, Located>()
  for (const l of lines) {
    if (l.info.multiple) continue
    const master = masterOf(l.info, l.args)
    const key = master === null ? l.info.name : `${l.info.name}\0${master}`
    const before = last.get(key)
    last.set(key, l)
    if (!before) continue
    const nameTok = before.line.tokens[0]
    const end = (before.line.name === 'sentinel' ? before.line.tokens[1] : nameTok).end
    if (l.info.name === 'sentinel monitor') {
      const tok = l.line.tokens[0]
      at(l.index, tok.start, l.line.tokens[1].end, l.info.name, 'error', 'duplicate', `sentinel monitor: the master '${master}' is already monitored on line ${before.index + 1}: redis-sentinel refuses to start (give each master its own name)`)
      continue
    }
    at(before.index, nameTok.start, end, l.info.name, 'warning', 'duplicate', `${l.info.name}${master === null ? '' : ` ${master}`}: line ${l.index + 1} sets it again, so this line has no effect (Redis keeps the last)`)
  }
}

/** Per-master sentinel options need a `sentinel monitor` of that master. */
function masters(lines: Located[], at: At): void {
  const monitored = new Map<string, number>()
  for (const l of lines) if (l.info.name === 'sentinel monitor' && l.args.length > 0 && !monitored.has(l.args[0])) monitored.set(l.args[0], l.index)
  for (const l of lines) {
    const master = masterOf(l.info, l.args)
    if (master === null || l.info.name === 'sentinel monitor' || l.argTokens.length === 0) continue
    const tok = l.argTokens[0]
    const monitorAt = monitored.get(master)
    if (monitorAt === undefined)
      at(l.index, tok.start, tok.end, l.info.name, 'error', 'unknown-master', `${l.info.name}: no 'sentinel monitor ${master} <ip> <port> <quorum>' in this file: redis-sentinel refuses to start (No such master with specified name)`)
    else if (monitorAt > l.index)
      at(l.index, tok.start, tok.end, l.info.name, 'info', 'before-monitor', `${l.info.name}: '${master}' is monitored only later, on line ${monitorAt + 1}: Redis 7.0 accepts this, older Sentinels do not; put it after the monitor line`)
  }
}

/** Sentinel refuses a replica (address) or a sentinel (id) listed twice for one master. */
function knownTwice(lines: Located[], at: At): void {
  const seen = new Map<string, number>()
  for (const l of lines) {
    const replica = l.info.name === 'sentinel known-replica' && l.args.length >= 3
    const sentinel = l.info.name === 'sentinel known-sentinel' && l.args.length >= 4
    if (!replica && !sentinel) continue
    const key = replica ? `r\0${l.args[0]}\0${l.args[1]}\0${l.args[2]}` : `s\0${l.args[0]}\0${l.args[3]}`
    const first = seen.get(key)
    if (first === undefined) {
      seen.set(key, l.index)
      continue
    }
    const tok = replica ? l.argTokens[1] : l.argTokens[3]
    const end = replica ? l.argTokens[2].end : tok.end
    const what = replica ? `the replica ${l.args[1]}:${l.args[2]}` : `the sentinel id ${l.args[3]}`
    at(l.index, tok.start, end, l.info.name, 'error', 'duplicate', `${l.info.name}: ${what} of '${l.args[0]}' is already listed on line ${first + 1}: redis-sentinel refuses to start; remove this line`)
  }
}
