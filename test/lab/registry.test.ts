// Several labs side by side through the LabRegistry the service uses, with real
// redis-server / redis-sentinel: distinct ports, node actions (pause / resume, a data-losing
// restart refused until confirmed), attach mode on a lab the registry does not run,
// destroy, and a lab left running by an app that died, found again and cleanly restarted.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { LabStatus } from '../../src/shared/model'
import { ApiError } from '../../src/shared/errors'
import { LabRegistry } from '../../src/main/lab/lab-registry'
import { alive, labProcesses, until } from './proc'

const home = mkdtempSync(join(tmpdir(), 'sl-registry-'))
const env = { ...process.env, SENTINEL_LAB_HOME: home }
const registries: LabRegistry[] = []
const children: ChildProcess[] = []
const allPids = new Set<number>()

function registry(): LabRegistry {
  const r = new LabRegistry(() => {}, () => {}, env)
  registries.push(r)
  return r
}

function remember(s: LabStatus): void {
  for (const n of [...s.nodes, ...s.sentinels]) if (n.pid > 0) allPids.add(n.pid)
}

async function settled(r: LabRegistry, id: string, check: (s: LabStatus) => boolean, what: string, ms = 15_000): Promise<LabStatus> {
  let last = r.get(id)
  await until(() => check((last = r.get(id))), ms, what)
  return last
}

const ports = (s: LabStatus): number[] => [...s.nodes, ...s.sentinels].map((n) => n.port)
const master = (s: LabStatus) => s.nodes.find((n) => n.role === 'master')

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  await Promise.all(registries.map((r) => r.shutdown()))
  const left = [...allPids].filter(alive)
  for (const pid of left) process.kill(pid, 'SIGKILL')
  rmSync(home, { recursive: true, force: true })
  expect(left).toEqual([])
}, 60_000)

describe('labs side by side', () => {
  const r = registry()
  let a: LabStatus
  let b: LabStatus

  it('runs two labs at once on distinct ports, both listed', async () => {
    ;[a, b] = await Promise.all([
      r.create({ name: 'one', replicas: 2, sentinels: 3, timers: 'fast' }),
      r.create({ name: 'two', replicas: 1, sentinels: 3, timers: 'fast', persistence: 'aof' }),
    ])
    remember(a)
    remember(b)
    expect([a.state, b.state]).toEqual(['healthy', 'healthy'])
    // The timeline starts with the lab's own start, so it is never empty on a fresh lab.
    expect(a.timeline.filter((e) => e.source === 'lab').map((e) => e.text)).toEqual([expect.stringMatching(/^lab started: HEALTHY in \d+ ms \(3 nodes, 3 sentinels\)$/)])
    expect(a.id).not.toBe(b.id)
    expect(ports(a).filter((p) => ports(b).includes(p))).toEqual([])
    const list = r.list()
    expect(list.map((l) => l.id).sort()).toEqual([a.id, b.id].sort())
    expect(list.every((l) => l.kind === 'owned' && l.runningElsewhere === null)).toBe(true)
  })

  it('refuses to restart a master without persistence until confirmed, and changes nothing', async () => {
    const m = master(await settled(r, a.id, (s) => s.state === 'healthy', 'lab one healthy'))!
    const err = await r.requireOwned(a.id).nodeAction(m.name, 'restart', false).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe('needs-confirmation')
    expect((err as ApiError).message).toMatch(/ALL data is lost/)
    expect(master(r.get(a.id))!.pid).toBe(m.pid)
  })

  it('restarts an AOF master without asking (nothing to lose)', async () => {
    const before = master(await settled(r, b.id, (s) => s.state === 'healthy', 'lab two healthy'))!
    const s = await r.requireOwned(b.id).nodeAction(before.name, 'restart', false)
    const after = s.nodes.find((n) => n.name === before.name)!
    expect(after.pid).toBeGreaterThan(0)
    expect(after.pid).not.toBe(before.pid)
    remember(s)
  })

  it('pauses and resumes a replica: paused shows, the link comes back up', async () => {
    const lab = r.requireOwned(a.id)
    const replica = r.get(a.id).nodes.find((n) => n.role === 'replica')!
    let s = await lab.nodeAction(replica.name, 'pause', false)
    expect(s.nodes.find((n) => n.name === replica.name)!.paused).toBe(true)
    expect(s.timeline.some((e) => e.source === 'lab' && e.type === 'pause')).toBe(true)
    s = await lab.nodeAction(replica.name, 'resume', false)
    expect(s.nodes.find((n) => n.name === replica.name)!.paused).toBe(false)
    await settled(r, a.id, (x) => x.nodes.find((n) => n.name === replica.name)!.linkStatus === 'up' && x.state === 'healthy', 'the resumed replica linked again')
  })

  it('attaches to lab two by its sentinel addresses (monitor only) and sees its topology', async () => {
    const s = r.get(b.id)
    const watcher = registry()
    const attached = await watcher.attach({ kind: 'addresses', sentinels: [`127.0.0.1:${s.sentinels[0].port}`], masterName: 'mymaster', password: r.layout(b.id).password })
    expect(attached.kind).toBe('attached')
    const view = await settled(watcher, attached.id, (x) => x.sentinels.length === 3 && x.nodes.length === 2 && x.nodes.every((n) => n.reachable), 'every node and sentinel discovered')
    expect(master(view)!.port).toBe(master(r.get(b.id))!.port)
    expect(view.nodes.every((n) => n.pid === 0)).toBe(true)
    expect(() => watcher.requireOwned(attached.id)).toThrow(/monitor only/)
    await watcher.stop(attached.id)
    expect(watcher.list().some((l) => l.id === attached.id)).toBe(false)
  })

  it('attaching with a wrong password says which password was refused', async () => {
    const s = r.get(b.id)
    const err = await registry().attach({ kind: 'addresses', sentinels: [`127.0.0.1:${s.sentinels[0].port}`], masterName: 'mymaster', password: 'not-the-password' }).catch((e: Error) => e)
    expect((err as Error).message).toMatch(/could not attach: 127\.0\.0\.1:\d+ refuses the nodes' password \(requirepass\) given \((NOAUTH|WRONGPASS)/)
  })

  it('attaching to an address where no sentinel answers fails plainly', async () => {
    const err = await registry().attach({ kind: 'addresses', sentinels: ['127.0.0.1:1'], masterName: 'mymaster' }).catch((e: Error) => e)
    expect((err as Error).message).toMatch(/no sentinel answered/)
  })

  it('destroys lab two: processes gone, folder gone, not listed', async () => {
    const pids = r.get(b.id).nodes.map((n) => n.pid).concat(r.get(b.id).sentinels.map((n) => n.pid))
    const dir = r.get(b.id).dir!
    await r.destroy(b.id)
    expect(existsSync(dir)).toBe(false)
    expect(r.list().map((l) => l.id)).toEqual([a.id])
    expect(pids.filter(alive)).toEqual([])
  })

  it('stops lab one: nothing of it left running', async () => {
    const s = r.get(a.id)
    await r.stop(a.id)
    expect(r.get(a.id).state).toBe('stopped')
    expect(labProcesses(ports(s), s.dir!)).toEqual([])
  })
})

/** An app (a child process) that creates a lab, then dies by SIGKILL: its lab outlives it. */
async function appThatDies(): Promise<{ id: string; oldPids: number[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'fixtures', 'run-lab-then-wait.ts')], { env, stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  await until(() => /HEALTHY|FAILED/.test(out), 30_000, 'the first app to bring its lab up')
  const [, id, ...pidText] = out.trim().split(/\s+/)
  expect(out).toMatch(/^HEALTHY /)
  const oldPids = pidText.map(Number)
  oldPids.forEach((p) => allPids.add(p))
  child.kill('SIGKILL')
  await until(() => child.exitCode !== null || child.signalCode !== null, 5000, 'the first app to die')
  expect(oldPids.filter(alive)).toEqual(oldPids) // its lab outlived it
  return { id, oldPids }
}

describe('a lab left running by an app that died', () => {
  it('is destroyed with its processes: nothing outlives its folder', async () => {
    const r = registry()
    const { id, oldPids } = await appThatDies()
    const dir = join(r.root, id)
    await r.destroy(id)
    expect(existsSync(dir)).toBe(false)
    expect(oldPids.filter(alive)).toEqual([])
  })

  it('is found again at start-up and cleanly restarted', async () => {
    const { id, oldPids } = await appThatDies()

    const r = registry()
    await r.discover()
    const s = await settled(r, id, (x) => x.state === 'healthy', 'the restarted lab HEALTHY', 30_000)
    remember(s)
    expect(oldPids.filter(alive)).toEqual([])
    const now = [...s.nodes, ...s.sentinels].map((n) => n.pid)
    expect(now.every((p) => p > 0 && !oldPids.includes(p))).toBe(true)
    expect(s.timeline.some((e) => e.source === 'lab' && /left running by a previous run/.test(e.text))).toBe(true)
    await r.stop(id)
  })
})
