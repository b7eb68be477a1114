// Shared helpers of the supervisor-engine tests: temp dirs, polling with a deadline,
// transition recording, process liveness (a zombie counts as gone), free ports.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { ProcessState, TransitionEvent } from '../../src/shared/model'
import { Supervisor } from '../../src/main/supervisor/supervisor'

export const ROOT = resolve(__dirname, '..', '..')
export const FIXTURES = join(ROOT, 'test', 'fixtures')
export const CLI = join(ROOT, 'bin', 'sentinel-lab.js')

const temps: string[] = []

export function mkTemp(prefix = 'sv-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix))
  temps.push(d)
  return d
}

export function cleanTemps(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
}

/** Write `text` to dir/name (dedented is not needed: tests pass flush-left text). */
export function writeFile(dir: string, name: string, text: string): string {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  opts: { timeout?: number; interval?: number; what?: string } = {},
): Promise<T> {
  const timeout = opts.timeout ?? 5000
  const interval = opts.interval ?? 10
  const deadline = Date.now() + timeout
  for (;;) {
    const v = await check()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${opts.what ?? 'condition'}`)
    await new Promise((r) => setTimeout(r, interval))
  }
}

/** Records every transition of a Supervisor. */
export class Recorder {
  readonly events: TransitionEvent[] = []
  constructor(readonly supervisor: Supervisor) {
    supervisor.on('transition', (e) => this.events.push(e))
  }
  of(name: string): TransitionEvent[] {
    return this.events.filter((e) => e.name === name)
  }
  /** The sequence of states a process went through, starting with its first `from`. */
  states(name: string): ProcessState[] {
    const ev = this.of(name)
    return ev.length === 0 ? [] : [ev[0].from, ...ev.map((e) => e.to)]
  }
  count(name: string, to: ProcessState): number {
    return this.of(name).filter((e) => e.to === to).length
  }
  /** Waits until `name` has entered `to` at least `n` times; returns the n-th such event. */
  async until(name: string, to: ProcessState, opts: { timeout?: number; n?: number } = {}): Promise<TransitionEvent> {
    const n = opts.n ?? 1
    return waitFor(() => this.of(name).filter((e) => e.to === to)[n - 1], {
      timeout: opts.timeout ?? 5000,
      what: `${name} -> ${to} (#${n}); seen: ${this.states(name).join(' ')}`,
    })
  }
}

export function newSupervisor(): { supervisor: Supervisor; rec: Recorder; logDir: string; stateDir: string } {
  const logDir = mkTemp('sv-logs-')
  const stateDir = mkTemp('sv-state-')
  const supervisor = new Supervisor({ logDir, stateDir })
  return { supervisor, rec: new Recorder(supervisor), logDir, stateDir }
}

/** True if the pid is gone: no such process, or a zombie (nobody reaped it yet). */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return true
    throw e
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
  } catch {
    return true
  }
}

export function isAlive(pid: number): boolean {
  return !isGone(pid)
}

/** Kill a pid (and its group if asked), ignoring ESRCH. */
/** Signals `pid` (with `group`, its process group; a pid that leads none is signalled alone). */
export function killQuietly(pid: number, sig: NodeJS.Signals = 'SIGKILL', group = false): void {
  if (group) {
    try {
      process.kill(-pid, sig)
      return
    } catch {
      // not a group leader (spawned without detached), or gone: the pid alone below
    }
  }
  try {
    process.kill(pid, sig)
  } catch {
    // gone already
  }
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer()
    srv.once('error', rej)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => res(port))
    })
  })
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

/** Spawn the CLI; collects stdout/stderr; resolves `exited` with the exit code/signal. */
export interface CliRun {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()))
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.on('close', (code, signal) => res({ code, signal }))
  })
  return { child, stdout: () => out, stderr: () => err, exited }
}

/** Parse the complete JSON lines printed so far. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .slice(0, -1)
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

export function fixture(name: string): string {
  return join(FIXTURES, name)
}

export type Options = Record<string, string | number | boolean>

/** The text of a [program:name] section. */
export function program(name: string, options: Options): string {
  return `[program:${name}]\n${Object.entries(options).map(([k, v]) => `${k} = ${v}`).join('\n')}\n\n`
}

export function sleepMs(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
