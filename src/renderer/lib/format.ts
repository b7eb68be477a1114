// Pure formatting: durations, the status column's words, issues. No state, no DOM.
import type { ActionOutcome, ConfigIssue, ProcessInfo, ProcessState } from '../../shared/model'

/** supervisorctl's "uptime 1:02:03", with days when it gets long. */
function formatUptime(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const d = Math.floor(total / 86_400)
  const h = Math.floor((total % 86_400) / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const hms = `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
  return d > 0 ? `${d}d ${hms}` : hms
}

/** "12s", "3m", "2h", "4d": the coarse age for "exited … ago". */
function formatAgo(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m`
  if (s < 86_400) return `${Math.floor(s / 3600)}h`
  return `${Math.floor(s / 86_400)}d`
}

interface StatusText {
  text: string
  /** Spawn errors and unexpected exits read as problems. */
  tone: 'normal' | 'muted' | 'problem'
}

/** The description column, as supervisorctl status would word it, live. */
export function describe(p: ProcessInfo, now: number): StatusText {
  const waiting = p.waitingFor.length > 0 && (p.state === 'STOPPED' || p.state === 'STARTING')
  if (waiting) return { text: `waiting for ${p.waitingFor.join(', ')}`, tone: 'muted' }
  switch (p.state) {
    case 'RUNNING':
      return { text: p.startedAt ? `uptime ${formatUptime(now - p.startedAt)}` : 'running', tone: 'normal' }
    case 'STARTING':
      return { text: p.startedAt ? `starting… ${formatAgo(now - p.startedAt)}` : 'starting…', tone: 'muted' }
    case 'STOPPING':
      return { text: 'stopping…', tone: 'muted' }
    case 'BACKOFF':
    case 'FATAL':
      return { text: p.spawnError ?? (p.state === 'FATAL' ? 'could not start' : 'retrying…'), tone: 'problem' }
    case 'EXITED': {
      const how = p.exitDescription ?? (p.exitStatus !== null ? `exit status ${p.exitStatus}` : null)
      const ago = p.stoppedAt ? `exited ${formatAgo(now - p.stoppedAt)} ago` : 'exited'
      return { text: how ? `${ago} (${how})` : ago, tone: p.spawnError ? 'problem' : 'muted' }
    }
    case 'STOPPED':
      return { text: p.stoppedAt ? `stopped ${formatAgo(now - p.stoppedAt)} ago` : 'not started', tone: 'muted' }
    default:
      return { text: 'state unknown', tone: 'problem' }
  }
}

/** What makes sense in a state. Actions that cannot apply are disabled, not hidden. */
export function allowed(p: ProcessInfo): { start: boolean; stop: boolean; restart: boolean; signal: boolean } {
  const s: ProcessState = p.state
  const live = s === 'STARTING' || s === 'RUNNING'
  return {
    start: s === 'STOPPED' || s === 'EXITED' || s === 'FATAL' || s === 'UNKNOWN',
    stop: live || s === 'BACKOFF' || (s === 'STOPPED' && p.waitingFor.length > 0),
    restart: s !== 'STOPPING',
    signal: live && p.pid > 0,
  }
}

/** `file:line [section] key` */
export function issueLocation(i: ConfigIssue): string {
  return [i.file + (i.line ? `:${i.line}` : ''), i.section && `[${i.section}]`, i.key].filter(Boolean).join(' ')
}

/** Outcomes that only say there was nothing to do, as supervisorctl's "already started". */
const BENIGN = /^(already started|not running|already stopped)$/i

export type Tone = 'ok' | 'warn' | 'error'

/** How an action is worded: "Started worker", "Could not start worker", "Starting worker…". */
export interface Verb {
  past: string
  base: string
  pending: string
}

export interface Report {
  text: string
  tone: Tone | 'info'
}

/**
 * What to tell about an action's outcomes. Failures become one error report naming each
 * process and its reason; accepted-with-a-note outcomes ("waiting for redis-master") one
 * info report; only when every process simply did it: "Started N processes".
 */
export function report(verb: Verb, outcomes: ActionOutcome[]): Report[] {
  if (outcomes.length === 0) return [{ text: `${verb.past}: no process matched`, tone: 'warn' }]
  const benign = (o: ActionOutcome): boolean => !o.ok && BENIGN.test(o.message ?? '')
  const failed = outcomes.filter((o) => !o.ok && !benign(o))
  const noted = outcomes.filter((o) => o.ok && o.message)
  const done = outcomes.filter((o) => o.ok && !o.message)
  const skipped = outcomes.filter(benign)
  const lines = (os: ActionOutcome[]): string => os.map((o) => `${o.name}: ${o.message ?? 'failed'}`).join('\n')
  const out: Report[] = []
  if (failed.length === 1) out.push({ text: `Could not ${verb.base} ${lines(failed)}`, tone: 'error' })
  else if (failed.length) out.push({ text: `Could not ${verb.base} ${failed.length} of ${outcomes.length} processes:\n${lines(failed)}`, tone: 'error' })
  if (noted.length) out.push({ text: lines(noted), tone: 'info' })
  if (failed.length || noted.length) return out
  const parts: string[] = []
  if (done.length) parts.push(`${verb.past} ${done.length === 1 ? done[0]!.name : `${done.length} processes`}`)
  if (skipped.length) parts.push(`skipped ${skipped.map((o) => `${o.name} (${o.message})`).join(', ')}`)
  return [{ text: parts.join(' · '), tone: done.length ? 'ok' : 'warn' }]
}
