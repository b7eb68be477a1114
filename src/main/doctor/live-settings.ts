// A file edited while its process runs: the process keeps what it read at start (or was
// told since, by CONFIG SET / SENTINEL SET), and the file's new value applies only at the
// next restart, unless the process writes its running config over the file first (a node's
// CONFIG REWRITE, which Sentinel sends on failover; Sentinel's own config flush). Compared
// for a few settings that change at run time, on the process this very file configures
// (INFO's config_file): CONFIG GET on a node, SENTINEL MASTER <name> on a sentinel.
import { realpathSync } from 'node:fs'
import { resolve } from 'node:path'
import type { DoctorFinding } from '../../shared/conf'
import { directiveByName } from '../conf/schema'
import type { Written } from './conf-view'
import type { FileSet, Member } from './deployment'
import { at, atTop, describe } from './finding'
import { NotRedisError, type Reply, ask, infoFields, isError } from '../sentinel/resp-probe'
import { serverIdentity } from '../sentinel/server-identity'

/** Node settings compared, with Redis 7.0's default when the file does not write them. */
const NODE_SETTINGS: { name: string; fallback: string }[] = [
  { name: 'maxmemory', fallback: '0' },
  { name: 'maxmemory-policy', fallback: 'noeviction' },
  { name: 'appendonly', fallback: 'no' },
  { name: 'save', fallback: '3600 1 300 100 60 10000' },
  { name: 'masterauth', fallback: '' },
  { name: 'replica-priority', fallback: '100' },
]
/** Sentinel per-master settings (SENTINEL MASTER field = sentinel option), with their defaults. */
const SENTINEL_SETTINGS: { name: string; fallback: string }[] = [
  { name: 'down-after-milliseconds', fallback: '30000' },
  { name: 'failover-timeout', fallback: '180000' },
  { name: 'parallel-syncs', fallback: '1' },
]
const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1000, kb: 1024, m: 1000 ** 2, mb: 1024 ** 2, g: 1000 ** 3, gb: 1024 ** 3 }

function real(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return resolve(path)
  }
}

function bytes(value: string): string {
  const m = /^([0-9]+)([a-z]*)$/i.exec(value)
  const unit = m?.[2].toLowerCase() ?? ''
  return m && unit in SIZE_UNITS ? String(Number(m[1]) * SIZE_UNITS[unit]) : value
}

/** The lines of a directive under any of its names (replica-priority and slave-priority). */
function linesOf(m: Member, name: string): Written[] {
  const info = directiveByName('redis', name)
  const names = new Set([name, ...(info?.aliases ?? [])])
  return m.conf.lines.filter((l) => names.has(l.name))
}

/** save's value as Redis reads the lines in order: `save ""` clears, each line adds its pairs. */
function saveValue(lines: Written[]): string {
  let points: string[] = []
  for (const l of lines) {
    if (l.args.length === 0 || (l.args.length === 1 && l.args[0] === '')) points = []
    else points = [...points, ...l.args.flatMap((a) => a.split(/\s+/)).filter(Boolean)]
  }
  return points.join(' ')
}

/** What the file makes of a node setting, normalised as CONFIG GET answers it. */
function fileNodeValue(m: Member, name: string, fallback: string): { value: string; at?: Written } {
  const lines = linesOf(m, name)
  const last = lines.at(-1)
  if (!last) return { value: fallback }
  if (name === 'save') return { value: saveValue(lines), at: last }
  const word = last.args.join(' ')
  if (name === 'maxmemory') return { value: bytes(word), at: last }
  return { value: name === 'masterauth' ? word : word.toLowerCase(), at: last }
}

function pairs(r: Reply | undefined): Map<string, string> {
  const out = new Map<string, string>()
  if (!Array.isArray(r)) return out
  for (let i = 0; i + 1 < r.length; i += 2) out.set(String(r[i]), String(r[i + 1]))
  return out
}

/** Ask the process on the member's port, answering null unless it is this file's own process and it answers. */
async function askOwn(m: Member, password: string | null, commands: string[][]): Promise<Reply[] | null> {
  const auth = password !== null ? [['AUTH', password]] : []
  let replies: Reply[] | null
  try {
    replies = await ask(m.port, [...auth, ['INFO', 'server'], ...commands])
  } catch (e) {
    if (e instanceof NotRedisError) return null // the port rules say what is wrong there
    throw e
  }
  if (replies === null) return null
  const rest = replies.slice(auth.length)
  if (isError(rest[0])) return null // NOAUTH / WRONGPASS: requirepass-live-differs says so
  const fields = infoFields(rest[0])
  const configFile = fields.get('config_file') ?? ''
  if (configFile === '' || real(configFile) !== real(m.file.path)) return null
  if ((serverIdentity(fields).mode === 'sentinel') !== m.conf.isSentinel()) return null
  return rest.slice(1)
}

const AFTER = 'The file\'s value applies only when the process restarts, and the process may write its running value over the file before that'

function shownValue(name: string, v: string): string {
  if (name === 'masterauth') return v === '' ? 'none' : 'a password'
  return v === '' ? '""' : v
}

async function nodeDiffs(m: Member): Promise<DoctorFinding[]> {
  const replies = await askOwn(m, m.conf.requirepass(), [['CONFIG', 'GET', ...NODE_SETTINGS.map((s) => s.name)]])
  if (!replies || isError(replies[0])) return []
  const running = pairs(replies[0])
  const out: DoctorFinding[] = []
  for (const s of NODE_SETTINGS) {
    const live = running.get(s.name)
    if (live === undefined) continue
    const file = fileNodeValue(m, s.name, s.fallback)
    const liveValue = s.name === 'save' ? live.split(/\s+/).filter(Boolean).join(' ') : s.name === 'masterauth' ? live : live.toLowerCase()
    if (liveValue === file.value) continue
    const shownFile = s.name === 'masterauth' && file.value !== '' && liveValue !== '' ? 'another password' : shownValue(s.name, file.value)
    out.push({
      id: 'file-differs-from-running', severity: 'warning',
      ...(file.at ? at(file.at, s.name, 0) : atTop(m, s.name)),
      title: `${s.name}: the file says ${shownFile}${file.at ? '' : ' (not written: the default)'}, the running node uses ${shownValue(s.name, liveValue)}`,
      explanation: `${describe(m)} runs with ${s.name} ${shownValue(s.name, liveValue)}: the file was edited after it started, or the setting was changed at run time (CONFIG SET) without CONFIG REWRITE. ${AFTER} (CONFIG REWRITE, which Sentinel sends when it reconfigures the node on a failover). Apply the file's value (the app, or redis-cli -p ${m.port} CONFIG SET ${s.name} ...), or revert the file.`,
    })
  }
  return out
}

async function sentinelDiffs(m: Member, password: string | null): Promise<DoctorFinding[]> {
  const monitors = m.conf.sentinel('monitor').filter((l) => l.args.length >= 5)
  if (monitors.length === 0) return []
  const replies = await askOwn(m, password, monitors.map((l) => ['SENTINEL', 'MASTER', l.args[1]]))
  if (!replies) return []
  const out: DoctorFinding[] = []
  monitors.forEach((monitor, i) => {
    if (isError(replies[i])) return // not monitored by the running sentinel (added to the file since)
    const running = pairs(replies[i])
    const name = monitor.args[1]
    const compared = [
      ...SENTINEL_SETTINGS.map((s) => {
        const line = m.conf.sentinelFor(s.name, name).at(-1)
        return { option: s.name, key: `sentinel ${s.name} ${name}`, file: line?.args[2] ?? s.fallback, line, arg: 2 }
      }),
      { option: 'quorum', key: `sentinel monitor ${name}`, file: monitor.args[4], line: monitor, arg: 4 },
    ]
    for (const c of compared) {
      const live = running.get(c.option)
      if (live === undefined || live === c.file) continue
      out.push({
        id: 'file-differs-from-running', severity: 'warning',
        ...(c.line ? at(c.line, c.key, c.arg) : at(monitor, c.key)),
        title: `${c.option} of ${name}: the file says ${c.file}${c.line ? '' : ' (not written: the default)'}, the running sentinel uses ${live}`,
        explanation: `${describe(m)} runs with ${c.option} ${live} for ${name}: the file was edited after it started. ${AFTER}: Sentinel rewrites sentinel.conf from its running state at its next config flush (a failover, a new replica or sentinel seen, any SENTINEL SET), and this edit is lost. Apply it (the app, or redis-cli -p ${m.port} SENTINEL SET ${name} ${c.option} ${c.file}), or revert the file.`,
      })
    }
  })
  return out
}

/** file-differs-from-running for every node and sentinel whose own process runs now. */
export async function runningSettingsRules(set: FileSet, sentinelPassword?: string): Promise<DoctorFinding[]> {
  // A file with `include` lines is only part of what the process read: comparing it alone would mislead.
  const usable = (m: Member): boolean => Number.isInteger(m.port) && m.port > 0 && m.conf.all('include').length === 0
  const found = await Promise.all([
    ...set.nodes.filter(usable).map((n) => nodeDiffs(n)),
    ...set.sentinels.filter(usable).map((s) => sentinelDiffs(s, s.conf.requirepass() ?? sentinelPassword ?? null)),
  ])
  return found.flat()
}
