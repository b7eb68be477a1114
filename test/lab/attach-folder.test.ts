// A lab that `sentinel-lab up` runs in a terminal, seen from the app's LabRegistry: listed as
// running elsewhere (with up's pid), never claimed (start and destroy refused), attached in
// monitor mode with the lab's own names, and a kill -9 of its master followed live: the
// failover shows in the attached view and up's restart policy brings the old master back.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LabRegistry } from '../../src/main/lab/lab-registry'
import { readLab } from '../../src/main/lab/blueprint'
import type { LabStatus } from '../../src/shared/model'
import { alive, labProcesses, until } from './proc'

const ROOT = resolve(__dirname, '..', '..')
const CLI = join(ROOT, 'bin', 'sentinel-lab.js')
const home = mkdtempSync(join(tmpdir(), 'sl-attach-'))
const env = { ...process.env, SENTINEL_LAB_HOME: home }
const dir = join(home, 'labs', 'terminal')
let up: ChildProcess
let upPids: number[] = []
const registry = new LabRegistry(() => {}, () => {}, env)

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'out', 'main', 'cli.js'))) throw new Error('out/main/cli.js is missing: run `npx electron-vite build` first (npm test does)')
  up = spawn(process.execPath, [CLI, 'up', '--fast', '--json', '--replicas', '1', '--dir', dir], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  up.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  up.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  await until(() => out.includes('\n') || up.exitCode !== null, 30_000, '`up --json` to print its JSON')
  expect(up.exitCode, err).toBe(null)
  const json = JSON.parse(out) as { master: { pid: number }; replicas: { pid: number }[]; sentinels: { pid: number }[] }
  upPids = [json.master, ...json.replicas, ...json.sentinels].map((n) => n.pid)
}, 40_000)

afterAll(async () => {
  await registry.shutdown()
  if (up && up.exitCode === null && up.signalCode === null) {
    up.kill('SIGTERM')
    await until(() => up.exitCode !== null || up.signalCode !== null, 20_000, '`up` to stop its lab')
  }
  const lab = readLab(dir)
  const left = labProcesses([...lab.nodes, ...lab.sentinels].map((n) => n.port), dir)
  for (const pid of [...left, ...upPids.filter(alive)]) process.kill(pid, 'SIGKILL')
  rmSync(home, { recursive: true, force: true })
  expect(left).toEqual([])
}, 30_000)

describe('a lab run by `sentinel-lab up`, seen from the app', () => {
  it('is listed as running elsewhere, and the app refuses to start or destroy it', async () => {
    const listing = registry.list().find((l) => l.id === 'terminal')
    expect(listing?.runningElsewhere).toEqual({ pid: up.pid })
    await expect(registry.start('terminal')).rejects.toThrow(/running under another process \(pid \d+, sentinel-lab up\): attach to it/)
    await expect(registry.destroy('terminal')).rejects.toThrow(/running under another process/)
    expect(registry.get('terminal').kind).toBe('owned') // a look does not claim it
    expect(registry.list().find((l) => l.id === 'terminal')?.runningElsewhere).toEqual({ pid: up.pid })
    expect(existsSync(dir)).toBe(true)
  })

  it('attaches by folder: monitor only, with the lab’s own names, and follows a kill -9 of its master', async () => {
    const attached = await registry.attach({ kind: 'folder', id: 'terminal' })
    expect(attached.kind).toBe('attached')
    expect(attached.origin).toBe(`sentinel-lab up, pid ${up.pid}`)
    let s: LabStatus = attached
    await until(() => (s = registry.get('terminal')).state === 'healthy', 10_000, 'the attached view HEALTHY')
    expect(s.nodes.map((n) => [n.name, n.role])).toEqual([['redis-master', 'master'], ['redis-replica-1', 'replica']])
    expect(s.sentinels.map((x) => x.name)).toEqual(['sentinel-1', 'sentinel-2', 'sentinel-3'])

    const kill = spawn(process.execPath, [CLI, 'kill', 'master', '--dir', dir], { env, stdio: 'ignore' })
    await new Promise((r) => kill.once('exit', r))
    expect(kill.exitCode).toBe(0)
    await until(() => {
      s = registry.get('terminal')
      const m = s.nodes.find((n) => n.name === 'redis-master')!
      return s.nodes.find((n) => n.name === 'redis-replica-1')!.role === 'master' && m.role === 'replica' && m.linkStatus === 'up'
    }, 20_000, 'replica-1 promoted and the old master back as a linked replica, seen by the attached view')
    expect(s.timeline.some((e) => e.type === '+switch-master' && e.seenBy.length >= 2)).toBe(true)
  }, 30_000)
})
