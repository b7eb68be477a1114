// The one API contract. The service in src/main implements it once; Electron IPC and the
// WebSocket bridge both carry it; the renderer calls it without knowing which.
import type {
  ActionOutcome,
  AttachTarget,
  ComposeExportResult,
  LabListing,
  LabNodeAction,

  LabStatus,
  LogBatch,
  LogFollowStart,
  LogSource,
  ProcessInfo,
  SupervisorSnapshot,
  Target,
  TransitionEvent,
  UpdateResult,
} from './model'
import type {
  ConfChangedEvent,
  ConfCheck,
  ConfEdit,
  ConfFileRef,
  ConfFileView,
  ConfSaveResult,
  ConfSchema,
  DoctorFinding,
  MergeResult,
} from './conf'
import {
  type ArgCheck, args, attachTarget, confEdits, confText, confVersion, drillRequest, flag, followId, labName, labOrNone, labSpec,
  linkChange, logSource, nodeAction, oneOf, path, reportId, signalName, tailLines, target,
} from './api-args'
import type { DrillProgress, DrillReport, DrillReportSummary, DrillRequest, LabConnection, Scenario } from './drill'
import type { ApiErrorData } from './errors'
import type { LinkChange } from './links'
import type { LabSpecInput } from './lab-spec'

export interface SentinelLabApi {
  /** What is loaded and running now. */
  getSnapshot(): Promise<SupervisorSnapshot>
  /**
   * Open a supervisord .ini file, or a folder (every *.ini and *.conf in it). Stops what
   * ran before. A file with errors is not applied: the snapshot carries the located errors
   * and the programs that were running keep running.
   */
  openConfig(path: string): Promise<SupervisorSnapshot>
  /** Re-read the files and apply the difference, like `supervisorctl update`. */
  update(): Promise<UpdateResult>
  start(target: Target): Promise<ActionOutcome[]>
  stop(target: Target): Promise<ActionOutcome[]>
  restart(target: Target): Promise<ActionOutcome[]>
  /** Send a signal by name (HUP, USR1, ...) without intending to stop the process. */
  signal(target: Target, signal: string): Promise<ActionOutcome[]>
  /**
   * Ask the user for a file or folder. Electron shows its native dialog; the web bridge
   * cannot, and answers null (the renderer then asks for a typed path).
   */
  pickConfigPath(kind: 'file' | 'folder'): Promise<string | null>
  /** Where the app was started and what it can do, for the header and the open dialog. */
  getEnvironment(): Promise<AppEnvironment>
  /** Every lab: the app's lab folders (running or not) and the attached deployments. */
  listLabs(): Promise<LabListing[]>
  getLab(id: string): Promise<LabStatus>
  /**
   * Build a fresh lab folder and run it. Answers once the lab is HEALTHY (or failed);
   * progress arrives meanwhile as 'lab' events. A bad field is an 'invalid-argument'
   * error naming the field. Several labs may run side by side (each on its own ports).
   */
  createLab(spec: LabSpecInput): Promise<LabStatus>
  /** Run an existing lab folder again (what a previous run left running is stopped first). */
  startLab(id: string): Promise<LabStatus>
  /** Stop a lab (or abort its bring-up); answers once its processes are gone. Attached labs are detached. */
  stopLab(id: string): Promise<LabStatus>
  /** Stop the lab and delete its folder (data, logs, configs). The UI asks first. */
  destroyLab(id: string): Promise<void>
  /** Watch a Sentinel deployment the app does not run: topology and timeline, monitor only. */
  attachLab(target: AttachTarget): Promise<LabStatus>
  /**
   * A manual failover, errors said plainly. safe: writes paused until the replicas have everything, so no
   * acknowledged write is lost; not safe: Sentinel's own SENTINEL FAILOVER.
   */
  failoverLab(id: string, safe: boolean): Promise<LabStatus>
  /**
   * Act on one node or sentinel. An action that would lose data (restarting a master that
   * has no persistence before a failover, ...) fails with code 'needs-confirmation' and
   * says why, unless `confirmed` is true.
   */
  labNodeAction(id: string, node: string, action: LabNodeAction, confirmed: boolean): Promise<LabStatus>
  /** Add a replica or a sentinel to a running lab; answers once the sentinels count it. */
  addLabMember(id: string, kind: 'replica' | 'sentinel'): Promise<LabStatus>
  /** Remove a replica or a sentinel (not the current master), with SENTINEL RESET on the others. */
  removeLabMember(id: string, name: string): Promise<LabStatus>
  /** Write a docker compose folder that runs the same topology. */
  exportLabCompose(id: string): Promise<ComposeExportResult>
  /**
   * Follow a log: its last `tailLines` lines now, then 'log' events with what it writes,
   * through rotation, until unfollowLog (or the renderer goes away).
   */
  followLog(source: LogSource, tailLines: number): Promise<LogFollowStart>
  unfollowLog(id: number): Promise<void>
  /**
   * Show a log's file in the system's file manager (Electron). The web bridge cannot and
   * answers false: the renderer then offers the path to copy.
   */
  revealLog(source: LogSource): Promise<boolean>
  /**
   * The config files of a lab (lab.ini, each node's redis.conf, each sentinel's
   * sentinel.conf), or with null those of the open supervisor config. Only these files can
   * be opened and saved through the API.
   */
  listConfFiles(labId: string | null): Promise<ConfFileRef[]>
  /** Read a config file for an editor and watch it: 'conf' events tell when it changes on disk. */
  openConfFile(path: string): Promise<ConfFileView>
  /** The editor closed: stop watching (also when the renderer goes away). */
  closeConfFile(path: string): Promise<void>
  /** Check an editor's text as the user types: located diagnostics, the doctor's findings, what saving would apply. */
  checkConf(path: string, text: string): Promise<ConfCheck>
  /**
   * Save atomically (temp file, fsync, rename; mode kept) with a backup of the replaced
   * version. Fails with code 'conflict' when the file on disk is no longer `baseVersion`
   * (merge first), and 'invalid-argument' when the text has errors. With `apply`, the
   * plan checkConf announced is carried out (live, or a restart of that one process).
   */
  saveConfFile(path: string, text: string, baseVersion: string, apply: boolean): Promise<ConfSaveResult>
  /** Three-way merge of an editor's unsaved text (mine) with the new text on disk (theirs). */
  mergeConf(base: string, mine: string, theirs: string): Promise<MergeResult>
  /** The directive schema: help, units, ranges, for the forms. */
  getConfSchema(): Promise<ConfSchema>
  /** The doctor over a lab's files and, when it runs, its live state. */
  runDoctor(labId: string): Promise<DoctorFinding[]>
  /** Carry out a doctor fix: lossless edits, each file saved atomically with a backup. */
  applyConfEdits(edits: ConfEdit[]): Promise<ConfFileView[]>
  /** The built-in drill scenarios. */
  listDrillScenarios(): Promise<Scenario[]>
  /**
   * Start a failover drill against a lab. Answers at once with the drill's id; progress and,
   * at the end, the report arrive as 'drill' events. One drill per lab at a time.
   */
  startDrill(labId: string, request: DrillRequest): Promise<{ id: string }>
  /** Stop the lab's drill under way (its processes are left as the lab's policy has them). */
  cancelDrill(labId: string): Promise<void>
  /** The drills kept for a lab, newest first. */
  listDrillReports(labId: string): Promise<DrillReportSummary[]>
  getDrillReport(labId: string, id: string): Promise<DrillReport>
  /** What an application needs to connect to the lab: sentinels, master name, password. */
  getLabConnection(labId: string): Promise<LabConnection>
  /** Cut, slow, partition, heal or reset links of a lab made with link faults; answers its status. */
  changeLinks(labId: string, change: LinkChange): Promise<LabStatus>
}

export interface AppEnvironment {
  transport: 'electron' | 'web'
  version: string
  platform: string
  /** The working directory of the main process: the default for typed paths. */
  cwd: string
  /** Paths opened before, newest first. */
  recent: string[]
  /** Whether labs can have link faults here (loopback addresses beside 127.0.0.1 answer), and why not. */
  linkFaults: { available: boolean; why: string | null }
}


/**
 * The one method table: each call's argument checks (the transports run them before the
 * service sees a call) and how long a caller waits for it. Adding a call is one line here
 * plus its implementation in the service.
 * slow: a stop waits up to stopwaitsecs, a start until the process settled (startsecs); a
 * lab answers once HEALTHY, once its processes are gone, once the sentinels failed over or
 * counted a new member; a save with apply may restart a process; the doctor probes every port.
 * user: it waits for the user (a file dialog).
 */
export const API = {
  getSnapshot: { args: args() },
  openConfig: { args: args(path), wait: 'slow' },
  update: { args: args(), wait: 'slow' },
  start: { args: args(target), wait: 'slow' },
  stop: { args: args(target), wait: 'slow' },
  restart: { args: args(target), wait: 'slow' },
  signal: { args: args(target, signalName) },
  pickConfigPath: { args: args(oneOf('file', 'folder')), wait: 'user' },
  getEnvironment: { args: args() },
  listLabs: { args: args() },
  getLab: { args: args(labName) },
  createLab: { args: args(labSpec), wait: 'slow' },
  startLab: { args: args(labName), wait: 'slow' },
  stopLab: { args: args(labName), wait: 'slow' },
  destroyLab: { args: args(labName), wait: 'slow' },
  attachLab: { args: args(attachTarget), wait: 'slow' },
  failoverLab: { args: args(labName, flag('safe')), wait: 'slow' },
  labNodeAction: { args: args(labName, labName, nodeAction, flag('confirmed')), wait: 'slow' },
  addLabMember: { args: args(labName, oneOf('replica', 'sentinel')), wait: 'slow' },
  removeLabMember: { args: args(labName, labName), wait: 'slow' },
  exportLabCompose: { args: args(labName), wait: 'slow' },
  followLog: { args: args(logSource, tailLines) },
  unfollowLog: { args: args(followId) },
  revealLog: { args: args(logSource) },
  listConfFiles: { args: args(labOrNone) },
  openConfFile: { args: args(path) },
  closeConfFile: { args: args(path) },
  checkConf: { args: args(path, confText) },
  saveConfFile: { args: args(path, confText, confVersion, flag('apply')), wait: 'slow' },
  mergeConf: { args: args(confText, confText, confText) },
  getConfSchema: { args: args() },
  runDoctor: { args: args(labName), wait: 'slow' },
  applyConfEdits: { args: args(confEdits), wait: 'slow' },
  listDrillScenarios: { args: args() },
  startDrill: { args: args(labName, drillRequest) },
  cancelDrill: { args: args(labName), wait: 'slow' },
  listDrillReports: { args: args(labName) },
  getDrillReport: { args: args(labName, reportId) },
  getLabConnection: { args: args(labName) },
  changeLinks: { args: args(labName, linkChange) },
} as const satisfies Record<keyof SentinelLabApi, { args: ArgCheck; wait?: 'slow' | 'user' }>
export type ApiMethod = keyof typeof API
export const API_METHODS = Object.keys(API) as ApiMethod[]

/** How long a caller waits for an answer before it gives up. */
export function callTimeoutMs(method: ApiMethod): number {
  const wait = (API[method] as { wait?: 'slow' | 'user' }).wait
  return wait === 'user' ? 10 * 60_000 : wait === 'slow' ? 90_000 : 15_000
}

/** Events pushed from the main process to every renderer. */
export interface ApiEvents {
  /** A process changed state. */
  transition: TransitionEvent
  /** A process's details changed without a state change (its pid became known at spawn). */
  process: ProcessInfo
  /** The whole picture changed (a file was opened, an update applied, a dependency became ready). */
  snapshot: SupervisorSnapshot
  /** A lab changed: progress, topology, a timeline entry (at most ~10 per second per lab). */
  lab: LabStatus
  /** The list of labs changed (created, destroyed, attached, started or stopped). */
  labs: LabListing[]
  /** New lines of a followed log. */
  log: LogBatch
  /** A config file open in an editor changed on disk. */
  conf: ConfChangedEvent
  /** A drill's progress, and its report once done. */
  drill: DrillProgress
}
export type ApiEventName = keyof ApiEvents
export interface ApiEventMessage<K extends ApiEventName = ApiEventName> {
  event: K
  payload: ApiEvents[K]
}


/** Channel names of the Electron transport. */
export const IPC_CALL = 'sentinel-lab:call'
export const IPC_EVENT = 'sentinel-lab:event'

/** The WebSocket bridge's frames (JSON). Events travel as ApiEventMessage. */
export interface WireRequest {
  id: number
  method: ApiMethod
  args: unknown[]
}
export interface WireResponse {
  id: number
  result?: unknown
  error?: ApiErrorData
}
/** The WebSocket path; the token travels as ?token=. */
export const WS_PATH = '/api'
