// Link faults on a real lab (runLab with links, fast timers): every link identified by its
// source, a cut really stops traffic (a replica's offset stalls while the master's grows, a
// sentinel sees exactly the cut peer down), one-way cuts, latency measured, heal back to
// HEALTHY, a member added later gets its own front, and nothing of the proxies is left once
// the lab stops.
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { diagnoseLive } from '../../src/main/doctor'
import { collectFiles } from '../../src/main/doctor/collect'
import { waitHealthy } from '../../src/main/lab/health'
import { addReplica } from '../../src/main/lab/membership'
import { type LabHandle, runLab } from '../../src/main/lab/runner'
import { frontHost, loopbackAliasesWork } from '../../src/main/links/lab-links'
import { parseInfo } from '../../src/main/sentinel/replies'
import { waitFor } from '../helpers/wait'

let root: string
let handle: LabHandle
const clients: Redis[] = []

function direct(port: number, password?: string): Redis {
  const c = new Redis({ host: '127.0.0.1', port, password, lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 1000 })
  c.on('error', () => {})
  clients.push(c)
  return c
}

async function offset(port: number): Promise<number> {
  const info = parseInfo(await direct(port, handle.lab.password).info('replication'))
  return Number(info.role === 'master' ? info.master_repl_offset : info.slave_repl_offset)
}

beforeAll(async () => {
  expect(await loopbackAliasesWork(), 'Linux answers on all of 127.0.0.0/8').toBe(true)
  root = mkdtempSync(join(tmpdir(), 'links-'))
  handle = await runLab({ name: 'links', replicas: 2, sentinels: 3, timers: 'fast', links: true }, { dir: join(root, 'lab'), timeoutMs: 30_000 })
  await handle.timersApplied
}, 40_000)

afterAll(async () => {
  for (const c of clients) c.disconnect()
  const fronts = handle ? [...handle.lab.nodes, ...handle.lab.sentinels].map((m) => ({ host: m.linkHost, port: m.port })) : []
  await handle?.stop()
  // Nothing of the proxies is left: no front answers.
  for (const f of fronts) {
    const refused = await new Promise<boolean>((r) => {
      const s = connect(f)
      s.once('connect', () => (s.destroy(), r(false)))
      s.once('error', () => r(true))
    })
    expect(refused, `${f.host}:${f.port} still answers`).toBe(true)
  }
  if (root) rmSync(root, { recursive: true, force: true })
}, 30_000)

describe('link faults', () => {
  it('identifies every link of the lab by its source: replication, sentinel to node (both links), sentinel to sentinel', async () => {
    const lab = handle.lab
    expect(lab.master.linkHost).toBe(frontHost(lab.master.port))
    const seen = (): Set<string> => new Set(handle.links!.snapshot().connections.map((c) => `${c.from}>${c.to}`))
    const expected = [
      ...lab.replicas.map((r) => `${r.name}>${lab.master.name}`),
      ...lab.sentinels.flatMap((s) => lab.nodes.map((n) => `${s.name}>${n.name}`)),
      ...lab.sentinels.flatMap((s) => lab.sentinels.filter((o) => o !== s).map((o) => `${s.name}>${o.name}`)),
    ]
    await waitFor(() => expected.every((k) => seen().has(k)), `every link: ${expected.join(', ')}`, 10_000)
    // No member's traffic arrives from 127.0.0.1 (a failed bind-source-addr would look like a client).
    expect(handle.links!.snapshot().connections.filter((c) => c.from === 'client')).toEqual([])
    // The doctor agrees: every address exists, every replica and sentinel link comes from a member's.
    const findings = await diagnoseLive(collectFiles([handle.lab.dir]))
    expect(findings.filter((f) => ['link-unidentified', 'bind-source-unavailable', 'clients-locked-out'].includes(f.id))).toEqual([])
  })

  it('a cut stops replication (the replica stalls, the master goes on), and a heal catches up', async () => {
    const lab = handle.lab
    const replica = lab.replicas[0]
    const master = direct(lab.master.port, lab.password)
    handle.links!.set(replica.name, lab.master.name, { cut: true })
    const before = await offset(replica.port)
    for (let i = 0; i < 50; i++) await master.set(`links:${i}`, 'x'.repeat(100))
    await waitFor(async () => (await offset(lab.master.port)) > before + 5000, 'the master to go on', 5000)
    await new Promise((r) => setTimeout(r, 300)) // time a working link would have used to deliver
    expect(await offset(replica.port)).toBe(before)
    handle.links!.heal()
    await waitFor(async () => (await offset(replica.port)) >= (await offset(lab.master.port)), 'the replica to catch up', 10_000)
  })

  it('a sentinel cut from one replica sees exactly that replica down; one-way cuts act on one direction only', async () => {
    const lab = handle.lab
    const [s1] = lab.sentinels
    const cutOff = lab.replicas[1]
    handle.links!.set(s1.name, cutOff.name, { cut: true })
    const sentinel = direct(s1.port)
    await waitFor(async () => {
      const replicas = (await sentinel.call('SENTINEL', 'REPLICAS', lab.masterName)) as unknown[]
      const flags = replicas.map((r) => (Array.isArray(r) ? (r as string[])[(r as string[]).indexOf('flags') + 1] : (r as Record<string, string>).flags))
      return flags.filter((f) => f.includes('s_down')).length === 1
    }, `${s1.name} to see exactly ${cutOff.name} down`, 10_000)
    handle.links!.heal()

    // One way: what the replica sends the master is held, what the master sends arrives.
    const replica = lab.replicas[0]
    handle.links!.set(replica.name, lab.master.name, { cut: true }, true)
    expect(handle.links!.rules.get(lab.master.name, replica.name).cut).toBe(false)
    const master = direct(lab.master.port, lab.password)
    const before = await offset(replica.port)
    await master.set('links:oneway', 'y'.repeat(1000))
    await waitFor(async () => (await offset(replica.port)) > before, 'the master -> replica direction to go on', 5000)
    handle.links!.heal()
  })

  it('adds the latency asked for, per direction', async () => {
    const lab = handle.lab
    const viaFront = new Redis({ host: lab.master.linkHost, port: lab.master.port, password: lab.password, lazyConnect: true })
    viaFront.on('error', () => {})
    clients.push(viaFront)
    await viaFront.connect()
    const rtt = async (): Promise<number> => {
      const t = performance.now()
      await viaFront.ping()
      return performance.now() - t
    }
    const base = Math.min(await rtt(), await rtt(), await rtt())
    handle.links!.set('client', lab.master.name, { latencyMs: 120 }, true)
    const slow = Math.min(await rtt(), await rtt(), await rtt())
    expect(slow).toBeGreaterThanOrEqual(120)
    expect(slow).toBeLessThan(base + 400)
    handle.links!.heal()
    expect(Math.min(await rtt(), await rtt())).toBeLessThan(60)
  })

  it('a replica added later gets its own front and its links are identified', async () => {
    const r = await addReplica(handle, { timeoutMs: 20_000 })
    const added = handle.lab.nodes.find((n) => n.name === r.name)!
    expect(added.linkHost).toBe(frontHost(added.port))
    await waitFor(() => {
      const seen = new Set(handle.links!.snapshot().connections.map((c) => `${c.from}>${c.to}`))
      return seen.has(`${r.name}>${handle.lab.master.name}`) && handle.lab.sentinels.every((s) => seen.has(`${s.name}>${r.name}`))
    }, `the links of ${r.name}`, 10_000)
  }, 40_000)

  it('a partition of the master with its clients, healed, ends HEALTHY', async () => {
    const lab = handle.lab
    handle.links!.partition([lab.master.name, 'client'])
    const faults = handle.links!.snapshot().faults
    expect(faults.some((f) => f.from === lab.master.name && f.to === lab.replicas[0].name && f.fault.cut)).toBe(true)
    expect(faults.some((f) => f.from === 'client' && f.to === lab.master.name)).toBe(false)
    handle.links!.heal()
    const r = await waitHealthy(lab, { timeoutMs: 20_000 })
    expect(r.checks.filter((c) => !c.ok)).toEqual([])
  }, 40_000)
})
