// What saving a config file would do to the process that reads it: the directives of the
// version on disk and of the new text are compared, and each changed one is applied live
// (CONFIG SET on redis-server; SENTINEL SET / SENTINEL CONFIG SET on
// Sentinel, which rewrites its own file), by a restart of that one process, or at its next
// start when it does not run. Pure: the commands are carried out by apply-live.ts.
import { parse as parseIni } from 'ini'
import type { ApplyPlan, ApplyStep, ConfKind, DirectiveInfo } from '../../shared/conf'
import { quoteConfArg, splitConfArgs } from '../../shared/redis-args'
import { RedisConfDocument } from './redis-doc'
import { lookupDirective } from './schema'

interface PlanContext {
  kind: ConfKind
  /** The lab member whose process reads the file, or null. */
  member: string | null
  /** Whether that process runs now (and can be reached or restarted). */
  running: boolean
  /** A lab's lab.ini (read when the lab starts), not the open supervisor configuration. */
  labIni?: boolean
}

/** One step with the real arguments of its commands (the plan's `commands` are masked). */
export interface PlannedStep {
  step: ApplyStep
  /** The commands 'live' sends, as argv, passwords included. */
  argv: string[][]
}

export interface PlannedApply {
  member: string | null
  kind: ConfKind
  steps: PlannedStep[]
}

/** What the API shows: the steps without their unmasked argv. */
export function publicPlan(p: PlannedApply): ApplyPlan {
  return { member: p.member, steps: p.steps.map((s) => s.step), restart: p.steps.some((s) => s.step.how === 'restart') }
}

const MASK = '********'

/** Sentinel's per-master options: `sentinel <option> <master> ...`. */
const PER_MASTER = new Set([
  'monitor', 'down-after-milliseconds', 'failover-timeout', 'parallel-syncs', 'notification-script', 'client-reconfig-script',
  'auth-pass', 'auth-user', 'config-epoch', 'leader-epoch', 'known-replica', 'known-slave', 'known-sentinel', 'rename-command',
  'master-reboot-down-after-period',
])
/**
 * Per-master options SENTINEL SET changes at run time. The scripts are left out: Sentinel
 * refuses them while deny-scripts-reconfig is yes (its default).
 */
const SENTINEL_SET = new Set(['down-after-milliseconds', 'failover-timeout', 'parallel-syncs', 'auth-pass', 'auth-user', 'master-reboot-down-after-period'])
/** Global options SENTINEL CONFIG SET changes at run time (Redis 7.0). */
const SENTINEL_CONFIG_SET = new Set(['resolve-hostnames', 'announce-hostnames', 'announce-ip', 'announce-port', 'sentinel-user', 'sentinel-pass'])
/** Lines Sentinel writes itself: it reads them only when it starts. */
const SENTINEL_MANAGED = new Set(['myid', 'current-epoch', 'config-epoch', 'leader-epoch', 'known-replica', 'known-slave', 'known-sentinel'])
/** Removing these clears them: SENTINEL SET <master> auth-pass "" forgets the password. */
const CLEARED_BY_EMPTY = new Set(['auth-pass', 'auth-user', 'sentinel-user', 'sentinel-pass', 'announce-ip'])

/** Every line of one directive (one master's, for Sentinel's per-master options). */
interface DirectiveLines {
  /** 'maxmemory', 'sentinel down-after-milliseconds mymaster': as ConfEdit names it. */
  key: string
  info: DirectiveInfo | null
  /** For `sentinel <option> ...` lines: the option ('down-after-milliseconds'); else null. */
  option: string | null
  master: string | null
  /** The words after the key, one array per line, in file order. */
  values: string[][]
}

function directivesOf(text: string, kind: 'redis' | 'sentinel'): Map<string, DirectiveLines> {
  const out = new Map<string, DirectiveLines>()
  for (const line of RedisConfDocument.parse(text).lines) {
    if (line.kind !== 'directive') continue
    const info = safeLookup(kind, line)
    const words = line.tokens.map((t) => t.value)
    let entry: Omit<DirectiveLines, 'values'>
    let values: string[]
    if (kind === 'sentinel' && line.name === 'sentinel' && words.length > 1) {
      const option = info?.name.startsWith('sentinel ') ? info.name.slice('sentinel '.length) : words[1].toLowerCase()
      if (PER_MASTER.has(option) && words.length > 2) {
        entry = { key: `sentinel ${option} ${words[2]}`, info, option, master: words[2] }
        values = words.slice(3)
      } else {
        entry = { key: `sentinel ${option}`, info, option, master: null }
        values = words.slice(2)
      }
    } else {
      entry = { key: info?.name ?? line.name, info, option: null, master: null }
      values = words.slice(1)
    }
    const existing = out.get(entry.key)
    if (existing) existing.values.push(values)
    else out.set(entry.key, { ...entry, values: [values] })
  }
  return out
}

/** The schema may not know a line; a lookup must never stop a plan. */
function safeLookup(kind: 'redis' | 'sentinel', line: Parameters<typeof lookupDirective>[1]): DirectiveInfo | null {
  try {
    return lookupDirective(kind, line)
  } catch {
    return null
  }
}

const same = (a: string[][] | undefined, b: string[][] | undefined): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/** Words of a schema default ("3600 1 300 100", '""') as one CONFIG SET value. */
function defaultValue(info: DirectiveInfo | null): string | null {
  if (info?.default === undefined) return null
  const split = splitConfArgs(info.default)
  return split.ok ? split.tokens.map((t) => t.value).join(' ') : null
}

/** The schema says which directives hold a password (an unknown directive is not masked: it is not applied live either). */
function isSecret(d: DirectiveLines): boolean {
  return d.info?.secret === true
}

/** A command as the plan shows it: words quoted as in a config file, secrets masked. */
function display(argv: string[], secretFrom: number | null): string {
  return argv.map((w, i) => (secretFrom !== null && i >= secretFrom && w !== '' ? MASK : quoteConfArg(w))).join(' ')
}

type Decision = { how: 'live'; argv: string[][]; secretFrom: number | null } | { how: 'restart'; why: string }

function decideRedis(d: DirectiveLines, now: string[][] | undefined): Decision {
  const name = d.key
  if (name === 'replicaof') {
    // Not a CONFIG SET parameter: REPLICAOF is its run-time form (Sentinel uses it too).
    const target = now?.[now.length - 1]
    if (!target) return { how: 'live', argv: [['REPLICAOF', 'NO', 'ONE']], secretFrom: null }
    if (target.length === 2) return { how: 'live', argv: [['REPLICAOF', target[0], target[1]]], secretFrom: null }
    return { how: 'restart', why: 'replicaof takes a host and a port' }
  }
  if (!d.info) return { how: 'restart', why: `${name} is not a directive this app knows: Redis reads it only at start` }
  if (d.info.apply !== 'live') return { how: 'restart', why: `${name} cannot change at run time` }
  const value = now ? now.flat().join(' ') : defaultValue(d.info)
  if (value === null) return { how: 'restart', why: `${name} was removed: its default comes back only at a restart` }
  return { how: 'live', argv: [['CONFIG', 'SET', name, value]], secretFrom: isSecret(d) ? 3 : null }
}

function decideSentinel(d: DirectiveLines, was: string[][] | undefined, now: string[][] | undefined): Decision {
  const option = d.option
  if (option === null) {
    // port, bind, dir, logfile...: Sentinel has no CONFIG SET.
    return { how: 'restart', why: `${d.key} cannot change at run time (Sentinel reads it only at start)` }
  }
  if (SENTINEL_MANAGED.has(option) || d.info?.managed) {
    return { how: 'restart', why: `Sentinel writes sentinel ${option} itself and reads it only at start` }
  }
  if (option === 'monitor' && d.master && was?.length === 1 && now?.length === 1) {
    // Only the quorum changed: SENTINEL SET <master> quorum; a new address needs a restart.
    const [a, b] = [was[0], now[0]]
    // The words after the master's name: ip port quorum.
    if (a.length === 3 && b.length === 3 && a[0] === b[0] && a[1] === b[1]) {
      return { how: 'live', argv: [['SENTINEL', 'SET', d.master, 'quorum', b[2]]], secretFrom: null }
    }
    return { how: 'restart', why: `the monitored master's address changes only at a restart` }
  }
  if (d.info && d.info.apply !== 'live') return { how: 'restart', why: `sentinel ${option} cannot change at run time` }
  const single = (v: string[][] | undefined): string | null => (v && v.length === 1 && v[0].length === 1 ? v[0][0] : null)
  const secretFrom = isSecret(d) ? 4 : null
  if (d.master && SENTINEL_SET.has(option)) {
    const value = now ? single(now) : CLEARED_BY_EMPTY.has(option) ? '' : defaultValue(d.info)
    if (value !== null) return { how: 'live', argv: [['SENTINEL', 'SET', d.master, option, value]], secretFrom }
  }
  if (!d.master && SENTINEL_CONFIG_SET.has(option)) {
    const value = now ? single(now) : CLEARED_BY_EMPTY.has(option) ? '' : defaultValue(d.info)
    if (value !== null) return { how: 'live', argv: [['SENTINEL', 'CONFIG', 'SET', option, value]], secretFrom: isSecret(d) ? 4 : null }
  }
  return { how: 'restart', why: `sentinel ${option} cannot change at run time` }
}

/** The plan for saving `next` over `disk` in a file of `ctx.kind`. */
export function planApply(disk: string, next: string, ctx: PlanContext): PlannedApply {
  if (ctx.kind === 'supervisor') return planIni(disk, next, ctx)
  const before = directivesOf(disk, ctx.kind)
  const after = directivesOf(next, ctx.kind)
  const keys = [...new Set([...before.keys(), ...after.keys()])]
  const changed = keys.filter((k) => !same(before.get(k)?.values, after.get(k)?.values))
  if (!ctx.running || ctx.member === null) {
    const why = ctx.member ? `${ctx.member} is not running: it reads the file when it starts` : 'no running process reads this file'
    return { member: null, kind: ctx.kind, steps: changed.map((directive) => ({ step: { directive, how: 'next-start', commands: [], why }, argv: [] })) }
  }
  const decisions = changed.map((key) => {
    const d = (after.get(key) ?? before.get(key))!
    const was = before.get(key)?.values
    const now = after.get(key)?.values
    return { key, decision: ctx.kind === 'redis' ? decideRedis(d, now) : decideSentinel(d, was, now) }
  })
  const restartFor = decisions.find((x) => x.decision.how === 'restart')
  const steps = decisions.map(({ key, decision }): PlannedStep => {
    if (decision.how === 'restart') return { step: { directive: key, how: 'restart', commands: [], why: decision.why }, argv: [] }
    if (restartFor) {
      // One restart reads the whole file: a live change first would only be rewritten over it.
      return { step: { directive: key, how: 'restart', commands: [], why: `the restart that ${restartFor.key} needs applies it too` }, argv: [] }
    }
    const commands = decision.argv.map((a) => display(a, decision.secretFrom))
    return { step: { directive: key, how: 'live', commands }, argv: decision.argv }
  })
  return { member: ctx.member, kind: ctx.kind, steps }
}

/**
 * A supervisor .ini is read by the supervisor when the lab starts (lab.ini) or on Update
 * (the open configuration): nothing is applied to a running process.
 */
function planIni(disk: string, next: string, ctx: PlanContext): PlannedApply {
  const flat = (text: string): Map<string, string> => {
    const out = new Map<string, string>()
    let parsed: Record<string, unknown>
    try {
      parsed = parseIni(text) as Record<string, unknown>
    } catch {
      return out
    }
    for (const [section, body] of Object.entries(parsed)) {
      if (typeof body !== 'object' || body === null) out.set(section, String(body))
      else for (const [k, v] of Object.entries(body as Record<string, unknown>)) out.set(`${section}.${k}`, JSON.stringify(v))
    }
    return out
  }
  const [a, b] = [flat(disk), flat(next)]
  const keys = [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k))
  const why = ctx.labIni ? 'the lab reads lab.ini when it starts: stop and start the lab to apply it' : 'the supervisor reads it on Update (supervisorctl update) or at the next open'
  return { member: null, kind: ctx.kind, steps: keys.map((directive) => ({ step: { directive, how: 'next-start', commands: [], why }, argv: [] })) }
}
