// Membership changes of a running lab, with real redis-server / redis-sentinel processes
// and fast timers: add a replica, add a sentinel, remove a sentinel, remove a replica;
// refusals change nothing; after a failover a new replica follows the new master and the
// initial master (now a replica) can go. The lab is HEALTHY after every step, every member
// keeps its name, and reading the folder back gives the same lab.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readLab } from '../../src/main/lab/blueprint'
import { checkHealth, waitHealthy } from '../../src/main/lab/health'
import type { Lab } from '../../src/main/lab/layout'
import { type LabRuntime, type MembershipResult, addReplica, addSentinel, removeMember } from '../../src/main/lab/membership'
import { type LabHandle, runLab } from '../../src/main/lab/runner'
import { alive, labProcesses } from './proc'

const root = mkdtempSync(join(tmpdir(), 'lab-members-'))
const dir = join(root, 'lab')
let handle: LabHandle | null = null
let rt: LabRuntime
/** Every port the lab ever used: nothing may listen on them at the end. */
const portsSeen = new Set<number>()

function note(lab: Lab): void {
  for (const m of [...lab.nodes, ...lab.sentinels]) portsSeen.add(m.port)
}

function names(lab: Lab): { nodes: string[]; sentinels: string[] } {
  return { nodes: lab.nodes.map((n) => n.name), sentinels: lab.sentinels.map((s) => s.name) }
}

function pids(): Record<string, number> {
  return Object.fromEntries(rt.supervisor.snapshot().processes.map((p) => [p.program, p.pid]))
}

function report(r: MembershipResult): void {
  console.log(`[membership] ${r.name} (port ${r.port}) in ${r.ms} ms:\n  - ${r.steps.join('\n  - ')}`)
}

async function expectHealthy(lab: Lab): Promise<void> {
  const h = await waitHealthy(lab, { timeoutMs: 10_000 })
  expect(h.checks.filter((c) => !c.ok)).toEqual([])
  expect(h.checks).toHaveLength(lab.nodes.length + lab.sentinels.length)
}

async function sentinelMaster(port: number, masterName: string): Promise<Record<string, string>> {
  const c = new Redis({ port, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null })
  c.on('error', () => {})
  try {
    await c.connect()
    const reply = (await c.call('SENTINEL', 'MASTER', masterName)) as string[]
    const out: Record<string, string> = {}
    for (let i = 0; i + 1 < reply.length; i += 2) out[reply[i]] = reply[i + 1]
    return out
  } finally {
    c.disconnect()
  }
}

/** What each sentinel reports: master port, num-slaves, num-other-sentinels. */
async function sentinelCounts(lab: Lab): Promise<Record<string, [number, number, number]>> {
  const out: Record<string, [number, number, number]> = {}
  for (const s of lab.sentinels) {
    const m = await sentinelMaster(s.port, lab.masterName)
    out[s.name] = [Number(m.port), Number(m['num-slaves']), Number(m['num-other-sentinels'])]
  }
  return out
}

function expectCounts(lab: Lab, counts: Record<string, [number, number, number]>, masterPort: number): void {
  expect(counts).toEqual(Object.fromEntries(lab.sentinels.map((s) => [s.name, [masterPort, lab.nodes.length - 1, lab.sentinels.length - 1]])))
}

function labFiles(lab: Lab): Record<string, string> {
  return { json: readFileSync(lab.labJson, 'utf8'), ini: readFileSync(lab.ini, 'utf8') }
}

beforeAll(async () => {
  handle = await runLab({ name: 'members', replicas: 1, sentinels: 3, timers: 'fast' }, { dir, timeoutMs: 20_000 })
  rt = handle
  note(handle.lab)
  await handle.timersApplied
})

afterAll(async () => {
  await handle?.stop()
  try {
    expect(labProcesses([...portsSeen], dir)).toEqual([])
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})

describe('lab membership', () => {
  it('adds a replica: redis-replica-2, linked, counted by every sentinel, HEALTHY', async () => {
    const before = rt.lab
    const r = await addReplica(rt)
    report(r)
    note(r.lab)
    expect(r.name).toBe('redis-replica-2')
    expect(rt.lab).toBe(r.lab)
    expect(names(r.lab)).toEqual({ nodes: ['redis-master', 'redis-replica-1', 'redis-replica-2'], sentinels: ['sentinel-1', 'sentinel-2', 'sentinel-3'] })
    expect(r.lab.spec.replicas).toBe(2)
    expect(r.lab.ports.replicas).toEqual([before.replicas[0].port, r.port])
    const node = r.lab.nodes[2]
    const conf = readFileSync(node.conf, 'utf8')
    expect(conf).toMatch(new RegExp(`^port ${r.port}$`, 'm'))
    expect(conf).toMatch(new RegExp(`^replicaof 127\\.0\\.0\\.1 ${before.master.port}$`, 'm'))
    expect(conf).toMatch(new RegExp(`^masterauth ${r.lab.password}$`, 'm'))
    expect((statSync(node.conf).mode & 0o777).toString(8)).toBe('600')
    expect((statSync(r.lab.labJson).mode & 0o777).toString(8)).toBe('600')
    expect(readFileSync(r.lab.ini, 'utf8')).toContain('[program:redis-replica-2]')
    await expectHealthy(r.lab)
    expectCounts(r.lab, await sentinelCounts(r.lab), r.lab.master.port)
  })

  it('adds a sentinel: sentinel-4, every sentinel counts 3 others, HEALTHY', async () => {
    const before = pids()
    const r = await addSentinel(rt)
    report(r)
    note(r.lab)
    expect(r.name).toBe('sentinel-4')
    expect(names(r.lab).sentinels).toEqual(['sentinel-1', 'sentinel-2', 'sentinel-3', 'sentinel-4'])
    expect(r.lab.spec.sentinels).toBe(4)
    expect(new Set(r.lab.sentinels.map((s) => s.myid)).size).toBe(4)
    expect(readFileSync(r.lab.sentinels[3].conf, 'utf8')).toContain(`sentinel myid ${r.lab.sentinels[3].myid}`)
    // Nothing else was restarted.
    const after = pids()
    for (const [name, pid] of Object.entries(before)) expect({ name, pid: after[name] }).toEqual({ name, pid })
    await expectHealthy(r.lab)
    expectCounts(r.lab, await sentinelCounts(r.lab), r.lab.master.port)
  })

  it('removes sentinel-1: 3 left, each counts 2 others, its folder kept under removed/', async () => {
    const gone = rt.lab.sentinels[0]
    const before = pids()
    const r = await removeMember(rt, 'sentinel-1')
    report(r)
    expect(r.name).toBe('sentinel-1')
    expect(r.port).toBe(gone.port)
    expect(names(r.lab).sentinels).toEqual(['sentinel-2', 'sentinel-3', 'sentinel-4'])
    expect(r.lab.spec.sentinels).toBe(3)
    expect(r.steps.join('\n')).toMatch(/SENTINEL RESET mymaster on sentinel-2, sentinel-3, sentinel-4/)
    expect(alive(before['sentinel-1'])).toBe(false)
    expect(existsSync(gone.dir)).toBe(false)
    expect(readdirSync(join(dir, 'removed')).filter((d) => d.startsWith('sentinel-1-'))).toHaveLength(1)
    expect(existsSync(gone.log)).toBe(true)
    expect(readFileSync(r.lab.ini, 'utf8')).not.toContain('[program:sentinel-1]')
    const after = pids()
    for (const n of ['redis-master', 'redis-replica-1', 'redis-replica-2', 'sentinel-2', 'sentinel-3', 'sentinel-4']) {
      expect({ n, pid: after[n] }).toEqual({ n, pid: before[n] })
    }
    await expectHealthy(r.lab)
    expectCounts(r.lab, await sentinelCounts(r.lab), r.lab.master.port)
  })

  it('removes redis-replica-1: redis-replica-2 keeps its name and port, num-slaves 1 everywhere', async () => {
    const keep = rt.lab.replicas[1]
    const before = pids()
    const r = await removeMember(rt, 'redis-replica-1')
    report(r)
    expect(names(r.lab).nodes).toEqual(['redis-master', 'redis-replica-2'])
    expect(r.lab.replicas[0]).toMatchObject({ name: 'redis-replica-2', port: keep.port, dir: keep.dir, conf: keep.conf })
    expect(r.lab.spec.replicas).toBe(1)
    expect(alive(before['redis-replica-1'])).toBe(false)
    // The master and the other replica run on, untouched.
    expect(pids()['redis-master']).toBe(before['redis-master'])
    expect(pids()['redis-replica-2']).toBe(before['redis-replica-2'])
    await expectHealthy(r.lab)
    const counts = await sentinelCounts(r.lab)
    expectCounts(r.lab, counts, r.lab.master.port)
    for (const c of Object.values(counts)) expect(c[1]).toBe(1)
  })

  it('refuses to remove the master, an unknown member, or a sentinel below the quorum, and changes nothing', async () => {
    const lab = rt.lab
    const files = labFiles(lab)
    const before = pids()
    await expect(removeMember(rt, 'redis-master')).rejects.toThrow(/redis-master is the master now .*fail over first/)
    await expect(removeMember(rt, 'redis-replica-9')).rejects.toThrow(/there is no member "redis-replica-9"/)
    expect(rt.lab).toBe(lab)
    expect(labFiles(lab)).toEqual(files)
    expect(pids()).toEqual(before)

    // 3 sentinels, quorum 2: one may go, then no more.
    const r = await removeMember(rt, 'sentinel-2')
    report(r)
    expect(names(r.lab).sentinels).toEqual(['sentinel-3', 'sentinel-4'])
    await expectHealthy(r.lab)
    const files2 = labFiles(r.lab)
    await expect(removeMember(rt, 'sentinel-3')).rejects.toThrow(/quorum 2 needs at least 2 sentinels: removing sentinel-3 would leave 1/)
    expect(rt.lab).toBe(r.lab)
    expect(labFiles(r.lab)).toEqual(files2)
  })

  it('after a failover: a new replica follows the new master, the new master is refused, the old one can go', async () => {
    const lab = rt.lab
    const promoted = lab.replicas[0] // redis-replica-2
    const c = new Redis({ port: lab.sentinels[0].port, lazyConnect: true, enableOfflineQueue: false })
    await c.connect()
    // Right after the RESETs of the previous test a sentinel may not have a fresh enough INFO
    // from the replica yet to find it promotable (-NOGOODSLAVE): ask again until it does.
    const asked = Date.now()
    for (;;) {
      const reply = await c.call('SENTINEL', 'FAILOVER', lab.masterName).catch((e: Error) => e.message)
      if (reply === 'OK') break
      if (!/NOGOODSLAVE/.test(String(reply)) || Date.now() - asked > 10_000) throw new Error(`SENTINEL FAILOVER: ${String(reply)}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    c.disconnect()
    const deadline = Date.now() + 15_000
    for (;;) {
      const h = await checkHealth(lab)
      if (h.healthy && h.masterPort === promoted.port) break
      if (Date.now() > deadline) throw new Error(`no HEALTHY lab with ${promoted.name} as master: ${JSON.stringify(h.checks.filter((x) => !x.ok))}`)
      await new Promise((r) => setTimeout(r, 20))
    }

    const added = await addReplica(rt)
    report(added)
    note(added.lab)
    expect(added.name).toBe('redis-replica-3')
    expect(readFileSync(added.lab.nodes[2].conf, 'utf8')).toMatch(new RegExp(`^replicaof 127\\.0\\.0\\.1 ${promoted.port}$`, 'm'))
    await expectHealthy(added.lab)

    // A sentinel added now monitors the new master at its config epoch.
    const epoch = Number((await sentinelMaster(lab.sentinels[0].port, lab.masterName))['config-epoch'])
    expect(epoch).toBeGreaterThan(0)
    const s5 = await addSentinel(rt)
    report(s5)
    note(s5.lab)
    expect(s5.name).toBe('sentinel-5')
    const conf5 = readFileSync(s5.lab.sentinels[2].conf, 'utf8')
    expect(conf5).toMatch(new RegExp(`^sentinel monitor mymaster 127\\.0\\.0\\.1 ${promoted.port} 2$`, 'm'))
    expect(Number((await sentinelMaster(s5.port, lab.masterName))['config-epoch'])).toBe(epoch)
    await expectHealthy(s5.lab)

    const files = labFiles(s5.lab)
    await expect(removeMember(rt, 'redis-replica-2')).rejects.toThrow(/redis-replica-2 is the master now .*fail over first/)
    expect(labFiles(s5.lab)).toEqual(files)

    // The initial master, a replica now, can go: the lab's master program becomes redis-replica-2.
    const r = await removeMember(rt, 'redis-master')
    report(r)
    expect(names(r.lab).nodes).toEqual(['redis-replica-2', 'redis-replica-3'])
    expect(r.lab.master.name).toBe('redis-replica-2')
    expect(pids()['redis-replica-2']).toBeGreaterThan(0)
    await expectHealthy(r.lab)
    expectCounts(r.lab, await sentinelCounts(r.lab), promoted.port)
  })

  it('reading the lab folder back gives the same names and ports', () => {
    const back = readLab(dir)
    const lab = rt.lab
    const shape = (l: Lab): unknown => ({
      nodes: l.nodes.map((n) => [n.name, n.port, n.initialRole, n.dir]),
      sentinels: l.sentinels.map((s) => [s.name, s.port, s.myid, s.dir]),
      master: l.master.name, spec: l.spec, ports: l.ports,
    })
    expect(shape(back)).toEqual(shape(lab))
    expect(back.spec).toMatchObject({ replicas: 1, sentinels: 3 })
    expect(names(back)).toEqual({ nodes: ['redis-replica-2', 'redis-replica-3'], sentinels: ['sentinel-3', 'sentinel-4', 'sentinel-5'] })
  })
})
