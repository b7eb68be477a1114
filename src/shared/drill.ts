// Failover drills, as the API carries them: what a user asks for (a scenario, client
// settings, a rate), and what a drill found out, computed from every operation the client
// made (never estimated). No Node here: the renderer shows these as they are.

/** The client settings a drill runs with: the two every drill compares, and the user's own. */
export const CLIENT_PRESETS = ['default', 'detector', 'custom'] as const
export type ClientPreset = (typeof CLIENT_PRESETS)[number]

/** How the drill's client (ioredis in sentinel mode) is set up: the knobs that change the outcome. */
export interface ClientSettings {
  /** Subscribe to the sentinels' +switch-master and reconnect at once (ioredis failoverDetector). */
  failoverDetector: boolean
  /** Fail a command that has no answer after this long (null: wait for ever, ioredis's default). */
  commandTimeoutMs: number | null
  /** Queue commands while disconnected (ioredis's default), or fail them at once. */
  enableOfflineQueue: boolean
  /** Retries of one command over reconnections (ioredis's default 20; null: no limit). */
  maxRetriesPerRequest: number | null
  /** After each write, WAIT for this many replicas (0: no WAIT): a write counts only once replicated. */
  waitReplicas: number
  /** WAIT's timeout. */
  waitTimeoutMs: number
}

export const CLIENT_SETTINGS: Readonly<Record<ClientPreset, ClientSettings>> = {
  default: { failoverDetector: false, commandTimeoutMs: null, enableOfflineQueue: true, maxRetriesPerRequest: 20, waitReplicas: 0, waitTimeoutMs: 100 },
  detector: { failoverDetector: true, commandTimeoutMs: 500, enableOfflineQueue: true, maxRetriesPerRequest: 20, waitReplicas: 0, waitTimeoutMs: 100 },
  /** ioredis's defaults, changed by the request's `custom`. */
  custom: { failoverDetector: false, commandTimeoutMs: null, enableOfflineQueue: true, maxRetriesPerRequest: 20, waitReplicas: 0, waitTimeoutMs: 100 },
}

/** The client knobs a user may set for the 'custom' client. */
export type CustomClient = Partial<Pick<ClientSettings, 'failoverDetector' | 'commandTimeoutMs' | 'enableOfflineQueue' | 'maxRetriesPerRequest'>>

export const CLIENT_LABELS: Readonly<Record<ClientPreset, string>> = {
  default: "ioredis's defaults",
  detector: 'failoverDetector + commandTimeout 500 ms',
  custom: 'your settings',
}

/** A run's client in words: the preset's name, or what the custom settings are. */
export function clientLabel(client: ClientPreset, s: ClientSettings): string {
  if (client !== 'custom') return CLIENT_LABELS[client]
  const words = [
    s.failoverDetector ? 'failoverDetector' : 'no failoverDetector',
    s.commandTimeoutMs === null ? 'no commandTimeout' : `commandTimeout ${s.commandTimeoutMs} ms`,
    s.enableOfflineQueue ? 'offline queue' : 'no offline queue',
    `maxRetriesPerRequest ${s.maxRetriesPerRequest ?? 'unlimited'}`,
  ]
  return words.join(', ')
}

/** What a scenario step does. 'failover' is the safe switch-over; 'sentinel-failover' Sentinel's own. */
export const STEP_ACTIONS = ['kill', 'pause', 'resume', 'stop', 'start', 'restart', 'failover', 'sentinel-failover', 'rate', 'partition', 'heal'] as const
export type StepAction = (typeof STEP_ACTIONS)[number]

export interface ScenarioStep {
  /** Seconds after the writer started. */
  at: number
  do: StepAction
  /**
   * 'master': the node that was the master when the drill began (so a later 'resume' of the
   * master resumes the node that was paused); 'replica': the first replica then; or a member's
   * name (redis-replica-2, sentinel-1). Not used by failover and rate.
   */
  target?: string
  /** For 'rate': the new writes per second. */
  rate?: number
  /** For 'partition': the members on one side ('master', 'replica', names, 'client'), everyone else on the other. */
  side?: string[]
}

export interface Scenario {
  name: string
  description: string
  /** How long the writer runs, in seconds. */
  seconds: number
  steps: ScenarioStep[]
  /** It kills, pauses or restarts processes: a lab the app does not run (attached) cannot. */
  needsProcessControl: boolean
  /** It cuts links: only a lab run with link faults can. */
  needsLinks: boolean
}

export interface DrillRequest {
  scenario: string
  /** One or two client settings; two run one after the other and are shown side by side. */
  clients: ClientPreset[]
  /** The 'custom' client's settings (over ioredis's defaults). */
  custom?: CustomClient
  /** Writes per second (default 200). */
  rate?: number
  /** pause-master: how long the master stays paused (default 20 s); partition-*: how long the partition lasts (default 12 s). */
  pauseSeconds?: number
  /** 'failover': the safe switch-over (default) or Sentinel's own SENTINEL FAILOVER. */
  safe?: boolean
  /** min-replicas-to-write on every node for the drill (0: off, as Redis ships). min-replicas-max-lag is then 2 s. */
  minReplicas?: number
  /** WAIT for this many replicas after each write (overrides the preset's). */
  waitReplicas?: number
}

export type ErrorKind = 'timeout' | 'READONLY' | 'NOREPLICAS' | 'closed' | 'not-replicated' | 'LOADING' | 'MASTERDOWN' | 'retries' | 'other'

export interface TimeRange {
  /** Milliseconds since the writer started. */
  from: number
  to: number
}

export interface DrillVerdict {
  /** Writes the client started, and what came of them. */
  writes: number
  acked: number
  failed: number
  /** Timed out or cut off: maybe applied. How many of them the final master holds. */
  unknown: number
  unknownApplied: number
  /** Acknowledged writes the final master does not hold: exact. */
  lostAcked: number
  lostRange: TimeRange | null
  errors: Partial<Record<ErrorKind, number>>
  /** The longest time without an acknowledged write, and every gap over 1 s. */
  unavailableMs: number
  gaps: TimeRange[]
  maxLatencyMs: number
  p99LatencyMs: number
  /** First fault -> +switch-master announced by a quorum of sentinels; null: no failover. */
  failoverMs: number | null
  /** The writes per second the workload reached (vs the rate asked). */
  achievedRate: number
}

export interface DrillMark {
  /** Milliseconds since the writer started. */
  t: number
  /** fault: what the scenario broke; change: what else it did (a rate, a resume, a heal); sentinel: what a sentinel said. */
  kind: 'fault' | 'change' | 'sentinel'
  /** 'kill redis-master', '+switch-master'. */
  label: string
  /** For Sentinel events: which sentinel said it, and its words. */
  member?: string
  text?: string
}

/** One client's run: the data of the chart and its verdict. */
export interface DrillRun {
  client: ClientPreset
  settings: ClientSettings
  startedAt: number
  durationMs: number
  verdict: DrillVerdict
  marks: DrillMark[]
  /** Per bucket of `bucketMs` from the start: acknowledged and failed writes, the slowest write that started in it (ms). */
  series: { bucketMs: number; acked: number[]; failed: number[]; maxLatencyMs: number[] }
  /** What happened, in plain words, in order. */
  story: StoryLine[]
}

export interface StoryLine {
  t: number
  text: string
  /** The Sentinel event it comes from, for a link to the lab's timeline and log: who said it, its type and words. */
  member?: string
  event?: string
  payload?: string
}

export interface DrillAdvice {
  text: string
  /** A re-run with this change (one click). */
  rerun: DrillRequest
}

export interface DrillReport {
  id: string
  labId: string
  scenario: Scenario
  request: DrillRequest
  createdAt: number
  runs: DrillRun[]
  advice: DrillAdvice[]
  /** Where it is kept: operations as JSONL, the verdict as JSON, the scenario. */
  dir: string | null
  /** Set when the drill could not finish: why. */
  error?: string
}

/** A report as lists show it. */
export interface DrillReportSummary {
  id: string
  labId: string
  scenario: string
  createdAt: number
  clients: ClientPreset[]
  /** Acknowledged writes lost, per run, in order. */
  lostAcked: number[]
  error?: string
}

/** A drill under way ('drill' events). */
export interface DrillProgress {
  labId: string
  id: string
  /** 'running' while a run goes; 'done' with the report; 'failed' with the error. */
  state: 'running' | 'done' | 'failed'
  text: string
  /** 0..1 over all runs. */
  fraction: number
  report?: DrillReport
}

/** What an application needs to connect to a lab through its sentinels. */
export interface LabConnection {
  masterName: string
  sentinels: { host: string; port: number }[]
  /** The nodes' requirepass; null when the app does not know it (an attached deployment given none). */
  password: string | null
  sentinelPassword: string | null
}
