// failover: kill -9 the master of a running lab and time the recovery, as a client sees it.
// Per run, a fresh default lab (2 replicas, 3 sentinels, down-after 1500 ms) under runLab,
// fast timers (default 5 runs) and realistic ones (default 1 run). From the kill:
//  (a) every sentinel answers the same new master to GET-MASTER-ADDR-BY-NAME (dedicated
//      connections, polled every 5 ms);
//  (b) the first write through a sentinel-aware ioredis client that lands on the new master
//      (INCR every ~5 ms; the client fails fast and retries its connection every 20 ms with
//      ioredis's failover detector on, so the figure is the system's, not a client backoff);
//  (c) the old master is back as a linked replica of the new one (INFO replication every
//      10 ms: role:slave, master_port, master_link_status:up).
// Data: INCR's reply is the server's counter, so a reply at or below the highest one
// acknowledged before means the acknowledged writes in between are gone (with persistence
// none, an unreplicated tail is lost when the master dies, or everything if it comes back
// empty before the failover). Also from the same failovers: +switch-master on the wire ->
// SentinelWatcher model (switch-delay.ts).
// A lab whose killed master does not rejoin within the deadline, or that does not fail
// over at all, is reported as such; every lab is stopped, whatever happens.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import type { Lab } from '../src/main/lab/layout'
import { type LabHandle, runLab } from '../src/main/lab/runner'
import type { Timers } from '../src/shared/lab-spec'
import { ended } from '../src/main/sentinel/connection'
import { sentinelModeOptions } from '../src/main/sentinel/sentinel-client'
import { parseInfo } from '../src/main/sentinel/replies'
import type { BenchResult, Row } from './report'
import { delay } from './sides'
import { summarize } from './stats'
import { SwitchProbe } from './switch-delay'

export interface FailoverOptions {
  fastRuns: number
  realisticRuns: number
  /** Give up on a failover (sentinels agreeing on a new master) this long after the kill. */
  failoverDeadlineMs: number
  /** Give up on the old master rejoining (and on the first write) this long after the kill. */
  rejoinDeadlineMs: number
  /** Acknowledged writes before the kill, so there is data to lose. */
  warmupWrites: number
}

export const defaults: FailoverOptions = { fastRuns: 5, realisticRuns: 1, failoverDeadlineMs: 20_000, rejoinDeadlineMs: 30_000, warmupWrites: 200 }

const WRITE_EVERY_MS = 5
const POLL_MS = 5
const REJOIN_POLL_MS = 10
const KEY = 'bench:failover:counter'
/** Goals (fast timers): new master writable within down-after + this; old master rejoined within REJOIN_GOAL_MS. */
const WRITABLE_SLACK_MS = 500
const REJOIN_GOAL_MS = 3000
const MODEL_GOAL_MS = 50

interface RunResult {
  timers: Timers
  run: number
  downAfterMs: number
  oldPort: number
  newPort: number | null
  /** All ms from the kill; null: did not happen before its deadline. */
  agreeMs: number | null
  switchAllMs: number | null
  firstWriteMs: number | null
  rejoinMs: number | null
  /** When the supervisor started the killed master again. */
  restartedMs: number | null
  writesFailed: number
  writesAcked: number
  lostAcked: number
  /** Watcher model - first +switch-master on the wire. */
  modelDelayMs: number | null
  /** First sighting of the failover's main events on any sentinel, ms from the kill. */
  events: Record<string, number>
  problems: string[]
}

/** The steps of a failover worth showing per run (where the time goes). */
const STEPS = ['+sdown', '+odown', '+try-failover', '+elected-leader', '+selected-slave', '+promoted-slave', '+switch-master', '-failover-abort-no-good-slave', '+failover-end']

// ---- the client that writes ----

/** A sentinel-aware client doing INCR every ~5 ms, one at a time; keeps what the replies say. */
class Writer {
  acked = 0
  failedAfterKill = 0
  /** Acknowledged writes whose effect a later reply shows gone. */
  lost = 0
  private maxValue = 0
  private killAt: number | null = null
  /** Remote port -> performance.now() of the first write sent after the kill that it acknowledged. */
  readonly firstAfterKill = new Map<number, number>()
  /** The last failed write's error, and the client's own errors (to explain a client that never recovers). */
  lastError = ''
  clientErrors: string[] = []
  private stopped = false
  private stopping: Promise<{ final: number | null; highest: number }> | null = null
  private loop: Promise<void> = Promise.resolve()

  private constructor(private readonly client: Redis) {}

  static async start(lab: Lab): Promise<Writer> {
    // The drills' connector: a +switch-master heard while the client connects does not end it (sentinel-client.ts).
    const client = new Redis(sentinelModeOptions({
      sentinels: lab.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
      name: lab.masterName,
      password: lab.password,
      lazyConnect: true,
      enableOfflineQueue: false, // a write while disconnected fails at once: one attempt per tick
      maxRetriesPerRequest: 0,
      connectTimeout: 500,
      commandTimeout: 500,
      retryStrategy: () => 20,
      sentinelRetryStrategy: () => 20,
      failoverDetector: true, // reconnect on +switch-master rather than on the next failed attempt
    }))
    const w = new Writer(client)
    client.on('error', (e: Error) => {
      if (w.clientErrors.at(-1) !== e.message) w.clientErrors.push(e.message)
      if (w.clientErrors.length > 20) w.clientErrors.shift()
    })
    await client.connect()
    w.loop = w.run()
    return w
  }

  status(): string {
    return `client ${this.client.status}, last write error "${this.lastError}", last client errors: ${this.clientErrors.slice(-3).join(' | ')}`
  }

  markKill(at: number): void {
    this.killAt = at
  }

  async until(acked: number, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs
    while (this.acked < acked && performance.now() < deadline) await delay(5)
    return this.acked >= acked
  }

  /** Stop writing; then read the counter where the client now writes (null if it cannot). Idempotent. */
  stop(): Promise<{ final: number | null; highest: number }> {
    this.stopping ??= this.finish()
    return this.stopping
  }

  private async finish(): Promise<{ final: number | null; highest: number }> {
    this.stopped = true
    await this.loop
    // The failover detector reconnects on each sentinel's +switch-master, the last one at
    // +failover-end: retry a little while the client is between connections.
    let final: number | null = null
    const deadline = performance.now() + 3000
    while (final === null && performance.now() < deadline) {
      final = await this.client.get(KEY).then(Number, () => null)
      if (final === null) await delay(20)
    }
    await ended(this.client)
    return { final, highest: this.maxValue }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const sentAt = performance.now()
      try {
        const v = await this.client.incr(KEY)
        this.acked++
        if (v <= this.maxValue) this.lost += this.maxValue - v + 1
        this.maxValue = v
        const port = this.client.stream?.remotePort
        if (this.killAt !== null && sentAt > this.killAt && port !== undefined && !this.firstAfterKill.has(port)) this.firstAfterKill.set(port, performance.now())
      } catch (e) {
        if (this.killAt !== null) this.failedAfterKill++
        this.lastError = (e as Error).message
      }
      await delay(Math.max(0, WRITE_EVERY_MS - (performance.now() - sentAt)))
    }
  }
}

// ---- pollers ----

function pollClient(port: number, password?: string): Redis {
  const c = new Redis({
    host: '127.0.0.1', port, password, lazyConnect: false, enableOfflineQueue: false, maxRetriesPerRequest: 0,
    connectTimeout: 300, commandTimeout: 300, retryStrategy: () => REJOIN_POLL_MS,
  })
  c.on('error', () => {})
  return c
}

/** (a): when every sentinel answers the same master, other than oldPort; null at the deadline. */
async function waitAgreement(lab: Lab, oldPort: number, deadline: number): Promise<{ at: number; port: number } | null> {
  const clients = lab.sentinels.map((s) => pollClient(s.port))
  try {
    while (performance.now() < deadline) {
      const ports = await Promise.all(clients.map((c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', lab.masterName).then(
        (r) => (Array.isArray(r) ? Number(r[1]) : null), () => null)))
      const at = performance.now()
      if (ports[0] !== null && ports[0] !== oldPort && ports.every((p) => p === ports[0])) return { at, port: ports[0] }
      await delay(POLL_MS)
    }
    return null
  } finally {
    await Promise.all(clients.map((c) => ended(c)))
  }
}

/** (c): when the old master is a linked replica of newPort; null at the deadline. */
async function waitRejoin(oldPort: number, newPort: number, password: string, deadline: number): Promise<number | null> {
  const c = pollClient(oldPort, password)
  try {
    while (performance.now() < deadline) {
      const info = await c.info('replication').then(parseInfo, () => null)
      if (info?.role === 'slave' && Number(info.master_port) === newPort && info.master_link_status === 'up') return performance.now()
      await delay(REJOIN_POLL_MS)
    }
    return null
  } finally {
    await ended(c)
  }
}

async function waitFor<T>(get: () => T | undefined, deadline: number): Promise<T | null> {
  for (;;) {
    const v = get()
    if (v !== undefined) return v
    if (performance.now() >= deadline) return null
    await delay(2)
  }
}

// ---- one run ----

/** Labs still running: on an abrupt exit (Ctrl-C ends the bench with process.exit) their processes are killed by pid. */
const liveLabs = new Set<LabHandle>()
const liveRoots = new Set<string>()
let exitHookInstalled = false

function killLiveLabs(): void {
  for (const h of liveLabs) {
    for (const p of h.supervisor.snapshot().processes) {
      if (p.pid <= 0) continue
      try {
        process.kill(p.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }
  for (const root of liveRoots) rmSync(root, { recursive: true, force: true })
}

async function oneRun(timers: Timers, run: number, opts: FailoverOptions): Promise<RunResult> {
  const root = mkdtempSync(join(tmpdir(), 'bench-failover-'))
  liveRoots.add(root)
  let handle: LabHandle | null = null
  let probe: SwitchProbe | null = null
  let writer: Writer | null = null
  try {
    if (!exitHookInstalled) {
      exitHookInstalled = true
      process.on('exit', killLiveLabs)
    }
    handle = await runLab({ name: 'bench-failover', timers, replicas: 2, sentinels: 3 }, { dir: join(root, 'lab'), timeoutMs: 30_000 })
    liveLabs.add(handle)
    await handle.timersApplied
    const lab = handle.lab
    const master = lab.master
    const oldPort = handle.report.masterPort ?? master.port
    // Kill a settled master: RUNNING (up for startsecs), not one the supervisor still sees as STARTING.
    const sv = handle.supervisor
    const masterInfo = () => sv.snapshot().processes.find((p) => p.program === master.name)
    const runningBy = performance.now() + 5000
    while (masterInfo()?.state !== 'RUNNING' && performance.now() < runningBy) await delay(10)
    const info = masterInfo()
    if (!info || info.pid <= 0 || info.state !== 'RUNNING' || oldPort !== master.port) {
      throw new Error(`the master ${master.name} is not running as master (state ${info?.state}, pid ${info?.pid}, master port ${oldPort})`)
    }

    probe = await SwitchProbe.start(lab)
    writer = await Writer.start(lab)
    const problems: string[] = []
    if (!(await writer.until(opts.warmupWrites, 5000))) problems.push(`only ${writer.acked} writes acknowledged before the kill`)

    let restartedAt: number | null = null
    handle.supervisor.on('process', (p) => {
      if (p.program === master.name && p.pid > 0 && p.pid !== info.pid) restartedAt ??= performance.now()
    })
    probe.arm(oldPort)
    const t0 = performance.now()
    writer.markKill(t0)
    process.kill(info.pid, 'SIGKILL')

    const since = (t: number | null): number | null => (t === null ? null : Math.round(t - t0))
    const agreed = await waitAgreement(lab, oldPort, t0 + opts.failoverDeadlineMs)
    let rejoinAt: number | null = null
    let firstWriteAt: number | null = null
    if (agreed) {
      const rejoinDeadline = t0 + opts.rejoinDeadlineMs
      const w = writer
      ;[rejoinAt, firstWriteAt] = await Promise.all([
        waitRejoin(oldPort, agreed.port, lab.password, rejoinDeadline),
        waitFor(() => w.firstAfterKill.get(agreed.port), rejoinDeadline),
      ])
      // The old master now rejoins before every sentinel has said +switch-master: wait for that figure too.
      const p = probe
      await waitFor(() => p.allSwitchedAt(lab.sentinels.length) ?? undefined, rejoinDeadline)
      if (rejoinAt === null) problems.push(`old master not rejoined within ${opts.rejoinDeadlineMs / 1000} s`)
      if (firstWriteAt === null) problems.push(`no write reached the new master within ${opts.rejoinDeadlineMs / 1000} s (${writer.status()})`)
    } else {
      const seen = STEPS.filter((e) => probe!.firstSeen.has(e)).map((e) => `${e} at +${since(probe!.firstSeen.get(e)!)} ms`)
      problems.push(`no failover within ${opts.failoverDeadlineMs / 1000} s (events: ${seen.join(', ') || 'none'}; ` +
        `old master restarted by the supervisor ${restartedAt === null ? 'never' : `at +${since(restartedAt)} ms`})`)
      const other = [...writer.firstAfterKill].filter(([p]) => p === oldPort)
      if (other.length > 0) problems.push(`writes after the kill went to the restarted old master from +${since(other[0][1])} ms`)
    }

    const { final, highest } = await writer.stop()
    let lost = writer.lost
    if (final !== null && final < highest) lost += highest - final
    if (final === null) problems.push('could not read the counter back')
    const firstWire = probe.firstSwitchAt()
    return {
      timers, run, downAfterMs: lab.spec.downAfterMs, oldPort, newPort: agreed?.port ?? null,
      agreeMs: since(agreed?.at ?? null), switchAllMs: since(probe.allSwitchedAt(lab.sentinels.length)),
      firstWriteMs: since(firstWriteAt), rejoinMs: since(rejoinAt), restartedMs: since(restartedAt),
      writesFailed: writer.failedAfterKill, writesAcked: writer.acked, lostAcked: lost,
      modelDelayMs: firstWire !== null && probe.modelAt !== null ? probe.modelAt - firstWire : null,
      events: Object.fromEntries(STEPS.filter((e) => probe!.firstSeen.has(e)).map((e) => [e, since(probe!.firstSeen.get(e)!)!])),
      problems,
    }
  } finally {
    if (writer) await writer.stop().catch(() => {})
    if (probe) await probe.close().catch(() => {})
    if (handle) {
      await handle.stop()
      liveLabs.delete(handle)
    }
    rmSync(root, { recursive: true, force: true })
    liveRoots.delete(root)
  }
}

// ---- report ----

function ms(v: number | null, what: string): string {
  return v === null ? `${what} -` : `${what} ${v} ms`
}

function describe(r: RunResult): string {
  return `${r.timers} run ${r.run}: ` + [
    ms(r.agreeMs, 'sentinels agree'), ms(r.switchAllMs, '+switch-master from all'), ms(r.firstWriteMs, 'first write on new master'),
    ms(r.restartedMs, 'old master restarted'), ms(r.rejoinMs, 'old master rejoined'),
    `${r.writesFailed} write attempts failed`, `${r.writesAcked} acked`, `${r.lostAcked} acked lost`,
    r.modelDelayMs === null ? 'watcher -' : `watcher ${r.modelDelayMs >= 0 ? '+' : ''}${r.modelDelayMs.toFixed(1)} ms`,
  ].join(', ') + (r.problems.length > 0 ? `; ${r.problems.join('; ')}` : '') +
    `\n    events (first seen, ms from kill): ${Object.entries(r.events).map(([e, t]) => `${e} ${t}`).join(', ') || 'none'}`
}

function rowsFor(timers: Timers, runs: RunResult[], goals: boolean): Row[] {
  const rows: Row[] = []
  const n = runs.length
  const downAfter = runs[0]?.downAfterMs ?? 1500
  const metric = (label: string, values: (number | null)[], goal: number | null, unit = 'ms'): void => {
    const got = values.filter((v): v is number => v !== null)
    const s = got.length > 0 ? summarize(got) : null
    const missing = n - got.length
    const note = missing > 0 ? `${got.length}/${n} runs got there` : undefined
    rows.push({
      benchmark: 'failover', metric: `${timers}: ${label} median`, unit, engine: s?.median ?? NaN, supervisord: null,
      goal: goal === null ? null : `<= ${goal} ${unit}`, pass: goal === null ? null : s !== null && missing === 0 && s.median <= goal, note,
    })
    if (n >= 3) rows.push({ benchmark: 'failover', metric: `${timers}: ${label} p90`, unit, engine: s?.p90 ?? NaN, supervisord: null, goal: null, pass: null })
  }
  metric('kill -9 -> all sentinels agree', runs.map((r) => r.agreeMs), null)
  metric('kill -9 -> first write on new master', runs.map((r) => r.firstWriteMs), goals ? downAfter + WRITABLE_SLACK_MS : null)
  metric('kill -9 -> old master rejoined', runs.map((r) => r.rejoinMs), goals ? REJOIN_GOAL_MS : null)
  metric('old master restarted -> rejoined', runs.map((r) => (r.rejoinMs !== null && r.restartedMs !== null ? r.rejoinMs - r.restartedMs : null)), null)
  metric('write attempts failed', runs.map((r) => r.writesFailed), null, 'writes')
  rows.push({ benchmark: 'failover', metric: `${timers}: acknowledged writes lost (all runs)`, unit: 'writes', engine: runs.reduce((a, r) => a + r.lostAcked, 0), supervisord: null, goal: null, pass: null })
  return rows
}

export async function failoverBench(opts: FailoverOptions = defaults, progress: (s: string) => void = () => {}): Promise<BenchResult> {
  const results: RunResult[] = []
  const notes: string[] = []
  const plan: [Timers, number][] = [['fast', opts.fastRuns], ['realistic', opts.realisticRuns]]
  for (const [timers, runs] of plan) {
    for (let i = 1; i <= runs; i++) {
      progress(`${timers} timers, run ${i}/${runs}`)
      const r = await oneRun(timers, i, opts)
      results.push(r)
      progress(describe(r))
      notes.push(describe(r))
    }
  }
  const fast = results.filter((r) => r.timers === 'fast')
  const realistic = results.filter((r) => r.timers === 'realistic')
  const rows = [...(fast.length ? rowsFor('fast', fast, true) : []), ...(realistic.length ? rowsFor('realistic', realistic, false) : [])]
  const delays = fast.map((r) => r.modelDelayMs).filter((v): v is number => v !== null)
  const d = delays.length > 0 ? summarize(delays) : null
  rows.push(
    { benchmark: 'failover', metric: 'fast: +switch-master on the wire -> watcher model median', unit: 'ms', engine: d?.median ?? NaN, supervisord: null,
      goal: `<= ${MODEL_GOAL_MS} ms`, pass: d !== null && d.median <= MODEL_GOAL_MS, note: d ? undefined : 'no failover seen by both' },
    { benchmark: 'failover', metric: 'fast: +switch-master on the wire -> watcher model p90', unit: 'ms', engine: d?.p90 ?? NaN, supervisord: null, goal: null, pass: null },
  )
  for (const r of rows) if (r.note) notes.push(`${r.metric}: ${r.note}`)
  notes.push('watcher model delay: from the first +switch-master read by any of our sockets (raw PSUBSCRIBE clients, or the watcher\'s own)' +
    ' to the watcher\'s topology event with the new master in the master role')
  notes.push('all figures from kill -9 of the master (performance.now() in this process); persistence none, so an unreplicated tail can be lost;' +
    ' "write attempts failed": INCR every 5 ms through a fail-fast sentinel-aware ioredis client while it had no master')
  return { name: 'failover', rows, details: { runs: results, modelDelayMs: delays }, notes }
}
