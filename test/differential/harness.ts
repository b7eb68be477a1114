// Differential harness: runs one supervisord programs file under the real supervisord 4.2
// (/usr/bin/supervisord) and under Sentinel Lab's engine (`sentinel-lab supervise FILE
// --events jsonl`), stops both with SIGTERM after the same observation window, and returns
// each side's state transitions per namespec ("group:name", or "name" when they are equal).
//
// supervisord side: a supervisord.conf in a temp dir includes the programs file and runs
// test/differential/recorder.py as an event listener subscribed to PROCESS_STATE, which
// appends one JSON line per transition. A "drainer" program sits between the programs and
// the listener in shutdown order so the final STOPPED events still reach the listener
// (see recorder.py). The harness's own groups ("recorder", "drainer") are filtered out, so
// a programs file must not use those names, nor priorities at or below -999999.
//
// Both runners track every descendant of the process they spawned (a /proc scan every
// 100 ms, plus the pids named in the events) and, after the exit, make sure none is left:
// anything still alive (same pid and start time) is SIGKILLed and reported in `leaked`.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const REPO_ROOT = resolve(__dirname, '..', '..')
const RECORDER = join(__dirname, 'recorder.py')
const CLI = join(REPO_ROOT, 'bin', 'sentinel-lab.js')
const SUPERVISORD = process.env.SUPERVISORD_BIN ?? '/usr/bin/supervisord'

export interface Transition {
  /** ms since the side's process was spawned. */
  at: number
  name: string
  from: string
  to: string
  pid: number | null
  expected: boolean | null
}

export interface RunOptions {
  /** Fixed observation window: SIGTERM this many ms after the spawn. */
  durationMs?: number
  /** Or: SIGTERM once no transition came for quietMs (after minMs, at the latest at maxMs). */
  untilQuiet?: { quietMs: number; minMs?: number; maxMs: number }
  /** How long the shutdown may take before everything is SIGKILLed (default 20 s). */
  shutdownDeadlineMs?: number
}

export interface RunResult {
  side: 'supervisord' | 'engine'
  /** All transitions in the order they were reported. */
  transitions: Transition[]
  /** Transitions per namespec, in order. */
  byName: Record<string, Transition[]>
  exitCode: number | null
  exitSignal: NodeJS.Signals | null
  /** True if the side did not exit by itself within the shutdown deadline. */
  killed: boolean
  /** Descendant pids that were still alive after the exit (and were then SIGKILLed). */
  leaked: number[]
  /** stderr of the side's main process, and (supervisord) its log, for diagnostics. */
  diagnostics: string
}

/** A fresh temp dir holding `programs.ini` with this text; returns the file's path. */
export function writeProgramsFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'difftest-prog-'))
  const file = join(dir, 'programs.ini')
  writeFileSync(file, text)
  return file
}

export function removeProgramsFile(file: string): void {
  rmSync(resolve(file, '..'), { recursive: true, force: true })
}

export function namespecOf(group: string, name: string): string {
  return group === name || group === '' ? name : `${group}:${name}`
}

export async function runUnderSupervisord(programsIni: string, options: RunOptions): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'difftest-sd-'))
  try {
    const events = join(dir, 'events.jsonl')
    const marker = join(dir, 'drained')
    const conf = join(dir, 'supervisord.conf')
    writeFileSync(events, '')
    writeFileSync(
      conf,
      [
        '[supervisord]',
        'nodaemon=true',
        `logfile=${join(dir, 'supervisord.log')}`,
        `pidfile=${join(dir, 'supervisord.pid')}`,
        `childlogdir=${dir}`,
        'loglevel=debug',
        '',
        '[unix_http_server]',
        `file=${join(dir, 'supervisor.sock')}`,
        '',
        '[rpcinterface:supervisor]',
        'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
        '',
        '[supervisorctl]',
        `serverurl=unix://${join(dir, 'supervisor.sock')}`,
        '',
        '[include]',
        `files = ${resolve(programsIni)}`,
        '',
        '[program:drainer]',
        `command=python3 ${RECORDER} drain ${marker}`,
        'priority=-999999',
        'startsecs=0',
        'autorestart=false',
        'stopwaitsecs=10',
        '',
        '[eventlistener:recorder]',
        `command=python3 ${RECORDER} ${events} ${marker} recorder drainer`,
        'events=PROCESS_STATE',
        'buffer_size=100000',
        'priority=-1000000',
        'startsecs=0',
        '',
      ].join('\n'),
    )
    const readEvents = (base: number): Transition[] =>
      readFileSync(events, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .map((e) => ({
          at: Math.round((e.time as number) * 1000 - base),
          name: namespecOf(String(e.groupname), String(e.processname)),
          from: String(e.from_state),
          to: String(e.to),
          pid: (e.pid as number | null) ?? null,
          expected: (e.expected as boolean | null) ?? null,
        }))
    const child = spawn(SUPERVISORD, ['-n', '-c', conf], {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    // Python's start-up takes a while (over a second on a loaded machine): the window
    // starts once supervisord spawned its first process, so both sides get the same
    // supervising time. Its log says "spawned: 'NAME' with pid N" then.
    const log = join(dir, 'supervisord.log')
    const ready = async (): Promise<void> => {
      const deadline = Date.now() + 15_000
      while (Date.now() < deadline && existsSync(dir)) {
        if (existsSync(log) && readFileSync(log, 'utf8').includes('spawned:')) return
        await delay(20)
      }
    }
    // supervisord's signal handler only sets a flag, and its poll() is resumed after the
    // signal (PEP 475): it would act on SIGTERM up to a second late, when the poll times
    // out. A connection to its socket wakes the poll at once, so both sides begin the
    // shutdown at the same moment.
    const sock = join(dir, 'supervisor.sock')
    const wake = (): void => {
      const c = createConnection(sock)
      c.on('error', () => {})
      c.on('connect', () => c.end())
      c.setTimeout(2000, () => c.destroy())
    }
    const result = await observe('supervisord', child, options, readEvents, ready, wake)
    if (existsSync(log)) result.diagnostics += `\n--- supervisord.log ---\n${readFileSync(log, 'utf8')}`
    return result
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function runUnderEngine(programsIni: string, options: RunOptions): Promise<RunResult> {
  const home = mkdtempSync(join(tmpdir(), 'difftest-engine-'))
  try {
    let stdout = ''
    const child = spawn(process.execPath, [CLI, 'supervise', resolve(programsIni), '--events', 'jsonl'], {
      cwd: home,
      detached: true,
      env: { ...process.env, SENTINEL_LAB_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout!.on('data', (b: Buffer) => (stdout += b.toString('utf8')))
    const readEvents = (base: number): Transition[] =>
      stdout
        .split('\n')
        .filter((l) => l.trim().startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .map((e) => ({
          at: Math.round((e.t as number) - base),
          name: String(e.name),
          from: String(e.from),
          to: String(e.to),
          pid: (e.pid as number | null) || null,
          expected: (e.expected as boolean | null) ?? null,
        }))
    return await observe('engine', child, options, readEvents)
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
}

/** Watch a spawned side, SIGTERM it per options, wait for its exit, clean up. */
async function observe(
  side: RunResult['side'],
  child: ChildProcess,
  options: RunOptions,
  readEvents: (base: number) => Transition[],
  ready?: () => Promise<void>,
  afterTerm?: () => void,
): Promise<RunResult> {
  const rootPid = child.pid!
  let stderr = ''
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString('utf8')))
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null
  const exit = new Promise<void>((res) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal }
      res()
    }),
  )
  // Every descendant seen while it runs, by pid and start time (pids can be reused).
  const tracked = new Map<number, string>()
  const track = (): void => {
    for (const [pid, st] of descendants(rootPid)) tracked.set(pid, st)
  }
  const tracker = setInterval(track, 100)
  track()

  try {
    if (ready) await Promise.race([exit, ready()])
    const started = Date.now()
    // The observation window.
    if (options.untilQuiet) {
      const { quietMs, minMs = 0, maxMs } = options.untilQuiet
      let count = -1
      let lastChange = Date.now()
      while (!exited) {
        const n = safeCount(() => readEvents(started).length)
        if (n !== count) {
          count = n
          lastChange = Date.now()
        }
        const now = Date.now()
        if (now - started >= maxMs) break
        if (now - started >= minMs && now - lastChange >= quietMs) break
        await delay(50)
      }
    } else {
      await raceDelay(exit, options.durationMs ?? 5000)
    }
    track()
    for (const t of safeList(() => readEvents(started))) if (t.pid) trackPid(tracked, t.pid)

    // Shutdown: SIGTERM, wait for the exit with a deadline, SIGKILL everything otherwise.
    let killed = false
    if (!exited) {
      signalPid(rootPid, 'SIGTERM')
      afterTerm?.()
      const deadline = options.shutdownDeadlineMs ?? 20_000
      await raceDelay(exit, deadline)
      if (!exited) {
        killed = true
        track()
        signalPid(-rootPid, 'SIGKILL')
        signalPid(rootPid, 'SIGKILL')
        await raceDelay(exit, 5000)
      }
    }
    clearInterval(tracker)
    const transitions = readEvents(started)
    for (const t of transitions) if (t.pid) trackPid(tracked, t.pid)
    // Nothing it started may survive it.
    const leaked = await reapTracked(tracked)
    const byName: Record<string, Transition[]> = {}
    for (const t of transitions) (byName[t.name] ??= []).push(t)
    const done = exited as { code: number | null; signal: NodeJS.Signals | null } | null
    return {
      side,
      transitions,
      byName,
      exitCode: done?.code ?? null,
      exitSignal: done?.signal ?? null,
      killed,
      leaked,
      diagnostics: `--- ${side} stderr ---\n${stderr}`,
    }
  } finally {
    clearInterval(tracker)
    if (!exited) {
      signalPid(-rootPid, 'SIGKILL')
      signalPid(rootPid, 'SIGKILL')
    }
    await reapTracked(tracked)
  }
}

/** SIGKILL whatever tracked process is still alive (same start time); returns those pids. */
async function reapTracked(tracked: Map<number, string>): Promise<number[]> {
  // Processes stopped by their parent may need a moment to be reaped: poll with a deadline.
  const deadline = Date.now() + 3000
  let alive = [...tracked].filter(([pid, st]) => startTime(pid) === st)
  while (alive.length > 0 && Date.now() < deadline) {
    await delay(50)
    alive = alive.filter(([pid, st]) => startTime(pid) === st && !isZombie(pid))
  }
  for (const [pid] of alive) signalPid(pid, 'SIGKILL')
  return alive.map(([pid]) => pid)
}

function trackPid(tracked: Map<number, string>, pid: number): void {
  if (tracked.has(pid)) return
  const st = startTime(pid)
  if (st !== null) tracked.set(pid, st)
}

/** All descendants of root, from /proc: pid -> start time. */
function descendants(root: number): Map<number, string> {
  const children = new Map<number, number[]>()
  const starts = new Map<number, string>()
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return new Map()
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue
    const stat = readStat(Number(e))
    if (!stat) continue
    const list = children.get(stat.ppid) ?? []
    list.push(Number(e))
    children.set(stat.ppid, list)
    starts.set(Number(e), stat.start)
  }
  const out = new Map<number, string>()
  const queue = [root]
  while (queue.length > 0) {
    const p = queue.shift()!
    for (const c of children.get(p) ?? []) {
      if (out.has(c)) continue
      out.set(c, starts.get(c)!)
      queue.push(c)
    }
  }
  return out
}

function readStat(pid: number): { ppid: number; start: string; state: string } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ')
    // rest[0] = state (field 3), rest[1] = ppid (field 4), rest[19] = starttime (field 22)
    return { state: rest[0], ppid: Number(rest[1]), start: rest[19] }
  } catch {
    return null
  }
}

function startTime(pid: number): string | null {
  return readStat(pid)?.start ?? null
}

function isZombie(pid: number): boolean {
  return readStat(pid)?.state === 'Z'
}

function signalPid(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch {
    // already gone
  }
}

function safeCount(f: () => number): number {
  try {
    return f()
  } catch {
    return -1
  }
}

function safeList(f: () => Transition[]): Transition[] {
  try {
    return f()
  } catch {
    return []
  }
}

/** p, or ms elapsed, whichever comes first (the timer does not outlive the race). */
async function raceDelay(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([p, new Promise<void>((res) => (timer = setTimeout(res, ms)))])
  } finally {
    clearTimeout(timer)
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms))
}

/** Both sides at once, on the same file and window (they then see the same wall clock). */
export async function runBoth(programsIni: string, options: RunOptions): Promise<{ supervisord: RunResult; engine: RunResult }> {
  const [supervisord, engine] = await Promise.all([runUnderSupervisord(programsIni, options), runUnderEngine(programsIni, options)])
  return { supervisord, engine }
}
