// The process state machine (supervisord's process.py) on real child processes, driven
// through the Supervisor class and observed through its 'transition' events.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { Supervisor } from '../../src/main/supervisor/supervisor'
import {
  cleanTemps, fixture, isAlive, isGone, killQuietly, mkTemp, newSupervisor, program, readText,
  type Recorder, sleepMs, waitFor, writeFile,
} from './helpers'

let current: { supervisor: Supervisor; rec: Recorder; dir: string }[] = []
const strays: number[] = []

afterEach(async () => {
  for (const { supervisor } of current.splice(0)) await supervisor.shutdown()
  for (const pid of strays.splice(0)) killQuietly(pid)
})
afterAll(cleanTemps)

async function run(text: string): Promise<{ supervisor: Supervisor; rec: Recorder; dir: string; file: string }> {
  const dir = mkTemp('sv-proc-')
  const file = writeFile(dir, 'supervisord.ini', text)
  const { supervisor, rec } = newSupervisor()
  current.push({ supervisor, rec, dir })
  await supervisor.load(file)
  return { supervisor, rec, dir, file }
}

function info(supervisor: Supervisor, name: string) {
  const p = supervisor.snapshot().processes.find((x) => x.name === name)
  if (!p) throw new Error(`no process ${name}`)
  return p
}

describe('simple lifecycles', () => {
  it('`true` with startsecs=0 and autorestart=false: STARTING -> RUNNING -> EXITED (expected, 0)', async () => {
    const { rec } = await run(program('t', { command: 'true', startsecs: 0, autorestart: false }))
    const exited = await rec.until('t', 'EXITED')
    expect(rec.states('t')).toEqual(['STOPPED', 'STARTING', 'RUNNING', 'EXITED'])
    expect(exited).toMatchObject({ exitcode: 0, expected: true })
  })

  it('`false` with startsecs=0 and autorestart=false: EXITED, unexpected, exit code 1', async () => {
    const { rec, supervisor } = await run(program('f', { command: 'false', startsecs: 0, autorestart: false }))
    const exited = await rec.until('f', 'EXITED')
    expect(rec.states('f')).toEqual(['STOPPED', 'STARTING', 'RUNNING', 'EXITED'])
    expect(exited).toMatchObject({ exitcode: 1, expected: false })
    expect(info(supervisor, 'f')).toMatchObject({ state: 'EXITED', exitStatus: 1, pid: 0 })
  })

  it('`sleep` is RUNNING only after startsecs', async () => {
    const { rec, supervisor } = await run(program('s', { command: 'sleep 30', startsecs: 1 }))
    const starting = await rec.until('s', 'STARTING')
    const pid = await waitFor(() => info(supervisor, 's').pid, { what: 'pid' })
    await sleepMs(600)
    expect(info(supervisor, 's').state).toBe('STARTING')
    const running = await rec.until('s', 'RUNNING', { timeout: 3000 })
    expect(running.t - starting.t).toBeGreaterThanOrEqual(950)
    expect(running.t - starting.t).toBeLessThan(2500)
    expect(running.pid).toBe(pid)
    expect(isAlive(running.pid)).toBe(true)
  })

  it('an exit before startsecs is BACKOFF even with an expected exit code', async () => {
    const { rec, supervisor } = await run(program('q', { command: 'true', startsecs: 1, startretries: 0, exitcodes: 0 }))
    await rec.until('q', 'FATAL', { timeout: 5000 })
    expect(rec.states('q')).toEqual(['STOPPED', 'STARTING', 'BACKOFF', 'FATAL'])
    expect(info(supervisor, 'q').spawnError).toMatch(/too quickly/)
  })

  it('retries after 1, 2, 3 s until startretries, then FATAL', async () => {
    const { rec } = await run(program('r', { command: 'false', startsecs: 1, startretries: 3 }))
    await rec.until('r', 'FATAL', { timeout: 15_000 })
    expect(rec.states('r')).toEqual([
      'STOPPED', 'STARTING', 'BACKOFF', 'STARTING', 'BACKOFF', 'STARTING', 'BACKOFF', 'STARTING', 'BACKOFF', 'FATAL',
    ])
    const ev = rec.of('r')
    const gaps: number[] = []
    for (let i = 0; i < ev.length - 1; i++) {
      if (ev[i].to === 'BACKOFF' && ev[i + 1].to === 'STARTING') gaps.push(ev[i + 1].t - ev[i].t)
    }
    expect(gaps).toHaveLength(3)
    gaps.forEach((g, i) => {
      expect(g).toBeGreaterThanOrEqual((i + 1) * 1000 - 50)
      expect(g).toBeLessThan((i + 1) * 1000 + 1500)
    })
    expect(gaps[1]).toBeGreaterThan(gaps[0])
    expect(gaps[2]).toBeGreaterThan(gaps[1])
    // The last BACKOFF goes to FATAL at once: no fourth wait.
    expect(ev[ev.length - 1].t - ev[ev.length - 2].t).toBeLessThan(500)
  }, 20_000)

  it('stop during BACKOFF cancels the retry: STOPPED', async () => {
    const { rec, supervisor } = await run(program('b', { command: 'false', startsecs: 1, startretries: 5 }))
    await rec.until('b', 'BACKOFF')
    supervisor.stop({ kind: 'process', name: 'b' })
    expect(info(supervisor, 'b').state).toBe('STOPPED')
    await sleepMs(1300)
    expect(rec.count('b', 'STARTING')).toBe(1)
  })

  it('restart gives a new pid', async () => {
    const { rec, supervisor } = await run(program('s', { command: 'sleep 30', startsecs: 0 }))
    const first = await rec.until('s', 'RUNNING')
    await supervisor.restart({ kind: 'process', name: 's' })
    const second = await rec.until('s', 'RUNNING', { n: 2 })
    expect(second.pid).not.toBe(first.pid)
    expect(isGone(first.pid)).toBe(true)
  })
})

describe('autorestart and exitcodes', () => {
  it('autorestart=true restarts after an expected exit', async () => {
    const { rec, supervisor } = await run(program('a', { command: 'sh -c "sleep 0.2; exit 0"', startsecs: 0, autorestart: true }))
    await rec.until('a', 'STARTING', { n: 3 })
    supervisor.stop({ kind: 'process', name: 'a' })
    const ex = rec.of('a').filter((e) => e.to === 'EXITED')
    expect(ex.length).toBeGreaterThanOrEqual(2)
    expect(ex.every((e) => e.exitcode === 0 && e.expected === true)).toBe(true)
    expect(rec.states('a').slice(0, 7)).toEqual(['STOPPED', 'STARTING', 'RUNNING', 'EXITED', 'STARTING', 'RUNNING', 'EXITED'])
  })

  it('autorestart=false never restarts, even after an unexpected exit', async () => {
    const { rec } = await run(program('a', { command: 'sh -c "sleep 0.1; exit 3"', startsecs: 0, autorestart: false }))
    const ex = await rec.until('a', 'EXITED')
    expect(ex).toMatchObject({ exitcode: 3, expected: false })
    await sleepMs(500)
    expect(rec.count('a', 'STARTING')).toBe(1)
  })

  it('autorestart=unexpected: an exit code in exitcodes is not restarted', async () => {
    const { rec } = await run(program('a', { command: 'sh -c "sleep 0.1; exit 3"', startsecs: 0, autorestart: 'unexpected', exitcodes: '0,3' }))
    const ex = await rec.until('a', 'EXITED')
    expect(ex).toMatchObject({ exitcode: 3, expected: true })
    await sleepMs(500)
    expect(rec.count('a', 'STARTING')).toBe(1)
  })

  it('autorestart=unexpected: an exit code not in exitcodes is restarted', async () => {
    const { rec, supervisor } = await run(program('a', { command: 'sh -c "sleep 0.1; exit 4"', startsecs: 0, autorestart: 'unexpected', exitcodes: '0,3' }))
    const ex = await rec.until('a', 'EXITED')
    expect(ex).toMatchObject({ exitcode: 4, expected: false })
    await rec.until('a', 'STARTING', { n: 2 })
    supervisor.stop({ kind: 'process', name: 'a' })
  })

  it('a process SIGKILLed while RUNNING is respawned at once (on its exit, not a tick)', async () => {
    const { rec, supervisor } = await run(program('k', { command: 'sleep 30', startsecs: 0 }))
    const running = await rec.until('k', 'RUNNING')
    const killedAt = Date.now()
    process.kill(running.pid, 'SIGKILL')
    const again = await rec.until('k', 'STARTING', { n: 2, timeout: 500 })
    const newPid = await waitFor(() => {
      const p = info(supervisor, 'k').pid
      return p !== 0 && p !== running.pid ? p : null
    }, { timeout: 500, what: 'new pid' })
    expect(Date.now() - killedAt).toBeLessThan(600)
    expect(again.t - killedAt).toBeLessThan(500)
    expect(isAlive(newPid)).toBe(true)
    const exited = rec.of('k').find((e) => e.to === 'EXITED')!
    expect(exited).toMatchObject({ expected: false, exitcode: -1 })
  })
})

describe('stopping and signals', () => {
  it('stop sends stopsignal, then SIGKILL after stopwaitsecs to a process that ignores it', async () => {
    const dir = mkTemp('sv-term-')
    const log = join(dir, 'out.log')
    const { rec, supervisor } = await run(program('stubborn', {
      command: fixture('ignore-term.sh'), startsecs: 0, stopwaitsecs: 1, stdout_logfile: log,
    }))
    const running = await rec.until('stubborn', 'RUNNING')
    await waitFor(() => readText(log).includes('ready'), { what: 'trap installed' })
    supervisor.stop({ kind: 'process', name: 'stubborn' })
    const stopping = await rec.until('stubborn', 'STOPPING')
    await sleepMs(500)
    expect(isAlive(running.pid)).toBe(true)
    const stopped = await rec.until('stubborn', 'STOPPED', { timeout: 4000 })
    expect(stopped.t - stopping.t).toBeGreaterThanOrEqual(950)
    expect(stopped.t - stopping.t).toBeLessThan(3000)
    expect(info(supervisor, 'stubborn').exitDescription).toMatch(/SIGKILL/)
    expect(isGone(running.pid)).toBe(true)
  })

  it('a second stop while STOPPING does not postpone the SIGKILL (supervisord: NOT_RUNNING)', async () => {
    // rpcinterface.stopProcess refuses a process not in RUNNING_STATES (RUNNING, BACKOFF,
    // STARTING): a STOPPING process is not signalled again and its stopwaitsecs deadline holds.
    const dir = mkTemp('sv-term2-')
    const log = join(dir, 'out.log')
    const { rec, supervisor } = await run(program('stubborn', {
      command: fixture('ignore-term.sh'), startsecs: 0, stopwaitsecs: 1, stdout_logfile: log,
    }))
    await rec.until('stubborn', 'RUNNING')
    await waitFor(() => readText(log).includes('ready'), { what: 'trap installed' })
    supervisor.stop({ kind: 'process', name: 'stubborn' })
    const stopping = await rec.until('stubborn', 'STOPPING')
    await sleepMs(600)
    const [again] = supervisor.stop({ kind: 'process', name: 'stubborn' })
    const stopped = await rec.until('stubborn', 'STOPPED', { timeout: 4000 })
    expect(stopped.t - stopping.t).toBeLessThan(1450)
    expect(again.ok).toBe(false)
  })

  it('stopsignal is the signal sent (USR1 here), and the process stops without SIGKILL', async () => {
    const dir = mkTemp('sv-sig-')
    const mark = join(dir, 'got')
    const { rec, supervisor } = await run(program('u', {
      command: `sh -c "trap 'echo usr1 > ${mark}; exit 0' USR1; while :; do sleep 0.05; done"`,
      startsecs: 0, stopsignal: 'USR1', stopwaitsecs: 10,
    }))
    await rec.until('u', 'RUNNING')
    await sleepMs(100)
    supervisor.stop({ kind: 'process', name: 'u' })
    const stopped = await rec.until('u', 'STOPPED', { timeout: 3000 })
    expect(readText(mark).trim()).toBe('usr1')
    expect(stopped.exitcode).toBe(0)
  })

  it('stopasgroup=true reaches a forked grandchild', async () => {
    const dir = mkTemp('sv-grp-')
    const pidfile = join(dir, 'gc.pid')
    const { rec, supervisor } = await run(program('forker', { command: `${fixture('fork-grandchild.sh')} ${pidfile}`, startsecs: 0, stopasgroup: true }))
    const running = await rec.until('forker', 'RUNNING')
    const gc = Number(await waitFor(() => readText(pidfile).trim(), { what: 'grandchild pid' }))
    strays.push(gc)
    expect(isAlive(gc)).toBe(true)
    supervisor.stop({ kind: 'process', name: 'forker' })
    await rec.until('forker', 'STOPPED', { timeout: 3000 })
    expect(isGone(running.pid)).toBe(true)
    await waitFor(() => isGone(gc), { timeout: 1000, what: 'grandchild gone' })
  })

  it('killasgroup=true: the SIGKILL after stopwaitsecs reaches the grandchild of a TERM-ignoring script', async () => {
    const dir = mkTemp('sv-grp-')
    const pidfile = join(dir, 'gc.pid')
    const { rec, supervisor } = await run(program('forker', {
      command: `${fixture('fork-grandchild.sh')} ${pidfile}`, environment: 'IGNORE_TERM=1',
      startsecs: 0, killasgroup: true, stopwaitsecs: 1,
    }))
    await rec.until('forker', 'RUNNING')
    const gc = Number(await waitFor(() => readText(pidfile).trim(), { what: 'grandchild pid' }))
    strays.push(gc)
    supervisor.stop({ kind: 'process', name: 'forker' })
    await rec.until('forker', 'STOPPED', { timeout: 4000 })
    expect(info(supervisor, 'forker').exitDescription).toMatch(/SIGKILL/)
    await waitFor(() => isGone(gc), { timeout: 1000, what: 'grandchild gone' })
  })

  it('without stopasgroup the grandchild outlives the stop (the control for the two tests above)', async () => {
    const dir = mkTemp('sv-grp-')
    const pidfile = join(dir, 'gc.pid')
    const { rec, supervisor } = await run(program('forker', { command: `${fixture('fork-grandchild.sh')} ${pidfile}`, startsecs: 0 }))
    await rec.until('forker', 'RUNNING')
    const gc = Number(await waitFor(() => readText(pidfile).trim(), { what: 'grandchild pid' }))
    strays.push(gc)
    supervisor.stop({ kind: 'process', name: 'forker' })
    await rec.until('forker', 'STOPPED', { timeout: 3000 })
    await sleepMs(200)
    expect(isAlive(gc)).toBe(true)
  })

  it('signal() delivers HUP and USR1 and the process keeps running', async () => {
    const dir = mkTemp('sv-hup-')
    const rec_ = join(dir, 'signals')
    const { rec, supervisor } = await run(program('h', { command: `${fixture('record-signal.sh')} ${rec_}`, startsecs: 0 }))
    const running = await rec.until('h', 'RUNNING')
    await waitFor(() => readText(`${rec_}.ready`).includes('ready'), { what: 'traps installed' })
    expect(supervisor.signal({ kind: 'process', name: 'h' }, 'HUP')).toEqual([{ name: 'h', ok: true, message: null }])
    await waitFor(() => readText(rec_).includes('HUP'), { what: 'HUP recorded' })
    supervisor.signal({ kind: 'process', name: 'h' }, 'SIGUSR1')
    await waitFor(() => readText(rec_).includes('USR1'), { what: 'USR1 recorded' })
    expect(readText(rec_).split('\n').filter(Boolean)).toEqual(['HUP', 'USR1'])
    expect(info(supervisor, 'h')).toMatchObject({ state: 'RUNNING', pid: running.pid })
  })

  it('signal() on a stopped process says it is not running', async () => {
    const { supervisor } = await run(program('n', { command: 'sleep 30', autostart: false }))
    const [o] = supervisor.signal({ kind: 'process', name: 'n' }, 'HUP')
    expect(o.ok).toBe(false)
    expect(o.message).toMatch(/not running/)
  })
})

describe('spawn errors: BACKOFF with a spawnError, then FATAL', () => {
  it('command not found, not executable, a directory, a missing directory=', async () => {
    const dir = mkTemp('sv-spawnerr-')
    const noexec = join(dir, 'noexec.sh')
    writeFileSync(noexec, '#!/bin/sh\necho hi\n')
    chmodSync(noexec, 0o644)
    mkdirSync(join(dir, 'adir'))
    const opts = { startsecs: 1, startretries: 1 }
    const { rec, supervisor } = await run(
      program('notfound', { command: 'no-such-command-xyz --flag', ...opts }) +
      program('abspath', { command: '/nonexistent/bin/thing', ...opts }) +
      program('noexec', { command: noexec, ...opts }) +
      program('isdir', { command: join(dir, 'adir'), ...opts }) +
      program('nodir', { command: 'sleep 30', directory: join(dir, 'missing'), ...opts }),
    )
    const names = ['notfound', 'abspath', 'noexec', 'isdir', 'nodir']
    await Promise.all(names.map((n) => rec.until(n, 'FATAL', { timeout: 6000 })))
    for (const n of names) {
      expect(rec.states(n), n).toEqual(['STOPPED', 'STARTING', 'BACKOFF', 'STARTING', 'BACKOFF', 'FATAL'])
    }
    const err = (n: string): string => info(supervisor, n).spawnError ?? ''
    expect(err('notfound')).toMatch(/can't find command 'no-such-command-xyz'/)
    expect(err('abspath')).toMatch(/can't find command '\/nonexistent\/bin\/thing'/)
    expect(err('noexec')).toMatch(/not executable/)
    expect(err('isdir')).toMatch(/is a directory/)
    expect(err('nodir')).toMatch(/chdir/)
  })
})

describe('PATH lookup', () => {
  it('the command is looked up on the PATH of the program’s environment= (ProcessConfig.get_path)', async () => {
    const dir = mkTemp('sv-path-')
    const bin = join(dir, 'bin')
    mkdirSync(bin)
    const out = join(dir, 'out.log')
    writeFileSync(join(bin, 'only-here-xyz'), '#!/bin/sh\necho found-it\n')
    chmodSync(join(bin, 'only-here-xyz'), 0o755)
    const { rec } = await run(program('p', {
      command: 'only-here-xyz', environment: `PATH="${bin}:/usr/bin:/bin"`, startsecs: 0, autorestart: false, stdout_logfile: out,
    }))
    await rec.until('p', 'EXITED')
    expect(await waitFor(() => readText(out))).toBe('found-it\n')
  })
})

describe('ordering by priority', () => {
  it('starts in ascending priority, stops in descending priority', async () => {
    const { rec, supervisor } = await run(
      program('p30', { command: 'sleep 30', priority: 30, startsecs: 0 }) +
      program('p10', { command: 'sleep 30', priority: 10, startsecs: 0 }) +
      program('p20', { command: 'sleep 30', priority: 20, startsecs: 0 }),
    )
    await Promise.all(['p10', 'p20', 'p30'].map((n) => rec.until(n, 'RUNNING')))
    expect(rec.events.filter((e) => e.to === 'STARTING').map((e) => e.name)).toEqual(['p10', 'p20', 'p30'])
    supervisor.stop({ kind: 'all' })
    await Promise.all(['p10', 'p20', 'p30'].map((n) => rec.until(n, 'STOPPED')))
    expect(rec.events.filter((e) => e.to === 'STOPPING').map((e) => e.name)).toEqual(['p30', 'p20', 'p10'])
    supervisor.start({ kind: 'all' })
    await Promise.all(['p10', 'p20', 'p30'].map((n) => rec.until(n, 'RUNNING', { n: 2 })))
    expect(rec.events.filter((e) => e.to === 'STARTING').map((e) => e.name).slice(3)).toEqual(['p10', 'p20', 'p30'])
    await supervisor.shutdown()
    const stoppings = rec.events.filter((e) => e.to === 'STOPPING').map((e) => e.name)
    expect(stoppings.slice(3)).toEqual(['p30', 'p20', 'p10'])
    // shutdown stops a group only after the previous one is gone
    const ev = rec.events
    const stoppedP30 = ev.findLastIndex((e) => e.name === 'p30' && e.to === 'STOPPED')
    const stoppingP20 = ev.findLastIndex((e) => e.name === 'p20' && e.to === 'STOPPING')
    expect(stoppedP30).toBeLessThan(stoppingP20)
  })
})

describe('what the child gets', () => {
  it('SUPERVISOR_* variables, environment= and [supervisord] environment=, directory= as cwd', async () => {
    const dir = mkTemp('sv-env-')
    const work = join(dir, 'work dir')
    mkdirSync(work)
    const log = join(dir, 'env.log')
    const { rec } = await run(`[supervisord]
environment = GLOBAL_VAR="from supervisord",SHARED=global

[group:grp]
programs = envp

${program('envp', {
  command: fixture('print-env.sh'), directory: work, startsecs: 0, stdout_logfile: log,
  environment: 'FOO="bar, baz",SHARED=own,NUM=%(process_num)d',
})}`)
    await rec.until('grp:envp', 'RUNNING')
    const text = await waitFor(() => (readText(log).includes('END-OF-ENV') ? readText(log) : null), { what: 'env printed' })
    const lines = new Set(text.split('\n'))
    expect(lines).toContain('SUPERVISOR_ENABLED=1')
    expect(lines).toContain('SUPERVISOR_PROCESS_NAME=envp')
    expect(lines).toContain('SUPERVISOR_GROUP_NAME=grp')
    expect(lines).toContain('FOO=bar, baz')
    expect(lines).toContain('SHARED=own')
    expect(lines).toContain('NUM=0')
    expect(lines).toContain('GLOBAL_VAR=from supervisord')
    expect(lines).toContain(`CWD=${work}`)
  })

  it('commands are split like a shell without running one', async () => {
    const dir = mkTemp('sv-split-')
    const q = join(dir, 'quotes.log')
    const h = join(dir, 'home.log')
    const { rec } = await run(
      program('quotes', { command: `echo "a b" 'c'  d`, startsecs: 0, autorestart: false, stdout_logfile: q }) +
      program('home', { command: 'echo $HOME *', startsecs: 0, autorestart: false, stdout_logfile: h }),
    )
    await rec.until('quotes', 'EXITED')
    await rec.until('home', 'EXITED')
    expect(await waitFor(() => readText(q))).toBe('a b c d\n')
    expect(await waitFor(() => readText(h))).toBe('$HOME *\n')
  })

  it('stderr goes to its own log, or to the stdout log with redirect_stderr', async () => {
    const dir = mkTemp('sv-stderr-')
    const o1 = join(dir, 'o1.log')
    const e1 = join(dir, 'e1.log')
    const o2 = join(dir, 'o2.log')
    const cmd = `sh -c "echo out; echo err >&2"`
    const { rec } = await run(
      program('sep', { command: cmd, startsecs: 0, autorestart: false, stdout_logfile: o1, stderr_logfile: e1 }) +
      program('red', { command: cmd, startsecs: 0, autorestart: false, stdout_logfile: o2, redirect_stderr: true }),
    )
    await rec.until('sep', 'EXITED')
    await rec.until('red', 'EXITED')
    await waitFor(() => readText(o1) === 'out\n' && readText(e1) === 'err\n', { what: 'separate logs' })
    const merged = await waitFor(() => (readText(o2).split('\n').length === 3 ? readText(o2) : null), { what: 'merged log' })
    expect(merged.split('\n').filter(Boolean).sort()).toEqual(['err', 'out'])
  })
})
