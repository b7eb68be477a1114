// Partitions from the command line, against a lab run by `sentinel-lab up --links` in another
// process: the links listed by both ends, partition and heal, link cut/slow refused plainly
// when wrong, and the drill the issue is about: partition-master loses acknowledged writes
// (the old master, cut off with its clients, goes on acknowledging them), and with
// --min-replicas 1 it refuses them (NOREPLICAS) and the loss is bounded. Nothing is left.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readLab } from '../../src/main/lab/blueprint'
import type { Lab } from '../../src/main/lab/layout'
import { labProcesses } from '../lab/proc'
import { requireBuiltCli, run, stopChildren, upAndReady } from '../lab/cli-process'

let root: string
let dir: string
let lab: Lab

beforeAll(async () => {
  requireBuiltCli()
  root = mkdtempSync(join(tmpdir(), 'partition-cli-'))
  dir = join(root, 'lab')
  await upAndReady(['--fast', '--links'], dir, root)
  lab = readLab(dir)
}, 40_000)

afterAll(async () => {
  await stopChildren()
  if (lab) for (const pid of labProcesses([...lab.nodes.map((n) => n.port), ...lab.sentinels.map((s) => s.port)], lab.dir)) process.kill(pid, 'SIGKILL')
  if (root) rmSync(root, { recursive: true, force: true })
}, 30_000)

interface Snapshot {
  zones: string[]
  faults: { from: string; to: string; fault: { cut: boolean; latencyMs: number } }[]
  connections: { from: string; to: string }[]
}
const json = async (args: string[]): Promise<Snapshot> => {
  const r = await run([...args, '--dir', dir, '--json'], root)
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as Snapshot
}

describe('sentinel-lab link / partition / heal', () => {
  it('lists every link by both ends; partitions, slows and heals; refuses what is not there', async () => {
    // HEALTHY comes before the last sentinel-to-sentinel links open (they follow the hello
    // messages): ask until every link is there, or the deadline.
    const links = (s: Snapshot): number => new Set(s.connections.map((c) => `${c.from}>${c.to}`)).size
    let s = await json(['links'])
    for (const deadline = Date.now() + 10_000; links(s) < 2 + 3 * 3 + 6 && Date.now() < deadline; ) s = await json(['links'])
    expect(s.zones).toEqual([...lab.nodes.map((n) => n.name), ...lab.sentinels.map((x) => x.name), 'client'])
    expect(links(s)).toBeGreaterThanOrEqual(2 + 3 * 3 + 6)
    const p = await json(['partition', 'master,client'])
    const master = lab.nodes.find((n) => p.faults.some((f) => f.from === n.name))!.name
    expect(p.faults.filter((f) => f.from === master).map((f) => f.to).sort()).toEqual([...lab.nodes.map((n) => n.name).filter((n) => n !== master), ...lab.sentinels.map((x) => x.name)].sort())
    expect(p.faults.some((f) => f.from === 'client' && f.to === master)).toBe(false)
    expect((await json(['heal'])).faults).toEqual([])
    const slow = await json(['link', 'slow', 'client', lab.replicas[0].name, '--latency', '50', '--oneway'])
    expect(slow.faults).toEqual([{ from: 'client', to: lab.replicas[0].name, fault: { cut: false, latencyMs: 50, jitterMs: 0, bytesPerSecond: null } }])
    const text = await run(['links', '--dir', dir], root)
    expect(text.stdout).toMatch(new RegExp(`^client -> ${lab.replicas[0].name}: \\+50 ms$`, 'm'))
    expect((await json(['link', 'heal', 'client', lab.replicas[0].name])).faults).toEqual([])
    const bad = await run(['link', 'cut', 'client', 'redis-nobody', '--dir', dir], root)
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/redis-nobody: no such member/)])
    const usage = await run(['link', 'slow', 'client', lab.replicas[0].name, '--dir', dir], root)
    expect([usage.code, usage.stderr]).toEqual([2, expect.stringMatching(/give --latency MS/)])
  })

  it('partition-master loses acknowledged writes; with --min-replicas 1 the old master refuses them and the loss is bounded', async () => {
    const drill = async (...args: string[]): Promise<Record<string, unknown> & { lostAcked: number; acked: number; errors: Record<string, number> }> => {
      const r = await run(['drill', 'partition-master', '--pause', '6', '--client', 'detector', ...args, '--dir', dir, '--json'], root)
      expect(r.code, r.stderr).toBe(0)
      return JSON.parse(r.stdout)
    }
    const open = await drill()
    expect(open.lostAcked, JSON.stringify(open)).toBeGreaterThan(400) // about 6 s of writes at 200/s
    const guarded = await drill('--min-replicas', '1')
    expect(guarded.errors.NOREPLICAS, JSON.stringify(guarded)).toBeGreaterThan(200)
    expect(guarded.lostAcked).toBeLessThan(open.lostAcked)
    expect(guarded.lostAcked).toBeLessThan(200 * 3.5) // the lag (2 s) and a replication tick, not the partition
    // The drill heals what it cut.
    expect((await json(['links'])).faults).toEqual([])
  }, 150_000)
})
