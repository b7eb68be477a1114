// The process set: supervisord's main loop without the loop. Loads a configuration,
// starts groups in ascending priority (holding back what depends_on says must wait),
// stops them in descending priority, applies `update`, and leaves no process behind.
import { EventEmitter } from 'node:events'
import type { ActionOutcome, ConfigIssue, ProcessInfo, SupervisorSnapshot, Target, TransitionEvent, UpdateResult } from '../../shared/model'
import { ConfigError, type SupervisorConfig, loadSupervisorConfig } from './config-loader'
import { signalName } from './datatypes'
import { SupervisedProcess, type ProcessHost } from './process'
import { type GroupConfig, type ProcessConfig, sameProcessConfig } from './program-config'
import { waitForPort } from './readiness'
import { processStartTime } from '../platform/process-identity'
import { type RunState, RunStateFile, ownerAlive, stateFileFor, stopSurvivors, survivors } from './recovery'
import { RotatingLog } from './rotating-log'

interface SupervisorOptions {
  /** Where AUTO log files go (supervisord's childlogdir). */
  logDir: string
  /** Where run-state files live, for recovery after a crash. */
  stateDir: string
}

interface SupervisorEvents {
  transition: [TransitionEvent]
  /** A process's details changed without a transition (its pid is known once spawned). */
  process: [ProcessInfo]
  /** Something beyond one transition changed: a load, an update, a dependency got ready. */
  change: []
}

interface Group {
  config: GroupConfig
  processes: SupervisedProcess[]
}

export class Supervisor extends EventEmitter<SupervisorEvents> {
  private config: SupervisorConfig | null = null
  private configPath: string | null = null
  private issues: ConfigIssue[] = []
  private groups: Group[] = []
  private shuttingDown = false
  private readonly logs = new Map<string, RotatingLog>()
  /** Processes asked to start that wait for their dependencies. */
  private readonly waiting = new Set<SupervisedProcess>()
  /** Processes whose ready_port accepted since their last spawn. */
  private readonly portReady = new Set<SupervisedProcess>()
  private runState: RunStateFile | null = null
  private runStatePending = false
  private readonly host: ProcessHost

  constructor(private readonly options: SupervisorOptions) {
    super()
    this.host = {
      acceptsStarts: () => !this.shuttingDown,
      transition: (e) => this.onTransition(e),
      spawned: (p) => {
        this.recordRunState()
        if (p.config.readyPort !== null) void this.probe(p)
        this.emit('process', this.infoOf(p))
      },
      log: (c, channel) => this.logFor(c, channel),
    }
  }

  /**
   * Load a file or folder and start its autostart programs. On a configuration error,
   * throws ConfigError and leaves whatever ran before untouched.
   */
  async load(path: string): Promise<SupervisorConfig> {
    const config = loadSupervisorConfig(path, { logDir: this.options.logDir })
    const runState = new RunStateFile(stateFileFor(this.options.stateDir, config.root))
    const previous = runState.read()
    if (previous && ownerAlive(previous)) {
      throw new Error(`another Sentinel Lab engine (pid ${previous.enginePid}) already runs ${config.root}`)
    }
    await this.shutdown()
    this.shuttingDown = false
    this.config = config
    this.configPath = path
    this.issues = config.issues
    this.runState = runState
    await this.recoverOrphans(previous)
    this.groups = config.groups.map((g) => this.makeGroup(g))
    this.emit('change')
    for (const p of this.allProcesses()) if (p.config.autostart) this.requestStart(p)
    return config
  }

  /**
   * The configuration error of the last load attempt is reported here, not thrown away.
   * What runs (and the path shown as open) stays as it was: the failed file is not applied.
   */
  recordLoadError(error: ConfigError): void {
    this.issues = [error.issue]
    this.emit('change')
  }

  snapshot(): SupervisorSnapshot {
    const now = Date.now()
    return {
      configPath: this.configPath,
      files: this.config?.files ?? [],
      processes: this.allProcesses().map((p) => this.infoOf(p)),
      groups: this.groups.map((g) => ({ name: g.config.name, priority: g.config.priority, processes: g.processes.map((p) => p.name) })),
      issues: this.issues,
      takenAt: now,
    }
  }

  /**
   * Start like `supervisorctl start`. depends_on holds a start back until the dependencies
   * are ready, unless `ignoreDependencies` (a restart after the first bring-up, like the
   * engine's own autorestart, which never waits for them either).
   */
  start(target: Target, options: { ignoreDependencies?: boolean } = {}): ActionOutcome[] {
    return this.resolve(target).map((p) => {
      if (p.state === 'STARTING' || p.state === 'RUNNING' || p.state === 'BACKOFF') return outcome(p, 'already started')
      if (p.state === 'STOPPING') return outcome(p, 'still stopping')
      if (options.ignoreDependencies) {
        if (this.waiting.delete(p)) this.emit('change')
        p.start()
      } else this.requestStart(p)
      return outcome(p, null)
    })
  }

  stop(target: Target): ActionOutcome[] {
    return this.resolve(target)
      .reverse()
      .map((p) => {
        if (this.waiting.delete(p)) {
          this.emit('change')
          return outcome(p, null)
        }
        return outcome(p, p.stop())
      })
  }

  /**
   * How a start ends, as `supervisorctl start` reports it: ok once RUNNING; a spawn error or
   * any state other than STARTING / RUNNING is a failure. A process held back by depends_on
   * is ok at once, with what it waits for.
   */
  settle(name: string): Promise<ActionOutcome> {
    const verdict = (p: SupervisedProcess): ActionOutcome | null => {
      const waitingFor = this.waiting.has(p) ? this.waitingFor(p) : []
      if (waitingFor.length > 0) return { name: p.name, ok: true, message: `waiting for ${waitingFor.join(', ')}` }
      if (p.state === 'RUNNING') return outcome(p, null)
      const log = p.config.stderr.file ?? p.config.stdout.file
      const see = log ? `; see ${log}` : ''
      // The log path replaces supervisord's "(process log may have details)".
      if (p.spawnError) return outcome(p, `${p.spawnError.replace(/ \(process log may have details\)$/, '')}${see}`)
      if (p.state !== 'STARTING') return outcome(p, `abnormal termination (${p.state})${see}`)
      return null
    }
    const p = this.resolve({ kind: 'process', name })[0]
    const now = verdict(p)
    if (now) return Promise.resolve(now)
    return new Promise((resolve) => {
      const done = (v: ActionOutcome): void => {
        this.off('transition', onTransition)
        this.off('change', onChange)
        resolve(v)
      }
      const onTransition = (e: TransitionEvent): void => {
        const v = e.name === p.name ? verdict(p) : null
        if (v) done(v)
      }
      // An update or a new load may remove the process before it settles.
      const onChange = (): void => {
        if (!this.allProcesses().includes(p)) done(outcome(p, 'removed from the configuration before it started'))
      }
      this.on('transition', onTransition)
      this.on('change', onChange)
    })
  }

  async restart(target: Target, options: { ignoreDependencies?: boolean } = {}): Promise<ActionOutcome[]> {
    const procs = this.resolve(target)
    this.stop(target)
    await Promise.all(procs.map((p) => p.whenGone()))
    return this.start(target, options)
  }

  signal(target: Target, sig: string): ActionOutcome[] {
    const name = signalName(sig)
    return this.resolve(target).map((p) => outcome(p, p.signal(name)))
  }

  /** Re-read the files and apply the difference, like `supervisorctl update`. */
  async update(): Promise<UpdateResult> {
    if (!this.configPath) throw new Error('nothing is loaded: open a configuration first')
    const next = loadSupervisorConfig(this.configPath, { logDir: this.options.logDir })
    const result: UpdateResult = { added: [], changed: [], removed: [], issues: next.issues }
    const old = new Map(this.groups.map((g) => [g.config.name, g]))
    const keep: Group[] = []
    const toStart: Group[] = []
    for (const g of next.groups) {
      const current = old.get(g.name)
      old.delete(g.name)
      if (!current) {
        result.added.push(g.name)
        toStart.push(this.makeGroup(g))
      } else if (!sameGroup(current.config, g)) {
        result.changed.push(g.name)
        await this.removeGroup(current)
        toStart.push(this.makeGroup(g))
      } else {
        current.config = g
        for (const [i, p] of current.processes.entries()) p.config = g.processes[i]
        keep.push(current)
      }
    }
    for (const [name, g] of old) {
      result.removed.push(name)
      await this.removeGroup(g)
    }
    this.config = next
    this.issues = next.issues
    const order = new Map(next.groups.map((g, i) => [g.name, i]))
    this.groups = [...keep, ...toStart].sort((a, b) => order.get(a.config.name)! - order.get(b.config.name)!)
    this.emit('change')
    for (const g of toStart) for (const p of g.processes) if (p.config.autostart) this.requestStart(p)
    return result
  }

  /** Stop everything, groups in descending priority, each group gone before the next. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true
    this.waiting.clear()
    for (const g of [...this.groups].reverse()) await this.removeGroup(g)
    for (const log of this.logs.values()) log.close()
    this.logs.clear()
    this.runState?.remove()
  }

  private async stopGroup(g: Group): Promise<void> {
    // supervisord's stop_all: a stable sort on priority alone, then reversed.
    for (const p of [...g.processes].sort((a, b) => a.config.priority - b.config.priority).reverse()) {
      this.waiting.delete(p)
      if (p.state === 'RUNNING' || p.state === 'STARTING') p.stop()
      else if (p.state === 'BACKOFF') p.giveUp()
    }
    await Promise.all(g.processes.map((p) => p.whenGone()))
  }

  /** Stop a group that leaves the configuration, and release its pipes. */
  private async removeGroup(g: Group): Promise<void> {
    await this.stopGroup(g)
    await Promise.all(g.processes.map((p) => p.dispose()))
  }

  private makeGroup(config: GroupConfig): Group {
    return { config, processes: config.processes.map((c) => new SupervisedProcess(c, this.host)) }
  }

  private allProcesses(): SupervisedProcess[] {
    return this.groups.flatMap((g) => g.processes)
  }

  private resolve(target: Target): SupervisedProcess[] {
    const all = this.allProcesses().sort((a, b) => a.config.priority - b.config.priority)
    if (target.kind === 'all') return all
    if (target.kind === 'group') {
      const found = all.filter((p) => p.config.group === target.name)
      if (found.length === 0) throw new Error(`no such group: ${target.name}`)
      return found
    }
    const found = all.filter((p) => p.name === target.name || `${p.config.group}:${p.config.name}` === target.name)
    if (found.length === 0) throw new Error(`no such process: ${target.name}`)
    return found
  }

  private infoOf(p: SupervisedProcess): ProcessInfo {
    return { ...p.info(), waitingFor: this.waitingFor(p) }
  }

  private requestStart(p: SupervisedProcess): void {
    if (this.waitingFor(p).length === 0) {
      this.waiting.delete(p)
      p.start()
    } else if (!this.waiting.has(p)) {
      this.waiting.add(p)
      this.emit('change')
    }
  }

  /** The dependencies of p that are not ready yet. */
  private waitingFor(p: SupervisedProcess): string[] {
    return p.config.dependsOn.filter((dep) => {
      const procs = this.allProcesses().filter((q) => q.config.program === dep || q.config.group === dep)
      return !procs.every((q) => this.isReady(q))
    })
  }

  private isReady(q: SupervisedProcess): boolean {
    if (q.config.readyPort === null) return q.state === 'RUNNING'
    return (q.state === 'RUNNING' || q.state === 'STARTING') && this.portReady.has(q)
  }

  private onTransition(e: TransitionEvent): void {
    const p = this.allProcesses().find((q) => q.name === e.name)
    if (p) {
      if (e.to === 'STARTING') this.portReady.delete(p)
      if (e.to === 'EXITED' || e.to === 'STOPPED' || e.to === 'BACKOFF') this.recordRunState()
    }
    if (p) e.process.waitingFor = this.waitingFor(p)
    this.emit('transition', e)
    // What the waiting processes wait for may have changed with this transition.
    if (this.waiting.size > 0) this.emit('change')
    this.startWaiting()
  }

  private async probe(p: SupervisedProcess): Promise<void> {
    const pid = p.pid
    const stillWanted = (): boolean => p.pid === pid && (p.state === 'STARTING' || p.state === 'RUNNING')
    if (await waitForPort(p.config.readyPort!, stillWanted)) {
      this.portReady.add(p)
      this.emit('change')
      this.startWaiting()
    }
  }

  private startWaiting(): void {
    if (this.shuttingDown) return
    for (const p of [...this.waiting]) {
      if (this.waitingFor(p).length === 0) {
        this.waiting.delete(p)
        p.start()
      }
    }
  }

  private logFor(c: ProcessConfig, channel: 'stdout' | 'stderr'): RotatingLog | null {
    const lc = c[channel]
    if (!lc.file) return null
    let log = this.logs.get(lc.file)
    if (!log) {
      log = new RotatingLog(lc.file, lc.maxbytes, lc.backups)
      this.logs.set(lc.file, log)
    }
    return log
  }

  /**
   * Coalesced to once per event-loop turn: a respawn (exit, then spawn) writes once, and
   * the write happens after the new child is already running.
   */
  private recordRunState(): void {
    if (this.runStatePending) return
    this.runStatePending = true
    setImmediate(() => {
      this.runStatePending = false
      this.writeRunState()
    })
  }

  private writeRunState(): void {
    const live = this.allProcesses()
      .filter((p) => p.pid > 0)
      .map((p) => ({ name: p.name, pid: p.pid, startTime: processStartTime(p.pid) ?? '', group: true }))
    // Nothing alive, nothing to recover: no file (also after a shutdown that removed it).
    if (live.length === 0) this.runState?.remove()
    else this.runState?.write(live)
  }

  /** Stop what a previous engine on this configuration left running when it was killed. */
  private async recoverOrphans(state: RunState | null): Promise<void> {
    if (!state) return
    const left = survivors(state)
    if (left.length > 0) {
      this.issues = [
        ...this.issues,
        {
          severity: 'info', file: this.config!.root, line: 0, section: null, key: null,
          message: `stopped ${left.length} process(es) left running by an earlier run that ended abruptly: ${left.map((p) => `${p.name} (pid ${p.pid})`).join(', ')}`,
        },
      ]
      await stopSurvivors(left, 5000)
    }
    this.runState?.remove()
  }
}

function outcome(p: SupervisedProcess, message: string | null): ActionOutcome {
  return { name: p.name, ok: message === null, message }
}

function sameGroup(a: GroupConfig, b: GroupConfig): boolean {
  return a.priority === b.priority && a.processes.length === b.processes.length &&
    a.processes.every((p, i) => sameProcessConfig(p, b.processes[i]))
}
