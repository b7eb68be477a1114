// `sentinel-lab failover` and `sentinel-lab kill` against a lab run by `sentinel-lab up
// --fast --json` in another process, from the built CLI (`npx electron-vite build` first;
// npm test does): failover switches the master; kill master is answered by up's restart
// policy (held until the sentinels fail over, then back as a replica); STOP / CONT pause and
// resume; bad names and signals are refused clearly. Afterwards nothing of the lab is left.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { readLab } from '../../src/main/lab/blueprint'
import { waitHealthy } from '../../src/main/lab/health'
import type { Lab } from '../../src/main/lab/layout'
import { alive, labProcesses, until } from './proc'
import { type UpJson, cli, requireBuiltCli, run, stopChildren } from './cli-process'
import { sentinelStory } from '../helpers/sentinel-story'

beforeAll(requireBuiltCli)


const temps: string[] = []
const labsStarted: { ports: number[]; dir: string }[] = []

afterEach(async () => {
  await stopChildren()
  for (const l of labsStarted.splice(0)) for (const pid of labProcesses(l.ports, l.dir)) process.kill(pid, 'SIGKILL')
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function replication(lab: Lab, port: number): Promise<Record<string, string>> {
  const c = new Redis({ host: '127.0.0.1', port, password: lab.password, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000, commandTimeout: 1000 })
  c.on('error', () => {})
  try {
    await c.connect()
    const text = await c.info('replication')
    return Object.fromEntries(text.split(/\r?\n/).filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]))
  } finally {
    c.disconnect()
  }
}

async function healthy(lab: Lab): Promise<number> {
  const r = await waitHealthy(lab, { timeoutMs: 20_000 })
  expect(r.checks.filter((c) => !c.ok)).toEqual([])
  return r.masterPort!
}


function procState(pid: number): string {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3)
  } catch {
    return 'gone'
  }
}

describe('sentinel-lab failover / kill', () => {
  it('failover switches the master; kill master is answered by up\'s policy; STOP / CONT; bad input refused', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lab-cli-actions-'))
    temps.push(root)
    const dir = join(root, 'lab')
    const up = cli(['up', '--fast', '--json', '--dir', dir], root)
    let exited = false
    void up.exit.then(() => (exited = true))
    await until(() => up.stdout().includes('\n') || exited, 30_000, '`up --json` to print its JSON')
    expect(exited, up.stderr()).toBe(false)
    const json = JSON.parse(up.stdout().trim()) as UpJson
    const lab = readLab(dir)
    labsStarted.push({ ports: [...lab.nodes.map((n) => n.port), ...lab.sentinels.map((s) => s.port)], dir: lab.dir })
    await until(() => /fast timers (NOT )?applied/.test(up.stderr()), 10_000, 'the fast timers')
    expect(up.stderr()).toMatch(/fast timers applied/)

    // failover (safe by default): the master moves to a replica, every sentinel agrees before it returns.
    const f = await run(['failover', '--dir', dir], root)
    expect(f.code, f.stderr).toBe(0)
    const m = /^failover: 127\.0\.0\.1:(\d+) -> 127\.0\.0\.1:(\d+) in (\d+) ms \(writes held (\d+) ms\)$/.exec(f.stdout.trim())
    expect(m, f.stdout).not.toBeNull()
    const [from, to] = [Number(m![1]), Number(m![2])]
    expect(from).toBe(json.master.port)
    expect(json.replicas.map((r) => r.port)).toContain(to)
    expect(await healthy(lab), sentinelStory(lab.dir)).toBe(to)

    // --json, the other way round, with Sentinel's own SENTINEL FAILOVER (--plain).
    const fj = await run(['failover', '--dir', dir, '--json', '--plain'], root)
    expect(fj.code, fj.stderr).toBe(0)
    const back = JSON.parse(fj.stdout) as { from: number; to: number; ms: number; safe: boolean; ended: boolean }
    expect(back.safe).toBe(false)
    // Returned once the leader had ended it: a next failover is not refused as in progress.
    expect(back.ended).toBe(true)
    expect(back.from).toBe(to)
    expect(back.ms).toBeGreaterThan(0)
    const master = await healthy(lab)
    expect(master, sentinelStory(lab.dir)).toBe(back.to)
    // The files as the failovers left them (Sentinel's CONFIG REWRITE on each node; Valkey
    // writes primaryauth there): the doctor finds nothing wrong.
    const doc = await run(['doctor', dir, '--files-only'], root)
    expect(doc.code, doc.stdout).toBe(0)
    const masterNode = lab.nodes.find((n) => n.port === master)!

    // kill master: up's policy holds it until the sentinels fail over, then it rejoins as a replica.
    const before = up.stderr().length
    const k = await run(['kill', 'master', '--dir', dir], root)
    expect(k.code, k.stderr).toBe(0)
    expect(k.stdout).toMatch(new RegExp(`^killed ${masterNode.name} \\(127\\.0\\.0\\.1:${master}, pid \\d+, the master\\) with SIGKILL$`, 'm'))
    expect(k.stderr).toMatch(/holds it down until the sentinels fail over/)
    const policy = (): string => up.stderr().slice(before)
    await until(() => new RegExp(`${masterNode.name}: the sentinels failed over to 127\\.0\\.0\\.1:\\d+`).test(policy()), 20_000, 'up to report the failover')
    expect(policy()).toMatch(new RegExp(`${masterNode.name} \\(127\\.0\\.0\\.1:${master}\\) died \\(terminated by SIGKILL\\).*held down until they fail over`))
    await until(() => new RegExp(`${masterNode.name} \\(127\\.0\\.0\\.1:${master}\\) restarted`).test(policy()), 5000, 'up to restart it')
    const newMaster = await healthy(lab)
    expect(newMaster).not.toBe(master)
    const i = await replication(lab, master)
    expect({ role: i.role, port: Number(i.master_port), link: i.master_link_status }).toEqual({ role: 'slave', port: newMaster, link: 'up' })

    // STOP / CONT a replica: paused (it cannot answer: found through /proc), then resumed.
    const replica = lab.nodes.find((n) => n.port !== newMaster)!
    const stop = await run(['kill', replica.name, '--signal', 'STOP', '--dir', dir], root)
    expect(stop.code, stop.stderr).toBe(0)
    const pid = Number(/pid (\d+)/.exec(stop.stdout)![1])
    expect(stop.stdout).toMatch(new RegExp(`^paused ${replica.name} .* with SIGSTOP$`, 'm'))
    expect(procState(pid)).toBe('T')
    const cont = await run(['kill', replica.name, '--signal', 'cont', '--dir', dir], root)
    expect(cont.code, cont.stderr).toBe(0)
    expect(cont.stdout).toMatch(new RegExp(`^resumed ${replica.name} \\(127\\.0\\.0\\.1:${replica.port}, pid ${pid}\\) with SIGCONT$`, 'm'))
    expect(procState(pid)).not.toBe('T')
    expect(await healthy(lab)).toBe(newMaster)

    // Bad input: a clear message and a non-zero exit.
    const unknown = await run(['kill', 'redis-nope', '--dir', dir], root)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/no node or sentinel named 'redis-nope' in this lab; valid names: master, redis-master, redis-replica-1, redis-replica-2, sentinel-1, sentinel-2, sentinel-3/)
    const badSignal = await run(['kill', 'master', '--signal', 'HUP', '--dir', dir], root)
    expect(badSignal.code).toBe(2)
    expect(badSignal.stderr).toMatch(/--signal takes KILL, STOP, CONT, not 'HUP'/)
    const noNode = await run(['kill', '--dir', dir], root)
    expect(noNode.code).toBe(2)
    const noLab = await run(['failover', '--dir', join(root, 'none')], root)
    expect(noLab.code).toBe(2)
    expect(noLab.stderr).toMatch(/no lab in/)
    for (const c of ['failover', 'kill']) {
      const h = await run([c, '--help'], root)
      expect(h.code).toBe(0)
      expect(h.stdout).toContain(`Usage: sentinel-lab ${c}`)
    }

    // Stop up: every process of the lab is gone.
    up.child.kill('SIGTERM')
    const { code, signal } = await up.exit
    expect({ code, signal }, up.stderr()).toEqual({ code: 0, signal: null })
    const ports = [...lab.nodes.map((n) => n.port), ...lab.sentinels.map((s) => s.port)]
    for (const n of [json.master, ...json.replicas, ...json.sentinels]) expect({ name: n.name, alive: alive(n.pid) }).toEqual({ name: n.name, alive: false })
    expect(labProcesses(ports, lab.dir)).toEqual([])
  })
})
