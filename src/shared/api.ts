// The one API contract. The service in src/main implements it once; Electron IPC and the
// WebSocket bridge both carry it; the renderer calls it without knowing which.
import type {
  ActionOutcome,
  AttachTarget,
  ComposeExportResult,
  LabListing,
  LabNodeAction,
  LabSpecInput,
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
  /** Ask one sentinel for a manual failover (SENTINEL FAILOVER); errors said plainly. */
  failoverLab(id: string): Promise<LabStatus>
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
}

export interface AppEnvironment {
  transport: 'electron' | 'web'
  version: string
  platform: string
  /** The working directory of the main process: the default for typed paths. */
  cwd: string
  /** Paths opened before, newest first. */
  recent: string[]
}

/** Every method name, for the transports' dispatch and validation. */
export const API_METHODS = [
  'getSnapshot',
  'openConfig',
  'update',
  'start',
  'stop',
  'restart',
  'signal',
  'pickConfigPath',
  'getEnvironment',
  'listLabs',
  'getLab',
  'createLab',
  'startLab',
  'stopLab',
  'destroyLab',
  'attachLab',
  'failoverLab',
  'labNodeAction',
  'addLabMember',
  'removeLabMember',
  'exportLabCompose',
  'followLog',
  'unfollowLog',
  'revealLog',
  'listConfFiles',
  'openConfFile',
  'closeConfFile',
  'checkConf',
  'saveConfFile',
  'mergeConf',
  'getConfSchema',
  'runDoctor',
  'applyConfEdits',
] as const satisfies readonly (keyof SentinelLabApi)[]
export type ApiMethod = (typeof API_METHODS)[number]

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
}
export type ApiEventName = keyof ApiEvents
export interface ApiEventMessage<K extends ApiEventName = ApiEventName> {
  event: K
  payload: ApiEvents[K]
}

/** Errors cross the transports as plain data. */
export interface ApiErrorData {
  message: string
  /**
   * 'needs-confirmation': the call would lose data; the message says what, and the caller
   * may ask the user and call again confirmed. 'conflict': a save based on a version the
   * disk no longer holds (merge, then save again).
   */
  code: 'invalid-argument' | 'not-found' | 'failed' | 'needs-confirmation' | 'conflict'
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
