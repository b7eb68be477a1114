// The words after a directive, judged as Redis's own parsers judge them (config.c, util.c
// memtoull / string2ll, sentinel.c, Redis 7.0): why a value is refused, what is missing or
// too many, and the directives whose words follow rules of their own (save, bind, user...).
// validate.ts applies these to every line of a file; conf-edit.ts to a value before it is set.
import { isIP } from 'node:net'
import type { ArgInfo, DirectiveInfo } from '../../shared/conf'
import { splitConfArgs } from '../../shared/redis-args'

/** A problem with the words after a directive: which word (-1: the directive as a whole). */
export interface ArgProblem {
  index: number
  code: 'bad-value' | 'missing-argument' | 'too-many-arguments'
  message: string
}

/** What the file around a line says, for checks that depend on it (sentinel resolve-hostnames). */
export interface CheckContext {
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
