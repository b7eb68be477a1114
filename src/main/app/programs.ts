// The Programs view's side of the app: the open supervisord configuration (opened, updated
// like `supervisorctl update`), start / stop / restart / signal that answer as supervisorctl
// does (once the processes settled), and the recently opened paths.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { ActionOutcome, SupervisorSnapshot, Target, UpdateResult } from '../../shared/model'
import { recentFile } from '../platform/paths'
import { ConfigError } from '../supervisor/config-loader'
import type { Supervisor } from '../supervisor/supervisor'

const RECENT_MAX = 10

export class ProgramsService {
  constructor(
    readonly supervisor: Supervisor,
    private readonly env?: NodeJS.ProcessEnv,
  ) {}

  snapshot(): SupervisorSnapshot {
    return this.supervisor.snapshot()
  }

  /** A file with errors is not applied: the snapshot carries its located error. */
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
  start(target: Target): Promise<ActionOutcome[]> {
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

  /** The paths opened last, newest first. */
  recent(): string[] {
    try {
      const list = JSON.parse(readFileSync(recentFile(this.env), 'utf8')) as unknown
      return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string').slice(0, RECENT_MAX) : []
    } catch {
      return []
    }
  }

  private settled(outcomes: ActionOutcome[]): Promise<ActionOutcome[]> {
    return Promise.all(outcomes.map((o) => (o.ok ? this.supervisor.settle(o.name) : o)))
  }

  private remember(path: string): void {
    const file = recentFile(this.env)
    const list = [path, ...this.recent().filter((p) => p !== path)].slice(0, RECENT_MAX)
    try {
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, JSON.stringify(list, null, 2))
    } catch {
      // A read-only home must not stop the app: the list is a convenience.
    }
  }
}
