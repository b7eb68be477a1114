// The lab CLI with real processes, from the built CLI (`npx electron-vite build` first; npm
// test does): `up --json` in a temp folder reaches HEALTHY and prints ports, pids and roles;
// `status --json` from a second process sees it HEALTHY; `down` stops it; SIGINT to `up`
// stops everything too. Afterwards no process of the lab is left and `up` exited 0.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { alive, labProcesses, until } from './proc'
import { type CliNode, type Run, type UpJson, cli, requireBuiltCli, run, stopChildren } from './cli-process'

beforeAll(requireBuiltCli)


const temps: string[] = []
const pidsToStop = new Set<number>()

afterEach(async () => {
  await stopChildren()
  for (const pid of pidsToStop) if (alive(pid)) process.kill(pid, 'SIGKILL')
  pidsToStop.clear()
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
})

function mkTemp(): string {
  const d = mkdtempSync(join(tmpdir(), 'lab-cli-'))
  temps.push(d)
  return d
}


/** Starts `up --json` and resolves with its JSON once it printed it. */
async function upJson(root: string, extra: string[] = []): Promise<{ up: Run; lab: UpJson; dir: string }> {
  const dir = join(root, 'lab')
  const up = cli(['up', '--json', '--dir', dir, ...extra], root)
  let exited = false
  void up.exit.then(() => (exited = true))
  await until(() => up.stdout().includes('\n') || exited, 30_000, '`up --json` to print its JSON')
  expect(exited, up.stderr()).toBe(false)
  const lab = JSON.parse(up.stdout().trim()) as UpJson
  for (const n of [lab.master, ...lab.replicas, ...lab.sentinels]) if (n.pid > 0) pidsToStop.add(n.pid)
  return { up, lab, dir }
}

function allNodes(lab: UpJson): CliNode[] {
  return [lab.master, ...lab.replicas, ...lab.sentinels]
}

function expectShape(lab: UpJson, dir: string): void {
  expect(lab.dir).toBe(dir)
  expect(lab.healthyMs).toBeGreaterThan(0)
  expect(lab.healthyMs).toBeLessThan(10_000)
  expect(lab.master.role).toBe('master')
  expect(lab.replicas.map((r) => r.role)).toEqual(['replica', 'replica'])
  expect(lab.sentinels.map((s) => s.role)).toEqual(['sentinel', 'sentinel', 'sentinel'])
  const nodes = allNodes(lab)
  expect(new Set(nodes.map((n) => n.port)).size).toBe(6)
  for (const n of nodes) expect({ name: n.name, alive: n.pid > 0 && alive(n.pid) }).toEqual({ name: n.name, alive: true })
}

async function expectAllGone(lab: UpJson, dir: string): Promise<void> {
  const nodes = allNodes(lab)
  for (const n of nodes) expect({ name: n.name, pid: n.pid, alive: alive(n.pid) }).toEqual({ name: n.name, pid: n.pid, alive: false })
  expect(labProcesses(nodes.map((n) => n.port), dir)).toEqual([])
}

describe('sentinel-lab up / status / down', () => {
  it('up --json reaches HEALTHY; status --json sees it; down stops it and up exits 0', async () => {
    const root = mkTemp()
    const { up, lab, dir } = await upJson(root, ['--fast'])
    expectShape(lab, dir)
    expect(up.stderr()).toMatch(/HEALTHY in \d+ ms/)
    const password = (JSON.parse(readFileSync(join(dir, 'lab.json'), 'utf8')) as { spec: { password: string } }).spec.password
    expect(up.stdout()).not.toContain(password)
    expect(up.stderr()).not.toContain(password)
    // Nothing in the folder is open to others but lab.ini, supervisord.conf and up.json (no secret in them).
    const open = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((p) => (statSync(join(dir, p)).mode & 0o077) !== 0)
      .sort()
    expect(open).toEqual(['lab.ini', 'supervisord.conf', 'up.json'])

    const st = await run(['status', '--json', '--dir', dir], root)
    expect(st.code, st.stderr).toBe(0)
    expect(st.stdout).not.toContain(password)
    const s = JSON.parse(st.stdout) as { healthy: boolean; masterPort: number; running: { pid: number } | null; nodes: { role: string; link: string | null }[]; sentinels: { master: string; numSlaves: number; numOtherSentinels: number }[] }
    expect(s.healthy).toBe(true)
    expect(s.masterPort).toBe(lab.master.port)
    expect(s.running?.pid).toBe(up.child.pid)
    expect(s.nodes.map((n) => n.role)).toEqual(['master', 'replica', 'replica'])
    expect(s.nodes.slice(1).map((n) => n.link)).toEqual(['up', 'up'])
    for (const x of s.sentinels) expect(x).toMatchObject({ master: `127.0.0.1:${lab.master.port}`, numSlaves: 2, numOtherSentinels: 2 })

    const text = await run(['status', '--dir', dir], root)
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/: HEALTHY/)
    expect(text.stdout).not.toContain(password)

    const d = await run(['down', '--dir', dir], root)
    expect(d.code, d.stderr).toBe(0)
    expect(d.stdout).toMatch(/stopped/)
    // down returns once the lab's processes are gone.
    await expectAllGone(lab, dir)
    const { code, signal } = await up.exit
    expect({ code, signal }, up.stderr()).toEqual({ code: 0, signal: null })

    // Not running any more: status says so (exit 1), down is a no-op.
    const after = await run(['status', '--json', '--dir', dir], root)
    expect(after.code).toBe(1)
    expect((JSON.parse(after.stdout) as { healthy: boolean; running: unknown }).running).toBe(null)
    const again = await run(['down', '--dir', dir], root)
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/not running/)
  })

  it('SIGINT to up stops the lab and leaves no process', async () => {
    const root = mkTemp()
    const { up, lab, dir } = await upJson(root)
    expectShape(lab, dir)
    up.child.kill('SIGINT')
    const { code, signal } = await up.exit
    expect({ code, signal }, up.stderr()).toEqual({ code: 0, signal: null })
    await expectAllGone(lab, dir)
    expect(existsSync(join(dir, 'up.json'))).toBe(false)
  })

  it('up again on the same folder runs the same lab; after a kill -9 of up, down stops what it left', async () => {
    const root = mkTemp()
    const first = await upJson(root)
    first.up.child.kill('SIGTERM')
    expect((await first.up.exit).code, first.up.stderr()).toBe(0)
    await expectAllGone(first.lab, first.dir)

    const second = await upJson(root)
    expectShape(second.lab, second.dir)
    expect(second.up.stderr()).toMatch(/using the lab files in/)
    expect(allNodes(second.lab).map((n) => n.port)).toEqual(allNodes(first.lab).map((n) => n.port))

    // up dies without cleaning up: its redis processes stay; down finds them through up.json.
    second.up.child.kill('SIGKILL')
    await second.up.exit
    for (const n of allNodes(second.lab)) expect(alive(n.pid)).toBe(true)
    const d = await run(['down', '--dir', second.dir], root)
    expect(d.code, d.stderr).toBe(0)
    await expectAllGone(second.lab, second.dir)
  })

  it('--help on each command, and bad options are refused', async () => {
    const root = mkTemp()
    for (const c of ['up', 'status', 'down']) {
      const h = await run([c, '--help'], root)
      expect(h.code).toBe(0)
      expect(h.stdout).toContain(`Usage: sentinel-lab ${c}`)
    }
    const bad = await run(['up', '--replicas', 'x', '--dir', join(root, 'lab')], root)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--replicas/)
    const noLab = await run(['status', '--dir', join(root, 'none')], root)
    expect(noLab.code).toBe(2)
  })
})
