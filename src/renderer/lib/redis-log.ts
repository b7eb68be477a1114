// Redis and Sentinel log lines, read apart: who wrote it (sentinel, master, replica, the
// fork child), when, at which level, and, for Sentinel, which event the message reports.
// Pure: no state, no DOM. The log panes parse only the lines on screen.
//
//   30386:X 24 Nov 2026 19:49:29.718 # +switch-master mymaster 127.0.0.1 16990 127.0.0.1 16991
//   25266:S 24 Nov 2026 15:06:30.588 * Connecting to MASTER 127.0.0.1:6382
//   30386:signal-handler (1795549784) Received SIGTERM scheduling shutdown...
//   [4242] 24 Nov 15:06:30.588 * an old (2.x) server's line

type RedisRole = 'sentinel' | 'master' | 'replica' | 'child' | 'signal-handler' | 'unknown'
type RedisLevel = 'debug' | 'verbose' | 'notice' | 'warning'

/** The level characters Redis writes, lowest first. */
const LEVEL_CHARS = ['.', '-', '*', '#'] as const
export const LEVELS: readonly RedisLevel[] = ['debug', 'verbose', 'notice', 'warning']
const ROLES: Record<string, RedisRole> = { X: 'sentinel', M: 'master', S: 'replica', C: 'child' }

/**
 * Which kind of Sentinel event: the instance went down or came back ('down'), the
 * failover's steps ('failover'), the master changed or a node was re-pointed ('switch'),
 * TILT mode ('tilt'), anything else Sentinel reports (+monitor, +slave, +sentinel...).
 */
type EventFamily = 'down' | 'failover' | 'switch' | 'tilt' | 'other'

export interface SentinelEvent {
  /** '+switch-master', '-sdown', '-failover-abort-no-good-slave', ... */
  name: string
  family: EventFamily
  /** What follows the name in the message ("mymaster 127.0.0.1 6380 127.0.0.1 6381"). */
  detail: string
}

export interface RedisLogLine {
  pid: number
  role: RedisRole
  /** "24 Nov 2026" (no year from old servers); '' for a signal handler's line. */
  date: string
  /** "19:49:29.718" */
  time: string
  level: RedisLevel
  message: string
  /** The Sentinel event the message reports, if it is one. */
  event: SentinelEvent | null
}

const LINE = /^(?:(\d+):([XMSC])|\[(\d+)\]) (\d{1,2} [A-Z][a-z]{2}(?: \d{4})?) (\d{1,2}:\d{2}:\d{2}(?:\.\d{1,6})?) ([.\-*#]) ?(.*)$/
const SIGNAL = /^(\d+):signal-handler \((\d+)\) ?(.*)$/
const EVENT = /^([+-][a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?: (.*))?$/

const FAILOVER_STEPS = new Set(['new-epoch', 'try-failover', 'vote-for-leader', 'elected-leader', 'selected-slave', 'promoted-slave', 'no-good-slave'])
const SWITCHES = new Set(['switch-master', 'convert-to-slave', 'role-change', 'fix-slave-config', 'config-update-from'])

export function eventFamily(name: string): EventFamily {
  const n = name.slice(1)
  if (n === 'sdown' || n === 'odown') return 'down'
  if (n === 'tilt') return 'tilt'
  if (SWITCHES.has(n)) return 'switch'
  if (n.startsWith('failover-') || n.startsWith('slave-reconf-') || FAILOVER_STEPS.has(n)) return 'failover'
  return 'other'
}

/** The Sentinel event a message reports ("+sdown master mymaster ..."), or null. */
export function parseEvent(message: string): SentinelEvent | null {
  const m = EVENT.exec(message)
  if (!m) return null
  return { name: m[1]!, family: eventFamily(m[1]!), detail: m[2] ?? '' }
}

/** The line that a pane makes stand out: the master changed. */
export const isSwitchMaster = (e: SentinelEvent | null): boolean => e?.name === '+switch-master'

/** A Redis or Sentinel log line read apart, or null when the line is not in Redis's format. */
export function parseRedisLine(line: string): RedisLogLine | null {
  const m = LINE.exec(line)
  if (m) {
    const role = m[2] ? ROLES[m[2]]! : 'unknown'
    const level = LEVELS[LEVEL_CHARS.indexOf(m[6] as (typeof LEVEL_CHARS)[number])]!
    const message = m[7]!
    return { pid: Number(m[1] ?? m[3]), role, date: m[4]!, time: m[5]!, level, message, event: role === 'sentinel' || role === 'unknown' ? parseEvent(message) : null }
  }
  const s = SIGNAL.exec(line)
  if (s) {
    // Redis logs from a signal handler at the warning level, stamped with the unix time.
    const d = new Date(Number(s[2]) * 1000)
    const time = [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':')
    return { pid: Number(s[1]), role: 'signal-handler', date: '', time, level: 'warning', message: s[3]!, event: null }
  }
  return null
}

/**
 * The level of a Redis line as a number (0 debug .. 3 warning), or -1 when the line is not
 * in Redis's format. Cheaper than parseRedisLine: the level filter runs it on every line.
 */
export function levelOf(line: string): number {
  const m = LINE.exec(line)
  if (m) return LEVEL_CHARS.indexOf(m[6] as (typeof LEVEL_CHARS)[number])
  return SIGNAL.test(line) ? 3 : -1
}

export const ROLE_LABEL: Record<RedisRole, string> = {
  sentinel: 'sentinel',
  master: 'master',
  replica: 'replica',
  child: 'child',
  'signal-handler': 'signal',
  unknown: '',
}

export const LEVEL_LABEL: Record<RedisLevel, string> = { debug: 'debug', verbose: 'verb', notice: 'note', warning: 'WARN' }
