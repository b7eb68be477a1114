// depends_on (and ready_port), update, shutdown, and recovery after an engine was SIGKILLed.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/main/supervisor/config-loader'
import { stateFileFor } from '../../src/main/supervisor/recovery'
import { Supervisor } from '../../src/main/supervisor/supervisor'
import type { TransitionEvent } from '../../src/shared/model'
import {
  cleanTemps, CLI, fixture, freePort, isAlive, isGone, jsonLines, killQuietly, mkTemp, newSupervisor, program, readText,
  Recorder, runCli, type CliRun, waitFor, writeFile,
} from './helpers'

const supervisors: Supervisor[] = []
const clis: CliRun[] = []
const strays: number[] = []

beforeAll(() => {
  if (!existsSync(join(CLI, '..', '..', 'out', 'main', 'cli.js'))) {
    throw new Error('out/main/cli.js is missing: run `npx electron-vite build` first (npm test does)')
  }
})
afterEach(async () => {
  for (const s of supervisors.splice(0)) await s.shutdown()
  for (const c of clis.splice(0)) {
    if (c.child.exitCode === null && c.child.signalCode === null) {
      c.child.kill('SIGTERM')
      await c.exited
    }
  }
  for (const pid of strays.splice(0)) killQuietly(pid, 'SIGKILL', true)
})
afterAll(cleanTemps)

/** The kernel's state letter of a pid ('' when there is none). */
function procState(pid: number): string {
  const stat = readText(`/proc/${pid}/stat`)
  return stat ? (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? '') : ''
}

function esrch(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return false
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

async function start(text: string, dir = mkTemp('sv-dus-')) {
  const file = writeFile(dir, 'supervisord.ini', text)
  const s = newSupervisor()
  supervisors.push(s.supervisor)
  await s.supervisor.load(file)
  return { ...s, file, dir }
}

const pidOf = (s: Supervisor, name: string): number => s.snapshot().processes.find((p) => p.name === name)!.pid

describe('depends_on', () => {
  it('B spawns only after A is RUNNING', async () => {
    const { rec, supervisor } = await start(
      program('b', { command: 'sleep 30', startsecs: 0, depends_on: 'a', priority: 1 }) +
      program('a', { command: 'sleep 30', startsecs: 1, priority: 2 }),
    )
    expect(supervisor.snapshot().processes.find((p) => p.name === 'b')!.waitingFor).toEqual(['a'])
    const bStarting = await rec.until('b', 'STARTING', { timeout: 4000 })
    const aRunning = rec.of('a').find((e) => e.to === 'RUNNING')!
    expect(aRunning).toBeDefined()
    expect(rec.events.indexOf(aRunning)).toBeLessThan(rec.events.indexOf(bStarting))
    expect(bStarting.t - rec.of('a')[0].t).toBeGreaterThanOrEqual(950)
    await rec.until('b', 'RUNNING')
    expect(supervisor.snapshot().processes.find((p) => p.name === 'b')!.waitingFor).toEqual([])
  })

  it('with ready_port on A, B starts as soon as the port accepts, before A’s startsecs', async () => {
    const port = await freePort()
    const { rec } = await start(
      program('a', { command: `${process.execPath} ${fixture('tcp-server.js')} ${port} 300`, startsecs: 5, ready_port: port }) +
      program('b', { command: 'sleep 30', startsecs: 0, depends_on: 'a' }),
    )
    const aStarting = await rec.until('a', 'STARTING')
    const bStarting = await rec.until('b', 'STARTING', { timeout: 4000 })
    expect(rec.count('a', 'RUNNING')).toBe(0)
    // Not before the server listens (it waits 300 ms), but long before startsecs=5.
    expect(bStarting.t - aStarting.t).toBeGreaterThanOrEqual(300)
    expect(bStarting.t - aStarting.t).toBeLessThan(3000)
  })
})

describe('update', () => {
  it('added started, removed stopped, changed restarted with a new pid, untouched keeps its pid', async () => {
    const dir = mkTemp('sv-update-')
    const common = { startsecs: 0 }
    const v1 = program('same', { command: 'sleep 101', ...common }) +
      program('changed', { command: 'sleep 102', ...common }) +
      program('removed', { command: 'sleep 103', ...common })
    const { rec, supervisor, file } = await start(v1, dir)
    await Promise.all(['same', 'changed', 'removed'].map((n) => rec.until(n, 'RUNNING')))
    const before = { same: pidOf(supervisor, 'same'), changed: pidOf(supervisor, 'changed'), removed: pidOf(supervisor, 'removed') }
    writeFileSync(file, program('same', { command: 'sleep 101', ...common }) +
      program('changed', { command: 'sleep 202', ...common }) +
      program('added', { command: 'sleep 104', ...common }))
    const result = await supervisor.update()
    expect(result).toMatchObject({ added: ['added'], changed: ['changed'], removed: ['removed'] })
    await rec.until('added', 'RUNNING')
    await rec.until('changed', 'RUNNING', { n: 2 })
    expect(pidOf(supervisor, 'same')).toBe(before.same)
    expect(rec.of('same').map((e) => e.to)).toEqual(['STARTING', 'RUNNING'])
    expect(pidOf(supervisor, 'changed')).not.toBe(before.changed)
    expect(esrch(before.changed)).toBe(true)
    expect(esrch(before.removed)).toBe(true)
    expect(rec.of('removed').map((e) => e.to)).toEqual(['STARTING', 'RUNNING', 'STOPPING', 'STOPPED'])
    expect(supervisor.snapshot().processes.map((p) => p.name).sort()).toEqual(['added', 'changed', 'same'])
  })

  it('an update to a file that no longer loads throws ConfigError and keeps everything running', async () => {
    const { rec, supervisor, file } = await start(program('a', { command: 'sleep 30', startsecs: 0 }))
    await rec.until('a', 'RUNNING')
    const pid = pidOf(supervisor, 'a')
    writeFileSync(file, program('a', { command: 'sleep 30', startsecs: 'soon' }))
    await expect(supervisor.update()).rejects.toBeInstanceOf(ConfigError)
    expect(pidOf(supervisor, 'a')).toBe(pid)
    expect(isAlive(pid)).toBe(true)
  })

  it('loading a bad file throws ConfigError and leaves what ran before untouched', async () => {
    const { rec, supervisor, dir } = await start(program('a', { command: 'sleep 30', startsecs: 0 }))
    await rec.until('a', 'RUNNING')
    const pid = pidOf(supervisor, 'a')
    const bad = writeFile(dir, 'bad.ini', '[program:x]\nautostart=perhaps\n')
    await expect(supervisor.load(bad)).rejects.toBeInstanceOf(ConfigError)
    expect(pidOf(supervisor, 'a')).toBe(pid)
    expect(isAlive(pid)).toBe(true)
  })
})

describe('shutdown', () => {
  it('leaves no process behind, whatever state each is in', async () => {
    const { rec, supervisor, stateDir, file } = await start(
      program('run', { command: 'sleep 30', startsecs: 0 }) +
      program('starting', { command: 'sleep 30', startsecs: 30 }) +
      program('stubborn', { command: fixture('ignore-term.sh'), startsecs: 0, stopwaitsecs: 1 }) +
      program('backoff', { command: 'false', startsecs: 1, startretries: 10 }) +
      program('many', { command: 'sleep 30', startsecs: 0, numprocs: 3, process_name: '%(program_name)s_%(process_num)d' }),
    )
    await Promise.all(['run', 'stubborn', 'many:many_0', 'many:many_1', 'many:many_2'].map((n) => rec.until(n, 'RUNNING')))
    await rec.until('backoff', 'BACKOFF')
    await waitFor(() => pidOf(supervisor, 'starting'))
    // ignore-term.sh says "ready" once its trap is installed.
    const stubbornLog = supervisor.snapshot().processes.find((p) => p.name === 'stubborn')!.stdoutLogfile!
    await waitFor(() => existsSync(stubbornLog) && readFileSync(stubbornLog, 'utf8').includes('ready'))
    const pids = new Set(supervisor.snapshot().processes.map((p) => p.pid).filter((p) => p > 0))
    for (const e of rec.events) if (e.pid > 0) pids.add(e.pid)
    expect(pids.size).toBeGreaterThanOrEqual(6)
    await supervisor.shutdown()
    for (const pid of pids) expect(esrch(pid), `pid ${pid}`).toBe(true)
    // A clean shutdown leaves no run-state file for the next engine to act on.
    expect(existsSync(stateFileFor(stateDir, resolve(file)))).toBe(false)
    const states = Object.fromEntries(supervisor.snapshot().processes.map((p) => [p.name, p.state]))
    expect(states).toMatchObject({ run: 'STOPPED', starting: 'STOPPED', stubborn: 'STOPPED', backoff: 'FATAL' })
    // Nothing is restarted afterwards: a window longer than the first BACKOFF retry (1 s),
    // the one thing that could still fire, to show that it does not.
    const n = rec.events.length
    await new Promise((r) => setTimeout(r, 1300))
    expect(rec.events.length).toBe(n)
  })
})

describe('recovery after the engine was SIGKILLed', () => {
  it('the next engine stops what the killed one left running, before starting anew, and says so', async () => {
    const home = mkTemp('sv-home-')
    const dir = mkTemp('sv-recover-')
    const gcFile = join(dir, 'gc.pid')
    const file = writeFile(dir, 'lab.ini',
      program('alpha', { command: 'sleep 1000', startsecs: 0, priority: 1 }) +
      program('forker', { command: `${fixture('fork-grandchild.sh')} ${gcFile}`, startsecs: 0, priority: 2, stopasgroup: true }))
    const cli = runCli(['supervise', file, '--events', 'jsonl'], { SENTINEL_LAB_HOME: home })
    clis.push(cli)
    const running = await waitFor(() => {
      const ev = jsonLines(cli.stdout()).filter((e) => e.to === 'RUNNING')
      return ev.length >= 2 ? ev : null
    }, { timeout: 10_000, what: `both RUNNING; stderr: ${cli.stderr()}` })
    const oldPids = running.map((e) => e.pid as number)
    const gc = Number(await waitFor(() => readText(gcFile).trim(), { what: 'grandchild pid' }))
    for (const p of [...oldPids, gc]) strays.push(p)
    const stateDir = join(home, 'run')
    const logDir = join(home, 'logs')
    await waitFor(() => existsSync(stateFileFor(stateDir, resolve(file))), { what: 'state file' })

    // While its engine lives, a second engine refuses the same configuration.
    const intruder = new Supervisor({ logDir, stateDir })
    await expect(intruder.load(file)).rejects.toThrow(/already runs/)

    cli.child.kill('SIGKILL')
    await cli.exited
    for (const p of [...oldPids, gc]) expect(isAlive(p), `pid ${p} survives its engine`).toBe(true)

    const next = new Supervisor({ logDir, stateDir })
    supervisors.push(next)
    const rec = new Recorder(next)
    let goneAtFirstStart: boolean[] | null = null
    next.on('transition', (e: TransitionEvent) => {
      if (goneAtFirstStart === null && e.to === 'STARTING') goneAtFirstStart = [...oldPids, gc].map(isGone)
    })
    await next.load(file)
    expect(goneAtFirstStart).toEqual([true, true, true])
    const info = next.snapshot().issues.filter((i) => i.severity === 'info')
    expect(info.length).toBeGreaterThanOrEqual(1)
    for (const p of oldPids) expect(info.map((i) => i.message).join('\n')).toContain(String(p))
    await rec.until('alpha', 'RUNNING')
    await rec.until('forker', 'RUNNING')
    for (const p of ['alpha', 'forker']) expect(oldPids).not.toContain(pidOf(next, p))
  }, 30_000)

  it('an engine SIGKILLed under a parent that never reaps it (a zombie) does not hold its file: the next engine stops its children', async () => {
    const home = mkTemp('sv-home-')
    const dir = mkTemp('sv-zombie-')
    const file = writeFile(dir, 'lab.ini', program('alpha', { command: 'sleep 1000', startsecs: 0 }) + program('beta', { command: 'sleep 1000', startsecs: 0 }))
    const enginePidFile = join(dir, 'engine.pid')
    const parent = spawn('python3', [fixture('no-reap-parent.py'), enginePidFile, process.execPath, CLI, 'supervise', file, '--events', 'jsonl'], {
      env: { ...process.env, SENTINEL_LAB_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    strays.push(parent.pid!)
    let out = ''
    parent.stdout!.on('data', (b: Buffer) => (out += b.toString()))
    const running = await waitFor(() => {
      const ev = jsonLines(out).filter((e) => e.to === 'RUNNING')
      return ev.length >= 2 ? ev : null
    }, { timeout: 10_000, what: 'both RUNNING' })
    const oldPids = running.map((e) => e.pid as number)
    strays.push(...oldPids)
    const engine = Number(readText(enginePidFile))
    await waitFor(() => existsSync(stateFileFor(join(home, 'run'), resolve(file))), { what: 'state file' })

    process.kill(engine, 'SIGKILL')
    await waitFor(() => procState(engine) === 'Z', { what: `engine ${engine} a zombie` })
    for (const p of oldPids) expect(isAlive(p), `pid ${p} survives its engine`).toBe(true)

    // At once, while the dead engine is still in the process table.
    const next = runCli(['supervise', file, '--events', 'jsonl'], { SENTINEL_LAB_HOME: home })
    clis.push(next)
    await waitFor(() => (jsonLines(next.stdout()).filter((e) => e.to === 'RUNNING').length >= 2 ? true : null), {
      timeout: 10_000, what: `the next engine's programs RUNNING; stderr: ${next.stderr()}`,
    })
    expect(procState(engine)).toBe('Z')
    for (const p of oldPids) expect(isGone(p), `pid ${p} stopped by the next engine`).toBe(true)
    const newPids = jsonLines(next.stdout()).filter((e) => e.to === 'RUNNING').map((e) => e.pid as number)
    strays.push(...newPids)

    next.child.kill('SIGTERM')
    expect((await next.exited).code).toBe(0)
    for (const p of [...oldPids, ...newPids]) expect(isGone(p), `pid ${p} left after SIGTERM`).toBe(true)
  }, 30_000)

  it('a pid listed in a forged state file with a different start time is not killed', async () => {
    const dir = mkTemp('sv-forged-')
    const file = writeFile(dir, 'lab.ini', program('a', { command: 'sleep 30', startsecs: 0 }))
    const bystander = spawn('sleep', ['1000'], { stdio: 'ignore' })
    strays.push(bystander.pid!)
    const rest = { logDir: mkTemp('sv-l-'), stateDir: mkTemp('sv-s-') }
    writeFileSync(stateFileFor(rest.stateDir, resolve(file)), JSON.stringify({
      enginePid: 4_000_000, engineStartTime: '12345',
      processes: [
        { name: 'a', pid: bystander.pid, startTime: '1', group: false },
        { name: 'b', pid: bystander.pid, startTime: '1', group: true },
      ],
    }))
    const s = new Supervisor({ logDir: rest.logDir, stateDir: rest.stateDir })
    supervisors.push(s)
    const rec = new Recorder(s)
    await s.load(file)
    // load() finishes recovery before it starts anything: by now the bystander would be dead.
    await rec.until('a', 'RUNNING')
    expect(isAlive(bystander.pid!)).toBe(true)
    expect(bystander.exitCode).toBeNull()
    expect(s.snapshot().issues.map((i) => i.message).join('\n')).not.toContain(String(bystander.pid))
    bystander.kill('SIGKILL')
  })
})
