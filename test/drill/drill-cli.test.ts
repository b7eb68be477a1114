// `sentinel-lab drill` against a real lab run by `sentinel-lab up --fast` in another process:
// a paused master is a real split brain (ioredis's defaults lose acknowledged writes, the
// failoverDetector client loses none, min-replicas-to-write bounds the loss with NOREPLICAS),
// SENTINEL FAILOVER loses acknowledged writes and the safe switch-over none, a kill -9 is
// measured, a scenario file runs. The lost count is checked independently, key by key, on
// the final master. Afterwards nothing of the lab is left.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import Redis from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readLab } from '../../src/main/lab/blueprint'
import type { Lab } from '../../src/main/lab/layout'
import { labProcesses } from '../lab/proc'
import { requireBuiltCli, run, stopChildren, upAndReady } from '../lab/cli-process'

interface RunJson {
  client: string
  acked: number
  lostAcked: number
  unknown: number
  errors: Record<string, number>
  unavailableMs: number
  maxLatencyMs: number
  failoverMs: number | null
  writes: number
}
interface DrillJson extends RunJson {
  scenario: string
  reportDir: string
  runs: RunJson[]
  advice: string[]
}

let root: string
let dir: string
let lab: Lab

beforeAll(async () => {
  requireBuiltCli()
  root = mkdtempSync(join(tmpdir(), 'drill-cli-'))
  dir = join(root, 'lab')
  await upAndReady(['--fast'], dir, root)
  lab = readLab(dir)
}, 40_000)

afterAll(async () => {
  await stopChildren()
  if (lab) for (const pid of labProcesses([...lab.nodes.map((n) => n.port), ...lab.sentinels.map((s) => s.port)], lab.dir)) process.kill(pid, 'SIGKILL')
  if (root) rmSync(root, { recursive: true, force: true })
}, 30_000)

async function drill(...args: string[]): Promise<DrillJson> {
  const r = await run(['drill', ...args, '--dir', dir, '--json'], root)
  expect(r.code, r.stderr).toBe(0)
  const lines = r.stdout.trim().split('\n')
  expect(lines).toHaveLength(1) // exactly one JSON object
  return JSON.parse(lines[0]) as DrillJson
}

/** The writes of a run that the client saw acknowledged and the final master does not hold, counted here, key by key. */
async function lostByHand(report: DrillJson, client: string): Promise<number> {
  const ops = readFileSync(join(report.reportDir, `operations-${client}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { n: number; outcome: string })
  const acked = ops.filter((o) => o.outcome === 'ok').map((o) => o.n)
  expect(acked.length).toBeGreaterThan(0)
  const s = new Redis({ port: lab.sentinels[0].port, lazyConnect: true })
  await s.connect()
  const [host, port] = (await s.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', lab.masterName)) as [string, string]
  s.disconnect()
  const m = new Redis({ host, port: Number(port), password: lab.password, lazyConnect: true })
  await m.connect()
  try {
    const run = `${basename(report.reportDir)}-${client}`
    const pipe = m.pipeline()
    for (const n of acked) pipe.exists(`drill:${run}:${n}`)
    const replies = (await pipe.exec())!
    return replies.filter(([, v]) => v === 0).length
  } finally {
    m.disconnect()
  }
}

describe('sentinel-lab drill', () => {
  it('lists its scenarios, and refuses bad input plainly', async () => {
    const list = await run(['drill', '--list'], root)
    expect(list.code).toBe(0)
    for (const s of ['kill-master', 'pause-master', 'failover', 'kill-master-burst', 'kill-master-and-sentinel', 'restart-replica']) expect(list.stdout).toMatch(new RegExp(`^${s} `, 'm'))
    expect((await run(['drill', 'explode', '--dir', dir], root)).stderr).toMatch(/unknown scenario 'explode'/)
    const badRate = await run(['drill', 'kill-master', '--rate', 'fast', '--dir', dir], root)
    expect([badRate.code, badRate.stderr]).toEqual([2, expect.stringMatching(/--rate takes a whole number from 1 to 20000, not 'fast'/)])
    expect((await run(['drill', 'failover', '--safe', '--plain', '--dir', dir], root)).code).toBe(2)
    const stray = await run(['drill', 'kill-master', '--command-timeout', '300', '--dir', dir], root)
    expect([stray.code, stray.stderr]).toEqual([2, expect.stringMatching(/set up --client custom/)])
    const noLab = await run(['drill', 'kill-master', '--dir', join(root, 'nowhere')], root)
    expect([noLab.code, noLab.stderr]).toEqual([1, expect.stringMatching(/no lab in .*nowhere/)])
    const file = join(root, 'bad.json')
    writeFileSync(file, JSON.stringify({ name: 'x', seconds: 5, steps: [{ at: 1, do: 'explode', target: 'master' }] }))
    const bad = await run(['drill', '--file', file, '--dir', dir], root)
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringMatching(/bad\.json: steps\[0\]\.do: one of kill, pause/)])
  })

  it('pause-master is a split brain: ioredis\'s defaults lose acknowledged writes, failoverDetector + commandTimeout none', async () => {
    const r = await drill('pause-master', '--pause', '5', '--client', 'both')
    expect(r.scenario).toBe('pause-master')
    const [plain, detector] = r.runs
    expect([plain.client, detector.client]).toEqual(['default', 'detector'])
    expect(plain.lostAcked, JSON.stringify(plain)).toBeGreaterThan(0)
    expect(await lostByHand(r, 'default')).toBe(plain.lostAcked)
    // The default client waited on the paused master the whole pause.
    expect(plain.maxLatencyMs).toBeGreaterThan(4000)
    expect(detector.lostAcked, JSON.stringify(detector)).toBe(0)
    expect(await lostByHand(r, 'detector')).toBe(0)
    expect(detector.errors.timeout).toBeGreaterThan(0)
    expect(detector.maxLatencyMs).toBeLessThan(1500)
    expect(r.advice.join('\n')).toMatch(/lost 0 acknowledged writes instead of \d+/)
  }, 150_000)

  it('min-replicas-to-write 1 makes the paused master refuse writes (NOREPLICAS) and bounds the loss', async () => {
    const r = await drill('pause-master', '--pause', '5', '--client', 'default', '--min-replicas', '1')
    expect(r.errors.NOREPLICAS, JSON.stringify(r)).toBeGreaterThan(0)
    // Bounded by the lag (2 s), not by the pause: at 200 writes a second, well under 5 s of writes.
    expect(r.lostAcked).toBeLessThan(200 * 3.5)
    expect(await lostByHand(r, 'default')).toBe(r.lostAcked)
  }, 120_000)

  it("SENTINEL FAILOVER loses acknowledged writes; the safe switch-over loses none, with either client", async () => {
    const plain = await drill('failover', '--plain', '--rate', '500', '--client', 'detector')
    expect(plain.lostAcked, JSON.stringify(plain)).toBeGreaterThan(0)
    expect(await lostByHand(plain, 'detector')).toBe(plain.lostAcked)
    const safe = await drill('failover', '--rate', '500', '--client', 'both')
    for (const x of safe.runs) {
      expect(x.lostAcked, JSON.stringify(x)).toBe(0)
      expect(x.failoverMs).not.toBeNull()
    }
    expect(await lostByHand(safe, 'default')).toBe(0)
    expect(safe.runs[0].errors.READONLY ?? 0).toBe(0)
  }, 150_000)

  it('kill-master: the failover is timed, and the client could not write for a while', async () => {
    const r = await drill('kill-master', '--client', 'detector', '--seconds', '10')
    expect(r.failoverMs, JSON.stringify(r)).toBeGreaterThan(500)
    expect(r.unavailableMs).toBeGreaterThan(r.failoverMs! - 500)
    expect(r.lostAcked).toBe(0)
    expect(r.writes).toBeGreaterThan(1500)
  }, 90_000)

  it('runs the user\'s own client settings (--client custom)', async () => {
    const r = await drill('kill-master', '--client', 'custom', '--failover-detector', '--command-timeout', '300', '--seconds', '8')
    expect(r.client).toBe('custom')
    expect(r.maxLatencyMs, JSON.stringify(r)).toBeLessThan(1000)
    expect(r.errors.timeout).toBeGreaterThan(0)
    expect(r.lostAcked).toBe(0)
  }, 60_000)

  it('runs a scenario file', async () => {
    const file = join(root, 'mine.json')
    writeFileSync(file, JSON.stringify({ name: 'replica-crash', description: 'a replica dies', seconds: 5, steps: [{ at: 1, do: 'kill', target: 'replica' }] }))
    const r = await drill('--file', file, '--client', 'detector')
    expect(r.scenario).toBe('replica-crash')
    expect(r.lostAcked).toBe(0)
    expect(r.failoverMs).toBeNull() // a replica's death moves no master
    expect(JSON.parse(readFileSync(join(r.reportDir, 'scenario.json'), 'utf8')).steps).toEqual([{ at: 1, do: 'kill', target: 'replica' }])
  }, 60_000)
})
