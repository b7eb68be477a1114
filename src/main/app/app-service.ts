// The one implementation of the API contract. Electron's IPC adapter and the web bridge
// both hand their (validated) calls to this object and forward its events.
import { EventEmitter } from 'node:events'
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { ApiEventMessage, AppEnvironment, SentinelLabApi } from '../../shared/api'
import type {
  ActionOutcome,
  AttachTarget,
  ComposeExportResult,
  LabListing,
  LabNodeAction,
  LabStatus,
  LogFollowStart,
  LogSource,
  SupervisorSnapshot,
  Target,
  UpdateResult,
} from '../../shared/model'
import type { LabSpecInput } from '../../shared/lab-spec'
import type {
  ConfCheck,
  ConfEdit,
  ConfFileRef,
  ConfFileView,
  ConfSaveResult,
  ConfSchema,
  DoctorFinding,
  MergeResult,
} from '../../shared/conf'
import { ConfService } from './config-files'
import { exportCompose } from '../lab/compose'
import { LabRegistry } from '../lab/lab-registry'
import { LogHub } from '../logs/log-hub'
import { memberLogPath } from '../logs/own-logfile'
import { addReplica, addSentinel, removeMember } from '../lab/membership'
import { ApiError } from '../../shared/errors'
import { ConfigError } from '../supervisor/config-loader'
import { Supervisor } from '../supervisor/supervisor'
import { logDir, recentFile, stateDir } from '../platform/paths'

export interface ServiceOptions {
  transport: AppEnvironment['transport']
  version: string
  /** A native file dialog, where there is one (Electron). */
  pickPath?: (kind: 'file' | 'folder') => Promise<string | null>
  /** Show a file in the system's file manager, where there is one (Electron). */
  revealPath?: (path: string) => void
  env?: NodeJS.ProcessEnv
}

export class LabService implements SentinelLabApi {
  readonly supervisor: Supervisor
  /** Every API event, for the transports to forward. */
  readonly events = new EventEmitter<{ event: [ApiEventMessage] }>()
  /** The labs: each runs under its own supervisor, in its own folder under labsRoot(). */
  readonly labs: LabRegistry
  /** The logs the UI follows. */
  readonly logs: LogHub
  /** The config files open in editors, saving, applying, the doctor. */
  readonly conf: ConfService

  constructor(private readonly options: ServiceOptions) {
    this.supervisor = new Supervisor({ logDir: logDir(options.env), stateDir: stateDir(options.env) })
    this.supervisor.on('transition', (payload) => this.events.emit('event', { event: 'transition', payload }))
    this.supervisor.on('process', (payload) => this.events.emit('event', { event: 'process', payload }))
    this.supervisor.on('change', () => this.events.emit('event', { event: 'snapshot', payload: this.supervisor.snapshot() }))
    this.labs = new LabRegistry(
      (payload) => this.events.emit('event', { event: 'lab', payload }),
      (payload) => this.events.emit('event', { event: 'labs', payload }),
      options.env,
    )
    this.logs = new LogHub((payload) => this.events.emit('event', { event: 'log', payload }))
    this.conf = new ConfService(this.labs, this.supervisor, (payload) => this.events.emit('event', { event: 'conf', payload }))
    // Labs a previous run left running (the app died) are found again and cleanly restarted.
    void this.labs.discover()
  }

  async listLabs(): Promise<LabListing[]> {
    return this.labs.list()
  }

  async getLab(id: string): Promise<LabStatus> {
    return this.labs.get(id)
  }

  createLab(spec: LabSpecInput): Promise<LabStatus> {
    return this.labs.create(spec)
  }

  startLab(id: string): Promise<LabStatus> {
    return this.labs.start(id)
  }

  stopLab(id: string): Promise<LabStatus> {
    return this.labs.stop(id)
  }

  destroyLab(id: string): Promise<void> {
    return this.labs.destroy(id)
  }

  attachLab(target: AttachTarget): Promise<LabStatus> {
    return this.labs.attach(target)
  }

  failoverLab(id: string): Promise<LabStatus> {
    return this.labs.require(id).failover()
  }

  labNodeAction(id: string, node: string, action: LabNodeAction, confirmed: boolean): Promise<LabStatus> {
    return this.labs.requireOwned(id).nodeAction(node, action, confirmed)
  }

  async addLabMember(id: string, kind: 'replica' | 'sentinel'): Promise<LabStatus> {
    const lab = this.labs.requireOwned(id)
    const add = kind === 'replica' ? addReplica : addSentinel
    const r = await lab.operate((rt, signal) => add(rt, { signal }))
    lab.memberAdded(r.port)
    lab.note('add', `added ${r.name} on port ${r.port} in ${r.ms} ms: ${r.steps.join('; ')}`)
    return lab.status()
  }

  async removeLabMember(id: string, name: string): Promise<LabStatus> {
    const lab = this.labs.requireOwned(id)
    const r = await lab.operate((rt, signal) => removeMember(rt, name, { signal }))
    await lab.memberRemoved(r.port)
    lab.note('remove', `removed ${r.name} in ${r.ms} ms: ${r.steps.join('; ')}`)
    return lab.status()
  }

  async exportLabCompose(id: string): Promise<ComposeExportResult> {
    return exportCompose(this.labs.layout(id))
  }

  async followLog(source: LogSource, tailLines: number): Promise<LogFollowStart> {
    return this.logs.follow(regularFileOrAbsent(this.logPath(source)), tailLines)
  }

  unfollowLog(id: number): Promise<void> {
    return this.logs.unfollow(id)
  }

  async revealLog(source: LogSource): Promise<boolean> {
    const path = this.logPath(source)
    if (!this.options.revealPath) return false
    this.options.revealPath(path)
    return true
  }

  async listConfFiles(labId: string | null): Promise<ConfFileRef[]> {
    return this.conf.listConfFiles(labId)
  }

  async openConfFile(path: string): Promise<ConfFileView> {
    return this.conf.openConfFile(path)
  }

  async closeConfFile(path: string): Promise<void> {
    this.conf.closeConfFile(path)
  }

  async checkConf(path: string, text: string): Promise<ConfCheck> {
    return this.conf.checkConf(path, text)
  }

  saveConfFile(path: string, text: string, baseVersion: string, apply: boolean): Promise<ConfSaveResult> {
    return this.conf.saveConfFile(path, text, baseVersion, apply)
  }

  async mergeConf(base: string, mine: string, theirs: string): Promise<MergeResult> {
    return this.conf.mergeConf(base, mine, theirs)
  }

  async getConfSchema(): Promise<ConfSchema> {
    return this.conf.getConfSchema()
  }

  runDoctor(labId: string): Promise<DoctorFinding[]> {
    return this.conf.runDoctor(labId)
  }

  applyConfEdits(edits: ConfEdit[]): Promise<ConfFileView[]> {
    return this.conf.applyConfEdits(edits)
  }

  /** The file behind a log source; not-found when it has none. */
  private logPath(source: LogSource): string {
    if (source.kind === 'program') {
      const p = this.supervisor.snapshot().processes.find((x) => x.name === source.name)
      if (!p) throw new ApiError(`no program ${source.name} in the open configuration`, 'not-found')
      const path = source.channel === 'stderr' ? p.stderrLogfile : p.stdoutLogfile
      if (!path) throw new ApiError(`${source.name} has no ${source.channel} log file (${source.channel}_logfile is NONE${source.channel === 'stderr' ? ', or redirect_stderr sends it to stdout' : ''})`, 'not-found')
      return path
    }
    let lab
    try {
      lab = this.labs.layout(source.lab)
    } catch {
      throw new ApiError(`${source.lab}: no log files here (an attached deployment's logs are on its own machines)`, 'not-found')
    }
    const member = [...lab.nodes, ...lab.sentinels].find((m) => m.name === source.member)
    if (!member) throw new ApiError(`${source.member}: no such node or sentinel in ${source.lab}`, 'not-found')
    return memberLogPath(member)
  }

  async getSnapshot(): Promise<SupervisorSnapshot> {
    return this.supervisor.snapshot()
  }

  async openConfig(path: string): Promise<SupervisorSnapshot> {
    const abs = resolve(path)
    try {
      await this.supervisor.load(abs)
      this.remember(abs)
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e
      this.supervisor.recordLoadError(e)
    }
    return this.supervisor.snapshot()
  }

  /** A file that no longer loads changes nothing: its located error is the result. */
  async update(): Promise<UpdateResult> {
    try {
      return await this.supervisor.update()
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e
      this.supervisor.recordLoadError(e)
      return { added: [], changed: [], removed: [], issues: [e.issue] }
    }
  }

  /** Answers once every started process has settled, like `supervisorctl start`. */
  async start(target: Target): Promise<ActionOutcome[]> {
    return this.settled(this.supervisor.start(target))
  }

  async stop(target: Target): Promise<ActionOutcome[]> {
    return this.supervisor.stop(target)
  }

  async restart(target: Target): Promise<ActionOutcome[]> {
    return this.settled(await this.supervisor.restart(target))
  }

  async signal(target: Target, signal: string): Promise<ActionOutcome[]> {
    return this.supervisor.signal(target, signal)
  }

  private settled(outcomes: ActionOutcome[]): Promise<ActionOutcome[]> {
    return Promise.all(outcomes.map((o) => (o.ok ? this.supervisor.settle(o.name) : o)))
  }

  async pickConfigPath(kind: 'file' | 'folder'): Promise<string | null> {
    return this.options.pickPath ? this.options.pickPath(kind) : null
  }

  async getEnvironment(): Promise<AppEnvironment> {
    return {
      transport: this.options.transport,
      version: this.options.version,
      platform: process.platform,
      cwd: process.cwd(),
      recent: this.recent(),
    }
  }

  /** Stop every process; the app calls this before it quits. */
  async shutdown(): Promise<void> {
    this.conf.close()
    await Promise.all([this.logs.closeAll(), this.labs.shutdown(), this.supervisor.shutdown()])
  }

  private recent(): string[] {
    try {
      const list = JSON.parse(readFileSync(recentFile(this.options.env), 'utf8')) as unknown
      return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string').slice(0, 10) : []
    } catch {
      return []
    }
  }

  private remember(path: string): void {
    const file = recentFile(this.options.env)
    const list = [path, ...this.recent().filter((p) => p !== path)].slice(0, 10)
    try {
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, JSON.stringify(list, null, 2))
    } catch {
      // A read-only home must not stop the app: the list is a convenience.
    }
  }
}

/**
 * A log to follow must be a regular file (or not exist yet): /dev/stdout, a tty or a FIFO
 * would block the reader or read the user's terminal.
 */
function regularFileOrAbsent(path: string): string {
  let st
  try {
    st = statSync(path)
  } catch {
    return path
  }
  if (!st.isFile()) throw new ApiError(`${path} is not a regular file (a terminal, a pipe or a device): there is nothing to follow`, 'failed')
  return path
}
