// Pure rules and words of the Lab screen: which node / sentinel actions apply now, how
// they are worded, how a lab's settings and a byte lag read. No state, no DOM.
import type { LabNodeAction, LabNodeStatus, LabSentinelStatus, LabSettings, LabState, ProcessState } from '../../shared/model'

export type MemberAction = LabNodeAction | 'remove'

interface ActionWords {
  /** The menu label. */
  label: string
  /** "kill", for "Could not kill redis-master". */
  base: string
  /** "Killed", for "Killed redis-master". */
  past: string
  /** "Killing", for "Killing redis-master…". */
  pending: string
  /** What it does, under the label. */
  hint: string
  danger?: boolean
}

export const ACTION_WORDS: Record<MemberAction, ActionWords> = {
  kill: { label: 'Kill -9', base: 'kill', past: 'Killed', pending: 'Killing', hint: 'SIGKILL: dies at once, like a crash', danger: true },
  pause: { label: 'Pause', base: 'pause', past: 'Paused', pending: 'Pausing', hint: 'SIGSTOP: hangs, answers nothing' },
  resume: { label: 'Resume', base: 'resume', past: 'Resumed', pending: 'Resuming', hint: 'SIGCONT: carries on' },
  stop: { label: 'Stop', base: 'stop', past: 'Stopped', pending: 'Stopping', hint: 'SIGTERM: shuts down, stays down' },
  start: { label: 'Start', base: 'start', past: 'Started', pending: 'Starting', hint: 'start the process again' },
  restart: { label: 'Restart', base: 'restart', past: 'Restarted', pending: 'Restarting', hint: 'stop, then start at once' },
  remove: { label: 'Remove…', base: 'remove', past: 'Removed', pending: 'Removing', hint: 'take it out of the lab', danger: true },
}

export interface MenuItem {
  action: MemberAction
  words: ActionWords
  /** Why it does not apply now; null when it does. */
  disabled: string | null
}

/** Either kind of member, as far as the actions care. */
export interface MemberFacts {
  pid: number
  paused: boolean
  processState: ProcessState | null
}

const LIVE: readonly (ProcessState | null)[] = ['RUNNING', 'STARTING']

/**
 * The actions of one member, each enabled or with the reason it is not. `labRunning`:
 * the lab is up (healthy or degraded); `removable`: null, or why it cannot be removed.
 */
export function memberActions(m: MemberFacts, labRunning: boolean, removable: string | null): MenuItem[] {
  const ps = m.processState
  const live = LIVE.includes(ps)
  const why = (ok: boolean, reason: string): string | null => (!labRunning ? 'the lab is not running' : ok ? null : reason)
  const rules: [MemberAction, string | null][] = [
    ['kill', why(live && m.pid > 0, 'not running')],
    ['pause', why(live && !m.paused, m.paused ? 'already paused' : 'not running')],
    ['resume', why(m.paused, 'not paused')],
    ['stop', why(live || ps === 'BACKOFF', 'not running')],
    ['start', why(!live && ps !== 'STOPPING' && ps !== null, ps === null ? 'not supervised here' : ps === 'STOPPING' ? 'stopping' : 'already running')],
    ['restart', why(ps !== null && ps !== 'STOPPING', ps === null ? 'not supervised here' : 'stopping')],
    ['remove', labRunning ? removable : 'the lab is not running'],
  ]
  return rules.map(([action, disabled]) => ({ action, words: ACTION_WORDS[action], disabled }))
}

/** Why a data node cannot be removed now, or null. */
export function nodeRemovable(node: LabNodeStatus): string | null {
  return node.role === 'master' ? 'the current master cannot be removed: fail over first' : null
}

/** Why a sentinel cannot be removed now, or null. */
export function sentinelRemovable(all: LabSentinelStatus[]): string | null {
  return all.length <= 1 ? 'the last sentinel cannot be removed' : null
}

/** "2 replicas · 3 sentinels · quorum 2 · down-after 1500 ms · fast timers · no persistence" */
export function describeSettings(s: LabSettings): string[] {
  return [
    ...(s.server ? [s.server] : []),
    `${s.replicas} ${s.replicas === 1 ? 'replica' : 'replicas'}`,
    `${s.sentinels} ${s.sentinels === 1 ? 'sentinel' : 'sentinels'}`,
    `quorum ${s.quorum}`,
    `down-after ${s.downAfterMs} ms`,
    `${s.timers} timers`,
    PERSISTENCE_LABEL[s.persistence],
  ]
}

const PERSISTENCE_LABEL: Record<LabSettings['persistence'], string> = {
  none: 'no persistence',
  rdb: 'RDB snapshots',
  aof: 'AOF (fsync every second)',
}

/** What each persistence choice means when a master comes back, for the form. */
export const PERSISTENCE_HINT: Record<LabSettings['persistence'], string> = {
  none: 'Nothing on disk: a master restarted before a failover comes back empty, and its replicas resync to it (the lab asks first).',
  rdb: 'Snapshots: a master restarted before a failover loses the writes since the last save.',
  aof: 'Append-only file, fsync every second: a restart loses at most about a second of writes.',
}

/** "0 B", "512 B", "1.5 KiB", "3.2 MiB"; "—" when unknown. */
export function formatBytes(n: number | null): string {
  if (n === null) return '—'
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}

/** The lab is up: its processes can be acted on. */
export const isRunning = (s: LabState): boolean => s === 'healthy' || s === 'degraded'
/** Nothing of the lab runs: it can be started (owned) or destroyed. */
export const isIdle = (s: LabState): boolean => s === 'stopped' || s === 'failed'

/** Split what was typed in the attach form: commas, spaces or new lines between addresses. */
export function parseAddresses(text: string): { addresses: string[]; bad: string[] } {
  const addresses = text.split(/[\s,;]+/).filter(Boolean)
  const bad = addresses.filter((a) => {
    const m = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/.exec(a)
    return !m || Number(m[1]) < 1 || Number(m[1]) > 65535
  })
  return { addresses, bad }
}
