// restart: kill -9 a RUNNING `sleep 1000` (startsecs=0, autorestart=true) and time how long
// until its replacement exists.
//
// Three measures, N kills each:
//  - engine in-process: a Supervisor in this process; from just before kill() to the
//    engine's 'process' event, which it emits synchronously once spawn() has returned with
//    the new pid. Node's spawn() returns only after fork+exec succeeded (libuv waits for the
//    exec on a CLOEXEC pipe), so the new process exists then; the bench checks /proc/<pid>
//    in that handler. (The STARTING transition comes before the spawn and has pid 0, as in
//    supervisord; the RUNNING transition comes one timer later (startsecs=0) and is shown
//    as an extra, informational figure.)
//  - engine CLI and supervisord, the same way for both: the supervising process runs on its
//    own; the bench kills its `sleep` child and scans /proc every 1 ms for a new live
//    child of the supervising pid. The figure includes up to ~1 ms of poll granularity.
//    supervisord is never driven through supervisorctl here (that would wake its loop);
//    the bench learns that it is RUNNING from its log file.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Supervisor } from '../src/main/supervisor/supervisor'
import { childrenOf, sleepSync, procStat, sameProcess } from './procfs'
import type { BenchResult, Row } from './report'
import { type Side, delay, startEngine, startSupervisord, writePrograms } from './sides'
import { type Summary, summarize } from './stats'

const PROGRAMS = `[program:sleeper]
command=sleep 1000
startsecs=0
autorestart=true
`

export interface RestartOptions {
  kills: number
  /** Pause after the process is RUNNING before killing it. */
  settleMs: number
  pollMs: number
}

export const defaults: RestartOptions = { kills: 15, settleMs: 50, pollMs: 1 }

export async function restartBench(opts: RestartOptions = defaults, progress: (s: string) => void = () => {}): Promise<BenchResult> {
  const programs = writePrograms(PROGRAMS)
  try {
    progress('engine in-process')
    const inproc = await engineInProcess(programs.file, opts)
    progress('engine CLI')
    const cli = await viaPolling(startEngine(programs.file), opts)
    progress('supervisord')
    const sd = await viaPolling(startSupervisord(programs.file), opts)

    const s = { inSpawn: summarize(inproc.spawnMs), inRunning: summarize(inproc.runningMs), inExitSeen: summarize(inproc.exitSeenMs), inSpawnCall: summarize(inproc.spawnCallMs), cli: summarize(cli.ms), sd: summarize(sd.ms) }
    const rows: Row[] = []
    const stat = (metric: string, e: Summary, d: Summary | null, withGoal: (k: keyof Summary) => boolean, note?: string): void => {
      for (const k of ['median', 'p90', 'min', 'max'] as const) {
        const goal = withGoal(k)
        rows.push({
          benchmark: 'restart',
          metric: `${metric} ${k}`,
          unit: 'ms',
          engine: e[k],
          supervisord: d ? d[k] : null,
          goal: goal ? '<= 10 ms' : null,
          pass: goal ? e[k] <= 10 : null,
          note,
        })
      }
    }
    stat('kill -> new child pid (/proc poll 1 ms; engine via CLI)', s.cli, s.sd, (k) => k === 'median' || k === 'p90')
    stat('kill -> spawned (engine in-process)', s.inSpawn, null, (k) => k === 'median' || k === 'p90')
    rows.push({
      benchmark: 'restart', metric: 'kill -> RUNNING event (engine in-process) median', unit: 'ms',
      engine: s.inRunning.median, supervisord: null, goal: null, pass: null,
    })
    rows.push({
      benchmark: 'restart', metric: '  of which: kill -> exit seen (EXITED event) median', unit: 'ms',
      engine: s.inExitSeen.median, supervisord: null, goal: null, pass: null,
    })
    rows.push({
      benchmark: 'restart', metric: '  of which: STARTING -> spawn() returned median', unit: 'ms',
      engine: s.inSpawnCall.median, supervisord: null, goal: null, pass: null,
    })
    const notes: string[] = [
      `N=${opts.kills} kills per side; engine CLI ${fmtSummary(s.cli)}; supervisord ${fmtSummary(s.sd)}; engine in-process spawn ${fmtSummary(s.inSpawn)}.`,
    ]
    if (!inproc.allExisted) notes.push('engine: a spawned pid was not in /proc when the engine reported it (unexpected).')
    if (inproc.oddTransitions.length > 0) notes.push(`engine: unexpected transitions: ${inproc.oddTransitions.join('; ')}`)
    return { name: 'restart', rows, notes, details: { options: opts, samples: { engineInProcessSpawnMs: inproc.spawnMs, engineInProcessRunningMs: inproc.runningMs, engineInProcessExitSeenMs: inproc.exitSeenMs, engineInProcessSpawnCallMs: inproc.spawnCallMs, engineCliMs: cli.ms, supervisordMs: sd.ms }, summaries: s, pollScanMs: { engineCli: cli.scanMs, supervisord: sd.scanMs } } }
  } finally {
    programs.cleanup()
  }
}

function fmtSummary(s: Summary): string {
  return `median ${s.median.toFixed(2)} / p90 ${s.p90.toFixed(2)} / min ${s.min.toFixed(2)} / max ${s.max.toFixed(2)} ms`
}

async function engineInProcess(file: string, opts: RestartOptions): Promise<{ spawnMs: number[]; runningMs: number[]; exitSeenMs: number[]; spawnCallMs: number[]; allExisted: boolean; oddTransitions: string[] }> {
  const home = writePrograms('')
  const sup = new Supervisor({ logDir: join(home.dir, 'logs'), stateDir: join(home.dir, 'run') })
  const spawns: { pid: number; at: number; existed: boolean }[] = []
  const running: { pid: number; at: number }[] = []
  const exited: number[] = []
  const starting: number[] = []
  const oddTransitions: string[] = []
  const seen = new Map<number, string>()
  sup.on('process', (info) => {
    if (info.pid === 0) return
    const at = performance.now()
    const existed = existsSync(`/proc/${info.pid}`)
    spawns.push({ pid: info.pid, at, existed })
    const st = procStat(info.pid)
    if (st) seen.set(info.pid, st.startTime)
  })
  sup.on('transition', (e) => {
    const now = performance.now()
    if (e.to === 'RUNNING') running.push({ pid: e.pid, at: now })
    if (e.to === 'EXITED') exited.push(now)
    if (e.from === 'EXITED' && e.to === 'STARTING') starting.push(now)
    const ok = (e.from === 'STOPPED' && e.to === 'STARTING') || (e.from === 'STARTING' && e.to === 'RUNNING') ||
      (e.from === 'RUNNING' && e.to === 'EXITED') || (e.from === 'EXITED' && e.to === 'STARTING') ||
      (e.from === 'RUNNING' && e.to === 'STOPPING') || (e.from === 'STOPPING' && e.to === 'STOPPED')
    if (!ok) oddTransitions.push(`${e.from}->${e.to}`)
  })
  const spawnMs: number[] = []
  const runningMs: number[] = []
  const exitSeenMs: number[] = []
  const spawnCallMs: number[] = []
  try {
    await sup.load(file)
    await until(() => running.length > 0, 5000, 'first RUNNING')
    for (let i = 0; i < opts.kills; i++) {
      await delay(opts.settleMs)
      const old = running[running.length - 1].pid
      const nSpawns = spawns.length
      const nRunning = running.length
      const nExited = exited.length
      const t0 = performance.now()
      process.kill(old, 'SIGKILL')
      await until(() => running.length > nRunning && spawns.length > nSpawns, 5000, 'respawn')
      const sp = spawns[nSpawns]
      if (sp.pid === old) throw new Error('engine reported the killed pid as spawned')
      spawnMs.push(sp.at - t0)
      runningMs.push(running[nRunning].at - t0)
      exitSeenMs.push(exited[nExited] - t0)
      spawnCallMs.push(sp.at - starting[nExited])
    }
  } finally {
    const done = sup.shutdown()
    const stopped = await Promise.race([done.then(() => true), delay(10_000).then(() => false)])
    for (const [pid, st] of seen) if (sameProcess(pid, st)) { try { process.kill(pid, 'SIGKILL') } catch { /* gone */ } }
    if (!stopped) process.stderr.write('bench: engine shutdown did not finish within 10 s; its children were SIGKILLed\n')
    home.cleanup()
  }
  return { spawnMs, runningMs, exitSeenMs, spawnCallMs, allExisted: spawns.every((s) => s.existed), oddTransitions }
}

async function viaPolling(side: Side, opts: RestartOptions): Promise<{ ms: number[]; scanMs: number }> {
  const ms: number[] = []
  let scanTotal = 0
  let scans = 0
  const sleeper = (): number | null => {
    const c = childrenOf(side.pid).find((p) => p.comm === 'sleep')
    return c ? c.pid : null
  }
  try {
    let current = 0
    await side.until(() => (current = sleeper() ?? 0) !== 0, 15_000, 'the first sleep child')
    side.track(current)
    for (let i = 0; i < opts.kills; i++) {
      const pid = current
      // Kill it only once it is RUNNING (engine: its event; supervisord: its log line).
      if (side.kind === 'engine') {
        await side.until(() => side.events.some((e) => e.to === 'RUNNING' && e.pid === pid), 5000, `RUNNING of pid ${pid}`)
      } else {
        await side.until(() => count(side.log(), 'success: sleeper entered RUNNING state') >= i + 1, 5000, `RUNNING #${i + 1}`)
      }
      await delay(opts.settleMs)
      const t0 = performance.now()
      process.kill(pid, 'SIGKILL')
      let found: number | null = null
      while (found === null) {
        const s0 = performance.now()
        const kids = childrenOf(side.pid)
        scanTotal += performance.now() - s0
        scans++
        const c = kids.find((p) => p.pid !== pid && p.comm === 'sleep')
        if (c) {
          found = c.pid
          ms.push(performance.now() - t0)
          break
        }
        if (performance.now() - t0 > 5000) throw new Error(`${side.kind}: no new child 5 s after the kill`)
        sleepSync(opts.pollMs)
      }
      current = found
      side.track(current)
    }
  } finally {
    await side.stop()
  }
  return { ms, scanMs: scanTotal / Math.max(1, scans) }
}

function count(text: string, needle: string): number {
  let n = 0
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++
  return n
}

async function until(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`engine in-process: timed out waiting for ${what}`)
    await delay(1)
  }
}
