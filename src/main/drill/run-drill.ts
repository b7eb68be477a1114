// One drill: a scenario run against a lab once per client setting, one after the other, each
// from a steady lab to a steady lab, and its report (verdicts, chart data, story, advice).
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { dirname } from 'node:path'
import {
  CLIENT_SETTINGS, type ClientPreset, type ClientSettings, type DrillMark, type DrillReport, type DrillRequest,
  type DrillRun, type Scenario, type ScenarioStep,
} from '../../shared/drill'
import { RedisPool } from '../sentinel/redis-pool'
import { adviceFor } from './advice'
import { type DrillLab, type DrillMember, observed } from './drill-lab'
import { saveReport } from './reports'
import { SentinelEars } from './sentinel-events'
import { waitSteady } from './settle'
import { storyOf } from './story'
import { computeVerdict, seriesOf } from './verdict'
import { type Operation, Writer, keyOf } from './writer'

export const DEFAULT_RATE = 200
/** How long a lab may take to be steady again after a run (a paused master's demotion, a resync). */
const SETTLE_MS = 45_000
/** Writes still unanswered this long after the writer stops are cut off (they count as unknown). */
const STOP_GRACE_MS = 3000

export interface DrillProgressSink {
  (text: string, fraction: number): void
}

export interface DrillOptions {
  signal?: AbortSignal
  progress?: DrillProgressSink
}

export async function runDrill(lab: DrillLab, scenario: Scenario, request: DrillRequest, options: DrillOptions = {}): Promise<DrillReport> {
  if (scenario.needsLinks && !lab.links) {
    throw new Error(`${scenario.name} cuts links: ${lab.id} runs without link faults (start a lab with link faults: 'sentinel-lab up --links', or "Link faults" in the app's New lab form)`)
  }
  if (scenario.needsProcessControl && !lab.canControlProcesses) {
    throw new Error(`${scenario.name} kills or pauses processes: ${lab.id} is attached by address, so only drills without process faults (failover) run against it`)
  }
  const createdAt = Date.now()
  const id = `${new Date(createdAt).toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}-${scenario.name}-${randomBytes(2).toString('hex')}`
  const runs: DrillRun[] = []
  const opsOf = new Map<ClientPreset, Operation[]>()
  const progress = options.progress ?? (() => {})
  for (const [i, client] of request.clients.entries()) {
    if (options.signal?.aborted) throw new Error('the drill was stopped')
    const settings: ClientSettings = {
      ...CLIENT_SETTINGS[client],
      ...(client === 'custom' ? request.custom : {}),
      ...(request.waitReplicas !== undefined ? { waitReplicas: request.waitReplicas } : {}),
    }
    const share = (f: number): number => (i + f) / request.clients.length
    progress(`${client}: waiting for a steady lab`, share(0))
    const before = await waitSteady(lab, SETTLE_MS, options.signal)
    if (before.problem) throw new Error(`the lab is not steady, so a drill would measure the wrong thing: ${before.problem}`)
    const { run, ops } = await oneRun(lab, scenario, request, client, settings, `${id}-${client}`, before.master, (text, f) => progress(`${client}: ${text}`, share(f)), options.signal)
    runs.push(run)
    opsOf.set(client, ops)
  }
  if (options.signal?.aborted) throw new Error('the drill was stopped')
  const report: DrillReport = { id, labId: lab.id, scenario, request, createdAt, runs, advice: adviceFor(scenario, request, runs), dir: null }
  // A lab destroyed meanwhile keeps no report (its folder is not made again for it).
  if (lab.reportsDir && existsSync(dirname(lab.reportsDir))) report.dir = saveReport(lab.reportsDir, report, opsOf)
  progress('done', 1)
  return report
}

async function oneRun(
  lab: DrillLab, scenario: Scenario, request: DrillRequest, client: ClientPreset, settings: ClientSettings,
  runId: string, master: DrillMember, progress: DrillProgressSink, signal?: AbortSignal,
): Promise<{ run: DrillRun; ops: Operation[] }> {
  const nodes = new RedisPool(1000)
  let restore: () => Promise<void> = async () => {}
  // Keys outlive the run and the settling after it: an expired key is not a lost write.
  const writer = new Writer(lab, settings, runId, request.rate ?? DEFAULT_RATE, (scenario.seconds + SETTLE_MS / 1000 + 300) * 1000)
  const ears = new SentinelEars(lab.sentinels.map((s) => ({ name: s.name, ...observed(s) })), () => writer.now(), lab.sentinelPassword, lab.masterName)
  const marks: DrillMark[] = []
  const timers: ReturnType<typeof setTimeout>[] = []
  const startedAt = Date.now()
  const targets = resolveTargets(lab, master)
  /** Members this run paused and did not resume yet: whatever happens, they are resumed. */
  const paused = new Set<string>()
  try {
    restore = await setMinReplicas(nodes, lab, request.minReplicas ?? 0)
    await ears.start()
    await writer.start()
    lab.note?.(`drill ${scenario.name} (${client}): writing ${request.rate ?? DEFAULT_RATE}/s`)
    const steps = scenario.steps.map((step) => new Promise<void>((resolve) => {
      const t = setTimeout(() => void doStep(lab, step, targets, writer, marks, paused).finally(resolve), step.at * 1000)
      timers.push(t)
      // Stopped: the steps not yet made are not made.
      signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true })
    }))
    const total = scenario.seconds * 1000
    while (writer.now() < total && !signal?.aborted) {
      progress(`writing, ${Math.round(writer.now() / 1000)} of ${scenario.seconds} s`, (0.8 * writer.now()) / total)
      await new Promise((r) => setTimeout(r, Math.min(500, total - writer.now())))
    }
    await Promise.all(steps)
    const durationMs = writer.now()
    await writer.stop(STOP_GRACE_MS)
    progress('waiting for the lab to settle, then reading what the final master holds', 0.85)
    const after = await waitSteady(lab, SETTLE_MS, signal)
    ears.close()
    if (after.problem) marks.push({ t: writer.now(), kind: 'change', label: `the lab did not settle within ${SETTLE_MS / 1000} s: ${after.problem}` })
    const present = await presentWrites(nodes, lab, after.master, runId)
    const firstFault = marks.find((m) => m.kind === 'fault')?.t ?? null
    const ops = writer.ops.sort((a, b) => a.n - b.n)
    const verdict = computeVerdict({ ops, present, firstFault, events: ears.heard, quorum: lab.quorum, durationMs })
    const sentinelMarks: DrillMark[] = ears.heard.filter((e) => KEY_EVENTS.has(e.type)).map((e) => ({ t: Math.round(e.t), kind: 'sentinel', label: e.type, member: e.member, text: e.text }))
    const allMarks = [...marks, ...sentinelMarks].sort((a, b) => a.t - b.t)
    const run: DrillRun = {
      client, settings, startedAt, durationMs: Math.round(durationMs), verdict, marks: allMarks,
      series: seriesOf(ops, durationMs),
      story: storyOf({ lab, master, ops, marks: allMarks, events: ears.heard, verdict, rate: request.rate ?? DEFAULT_RATE }),
    }
    lab.note?.(`drill ${scenario.name} (${client}): ${verdict.acked} acknowledged, ${verdict.lostAcked} of them lost, ${verdict.unavailableMs} ms without a write`)
    return { run, ops }
  } finally {
    for (const t of timers) clearTimeout(t)
    // A run cut short never leaves the lab partitioned, or a member paused.
    if (scenario.needsLinks) await lab.links?.heal().catch(() => {})
    for (const name of paused) await lab.act(name, 'resume').catch(() => {})
    ears.close()
    await writer.stop(0).catch(() => {})
    await restore().catch(() => {})
    nodes.close()
  }
}

/** The Sentinel events the chart marks (the rest stay in the story and the timeline). */
const KEY_EVENTS = new Set(['+sdown', '+odown', '+elected-leader', '+promoted-slave', '+switch-master', '+convert-to-slave', '-sdown'])

/** 'master' and 'replica' are the members that had those roles when the run began. */
function resolveTargets(lab: DrillLab, master: DrillMember): Map<string, DrillMember> {
  const map = new Map<string, DrillMember>()
  for (const m of [...lab.nodes, ...lab.sentinels]) map.set(m.name, m)
  map.set('master', master)
  const replica = lab.nodes.find((n) => n.port !== master.port)
  if (replica) map.set('replica', replica)
  return map
}

async function doStep(lab: DrillLab, step: ScenarioStep, targets: Map<string, DrillMember>, writer: Writer, marks: DrillMark[], paused: Set<string>): Promise<void> {
  const t = Math.round(writer.now())
  try {
    if (step.do === 'rate') {
      writer.setRate(step.rate!)
      marks.push({ t, kind: 'change', label: `rate ${step.rate}/s` })
      return
    }
    if (step.do === 'partition') {
      const side = step.side!.map((z) => (z === 'client' ? z : (targets.get(z)?.name ?? z)))
      marks.push({ t, kind: 'fault', label: `partition ${side.join(', ')} | the rest` })
      await lab.links!.partition(side)
      return
    }
    if (step.do === 'heal') {
      marks.push({ t, kind: 'change', label: 'heal the links' })
      await lab.links!.heal()
      return
    }
    if (step.do === 'failover' || step.do === 'sentinel-failover') {
      marks.push({ t, kind: 'fault', label: step.do === 'failover' ? 'safe switch-over' : 'SENTINEL FAILOVER' })
      await lab.failover(step.do === 'failover')
      return
    }
    const m = targets.get(step.target!)
    if (!m) throw new Error(`${step.target}: no such member`)
    marks.push({ t, kind: step.do === 'resume' ? 'change' : 'fault', label: `${step.do} ${m.name}` })
    if (step.do === 'pause') paused.add(m.name)
    await lab.act(m.name, step.do)
    if (step.do === 'resume' || step.do === 'kill' || step.do === 'restart') paused.delete(m.name)
  } catch (e) {
    marks.push({ t: Math.round(writer.now()), kind: 'change', label: `${step.do}${step.target ? ` ${step.target}` : ''} failed: ${(e as Error).message}` })
  }
}

/** Which of this run's writes the master holds (SCAN over the run's keys). */
async function presentWrites(pool: RedisPool, lab: DrillLab, master: DrillMember, runId: string): Promise<Set<number>> {
  const at = observed(master)
  const c = await pool.getAt(at.host, at.port, lab.password)
  const prefix = keyOf(runId, 0).slice(0, -1)
  const present = new Set<number>()
  let cursor = '0'
  do {
    const [next, keys] = (await c.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 2000)) as [string, string[]]
    for (const k of keys) present.add(Number(k.slice(prefix.length)))
    cursor = next
  } while (cursor !== '0')
  return present
}

/**
 * min-replicas-to-write on every node for the run; answers how to put back what was there.
 * A node that will not take it is left as it is (the drill says nothing was refused there).
 * Sentinel's own reconfiguration (CONFIG REWRITE on failover) may have written the drill's
 * value into a node's file: the restore rewrites it back.
 */
async function setMinReplicas(pool: RedisPool, lab: DrillLab, n: number): Promise<() => Promise<void>> {
  if (n <= 0) return async () => {}
  const before: { node: DrillMember; values: string[] }[] = []
  for (const node of lab.nodes) {
    try {
      const c = await pool.getAt(observed(node).host, observed(node).port, lab.password)
      const got = (await c.call('CONFIG', 'GET', 'min-replicas-*')) as string[]
      await c.call('CONFIG', 'SET', 'min-replicas-to-write', String(n), 'min-replicas-max-lag', '2')
      before.push({ node, values: got })
    } catch {
      // Not answering, or CONFIG renamed: that node runs the drill as it is.
    }
  }
  return async () => {
    for (const { node, values } of before) {
      try {
        const c = await pool.getAt(observed(node).host, observed(node).port, lab.password)
        await c.call('CONFIG', 'SET', ...values)
        await c.call('CONFIG', 'REWRITE')
      } catch {
        // A node killed during the run came back with its file's values already.
      }
    }
  }
}
