// bringup: time to HEALTHY for a default lab (1 master, 2 replicas, 3 sentinels, quorum 2),
// N runs per side, each run on a fresh lab (new folder, free ports), everything stopped
// between runs:
//  - engine: runLab() in this process; from supervisor.load() (the first spawn) to HEALTHY
//    (waitHealthy's definition, DESIGN.md), as the app reports it ("HEALTHY in N ms").
//  - supervisord: the same lab's files, run by real supervisord through the lab's exported
//    supervisord.conf (`supervisord -n -c <lab>/supervisord.conf`); from spawning supervisord
//    to HEALTHY, polled with the same waitHealthy (20 ms). This includes supervisord's own
//    start-up (Python), which the engine side does not pay (it runs in the bench's process);
//    the note gives supervisord's start-up time so the two can be compared either way.
//  - CLI: `sentinel-lab up --json` spawned as a process, from spawn to its JSON line (node
//    start-up and the lab's files included), against supervisord from its spawn.
// Both sides run exactly the same files; supervisord ignores depends_on / ready_port, so its
// replicas start together with the master and retry their link.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { buildLab } from '../src/main/lab/blueprint'
import { waitHealthy } from '../src/main/lab/health'
import type { Lab } from '../src/main/lab/layout'
import { runLab } from '../src/main/lab/runner'
import { childrenOf, procStat, sameProcess } from './procfs'
import type { BenchResult, Row } from './report'
import { REPO_ROOT, SUPERVISORD, delay } from './sides'
import { type Summary, summarize } from './stats'

export interface BringupOptions {
  runs: number
  timeoutMs: number
}

export const defaults: BringupOptions = { runs: 7, timeoutMs: 30_000 }

const GOAL_MS = 300

export async function bringupBench(opts: BringupOptions = defaults, progress: (s: string) => void = () => {}): Promise<BenchResult> {
  const engine: number[] = []
  const engineFromSpawn: number[] = []
  const cliMs: number[] = []
  const sd: number[] = []
  const sdFromSpawn: number[] = []
  const sdStartup: number[] = []
  const notes: string[] = []
  for (let i = 0; i < opts.runs; i++) {
    progress(`run ${i + 1}/${opts.runs}: engine`)
    const er = await engineRun(opts, notes)
    engine.push(er.healthyMs)
    engineFromSpawn.push(er.fromFirstSpawnMs)
    progress(`run ${i + 1}/${opts.runs}: CLI up`)
    cliMs.push(await cliRun(opts, notes))
    progress(`run ${i + 1}/${opts.runs}: supervisord`)
    const r = await supervisordRun(opts, notes)
    sd.push(r.healthyMs)
    if (r.firstChildMs !== null) {
      sdStartup.push(r.firstChildMs)
      sdFromSpawn.push(r.healthyMs - r.firstChildMs)
    }
  }
  const e = summarize(engine)
  const s = summarize(sd)
  const rows: Row[] = (['median', 'p90', 'min', 'max'] as const).map((k: keyof Summary) => ({
    benchmark: 'bringup',
    metric: `time to HEALTHY ${k}`,
    unit: 'ms',
    engine: e[k],
    supervisord: s[k],
    goal: k === 'median' ? `<= ${GOAL_MS} ms` : null,
    pass: k === 'median' ? e.median <= GOAL_MS : null,
  }))
  const c = summarize(cliMs)
  rows.push({ benchmark: 'bringup', metric: 'CLI `up`: spawn -> HEALTHY line median', unit: 'ms', engine: c.median, supervisord: s.median, goal: null, pass: null,
    note: 'both from spawning the supervising process' })
  if (sdFromSpawn.length > 0) {
    const ef = summarize(engineFromSpawn)
    const sf = summarize(sdFromSpawn)
    rows.push({ benchmark: 'bringup', metric: 'first program spawned -> HEALTHY median', unit: 'ms', engine: ef.median, supervisord: sf.median, goal: null, pass: null,
      note: 'without the supervisor\'s own start-up' })
    const st = summarize(sdStartup)
    notes.push(`supervisord spawn -> first program spawned (seen in /proc, 2 ms polls): median ${st.median.toFixed(0)} ms (min ${st.min.toFixed(0)}, max ${st.max.toFixed(0)})`)
  }
  notes.push(`engine: runLab() in-process, from supervisor.load(); supervisord: the lab's exported supervisord.conf, from spawning supervisord; ${opts.runs} fresh labs per side`)
  return { name: 'bringup', rows, details: { engineMs: engine, cliUpMs: cliMs, engineFromFirstSpawnMs: engineFromSpawn, supervisordMs: sd, supervisordFirstChildMs: sdStartup, supervisordFromFirstSpawnMs: sdFromSpawn }, notes }
}

function tempLabDir(): { dir: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'bench-bringup-'))
  return { dir: join(root, 'lab'), cleanup: () => rmSync(root, { recursive: true, force: true }) }
}

async function engineRun(opts: BringupOptions, notes: string[]): Promise<{ healthyMs: number; fromFirstSpawnMs: number }> {
  const t = tempLabDir()
  try {
    let firstSpawn: number | null = null
    const handle = await runLab({ name: 'bench' }, {
      dir: t.dir, timeoutMs: opts.timeoutMs,
      onSupervisor: (sv) => sv.once('process', () => (firstSpawn ??= performance.now())),
    })
    const pids = handle.supervisor.snapshot().processes.map((p) => p.pid).filter((p) => p > 0)
    await handle.stop()
    const left = pids.filter((p) => existsSync(`/proc/${p}`) && !readFileSync(`/proc/${p}/stat`, 'utf8').includes(') Z '))
    if (left.length > 0) notes.push(`engine left ${left.length} process(es) after stop(): ${left.join(', ')}`)
    return { healthyMs: handle.healthyMs, fromFirstSpawnMs: Math.round(handle.startedAt + handle.healthyMs - (firstSpawn ?? handle.startedAt)) }
  } finally {
    t.cleanup()
  }
}

/** `sentinel-lab up --json` from spawn to its JSON line (node start-up, build, spawn, HEALTHY); stopped with SIGINT. */
async function cliRun(opts: BringupOptions, notes: string[]): Promise<number> {
  const t = tempLabDir()
  const home = join(t.dir, '..', 'home')
  const t0 = performance.now()
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'sentinel-lab.js'), 'up', '--json', '--dir', t.dir], {
    env: { ...process.env, SENTINEL_LAB_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  let out = ''
  let err = ''
  let printedAt: number | null = null
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString('utf8')
    if (printedAt === null && out.includes('\n')) printedAt = performance.now()
  })
  child.stderr!.on('data', (b: Buffer) => (err += b.toString('utf8')))
  const tracked = new Map<number, string>()
  try {
    const deadline = Date.now() + opts.timeoutMs
    while (printedAt === null && child.exitCode === null && Date.now() < deadline) await delay(2)
    if (printedAt === null) throw new Error(`sentinel-lab up printed nothing:\n${err}`)
    const lab = JSON.parse(out) as { master: { pid: number }; replicas: { pid: number }[]; sentinels: { pid: number }[] }
    for (const n of [lab.master, ...lab.replicas, ...lab.sentinels]) {
      const st = procStat(n.pid)
      if (st) tracked.set(n.pid, st.startTime)
    }
    return Math.round(printedAt - t0)
  } finally {
    if (child.exitCode === null) child.kill('SIGINT')
    const gone = await Promise.race([exited.then(() => true), delay(15_000).then(() => false)])
    if (!gone) {
      notes.push('CLI up did not exit within 15 s of SIGINT')
      child.kill('SIGKILL')
      await exited
    }
    if (child.exitCode !== 0 && gone) notes.push(`CLI up exited ${child.exitCode} after SIGINT`)
    const left = [...tracked].filter(([p, st]) => sameProcess(p, st))
    if (left.length > 0) {
      notes.push(`CLI up left ${left.length} process(es) after SIGINT`)
      for (const [p] of left) process.kill(p, 'SIGKILL')
    }
    t.cleanup()
  }
}

async function supervisordRun(opts: BringupOptions, notes: string[]): Promise<{ healthyMs: number; firstChildMs: number | null }> {
  const t = tempLabDir()
  let child: ChildProcess | null = null
  const tracked = new Map<number, string>()
  try {
    const lab: Lab = await buildLab({ name: 'bench' }, { dir: t.dir })
    const t0 = performance.now()
    child = spawn(SUPERVISORD, ['-n', '-c', lab.supervisordConf], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString('utf8')))
    const pid = child.pid!
    let firstChildMs: number | null = null
    const watch = setInterval(() => {
      for (const c of childrenOf(pid)) {
        if (firstChildMs === null) firstChildMs = performance.now() - t0
        if (!tracked.has(c.pid)) tracked.set(c.pid, c.startTime)
      }
    }, 2)
    const report = await waitHealthy(lab, { timeoutMs: opts.timeoutMs })
    const healthyMs = Math.round(performance.now() - t0)
    clearInterval(watch)
    for (const c of childrenOf(pid)) if (!tracked.has(c.pid)) tracked.set(c.pid, c.startTime)
    if (!report.healthy) {
      throw new Error(`supervisord lab not HEALTHY after ${opts.timeoutMs} ms: ${report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('; ')}\n${stderr}`)
    }
    if (tracked.size !== 6) notes.push(`supervisord run: ${tracked.size} children seen (expected 6)`)
    return { healthyMs, firstChildMs: firstChildMs === null ? null : Math.round(firstChildMs) }
  } finally {
    if (child) await stopSupervisord(child, tracked)
    t.cleanup()
  }
}

async function stopSupervisord(child: ChildProcess, tracked: Map<number, string>): Promise<void> {
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()))
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
  const gone = await Promise.race([exited.then(() => true), delay(15_000).then(() => false)])
  if (!gone) {
    child.kill('SIGKILL')
    await exited
  }
  const deadline = Date.now() + 5000
  while (Date.now() < deadline && [...tracked].some(([p, st]) => sameProcess(p, st))) await delay(20)
  for (const [p, st] of tracked) {
    if (sameProcess(p, st)) {
      try {
        process.kill(p, 'SIGKILL')
      } catch {
        // gone
      }
    }
  }
}
