// The .ini loader against supervisord 4.2's options.py: every [program:x] option with its
// default and a set value, groups, includes, comments, expansions, and located errors.
import { hostname, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { existsSync, mkdirSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, loadSupervisorConfig, type SupervisorConfig } from '../../src/main/supervisor/config-loader'
import type { ProcessConfig } from '../../src/main/supervisor/program-config'
import { cleanTemps, mkTemp, writeFile } from './helpers'

afterAll(cleanTemps)

const ENV = { HOME: '/home/tester', PATH: '/usr/bin:/bin', X: 'ex' }

function load(text: string, opts: { env?: NodeJS.ProcessEnv; logDir?: string } = {}): { cfg: SupervisorConfig; file: string; dir: string } {
  const dir = mkTemp('sv-cfg-')
  const file = writeFile(dir, 'supervisord.ini', text)
  const cfg = loadSupervisorConfig(file, { env: opts.env ?? ENV, logDir: opts.logDir ?? join(dir, 'logs') })
  return { cfg, file, dir }
}

function procs(cfg: SupervisorConfig): ProcessConfig[] {
  return cfg.groups.flatMap((g) => g.processes)
}

function one(text: string, opts?: { env?: NodeJS.ProcessEnv; logDir?: string }): ProcessConfig {
  const p = procs(load(text, opts).cfg)
  expect(p).toHaveLength(1)
  return p[0]
}

/** Loads `text`, expects a ConfigError, returns it with the file it was written to. */
function loadError(text: string, env: NodeJS.ProcessEnv = ENV): { err: ConfigError; file: string } {
  const dir = mkTemp('sv-cfg-bad-')
  const file = writeFile(dir, 'bad.ini', text)
  let result: SupervisorConfig | undefined
  let caught: unknown
  try {
    result = loadSupervisorConfig(file, { env, logDir: dir })
  } catch (e) {
    caught = e
  }
  expect(result).toBeUndefined()
  expect(caught).toBeInstanceOf(ConfigError)
  return { err: caught as ConfigError, file }
}

function expectLocated(text: string, line: number, section: string | null, key: string | null, message?: RegExp): ConfigError {
  const { err, file } = loadError(text)
  expect(err.issue.severity).toBe('error')
  expect(err.issue.file).toBe(file)
  expect(err.issue.line).toBe(line)
  expect(err.issue.section).toBe(section)
  expect(err.issue.key).toBe(key)
  expect(err.message).toContain(`${file}:${line}`)
  if (section) expect(err.message).toContain(`[${section}]`)
  if (key) expect(err.message).toContain(key)
  if (message) expect(err.issue.message).toMatch(message)
  return err
}

describe('[program:x] defaults (options.py processes_from_section)', () => {
  it('every option has supervisord’s default', () => {
    const { cfg } = load('[program:web]\ncommand=/bin/true\n', { logDir: '/tmp/sv-auto-logs' })
    const p = procs(cfg)[0]
    expect(p.name).toBe('web')
    expect(p.group).toBe('web')
    expect(p.program).toBe('web')
    expect(p.command).toBe('/bin/true')
    expect(p.directory).toBeNull()
    expect(p.environment).toEqual({})
    expect(p.priority).toBe(999)
    expect(p.autostart).toBe(true)
    expect(p.autorestart).toBe('unexpected')
    expect(p.startsecs).toBe(1)
    expect(p.startretries).toBe(3)
    expect(p.exitcodes).toEqual([0])
    expect(p.stopsignal).toBe('SIGTERM')
    expect(p.stopwaitsecs).toBe(10)
    expect(p.stopasgroup).toBe(false)
    expect(p.killasgroup).toBe(false)
    expect(p.redirectStderr).toBe(false)
    expect(p.stdout.maxbytes).toBe(50 * 1024 * 1024)
    expect(p.stdout.backups).toBe(10)
    expect(p.stderr.maxbytes).toBe(50 * 1024 * 1024)
    expect(p.stderr.backups).toBe(10)
    // AUTO: a file per channel in the child log dir.
    expect(dirname(p.stdout.file!)).toBe('/tmp/sv-auto-logs')
    expect(dirname(p.stderr.file!)).toBe('/tmp/sv-auto-logs')
    expect(p.stdout.file).toContain('web')
    expect(p.stdout.file).toContain('stdout')
    expect(p.stderr.file).toContain('stderr')
    expect(p.dependsOn).toEqual([])
    expect(p.readyPort).toBeNull()
    expect(cfg.groups).toHaveLength(1)
    expect(cfg.groups[0].priority).toBe(999)
  })
})

describe('[program:x] set values', () => {
  it('command, directory, priority, autostart, startsecs, startretries, stopwaitsecs', () => {
    const p = one(`[program:a]
command = /usr/bin/redis-server /etc/redis.conf --port 6380
directory = /tmp
priority = 5
autostart = false
startsecs = 0
startretries = 7
stopwaitsecs = 3
`)
    expect(p.command).toBe('/usr/bin/redis-server /etc/redis.conf --port 6380')
    expect(p.directory).toBe('/tmp')
    expect(p.priority).toBe(5)
    expect(p.autostart).toBe(false)
    expect(p.startsecs).toBe(0)
    expect(p.startretries).toBe(7)
    expect(p.stopwaitsecs).toBe(3)
  })

  it.each([
    ['true', true], ['yes', true], ['on', true], ['1', true], ['TRUE', true],
    ['false', false], ['no', false], ['off', false], ['0', false],
  ])('boolean %s -> %s', (v, expected) => {
    expect(one(`[program:a]\ncommand=x\nautostart=${v}\nredirect_stderr=${v}\n`)).toMatchObject({ autostart: expected, redirectStderr: expected })
  })

  it.each([
    ['true', 'true'], ['false', 'false'], ['unexpected', 'unexpected'], ['UNEXPECTED', 'unexpected'], ['yes', 'true'], ['0', 'false'],
  ])('autorestart=%s', (v, expected) => {
    expect(one(`[program:a]\ncommand=x\nautorestart=${v}\n`).autorestart).toBe(expected)
  })

  it('environment: quotes protect commas and spaces; [supervisord] environment is merged, the program wins', () => {
    const p = one(`[supervisord]
environment = GLOBAL="g,1",SHARED=global

[program:a]
command = x
environment = A="x,y",B='q r',C=plain,SHARED=own,PATHS=/a/b:/c
`)
    expect(p.environment).toEqual({ GLOBAL: 'g,1', SHARED: 'own', A: 'x,y', B: 'q r', C: 'plain', PATHS: '/a/b:/c' })
  })

  it('exitcodes', () => {
    expect(one('[program:a]\ncommand=x\nexitcodes=0,2, 3\n').exitcodes).toEqual([0, 2, 3])
    expect(one('[program:a]\ncommand=x\nexitcodes=255\n').exitcodes).toEqual([255])
  })

  it.each([
    ['TERM', 'SIGTERM'], ['HUP', 'SIGHUP'], ['sigint', 'SIGINT'], ['SIGQUIT', 'SIGQUIT'], ['kill', 'SIGKILL'],
    ['9', 'SIGKILL'], ['15', 'SIGTERM'], ['1', 'SIGHUP'], ['USR1', 'SIGUSR1'],
  ])('stopsignal=%s -> %s', (v, expected) => {
    expect(one(`[program:a]\ncommand=x\nstopsignal=${v}\n`).stopsignal).toBe(expected)
  })

  it('stopasgroup=true implies killasgroup=true; killasgroup alone', () => {
    expect(one('[program:a]\ncommand=x\nstopasgroup=true\n')).toMatchObject({ stopasgroup: true, killasgroup: true })
    expect(one('[program:a]\ncommand=x\nkillasgroup=true\n')).toMatchObject({ stopasgroup: false, killasgroup: true })
    expect(one('[program:a]\ncommand=x\nstopasgroup=true\nkillasgroup=true\n')).toMatchObject({ stopasgroup: true, killasgroup: true })
  })

  it('stopasgroup=true with killasgroup=false is an error located at killasgroup', () => {
    expectLocated('[program:a]\ncommand=x\nstopasgroup=true\nkillasgroup=false\n', 4, 'program:a', 'killasgroup', /stopasgroup/)
  })

  it('numprocs, numprocs_start and process_name with %(process_num)02d', () => {
    const { cfg } = load(`[program:worker]
command = /bin/worker --id %(process_num)d --of %(numprocs)d
process_name = %(program_name)s_%(process_num)02d
numprocs = 3
numprocs_start = 8
`)
    const p = procs(cfg)
    expect(cfg.groups).toHaveLength(1)
    expect(cfg.groups[0].name).toBe('worker')
    expect(p.map((x) => x.name)).toEqual(['worker_08', 'worker_09', 'worker_10'])
    expect(p.map((x) => x.command)).toEqual([
      '/bin/worker --id 8 --of 3', '/bin/worker --id 9 --of 3', '/bin/worker --id 10 --of 3',
    ])
    expect(p.every((x) => x.group === 'worker' && x.program === 'worker')).toBe(true)
  })

  it('redirect_stderr, stdout/stderr logfiles, _maxbytes sizes and _backups', () => {
    const dir = mkTemp('sv-logs-')
    const p = one(`[program:a]
command = x
stdout_logfile = ${dir}/a.out.log
stdout_logfile_maxbytes = 10MB
stdout_logfile_backups = 3
stderr_logfile = ${dir}/a.err.log
stderr_logfile_maxbytes = 1KB
stderr_logfile_backups = 0
`)
    expect(p.stdout).toEqual({ file: `${dir}/a.out.log`, maxbytes: 10 * 1024 * 1024, backups: 3 })
    expect(p.stderr).toEqual({ file: `${dir}/a.err.log`, maxbytes: 1024, backups: 0 })
    for (const [v, n] of [['1kb', 1024], ['2GB', 2 * 1024 ** 3], ['12345', 12345], ['0', 0]] as const) {
      expect(one(`[program:a]\ncommand=x\nstdout_logfile_maxbytes=${v}\n`).stdout.maxbytes).toBe(n)
    }
    const r = one(`[program:a]\ncommand=x\nredirect_stderr=true\nstdout_logfile=${dir}/r.log\n`)
    expect(r.redirectStderr).toBe(true)
    expect(r.stdout.file).toBe(`${dir}/r.log`)
    expect(r.stderr.file).toBeNull()
  })

  it('redirect_stderr with a stderr_logfile filename warns that it is ignored', () => {
    const dir = mkTemp('sv-logs-')
    const { cfg } = load(`[program:a]\ncommand=x\nredirect_stderr=true\nstderr_logfile=${dir}/e.log\n`)
    expect(procs(cfg)[0].stderr.file).toBeNull()
    expect(cfg.issues.some((i) => i.severity === 'warning' && i.key === 'stderr_logfile' && i.line === 4)).toBe(true)
  })

  it('AUTO and NONE logfiles (case-insensitive), OFF is NONE', () => {
    const logDir = mkTemp('sv-auto-')
    const p = one('[program:a]\ncommand=x\nstdout_logfile=auto\nstderr_logfile=NONE\n', { logDir })
    expect(dirname(p.stdout.file!)).toBe(logDir)
    expect(p.stderr.file).toBeNull()
    expect(one('[program:a]\ncommand=x\nstdout_logfile=None\nstderr_logfile=off\n')).toMatchObject({
      stdout: { file: null }, stderr: { file: null },
    })
  })

  it('AUTO logfiles go to [supervisord] childlogdir when set', () => {
    const d = mkTemp('sv-child-')
    const p = one(`[supervisord]\nchildlogdir=${d}\n[program:a]\ncommand=x\n`)
    expect(dirname(p.stdout.file!)).toBe(d)
  })

  it('depends_on and ready_port', () => {
    const { cfg } = load(`[program:a]
command=x
ready_port=6380
[program:b]
command=y
depends_on=a
[program:c]
command=z
depends_on = a, b
`)
    const [a, b, c] = procs(cfg).sort((x, y) => x.name.localeCompare(y.name))
    expect(a.readyPort).toBe(6380)
    expect(a.dependsOn).toEqual([])
    expect(b.dependsOn).toEqual(['a'])
    expect(b.readyPort).toBeNull()
    expect(c.dependsOn).toEqual(['a', 'b'])
  })

  it('an unknown key is a warning naming file, line and key', () => {
    const { cfg, file } = load('[program:a]\ncommand=x\nautostrat=true\n')
    expect(cfg.issues).toContainEqual(expect.objectContaining({ severity: 'warning', file, line: 3, section: 'program:a', key: 'autostrat' }))
  })
})

describe('groups and ordering', () => {
  it('[group:x] programs= and priority; members keep their own priority and the programs= order', () => {
    const { cfg } = load(`[group:redis]
programs = master,replica
priority = 10

[program:master]
command = m
priority = 2

[program:replica]
command = r
priority = 1

[program:solo]
command = s
priority = 5
`)
    expect(cfg.groups.map((g) => [g.name, g.priority])).toEqual([['solo', 5], ['redis', 10]])
    const redis = cfg.groups.find((g) => g.name === 'redis')!
    // options.py: group_processes.extend(...) per program in programs= order, not re-sorted.
    expect(redis.processes.map((p) => [p.name, p.group, p.priority])).toEqual([['master', 'redis', 2], ['replica', 'redis', 1]])
  })

  it('a group naming an unknown program is a located error', () => {
    expectLocated('[group:g]\nprograms=a,nope\n[program:a]\ncommand=x\n', 2, 'group:g', 'programs', /nope/)
  })

  it('groups of equal priority are ordered by name, as supervisord sorts its configs (Config.__lt__)', () => {
    // options.py: groups.sort() with Config.__lt__ comparing (priority, name).
    const { cfg } = load('[program:zeta]\ncommand=x\n[program:alpha]\ncommand=y\n[program:mid]\ncommand=z\n')
    expect(cfg.groups.map((g) => g.name)).toEqual(['alpha', 'mid', 'zeta'])
  })
})

describe('[include] and folders', () => {
  it('several space-separated globs relative to the including file, sorted, sections merged', () => {
    const dir = mkTemp('sv-inc-')
    const main = join(dir, 'etc')
    mkdirSync(join(main, 'conf.d'), { recursive: true })
    mkdirSync(join(main, 'more'), { recursive: true })
    const file = writeFile(main, 'supervisord.ini', `[supervisord]
[include]
files = conf.d/*.ini more/*.conf nothing/*.ini

[program:a]
command = main-a
priority = 1
`)
    writeFile(join(main, 'conf.d'), 'b.ini', '[program:b]\ncommand = %(here)s/b\n')
    writeFile(join(main, 'conf.d'), 'a.ini', '[program:a]\npriority = 3\nautostart = false\n')
    writeFile(join(main, 'more'), 'c.conf', '[program:c]\ncommand = c\n[program:b]\nstartsecs = 4\n')
    writeFile(join(main, 'more'), 'ignored.ini', '[program:ignored]\ncommand = no\n')
    // Relative to the including file, not to the current directory.
    const cwd = process.cwd()
    process.chdir(tmpdir())
    let cfg: SupervisorConfig
    try {
      cfg = loadSupervisorConfig(file, { env: ENV, logDir: dir })
    } finally {
      process.chdir(cwd)
    }
    expect(cfg.files).toEqual([file, join(main, 'conf.d/a.ini'), join(main, 'conf.d/b.ini'), join(main, 'more/c.conf')])
    const byName = Object.fromEntries(procs(cfg).map((p) => [p.name, p]))
    expect(Object.keys(byName).sort()).toEqual(['a', 'b', 'c'])
    // Merged: the included a.ini overrides priority and adds autostart; command stays.
    expect(byName.a).toMatchObject({ command: 'main-a', priority: 3, autostart: false })
    expect(byName.b).toMatchObject({ command: `${join(main, 'conf.d')}/b`, startsecs: 4 })
    const warn = cfg.issues.filter((i) => i.severity === 'warning')
    expect(warn).toHaveLength(1)
    expect(warn[0]).toMatchObject({ file, line: 3, section: 'include', key: 'files' })
    expect(warn[0].message).toContain('nothing')
  })

  it('an include of a missing directory is a warning (supervisord: glob matches nothing), not an error', () => {
    const { cfg, file } = load('[include]\nfiles = /nonexistent-dir-xyz/*.ini\n[program:a]\ncommand=x\n')
    expect(cfg.issues).toContainEqual(expect.objectContaining({ severity: 'warning', file, line: 2, key: 'files' }))
    expect(procs(cfg)).toHaveLength(1)
  })

  it('[include] without files= is a located error', () => {
    expectLocated('[include]\nfoo=bar\n[program:a]\ncommand=x\n', 1, 'include', 'files')
  })

  it('a folder opened directly reads every *.ini and *.conf in it, sorted', () => {
    const dir = mkTemp('sv-folder-')
    writeFile(dir, 'b.ini', '[program:b]\ncommand=b\n')
    writeFile(dir, 'a.conf', '[program:a]\ncommand=a\n[program:b]\npriority=4\n')
    writeFile(dir, 'notes.txt', '[program:txt]\ncommand=t\n')
    const cfg = loadSupervisorConfig(dir, { env: ENV, logDir: dir })
    expect(cfg.files).toEqual([join(dir, 'a.conf'), join(dir, 'b.ini')])
    expect(procs(cfg).map((p) => [p.name, p.priority])).toEqual([['b', 4], ['a', 999]].sort((x, y) => (x[1] as number) - (y[1] as number)))
  })

  it('an empty folder is an error', () => {
    const dir = mkTemp('sv-empty-')
    expect(() => loadSupervisorConfig(dir, { env: ENV })).toThrow(ConfigError)
  })
})

describe('comments and continuation lines (RawConfigParser, inline_comment_prefixes=;#)', () => {
  it('a;b kept, a ;b cut, a #b cut, a#b kept, full-line ; and # comments', () => {
    const { cfg } = load(`; a comment
# another
[program:p1]
command=echo a;b
[program:p2]
command=echo a ;b
[program:p3]
command=echo a #b
[program:p4]
command=echo a#b
  ; indented comment line
[program:p5]
command=echo x	;tab before
`)
    const c = Object.fromEntries(procs(cfg).map((p) => [p.name, p.command]))
    expect(c).toEqual({ p1: 'echo a;b', p2: 'echo a', p3: 'echo a', p4: 'echo a#b', p5: 'echo x' })
  })

  it('quotes do not protect a comment: configparser knows no quotes', () => {
    expect(one('[program:a]\ncommand=sh -c "echo a ;b"\n').command).toBe('sh -c "echo a')
  })

  it('an indented line continues the value', () => {
    const p = one(`[program:a]
command = /bin/server
    --port 1
    --verbose
environment = A=1,
  B="two, three"
`)
    expect(p.command).toBe('/bin/server\n--port 1\n--verbose')
    expect(p.environment).toEqual({ A: '1', B: 'two, three' })
  })

  it('keys are case-insensitive; ":" separates too', () => {
    expect(one('[program:a]\nCommand: /bin/x\nAutoStart = false\n')).toMatchObject({ command: '/bin/x', autostart: false })
  })
})

describe('expansions', () => {
  it('%(program_name)s, %(process_num)d, %(process_num)02d, %(group_name)s, %(host_node_name)s, %(numprocs)d, %%', () => {
    const { cfg } = load(`[group:grp]
programs = w

[program:w]
command = run %(program_name)s %(process_num)d %(process_num)02d %(group_name)s %(host_node_name)s %(numprocs)d 100%% %%(x)s
process_name = %(program_name)s-%(process_num)d
numprocs = 2
numprocs_start = 1
`)
    const p = procs(cfg)
    expect(p.map((x) => x.name)).toEqual(['w-1', 'w-2'])
    expect(p[0].command).toBe(`run w 1 01 grp ${hostname()} 2 100% %(x)s`)
    expect(p[1].command).toBe(`run w 2 02 grp ${hostname()} 2 100% %(x)s`)
    expect(p[0].group).toBe('grp')
  })

  it('%(here)s is the folder of the file that sets the option (included files: their own)', () => {
    const dir = mkTemp('sv-here-')
    mkdirSync(join(dir, 'sub'))
    const file = writeFile(dir, 'main.ini', `[include]
files = sub/*.ini
[program:m]
command = %(here)s/m
directory = %(here)s
`)
    writeFile(join(dir, 'sub'), 'x.ini', '[program:s]\ncommand = %(here)s/s\nstdout_logfile = %(here)s/s.log\n')
    const cfg = loadSupervisorConfig(file, { env: ENV, logDir: dir })
    const byName = Object.fromEntries(procs(cfg).map((p) => [p.name, p]))
    expect(byName.m.command).toBe(`${dir}/m`)
    expect(byName.m.directory).toBe(dir)
    expect(byName.s.command).toBe(`${dir}/sub/s`)
    expect(byName.s.stdout.file).toBe(`${dir}/sub/s.log`)
  })

  it('%(ENV_X)s from the environment, from [supervisord] environment= and from the program’s environment=', () => {
    const p = one(`[supervisord]
environment = FROMSV=sv-value

[program:a]
environment = OWN=own-value
command = run %(ENV_X)s %(ENV_HOME)s %(ENV_FROMSV)s %(ENV_OWN)s
directory = %(ENV_HOME)s
`)
    expect(p.command).toBe('run ex /home/tester sv-value own-value')
    expect(p.directory).toBe('/home/tester')
  })

  it('%(process_num)d in priority= is an error: supervisord reads priority before process_num exists', () => {
    const err = expectLocated('[program:a]\ncommand=x\nprocess_name=a%(process_num)d\nnumprocs=2\npriority=%(process_num)d\n', 5, 'program:a', 'priority', /process_num/)
    expect(err.message).toContain('process_num')
  })

  it('an unknown expansion name is a located error listing what is available', () => {
    const err = expectLocated('[program:a]\n\ncommand=echo %(nope)s\n', 3, 'program:a', 'command', /nope/)
    expect(err.issue.message).toContain('program_name')
  })

  it('an ENV_ name that is not set is an error', () => {
    expectLocated('[program:a]\ncommand=echo %(ENV_NOT_SET_ANYWHERE)s\n', 2, 'program:a', 'command', /ENV_NOT_SET_ANYWHERE/)
  })
})

describe('other sections are read without error', () => {
  it('[supervisord], [unix_http_server], [supervisorctl], [rpcinterface:supervisor], [eventlistener:x]', () => {
    const { cfg } = load(`[unix_http_server]
file=/tmp/supervisor.sock
chmod=0700

[supervisord]
logfile=/tmp/supervisord.log
pidfile=/tmp/supervisord.pid
nodaemon=true

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix:///tmp/supervisor.sock

[eventlistener:listener]
command=/bin/cat
events=PROCESS_STATE

[program:a]
command=/bin/true
`)
    expect(procs(cfg).map((p) => p.name)).toEqual(['a'])
    expect(cfg.issues.filter((i) => i.severity !== 'info')).toEqual([])
  })
})

describe('located errors: file, line, section, key; nothing is returned', () => {
  it.each([
    ['bad boolean', '[program:a]\ncommand=x\nautostart=maybe\n', 3, 'program:a', 'autostart', /maybe/],
    ['bad integer', '[program:a]\ncommand=x\n\nstartsecs=1.5\n', 4, 'program:a', 'startsecs', /1\.5/],
    ['bad integer (priority)', '[program:a]\npriority=high\ncommand=x\n', 2, 'program:a', 'priority', /high/],
    ['bad size', '[program:a]\ncommand=x\nstdout_logfile_maxbytes=10XB\n', 3, 'program:a', 'stdout_logfile_maxbytes', /10XB/],
    ['bad backups', '[program:a]\ncommand=x\nstderr_logfile_backups=many\n', 3, 'program:a', 'stderr_logfile_backups', /many/],
    ['bad signal name', '[program:a]\ncommand=x\nstopsignal=BOGUS\n', 3, 'program:a', 'stopsignal', /BOGUS/],
    ['bad signal number', '[program:a]\ncommand=x\nstopsignal=99\n', 3, 'program:a', 'stopsignal', /99/],
    ['bad exit code', '[program:a]\ncommand=x\nexitcodes=0,256\n', 3, 'program:a', 'exitcodes', /256/],
    ['bad exit code (word)', '[program:a]\ncommand=x\nexitcodes=zero\n', 3, 'program:a', 'exitcodes', /zero/],
    ['bad autorestart', '[program:a]\ncommand=x\nautorestart=sometimes\n', 3, 'program:a', 'autorestart', /sometimes/],
    ['numprocs>1 without process_num', '[program:a]\ncommand=x\nnumprocs=2\n', 1, 'program:a', 'process_name', /process_num/],
    ['environment without =', '[program:a]\ncommand=x\nenvironment=A=1,B\n', 3, 'program:a', 'environment', /key\/value/],
    ['a bad ready_port', '[program:a]\ncommand=x\nready_port=70000\n', 3, 'program:a', 'ready_port', /70000/],
  ])('%s', (_what, text, line, section, key, message) => {
    expectLocated(text, line, section, key, message)
  })

  it('numprocs>1 without process_num points at process_name when it is set', () => {
    expectLocated('[program:a]\ncommand=x\nprocess_name=fixed\nnumprocs=2\n', 3, 'program:a', 'process_name', /process_num/)
  })

  it('missing command names the section', () => {
    expectLocated('[program:ok]\ncommand=x\n\n[program:nocmd]\nautostart=true\n', 4, 'program:nocmd', 'command', /command/)
  })

  it.each([
    ['space', '[program:a b]\ncommand=x\n', "' '"],
    ['colon', '[program:a:b]\ncommand=x\n', "':'"],
  ])('a program name with a %s', (_what, text, char) => {
    const { err, file } = loadError(text)
    expect(err.issue).toMatchObject({ file, line: 1 })
    expect(err.issue.section).toMatch(/^program:a/)
    expect(err.issue.message).toContain(char)
  })

  it('a line without "=" names file, line and the section it is in', () => {
    const { err, file } = loadError('[program:a]\ncommand=x\nthis is not an option\n')
    expect(err.issue).toMatchObject({ file, line: 3 })
    expect(err.message).toContain(`${file}:3`)
    expect(err.message).toContain('program:a')
  })

  it('a file without a section header', () => {
    const { err, file } = loadError('command=x\n[program:a]\ncommand=y\n')
    expect(err.issue).toMatchObject({ file, line: 1 })
    expect(err.message).toContain(`${file}:1`)
    expect(err.issue.message).toMatch(/section header/)
  })

  it('an error in an included file names that file and line', () => {
    const dir = mkTemp('sv-incerr-')
    const main = writeFile(dir, 'main.ini', '[include]\nfiles=inc/*.ini\n')
    mkdirSync(join(dir, 'inc'))
    const inc = writeFile(join(dir, 'inc'), 'x.ini', '[program:x]\ncommand=x\n\nstartretries=lots\n')
    let err: unknown
    try {
      loadSupervisorConfig(main, { env: ENV, logDir: dir })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as ConfigError).issue).toMatchObject({ file: inc, line: 4, section: 'program:x', key: 'startretries' })
  })

  it('a logfile in a directory that does not exist', () => {
    expectLocated('[program:a]\ncommand=x\nstdout_logfile=/nonexistent-xyz/a.log\n', 3, 'program:a', 'stdout_logfile', /does not exist/)
  })

  it('depends_on naming an unknown program', () => {
    expectLocated('[program:a]\ncommand=x\n[program:b]\ncommand=y\ndepends_on=a,ghost\n', 5, 'program:b', 'depends_on', /ghost/)
  })

  it('a depends_on cycle', () => {
    const err = expectLocated('[program:a]\ncommand=x\ndepends_on=c\n[program:b]\ncommand=y\ndepends_on=a\n[program:c]\ncommand=z\ndepends_on=b\n',
      3, 'program:a', 'depends_on', /cycle/)
    expect(err.issue.message).toMatch(/a -> c -> b -> a/)
  })

  it('depends_on may name a group', () => {
    const { cfg } = load('[group:g]\nprograms=a\n[program:a]\ncommand=x\n[program:b]\ncommand=y\ndepends_on=g\n')
    expect(procs(cfg).find((p) => p.name === 'b')!.dependsOn).toEqual(['g'])
  })

  it('a file that does not exist', () => {
    expect(() => loadSupervisorConfig('/nonexistent-xyz/none.ini')).toThrow(ConfigError)
  })
})

describe('[supervisord] as supervisord 4.2 reads it', () => {
  it('a childlogdir that does not exist is refused at its line (existing_directory), and no folder is made', () => {
    const missing = join(mkTemp('sv-childlog-'), 'typo', 'logs')
    const { err, file } = loadError(`[supervisord]\nchildlogdir=${missing}\n[program:a]\ncommand=sleep 1\n`)
    expect(err.issue).toMatchObject({ file, line: 2, section: 'supervisord', key: 'childlogdir' })
    expect(err.message).toContain(`${missing} is not an existing directory`)
    expect(existsSync(dirname(missing))).toBe(false)
  })

  it('an umask that is not octal is refused at its line', () => {
    const { err } = loadError('[supervisord]\numask=08\n[program:a]\ncommand=sleep 1\n')
    expect(err.issue).toMatchObject({ line: 2, key: 'umask' })
    expect(err.message).toContain('can not be converted to an octal type')
  })

  it('a [group] without programs= is an empty group (supervisord reads it as none)', () => {
    const { cfg } = load('[program:a]\ncommand=sleep 1\n[group:g]\n')
    expect(cfg.groups.map((g) => g.name)).toContain('a')
  })
})
