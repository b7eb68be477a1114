// The composition root: the one implementation of the API contract, for the whole app
// (programs, labs, logs, config files). It only wires: each call goes to the service or
// engine that owns it. Electron's IPC adapter and the web bridge both hand their
// (validated) calls to this object and forward its events.
import { EventEmitter } from 'node:events'
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
import type { LinkChange } from '../../shared/links'
import { MAC_ALIAS_HINT, loopbackAliasesWork } from '../links/lab-links'
import type { DrillReport, DrillReportSummary, DrillRequest, LabConnection, Scenario } from '../../shared/drill'
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
import { DrillService } from './drills'
import { logPathOf, regularFileOrAbsent } from './log-sources'
import { ProgramsService } from './programs'
import { exportCompose } from '../lab/compose'
import { LabRegistry } from '../lab/lab-registry'
import { LogHub } from '../logs/log-hub'
import { Supervisor } from '../supervisor/supervisor'
import { logDir, stateDir } from '../platform/paths'

interface ServiceOptions {
  transport: AppEnvironment['transport']
  version: string
  /** A native file dialog, where there is one (Electron). */
  pickPath?: (kind: 'file' | 'folder') => Promise<string | null>
  /** Show a file in the system's file manager, where there is one (Electron). */
  revealPath?: (path: string) => void
  env?: NodeJS.ProcessEnv
}

/** Whether this machine can give lab members their own loopback addresses (Linux: yes). */
async function linkFaultsHere(): Promise<AppEnvironment['linkFaults']> {
  return (await loopbackAliasesWork()) ? { available: true, why: null } : { available: false, why: MAC_ALIAS_HINT }
}

export class AppService implements SentinelLabApi {
  private linkFaults: AppEnvironment['linkFaults'] | null = null
  readonly supervisor: Supervisor
  /** Every API event, for the transports to forward. */
  readonly events = new EventEmitter<{ event: [ApiEventMessage] }>()
  /** The labs: each runs under its own supervisor, in its own folder under labsRoot(). */
  readonly labs: LabRegistry
  /** The logs the UI follows. */
  readonly logs: LogHub
  /** The config files open in editors, saving, applying, the doctor. */
  readonly conf: ConfService
  /** The open supervisord configuration and its programs. */
  readonly programs: ProgramsService
  /** Failover drills against the labs, and their reports. */
  readonly drills: DrillService

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
    this.programs = new ProgramsService(this.supervisor, options.env)
    this.drills = new DrillService(this.labs, (payload) => this.events.emit('event', { event: 'drill', payload }), options.env)
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

  failoverLab(id: string, safe = true): Promise<LabStatus> {
    return this.labs.require(id).failover(safe)
  }

  labNodeAction(id: string, node: string, action: LabNodeAction, confirmed: boolean): Promise<LabStatus> {
    return this.labs.requireOwned(id).nodeAction(node, action, confirmed)
  }

  addLabMember(id: string, kind: 'replica' | 'sentinel'): Promise<LabStatus> {
    return this.labs.requireOwned(id).addMember(kind)
  }

  removeLabMember(id: string, name: string): Promise<LabStatus> {
    return this.labs.requireOwned(id).removeMember(name)
  }

  async exportLabCompose(id: string): Promise<ComposeExportResult> {
    return exportCompose(this.labs.layout(id))
  }

  async followLog(source: LogSource, tailLines: number): Promise<LogFollowStart> {
    return this.logs.follow(regularFileOrAbsent(logPathOf(source, this.supervisor, this.labs)), tailLines)
  }

  unfollowLog(id: number): Promise<void> {
    return this.logs.unfollow(id)
  }

  async revealLog(source: LogSource): Promise<boolean> {
    const path = logPathOf(source, this.supervisor, this.labs)
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

  async getSnapshot(): Promise<SupervisorSnapshot> {
    return this.programs.snapshot()
  }

  openConfig(path: string): Promise<SupervisorSnapshot> {
    return this.programs.openConfig(path)
  }

  update(): Promise<UpdateResult> {
    return this.programs.update()
  }

  start(target: Target): Promise<ActionOutcome[]> {
    return this.programs.start(target)
  }

  stop(target: Target): Promise<ActionOutcome[]> {
    return this.programs.stop(target)
  }

  restart(target: Target): Promise<ActionOutcome[]> {
    return this.programs.restart(target)
  }

  signal(target: Target, signal: string): Promise<ActionOutcome[]> {
    return this.programs.signal(target, signal)
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
      recent: this.programs.recent(),
      linkFaults: (this.linkFaults ??= await linkFaultsHere()),
    }
  }

  async listDrillScenarios(): Promise<Scenario[]> {
    return this.drills.scenarios()
  }

  async startDrill(labId: string, request: DrillRequest): Promise<{ id: string }> {
    return this.drills.start(labId, request)
  }

  cancelDrill(labId: string): Promise<void> {
    return this.drills.cancel(labId)
  }

  async listDrillReports(labId: string): Promise<DrillReportSummary[]> {
    return this.drills.list(labId)
  }

  async getDrillReport(labId: string, id: string): Promise<DrillReport> {
    return this.drills.get(labId, id)
  }

  async getLabConnection(labId: string): Promise<LabConnection> {
    return this.drills.connection(labId)
  }

  async changeLinks(labId: string, change: LinkChange): Promise<LabStatus> {
    return this.labs.requireOwned(labId).changeLinks(change)
  }

  /** Stop every process; the app calls this before it quits. */
  async shutdown(): Promise<void> {
    this.conf.close()
    await this.drills.shutdown()
    await Promise.all([this.logs.closeAll(), this.labs.shutdown(), this.supervisor.shutdown()])
  }
}
