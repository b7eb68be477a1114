// The one implementation of the API contract. Electron's IPC adapter and the web bridge
// both hand their (validated) calls to this object and forward its events.
import { EventEmitter } from 'node:events'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { ApiEventMessage, AppEnvironment, SentinelLabApi } from '../shared/api'
import type { ActionOutcome, LabSpecInput, LabStatus, SupervisorSnapshot, Target, UpdateResult } from '../shared/model'
import { AppLab } from './lab/app-lab'
import { ConfigError } from './supervisor/config-loader'
import { Supervisor } from './supervisor/supervisor'
import { logDir, recentFile, stateDir } from './paths'

export interface ServiceOptions {
  transport: AppEnvironment['transport']
  version: string
  /** A native file dialog, where there is one (Electron). */
  pickPath?: (kind: 'file' | 'folder') => Promise<string | null>
  env?: NodeJS.ProcessEnv
}

export class LabService implements SentinelLabApi {
  readonly supervisor: Supervisor
  /** Every API event, for the transports to forward. */
  readonly events = new EventEmitter<{ event: [ApiEventMessage] }>()
  /** The app's one lab (its own supervisor, in its own folder under labsRoot()). */
  readonly lab: AppLab

  constructor(private readonly options: ServiceOptions) {
    this.supervisor = new Supervisor({ logDir: logDir(options.env), stateDir: stateDir(options.env) })
    this.supervisor.on('transition', (payload) => this.events.emit('event', { event: 'transition', payload }))
    this.supervisor.on('process', (payload) => this.events.emit('event', { event: 'process', payload }))
    this.supervisor.on('change', () => this.events.emit('event', { event: 'snapshot', payload: this.supervisor.snapshot() }))
    this.lab = new AppLab((payload) => this.events.emit('event', { event: 'lab', payload }), options.env)
  }

  startLab(spec: LabSpecInput): Promise<LabStatus> {
    return this.lab.start(spec)
  }

  stopLab(): Promise<LabStatus> {
    return this.lab.stop()
  }

  async getLab(): Promise<LabStatus> {
    return this.lab.get()
  }

  failoverLab(): Promise<LabStatus> {
    return this.lab.failover()
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
    await Promise.all([this.lab.shutdown(), this.supervisor.shutdown()])
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
