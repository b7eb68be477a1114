// One supervised process: supervisord's Subprocess (process.py), state for state.
//
//   from       to         when
//   STOPPED    STARTING   start (or autostart when the engine starts)
//   STARTING   RUNNING    the process stayed up startsecs
//   STARTING   BACKOFF    it exited before startsecs (even with an expected code), or
//                         could not be spawned at all
//   BACKOFF    STARTING   retried after 1, 2, 3... s while retries <= startretries
//   BACKOFF    FATAL      retries exhausted
//   RUNNING    EXITED     it exited on its own (expected or not, per exitcodes)
//   EXITED     STARTING   autorestart=true, or =unexpected and the code was unexpected
//   RUNNING/STARTING -> STOPPING -> STOPPED   stop: stopsignal, SIGKILL after stopwaitsecs
//
// Unlike supervisord, nothing here waits for a polling tick: a process that dies is
// respawned as soon as its exit is seen, and every delay is a timer of its own.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import type { ProcessInfo, ProcessState, TransitionEvent } from '../../shared/model'
import { BadCommandError, resolveCommand } from './command'
import { namespec, type ProcessConfig } from './program-config'
import { OutputPipe } from './output-pipe'
import type { RotatingLog } from './rotating-log'

/** States in which no child runs, whatever pid the transition into them reports. */
const GONE_STATES: readonly ProcessState[] = ['STOPPED', 'EXITED', 'BACKOFF', 'FATAL']

export interface ProcessHost {
  /** False while the engine shuts down: nothing is (re)started then. */
  acceptsStarts(): boolean
  transition(event: TransitionEvent): void
  /** A child now runs under this process (its pid is known). */
  spawned(process: SupervisedProcess): void
  /** The log writers of a channel (null: output discarded). */
  log(config: ProcessConfig, channel: 'stdout' | 'stderr'): RotatingLog | null
}

export class SupervisedProcess {
  state: ProcessState = 'STOPPED'
  pid = 0
  /** ms since epoch; 0 if never started. */
  laststart = 0
  laststop = 0
  backoff = 0
  exitStatus: number | null = null
  exitDescription: string | null = null
  spawnError: string | null = null
  /** A stop was asked for: the coming exit is a stop, not a crash. */
  private killing = false
  private child: ChildProcess | null = null
  private timer: NodeJS.Timeout | null = null
  private readonly exitWaiters = new Set<() => void>()
  private stdoutPipe: OutputPipe | null = null
  private stderrPipe: OutputPipe | null = null

  constructor(
    public config: ProcessConfig,
    private readonly host: ProcessHost,
  ) {}

  get name(): string {
    return namespec(this.config.group, this.config.name)
  }

  /** Start the process. Returns an error message when it cannot be started now. */
  start(): string | null {
    if (this.state === 'STARTING' || this.state === 'RUNNING' || this.state === 'BACKOFF') return 'already started'
    if (this.state === 'STOPPING') return 'still stopping'
    this.spawn()
    return null
  }

  /** Administrative stop: stopsignal now, SIGKILL after stopwaitsecs. */
  stop(): string | null {
    if (this.state === 'BACKOFF') {
      // supervisord: killing a process in BACKOFF just cancels the retry.
      this.clearTimer()
      this.changeState('STOPPED')
      return null
    }
    // A process already STOPPING is left alone (supervisord: NOT_RUNNING), so that repeated
    // stops cannot postpone its SIGKILL.
    if (this.state !== 'RUNNING' && this.state !== 'STARTING') return 'not running'
    return this.kill(this.config.stopsignal)
  }

  /** Send a signal without intending to stop the process. */
  signal(sig: NodeJS.Signals): string | null {
    if (!this.pid || !['RUNNING', 'STARTING', 'STOPPING'].includes(this.state)) return 'not running'
    try {
      process.kill(this.pid, sig)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') return (e as Error).message
    }
    return null
  }

  /** BACKOFF -> FATAL, as supervisord does for a group being stopped. */
  giveUp(): void {
    this.clearTimer()
    this.backoff = 0
    this.changeState('FATAL')
  }

  /** Release the output pipes once the process is gone for good (removed, or shutdown). */
  async dispose(): Promise<void> {
    await this.whenGone()
    await Promise.all([this.stdoutPipe?.close(), this.stderrPipe?.close()])
    this.stdoutPipe = this.stderrPipe = null
  }

  /** Resolves once no child of this process is alive. */
  whenGone(): Promise<void> {
    if (!this.child) return Promise.resolve()
    return new Promise((resolve) => this.exitWaiters.add(resolve))
  }

  info(): ProcessInfo {
    const c = this.config
    return {
      name: this.name,
      group: c.group,
      program: c.program,
      state: this.state,
      pid: this.pid,
      startedAt: this.laststart,
      stoppedAt: this.laststop,
      exitStatus: this.exitStatus,
      exitDescription: this.exitDescription,
      spawnError: this.spawnError,
      priority: c.priority,
      autostart: c.autostart,
      waitingFor: [],
      command: c.command,
      stdoutLogfile: c.stdout.file,
      stderrLogfile: c.redirectStderr ? null : c.stderr.file,
    }
  }

  private spawn(): void {
    const c = this.config
    this.killing = false
    this.spawnError = null
    this.exitStatus = null
    this.exitDescription = null
    this.laststart = Date.now()
    this.clearTimer()
    this.changeState('STARTING')

    const env = { ...process.env, SUPERVISOR_ENABLED: '1', SUPERVISOR_PROCESS_NAME: c.name, SUPERVISOR_GROUP_NAME: c.group, ...c.environment }
    let resolved
    try {
      resolved = resolveCommand(c.command, c.environment.PATH ?? process.env.PATH)
    } catch (e) {
      if (!(e instanceof BadCommandError)) throw e
      this.spawnError = e.message
      this.changeState('BACKOFF')
      this.next()
      return
    }
    const stdout = this.host.log(c, 'stdout')
    const stderr = c.redirectStderr ? stdout : this.host.log(c, 'stderr')
    this.stdoutPipe ??= OutputPipe.open((b) => stdout?.write(b))
    if (!c.redirectStderr) this.stderrPipe ??= OutputPipe.open((b) => stderr?.write(b))
    const errPipe = c.redirectStderr ? this.stdoutPipe : this.stderrPipe
    if (c.directory !== null && !(existsSync(c.directory) && statSync(c.directory).isDirectory())) {
      // supervisord's child cannot chdir, says so on stderr and exits 127: a failed start.
      stderr?.write(Buffer.from(`supervisor: couldn't chdir to ${c.directory}: ENOENT\nsupervisor: child process was not spawned\n`))
      this.pid = 0
      this.spawnError = `couldn't chdir to ${c.directory}`
      setImmediate(() => this.finish(127, null))
      return
    }

    const oldUmask = c.umask !== null ? process.umask(c.umask) : null
    let child: ChildProcess
    try {
      child = spawn(resolved.file, resolved.argv.slice(1), {
        argv0: resolved.argv[0],
        cwd: c.directory ?? undefined,
        env,
        // Its own process group, like supervisord's setpgrp(): stopasgroup can reach
        // grandchildren, and a Ctrl-C in our terminal does not hit the children directly.
        detached: true,
        // redirect_stderr: both fds on one pipe, as supervisord's dup2 does.
        stdio: ['pipe', this.stdoutPipe?.writeFd ?? 'pipe', errPipe?.writeFd ?? 'pipe'],
      })
    } finally {
      if (oldUmask !== null) process.umask(oldUmask)
    }
    this.child = child
    this.pid = child.pid ?? 0
    if (this.pid) this.host.spawned(this)
    // Only where no FIFO could be made (Windows) does output come through Node's own pipes.
    child.stdout?.on('data', (b: Buffer) => stdout?.write(b))
    child.stderr?.on('data', (b: Buffer) => stderr?.write(b))
    // The stdin pipe stays open and unused, as under supervisord (a `cat` waits, not exits).
    child.stdin?.on('error', () => {})
    child.on('error', (err) => {
      // Spawn failed after all (exec refused the file): a start that failed at once.
      if (this.child !== child || child.pid !== undefined) return
      this.spawnError = `couldn't exec ${resolved.argv[0]}: ${(err as NodeJS.ErrnoException).code ?? err.message}`
      this.finish(127, null)
    })
    child.on('exit', (code, signal) => {
      if (this.child === child) this.finish(code, signal)
    })
    if (this.pid) this.schedule(Math.max(0, c.startsecs * 1000), () => this.onStartsecsElapsed())
  }

  private onStartsecsElapsed(): void {
    if (this.state !== 'STARTING') return
    this.backoff = 0
    this.changeState('RUNNING')
  }

  private kill(sig: NodeJS.Signals): string | null {
    if (!this.pid) return 'not running'
    const asGroup = this.state === 'STOPPING' ? this.config.killasgroup : this.config.stopasgroup
    this.killing = true
    this.clearTimer()
    this.changeState('STOPPING')
    this.schedule(this.config.stopwaitsecs * 1000, () => {
      if (this.state === 'STOPPING' && this.pid) this.kill('SIGKILL')
    })
    try {
      process.kill(asGroup ? -this.pid : this.pid, sig)
    } catch (e) {
      // ESRCH: it just exited on its own; its exit event finishes the stop.
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') return (e as Error).message
    }
    return null
  }

  /** The child is gone: decide, as supervisord's finish() does, what that means. */
  private finish(code: number | null, signal: NodeJS.Signals | null): void {
    const now = Date.now()
    const status = code ?? -1
    const description = signal ? `terminated by ${signal}` : `exit status ${status}`
    const tooQuickly = now - this.laststart < this.config.startsecs * 1000
    const expected = this.config.exitcodes.includes(status)
    this.laststop = now
    this.exitDescription = description
    this.clearTimer()
    if (this.killing) {
      this.killing = false
      this.exitStatus = status
      this.changeState('STOPPED')
    } else if (tooQuickly && this.state === 'STARTING') {
      this.exitStatus = null
      this.spawnError ??= 'Exited too quickly (process log may have details)'
      this.changeState('BACKOFF')
    } else {
      this.backoff = 0
      this.exitStatus = status
      if (this.state === 'STARTING') this.changeState('RUNNING')
      if (!expected) this.spawnError = `Bad exit code ${status}`
      this.changeState('EXITED', expected, status)
    }
    this.pid = 0
    this.child = null
    for (const w of this.exitWaiters) w()
    this.exitWaiters.clear()
    this.next()
  }

  /** What follows a state by itself: supervisord's transition(), run on every change. */
  private next(): void {
    if (!this.host.acceptsStarts()) {
      if (this.state === 'BACKOFF') this.giveUp()
      return
    }
    const c = this.config
    if (this.state === 'EXITED') {
      if (c.autorestart === 'true' || (c.autorestart === 'unexpected' && !c.exitcodes.includes(this.exitStatus ?? -1))) {
        this.spawn()
      }
    } else if (this.state === 'BACKOFF') {
      if (this.backoff > c.startretries) {
        this.giveUp()
      } else {
        this.schedule(this.backoff * 1000, () => {
          if (this.state === 'BACKOFF') this.spawn()
        })
      }
    }
  }

  private changeState(to: ProcessState, expected = true, exitcode: number | null = null): void {
    const from = this.state
    if (from === to) return
    this.state = to
    if (to === 'BACKOFF') this.backoff += 1
    this.host.transition({
      t: Date.now(),
      name: this.name,
      group: this.config.group,
      from,
      to,
      pid: this.pid,
      exitcode: to === 'EXITED' || (to === 'STOPPED' && from === 'STOPPING') ? (exitcode ?? this.exitStatus) : null,
      expected: to === 'EXITED' ? expected : null,
      // The event keeps the pid that ended (as supervisord's does); the process has none.
      process: { ...this.info(), pid: GONE_STATES.includes(to) ? 0 : this.pid },
    })
  }

  private schedule(ms: number, fn: () => void): void {
    this.clearTimer()
    this.timer = setTimeout(() => {
      this.timer = null
      fn()
    }, ms)
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}
