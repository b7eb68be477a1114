// `sentinel-lab supervise`: help, exit codes, --events jsonl, and signals (built CLI, real processes).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CLI, cleanTemps, fixture, isGone, jsonLines, killQuietly, mkTemp, program, runCli, type CliRun, waitFor, writeFile } from './helpers'

const clis: CliRun[] = []
const strays: number[] = []

beforeAll(() => {
  if (!existsSync(join(CLI, '..', '..', 'out', 'main', 'cli.js'))) {
    throw new Error('out/main/cli.js is missing: run `npx electron-vite build` first (npm test does)')
  }
})
afterEach(async () => {
  for (const c of clis.splice(0)) {
    if (c.child.exitCode === null && c.child.signalCode === null) {
      c.child.kill('SIGTERM')
      await c.exited
    }
  }
  for (const pid of strays.splice(0)) killQuietly(pid, 'SIGKILL')
})
afterAll(cleanTemps)

function cli(args: string[]): CliRun {
  const home = mkTemp('sv-cli-home-')
  const run = runCli(args, { SENTINEL_LAB_HOME: home })
  clis.push(run)
  return run
}

describe('supervise', () => {
  it('--help exits 0 and documents --events', async () => {
    const run = cli(['supervise', '--help'])
    const { code } = await run.exited
    expect(code).toBe(0)
    expect(run.stdout()).toContain('--events')
    expect(run.stdout()).toContain('jsonl')
    expect(run.stdout()).toMatch(/supervise FILE/)
  })

  it('a bad file exits 2 with file:line on stderr', async () => {
    const dir = mkTemp('sv-cli-bad-')
    const file = writeFile(dir, 'bad.ini', '[program:a]\ncommand=sleep 1\nstartsecs=later\n')
    const run = cli(['supervise', file])
    const { code } = await run.exited
    expect(code).toBe(2)
    expect(run.stderr()).toContain(`${file}:3`)
    expect(run.stderr()).toContain('startsecs')
    expect(run.stdout()).toBe('')
  })

  it('a file that does not exist exits 2', async () => {
    const run = cli(['supervise', '/nonexistent-xyz/none.ini'])
    expect((await run.exited).code).toBe(2)
    expect(run.stderr()).toContain('/nonexistent-xyz/none.ini')
  })

  it('--events with something other than jsonl exits 2', async () => {
    const dir = mkTemp('sv-cli-')
    const file = writeFile(dir, 'a.ini', program('a', { command: 'sleep 30' }))
    const run = cli(['supervise', file, '--events', 'xml'])
    expect((await run.exited).code).toBe(2)
  })

  it('--events jsonl prints JSON lines with exactly t, name, from, to, pid, exitcode, expected', async () => {
    const dir = mkTemp('sv-cli-')
    const file = writeFile(dir, 'a.ini',
      program('ok', { command: 'sh -c "sleep 0.2; exit 0"', startsecs: 0, autorestart: false }) +
      program('bad', { command: 'sh -c "sleep 0.2; exit 5"', startsecs: 0, autorestart: false }))
    const run = cli(['supervise', file, '--events', 'jsonl'])
    const ev = await waitFor(() => {
      const e = jsonLines(run.stdout())
      return e.filter((x) => x.to === 'EXITED').length === 2 ? e : null
    }, { timeout: 10_000, what: `two EXITED; stderr: ${run.stderr()}` })
    for (const e of ev) {
      expect(Object.keys(e).sort()).toEqual(['exitcode', 'expected', 'from', 'name', 'pid', 't', 'to'])
      expect(typeof e.t).toBe('number')
      expect(typeof e.pid).toBe('number')
    }
    const lines = run.stdout().split('\n').filter(Boolean)
    expect(lines.length).toBe(ev.length)
    expect(ev.find((e) => e.name === 'ok' && e.to === 'EXITED')).toMatchObject({ from: 'RUNNING', exitcode: 0, expected: true })
    expect(ev.find((e) => e.name === 'bad' && e.to === 'EXITED')).toMatchObject({ from: 'RUNNING', exitcode: 5, expected: false })
    expect(ev.find((e) => e.name === 'ok' && e.to === 'RUNNING')).toMatchObject({ from: 'STARTING', exitcode: null, expected: null })
    expect((ev.find((e) => e.name === 'ok' && e.to === 'RUNNING')!.pid as number)).toBeGreaterThan(0)
  })

  it.each(['SIGTERM', 'SIGINT'] as const)('%s stops every program in descending priority; exit 0; no child left', async (sig) => {
    const dir = mkTemp('sv-cli-sig-')
    const file = writeFile(dir, 'lab.ini',
      program('low', { command: 'sleep 1000', startsecs: 0, priority: 1 }) +
      program('high', { command: 'sleep 1000', startsecs: 0, priority: 300 }) +
      program('mid', { command: fixture('ignore-term.sh'), startsecs: 0, priority: 20, stopwaitsecs: 1, stdout_logfile: join(dir, 'mid.log') }) +
      program('pair', { command: 'sleep 1000', startsecs: 0, priority: 50, numprocs: 2, process_name: 'pair%(process_num)d' }))
    const run = cli(['supervise', file, '--events', 'jsonl'])
    const running = await waitFor(() => {
      const e = jsonLines(run.stdout()).filter((x) => x.to === 'RUNNING')
      return e.length === 5 ? e : null
    }, { timeout: 10_000, what: `5 RUNNING; stderr: ${run.stderr()}` })
    const pids = running.map((e) => e.pid as number)
    for (const p of pids) strays.push(p)
    // ignore-term.sh says "ready" once its trap is installed.
    await waitFor(() => existsSync(join(dir, 'mid.log')) && readFileSync(join(dir, 'mid.log'), 'utf8').includes('ready'))
    run.child.kill(sig)
    const { code } = await run.exited
    expect(code).toBe(0)
    const ev = jsonLines(run.stdout())
    const stopping = ev.filter((e) => e.to === 'STOPPING').map((e) => e.name)
    expect(stopping).toEqual(['high', 'pair:pair1', 'pair:pair0', 'mid', 'low'])
    expect(ev.filter((e) => e.to === 'STOPPED').map((e) => e.name).sort()).toEqual(['high', 'low', 'mid', 'pair:pair0', 'pair:pair1'])
    for (const p of pids) expect(isGone(p), `pid ${p}`).toBe(true)
  }, 20_000)
})

describe('sentinel-lab --version', () => {
  it("prints package.json's version from the built CLI", async () => {
    const run = cli(['--version'])
    const { code } = await run.exited
    expect(code).toBe(0)
    const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as { version: string }
    expect(run.stdout().trim()).toBe(pkg.version)
  })
})
