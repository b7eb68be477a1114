// The two supervising processes a benchmark compares, started the same way on the same
// programs file: the engine through its CLI (`sentinel-lab supervise FILE --events jsonl`,
// SENTINEL_LAB_HOME in a temp dir) and real supervisord (-n, a temp conf that [include]s
// the programs file). Every process started here, and every descendant a benchmark
// reports with track(), is stopped by pid in stop(): SIGTERM, then SIGKILL.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { procStat, sameProcess } from './procfs'

export const REPO_ROOT = resolve(__dirname, '..')
const CLI = join(REPO_ROOT, 'bin', 'sentinel-lab.js')
export const SUPERVISORD = process.env.SUPERVISORD_BIN ?? '/usr/bin/supervisord'

export interface EngineEvent {
  t: number
  name: string
  from: string
  to: string
  pid: number
  exitcode: number | null
  expected: boolean | null
}

export interface Side {
  kind: 'engine' | 'supervisord'
  /** pid of the supervising process (the CLI's node, or supervisord's python). */
  pid: number
  /** The side's temp dir (supervisord's conf and log; the engine's SENTINEL_LAB_HOME). */
  dir: string
  /** Remember a descendant so that stop() makes sure it is gone. */
  track(pid: number): void
  /** Resolves once `ready()` holds (checked every 5 ms), rejects after timeoutMs or if the side exits. */
  until(ready: () => boolean, timeoutMs: number, what: string): Promise<void>
  /** Engine: every event printed so far. */
  events: EngineEvent[]
  /** supervisord: its log file so far. */
  log(): string
  stop(): Promise<void>
}

const live = new Set<Side>()

/** Stops every side still running (for a crash or Ctrl-C of the bench). */
export async function stopAll(): Promise<void> {
  await Promise.allSettled([...live].map((s) => s.stop()))
}

export function startEngine(programsIni: string, env: NodeJS.ProcessEnv = {}): Side {
  const dir = mkdtempSync(join(tmpdir(), 'bench-engine-'))
  const child = spawn(process.execPath, [CLI, 'supervise', resolve(programsIni), '--events', 'jsonl'], {
    cwd: dir,
    detached: true,
    env: { ...process.env, ...env, SENTINEL_LAB_HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const events: EngineEvent[] = []
  let partial = ''
  child.stdout!.on('data', (b: Buffer) => {
    const lines = (partial + b.toString('utf8')).split('\n')
    partial = lines.pop()!
    for (const l of lines) if (l.startsWith('{')) events.push(JSON.parse(l) as EngineEvent)
  })
  let stderr = ''
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString('utf8')))
  return makeSide('engine', child, dir, events, () => stderr, () => {})
}

export function startSupervisord(programsIni: string, env: NodeJS.ProcessEnv = {}): Side {
  const dir = mkdtempSync(join(tmpdir(), 'bench-supervisord-'))
  const sock = join(dir, 'supervisor.sock')
  const logFile = join(dir, 'supervisord.log')
  const conf = join(dir, 'supervisord.conf')
  writeFileSync(
    conf,
    [
      '[supervisord]',
      'nodaemon=true',
      `logfile=${logFile}`,
      `pidfile=${join(dir, 'supervisord.pid')}`,
      `childlogdir=${dir}`,
      'loglevel=info',
      '',
      // Only used to wake supervisord's poll() at shutdown (never during a measurement):
      // its SIGTERM handler just sets a flag, acted on when poll() next returns (<= 1 s).
      '[unix_http_server]',
      `file=${sock}`,
      '',
      '[include]',
      `files = ${resolve(programsIni)}`,
      '',
    ].join('\n'),
  )
  const child = spawn(SUPERVISORD, ['-n', '-c', conf], {
    cwd: dir,
    detached: true,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (b: Buffer) => (output += b.toString('utf8')))
  child.stderr!.on('data', (b: Buffer) => (output += b.toString('utf8')))
  const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '') + output
  const wake = (): void => {
    const c = createConnection(sock)
    c.on('error', () => {})
    c.on('connect', () => c.end())
    c.setTimeout(2000, () => c.destroy())
  }
  return makeSide('supervisord', child, dir, [], log, wake)
}

function makeSide(
  kind: Side['kind'],
  child: ChildProcess,
  dir: string,
  events: EngineEvent[],
  log: () => string,
  wake: () => void,
): Side {
  if (!child.pid) throw new Error(`could not start ${kind}`)
  const pid = child.pid
  const tracked = new Map<number, string>()
  let exited = child.exitCode !== null || child.signalCode !== null
  const exitedP = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())))
  let stopping: Promise<void> | null = null

  const side: Side = {
    kind,
    pid,
    dir,
    events,
    log,
    track(p) {
      const s = procStat(p)
      if (s && !tracked.has(p)) tracked.set(p, s.startTime)
    },
    async until(ready, timeoutMs, what) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        if (ready()) return
        if (exited) throw new Error(`${kind} exited while waiting for ${what}:\n${log().slice(-2000)}`)
        if (Date.now() > deadline) throw new Error(`${kind}: timed out after ${timeoutMs} ms waiting for ${what}:\n${log().slice(-2000)}`)
        await delay(5)
      }
    },
    stop() {
      stopping ??= (async () => {
        try {
          if (!exited) {
            process.kill(pid, 'SIGTERM')
            wake()
            const t = setInterval(wake, 500)
            const gone = await Promise.race([exitedP.then(() => true), delay(10_000).then(() => false)])
            clearInterval(t)
            if (!gone) {
              process.kill(pid, 'SIGKILL')
              await exitedP
            }
          }
          // Whatever it left behind (it should leave nothing): SIGTERM, then SIGKILL.
          const left = [...tracked].filter(([p, st]) => sameProcess(p, st))
          for (const [p] of left) safeKill(p, 'SIGTERM')
          const deadline = Date.now() + 2000
          while (Date.now() < deadline && left.some(([p, st]) => sameProcess(p, st))) await delay(20)
          for (const [p, st] of left) if (sameProcess(p, st)) safeKill(p, 'SIGKILL')
          if (left.length > 0) process.stderr.write(`bench: ${kind} left ${left.length} process(es) behind: ${left.map(([p]) => p).join(', ')}\n`)
        } finally {
          live.delete(side)
          rmSync(dir, { recursive: true, force: true })
        }
      })()
      return stopping
    },
  }
  live.add(side)
  return side
}

function safeKill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch {
    // already gone
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/** A temp dir holding `programs.ini` with this text. */
export function writePrograms(text: string): { file: string; dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-programs-'))
  const file = join(dir, 'programs.ini')
  writeFileSync(file, text)
  return { file, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
