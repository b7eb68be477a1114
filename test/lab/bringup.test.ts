// A default lab (1 master, 2 replicas, 3 sentinels) on free ports, with real redis-server
// and redis-sentinel: under the engine, and, from its exported supervisord.conf, under
// real supervisord. Both must reach HEALTHY and leave no process behind.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import { afterEach, describe, expect, it } from 'vitest'
import { buildLab } from '../../src/main/lab/blueprint'
import { FAST_TIMERS, keepFastTimers, readTimers } from '../../src/main/lab/fast-timers'
import { waitHealthy } from '../../src/main/lab/health'
import type { Lab } from '../../src/main/lab/layout'
import { Supervisor } from '../../src/main/supervisor/supervisor'
import { alive, childrenOf, labProcesses, until } from './proc'

const temps: string[] = []
const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
})

function mkTemp(): string {
  const d = mkdtempSync(join(tmpdir(), 'lab-test-'))
  temps.push(d)
  return d
}

function allPorts(lab: Lab): number[] {
  return [...lab.nodes.map((n) => n.port), ...lab.sentinels.map((s) => s.port)]
}

function secretFiles(lab: Lab): string[] {
  return [lab.labJson, ...lab.nodes.map((n) => n.conf), ...lab.sentinels.map((s) => s.conf)]
}

function expectSecretsPrivate(lab: Lab): void {
  for (const f of secretFiles(lab)) {
    expect(readFileSync(f, 'utf8')).toContain(lab.password)
    expect({ file: f, mode: (statSync(f).mode & 0o777).toString(8) }).toEqual({ file: f, mode: '600' })
  }
}

async function startUnderEngine(lab: Lab, root: string): Promise<{ sv: Supervisor; t0: number }> {
  const sv = new Supervisor({ logDir: join(root, 'sv-logs'), stateDir: join(root, 'sv-state') })
  cleanups.push(() => sv.shutdown())
  const t0 = performance.now()
  await sv.load(lab.ini)
  return { sv, t0 }
}

describe('lab bring-up', () => {
  it('a default lab reaches HEALTHY under the engine, and stops without a trace', async () => {
    const root = mkTemp()
    const lab = await buildLab({ name: 'bringup' }, { dir: join(root, 'lab') })
    expect(lab.replicas).toHaveLength(2)
    expect(lab.sentinels).toHaveLength(3)
    expect(allPorts(lab)).not.toContain(6379)
    expect(allPorts(lab)).not.toContain(26379)
    expect(new Set(allPorts(lab)).size).toBe(6)

    // Files: password only in 0600 files; own myid per sentinel; requirepass + masterauth everywhere.
    expectSecretsPrivate(lab)
    for (const d of [lab.dir, ...lab.nodes.map((n) => n.dir)]) expect((statSync(d).mode & 0o777).toString(8)).toBe('700')
    expect(readFileSync(lab.ini, 'utf8')).not.toContain(lab.password)
    const myids = lab.sentinels.map((s) => /^sentinel myid ([0-9a-f]{40})$/m.exec(readFileSync(s.conf, 'utf8'))?.[1])
    expect(myids.every(Boolean)).toBe(true)
    expect(new Set(myids).size).toBe(3)
    for (const n of lab.nodes) {
      const conf = readFileSync(n.conf, 'utf8')
      expect(conf).toMatch(new RegExp(`^requirepass ${lab.password}$`, 'm'))
      expect(conf).toMatch(new RegExp(`^masterauth ${lab.password}$`, 'm'))
      expect(conf).toMatch(/^daemonize no$/m)
      expect(conf).toMatch(/^bind 127\.0\.0\.1$/m)
    }

    const { sv, t0 } = await startUnderEngine(lab, root)
    const report = await waitHealthy(lab, { timeoutMs: 10_000 })
    const ms = performance.now() - t0
    console.log(`[engine] HEALTHY in ${ms.toFixed(0)} ms from load (waitHealthy: ${report.elapsedMs} ms)`)
    expect(report.checks.filter((c) => !c.ok)).toEqual([])
    expect(report.healthy).toBe(true)
    expect(report.masterPort).toBe(lab.master.port)
    expect(report.checks).toHaveLength(1 + 2 + 3)
    expect(ms).toBeLessThan(5000)
    // The logs are the lab's too: private, as the engine found them (the lab creates them 0600).
    for (const m of [...lab.nodes, ...lab.sentinels]) expect({ log: m.log, mode: (statSync(m.log).mode & 0o777).toString(8) }).toEqual({ log: m.log, mode: '600' })

    // Sentinel and CONFIG REWRITE rewrite the confs (Redis gives a rewritten file 0644 & ~umask):
    // they must stay 0600 (umask=077 in the ini). Force a rewrite of every file.
    for (const s of lab.sentinels) {
      const c = new Redis({ port: s.port, lazyConnect: true, enableOfflineQueue: false })
      await c.connect()
      expect(await c.call('SENTINEL', 'SET', lab.masterName, 'down-after-milliseconds', String(lab.spec.downAfterMs))).toBe('OK')
      c.disconnect()
    }
    for (const n of lab.nodes) {
      const c = new Redis({ port: n.port, password: lab.password, lazyConnect: true, enableOfflineQueue: false })
      await c.connect()
      expect(await c.call('CONFIG', 'REWRITE')).toBe('OK')
      c.disconnect()
    }
    expectSecretsPrivate(lab)

    const pids = sv.snapshot().processes.map((p) => p.pid)
    expect(pids.filter((p) => p > 0)).toHaveLength(6)
    await sv.shutdown()
    for (const pid of pids) expect({ pid, alive: alive(pid) }).toEqual({ pid, alive: false })
    expect(labProcesses(allPorts(lab), lab.dir)).toEqual([])
  })

  it('the exported supervisord.conf runs the same lab under real supervisord', async () => {
    const root = mkTemp()
    const lab = await buildLab({ name: 'exported' }, { dir: join(root, 'lab') })
    const t0 = performance.now()
    const sd: ChildProcess = spawn('/usr/bin/supervisord', ['-n', '-c', lab.supervisordConf], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    sd.stdout!.on('data', (d) => (output += d))
    sd.stderr!.on('data', (d) => (output += d))
    const exited = new Promise<void>((r) => sd.once('exit', () => r()))
    let stopped = false
    const stop = async (): Promise<void> => {
      if (stopped) return
      stopped = true
      if (sd.exitCode === null && sd.signalCode === null) sd.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))])
      if (sd.exitCode === null && sd.signalCode === null) sd.kill('SIGKILL')
      for (const pid of labProcesses(allPorts(lab), lab.dir)) process.kill(pid, 'SIGKILL')
    }
    cleanups.push(stop)

    const report = await waitHealthy(lab, { timeoutMs: 30_000 })
    const ms = performance.now() - t0
    console.log(`[supervisord] HEALTHY in ${ms.toFixed(0)} ms from spawn`)
    expect(report.checks.filter((c) => !c.ok), output).toEqual([])
    expect(report.healthy).toBe(true)
    expectSecretsPrivate(lab)

    const children = childrenOf(sd.pid!)
    expect(children).toHaveLength(6)
    expect(labProcesses(allPorts(lab), lab.dir).sort()).toEqual([...children].sort())

    sd.kill('SIGTERM')
    await exited
    stopped = true
    expect(sd.exitCode, output).toBe(0)
    await until(() => children.every((p) => !alive(p)), 5000, 'supervisord children to be gone')
    expect(labProcesses(allPorts(lab), lab.dir)).toEqual([])
  })

  it('a fast lab gets the fast timers on every sentinel', async () => {
    const root = mkTemp()
    const lab = await buildLab({ name: 'fast', timers: 'fast', replicas: 1 }, { dir: join(root, 'lab') })
    const sv = new Supervisor({ logDir: join(root, 'sv-logs'), stateDir: join(root, 'sv-state') })
    cleanups.push(() => sv.shutdown())
    const applied: string[] = []
    const errors: string[] = []
    const stopWatching = keepFastTimers(sv, lab, { onApplied: (n) => applied.push(n), onError: (n, e) => errors.push(`${n}: ${e.message}`) })
    cleanups.push(async () => stopWatching())
    await sv.load(lab.ini)
    const report = await waitHealthy(lab, { timeoutMs: 10_000 })
    expect(report.healthy).toBe(true)
    await until(() => applied.length + errors.length === 3, 5000, 'fast timers on all sentinels')
    expect(errors).toEqual([])
    for (const s of lab.sentinels) {
      const timers = await readTimers(s.port)
      for (const [k, v] of Object.entries(FAST_TIMERS)) expect({ sentinel: s.name, [k]: timers[k] }).toEqual({ sentinel: s.name, [k]: v })
    }
  })
})
