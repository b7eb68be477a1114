// The model types every side agrees on. No Node, no DOM: plain data only.

/** supervisord's process states, with the same names and meaning. */
export const PROCESS_STATES = [
  'STOPPED',
  'STARTING',
  'RUNNING',
  'BACKOFF',
  'STOPPING',
  'EXITED',
  'FATAL',
  'UNKNOWN',
] as const
export type ProcessState = (typeof PROCESS_STATES)[number]

/** States in which supervisorctl considers a process "stopped". */
export const STOPPED_STATES: readonly ProcessState[] = ['STOPPED', 'EXITED', 'FATAL', 'UNKNOWN']

/** One supervised process, as the programs table shows it. */
export interface ProcessInfo {
  /** supervisorctl's namespec: "name", or "group:name" when they differ. */
  name: string
  group: string
  program: string
  state: ProcessState
  pid: number
  /** ms since epoch of the last spawn, 0 if never started. */
  startedAt: number
  /** ms since epoch of the last exit, 0 if never exited. */
  stoppedAt: number
  /** Exit status of the last exit (-1 when killed by a signal), null if none. */
  exitStatus: number | null
  /** How the process last ended, in words ("exit status 1", "terminated by SIGKILL"). */
  exitDescription: string | null
  /** Why the last spawn failed, supervisord's "spawnerr". */
  spawnError: string | null
  priority: number
  autostart: boolean
  /** Dependencies (depends_on) that are not ready yet: the process waits for them. */
  waitingFor: string[]
  command: string
  stdoutLogfile: string | null
  stderrLogfile: string | null
}

/** One state change of one process, as supervisord's PROCESS_STATE events carry it. */
export interface TransitionEvent {
  /** ms since epoch */
  t: number
  name: string
  group: string
  from: ProcessState
  to: ProcessState
  pid: number
  /** Exit status for EXITED / STOPPED after an exit; otherwise null. */
  exitcode: number | null
  /** For EXITED: whether the exit status is in exitcodes; otherwise null. */
  expected: boolean | null
  /** The whole process after the change (exit description, spawn error, times...). */
  process: ProcessInfo
}

/** A located problem in a configuration file. */
export interface ConfigIssue {
  severity: 'error' | 'warning' | 'info'
  file: string
  /** 1-based; 0 when the issue is about the file as a whole. */
  line: number
  section: string | null
  key: string | null
  message: string
}

/** What the supervisor engine runs right now. */
export interface SupervisorSnapshot {
  /** The .ini file or folder the user opened; null before anything is opened. */
  configPath: string | null
  /** Every file read to build the configuration (includes too). */
  files: string[]
  processes: ProcessInfo[]
  groups: { name: string; priority: number; processes: string[] }[]
  /** Errors stop a load (nothing else is touched); warnings and infos do not. */
  issues: ConfigIssue[]
  /** ms since epoch at which the snapshot was taken (uptimes are relative to it). */
  takenAt: number
}

/** What an update (supervisorctl update) did. */
export interface UpdateResult {
  added: string[]
  changed: string[]
  removed: string[]
  issues: ConfigIssue[]
}

/** Which processes an action applies to. */
export type Target =
  | { kind: 'all' }
  | { kind: 'group'; name: string }
  | { kind: 'process'; name: string }

export interface ActionOutcome {
  name: string
  ok: boolean
  /** Why it did not apply ("not running", "already started", ...). */
  message: string | null
}
