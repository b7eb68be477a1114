// The model types every side agrees on. No Node, no DOM: plain data only.
import type { LabLinksView } from './links'

/** supervisord's process states, with the same names and meaning. */
const PROCESS_STATES = [
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

export type LabState = 'stopped' | 'starting' | 'healthy' | 'degraded' | 'stopping' | 'failed'

/** What can be done to one node or sentinel of a lab the app runs. */
export const LAB_NODE_ACTIONS = ['kill', 'pause', 'resume', 'stop', 'start', 'restart'] as const
export type LabNodeAction = (typeof LAB_NODE_ACTIONS)[number]

/** One Redis data node of the lab, as the topology panel shows it. */
export interface LabNodeStatus {
  /** Program name: redis-master, redis-replica-1, ... (the role it started with); host:port when attached. */
  name: string
  /** The role it has now (INFO, or +switch-master before INFO confirms it). */
  role: 'master' | 'replica' | 'unknown'
  port: number
  /** 0 when not running, or not known (attached labs). */
  pid: number
  /** A replica's master_link_status; null for a master or when unknown. */
  linkStatus: 'up' | 'down' | null
  offset: number | null
  /** Bytes behind the master's offset (replicas), null when unknown. */
  lagBytes: number | null
  reachable: boolean
  /** Why it could not be reached (connection refused, WRONGPASS ...), null when it was. */
  error: string | null
  /** Stopped with SIGSTOP (a hung node) and not resumed yet. */
  paused: boolean
  /** Down and held down by the lab's restart policy until the sentinels fail over. */
  held: boolean
  /** The supervisor's state of its process (RUNNING, EXITED, ...); null when not supervised here. */
  processState: ProcessState | null
}

/** One sentinel of the lab and what it believes. */
export interface LabSentinelStatus {
  name: string
  port: number
  pid: number
  /** The master port it believes in (GET-MASTER-ADDR-BY-NAME), null when unknown. */
  masterPort: number | null
  /** SENTINEL MASTER flags (master, s_down, o_down, ...). */
  flags: string[]
  /** The down-after-milliseconds it runs with (SENTINEL MASTER), null when unknown. */
  downAfterMs: number | null
  /** Reachable, and CKQUORUM answered OK. */
  ok: boolean
  reachable: boolean
  /** Why it could not be reached, null when it was. */
  error: string | null
  paused: boolean
  processState: ProcessState | null
}

/** One merged event: the same Sentinel event seen by several sentinels shows once. */
export interface LabTimelineEntry {
  /** Stable id, for keyed lists. */
  id: number
  /** ms since epoch of the first sighting. */
  t: number
  /** '+sdown', '+switch-master', ... ; for the lab's own entries: 'kill', 'hold', 'restart', ... */
  type: string
  /** The payload as a sentinel published it, or what the lab did, in words. */
  text: string
  /** Sentinel names (sentinel-1, ...) in the order they reported it; empty for the lab's own entries. */
  seenBy: string[]
  /** 'sentinel': published by the sentinels; 'lab': an action or the restart policy of this app. */
  source: 'sentinel' | 'lab'
}

/** The settings a lab was created with (owned labs). */
export interface LabSettings {
  replicas: number
  sentinels: number
  quorum: number
  downAfterMs: number
  timers: 'fast' | 'realistic'
  persistence: 'none' | 'rdb' | 'aof'
  /** The release the lab's processes run, from its redis-server's --version: 'Redis 7.0.15', 'Valkey 8.0.1'. */
  server?: string
}

/** One lab: run by the app ('owned') or only watched ('attached'). */
export interface LabStatus {
  /** Stable id: the lab folder's name for owned labs. */
  id: string
  kind: 'owned' | 'attached'
  name: string
  /** The name Sentinel monitors the master under. */
  masterName: string
  state: LabState
  /** The lab folder; null for attached labs that have none. */
  dir: string | null
  /** Attached labs: what is watched ("sentinel-lab up, pid 4242", or the sentinel addresses). */
  origin: string | null
  settings: LabSettings | null
  /** Bring-up progress: ms since the first spawn, and what happened. */
  progress: { atMs: number; text: string }[]
  healthyMs: number | null
  error: string | null
  nodes: LabNodeStatus[]
  sentinels: LabSentinelStatus[]
  /** Bounded, newest last. */
  timeline: LabTimelineEntry[]
  /** Link faults (labs made with them; null otherwise, and for attached labs). */
  links?: LabLinksView | null
}

/** One line of the labs list. */
export interface LabListing {
  id: string
  kind: 'owned' | 'attached'
  name: string
  dir: string | null
  state: LabState
  /** An owned lab folder that another process runs now (`sentinel-lab up`): it can be attached, not started. */
  runningElsewhere: { pid: number } | null
  /** ms since epoch the lab folder was created (owned labs). */
  createdAt: number | null
}

/** Watch an existing Sentinel deployment (monitor only), or a lab folder run elsewhere. */
export type AttachTarget =
  | {
      kind: 'addresses'
      /** host:port of each sentinel (at least one; the others are discovered). */
      sentinels: string[]
      masterName: string
      /** The nodes' password (requirepass), if any. Kept in the main process only. */
      password?: string
      /** The sentinels' own password (sentinel requirepass), if any. */
      sentinelPassword?: string
      name?: string
    }
  | { kind: 'folder'; id: string }

/** What a lab's docker compose export wrote. */
export interface ComposeExportResult {
  dir: string
  files: string[]
}

/** What a log pane follows: a program of the opened configuration, or a lab's node or sentinel. */
export type LogSource =
  | { kind: 'program'; name: string; channel: 'stdout' | 'stderr' }
  | { kind: 'lab'; lab: string; member: string }

/** The answer to followLog: the last lines of the file, then 'log' events carry what follows. */
export interface LogFollowStart {
  /** Names this follow in 'log' events and in unfollowLog. */
  id: number
  /** The file followed (it may be rotated: x.log -> x.log.1; the follow goes on in x.log). */
  path: string
  /** The last lines (at most the tail asked for), oldest first. */
  lines: string[]
  /** The file held more lines before these. */
  truncated: boolean
}

/**
 * New lines of one follow. Batched (a few per second at most); when a program writes faster
 * than a pane can take, the oldest pending lines are dropped and counted in `skipped` (the
 * whole log stays on disk).
 */
export interface LogBatch {
  id: number
  lines: string[]
  /** Lines dropped before these since the last batch. */
  skipped: number
  /** The file was rotated (or truncated) since the last batch. */
  rotated: boolean
}
