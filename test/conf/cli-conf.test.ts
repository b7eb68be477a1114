// `sentinel-lab conf get|set|unset` on real files: supervisor .ini, redis.conf and a lab's
// sentinel.conf. Edits touch only their lines and keep the mode; refused values and usage
// errors leave the file byte-identical (and write no backup).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { diffComm } from 'node-diff3'
import { afterEach, describe, expect, it } from 'vitest'
import { confCommand } from '../../src/main/cli/conf-command'
import { BACKUP_FOLDER, listBackups } from '../../src/main/conf/conf-file'
import { buildLab } from '../../src/main/lab/blueprint'
import { ask } from '../../src/main/sentinel/resp-probe'
import { freePorts } from '../../src/main/lab/ports'

const temps: string[] = []
const children: ChildProcess[] = []
afterEach(async () => {
  // Stopped by pid (the ChildProcess we started), and waited for.
  const running = children.splice(0).filter((c) => c.exitCode === null && c.signalCode === null)
  for (const c of running) c.kill('SIGKILL')
  await Promise.all(running.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)))))
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** Start redis-server / redis-sentinel on a config file; answers once its port answers. */
async function startRedis(bin: 'redis-server' | 'redis-sentinel', conf: string, port: number): Promise<void> {
  const child = spawn(`/usr/bin/${bin}`, [conf], { stdio: 'ignore' })
  children.push(child)
  const deadline = Date.now() + 5000
  for (;;) {
    try {
      if ((await ask(port, [['PING']])) !== null) return
    } catch {
      // listening, not answering yet
    }
    if (child.exitCode !== null) throw new Error(`${bin} exited at start (${child.exitCode})`)
    if (Date.now() > deadline) throw new Error(`${bin} did not answer on port ${port} within 5 s`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
function mkTemp(): string {
  const d = mkdtempSync(join(tmpdir(), 'cli-conf-'))
  temps.push(d)
  return d
}

async function conf(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await confCommand(args, { out: (t) => (out += t), err: (t) => (err += t) })
  return { code, out, err }
}

function changed(before: string, after: string): { removed: string[]; added: string[] } {
  const removed: string[] = []
  const added: string[] = []
  for (const part of diffComm(before.split('\n'), after.split('\n'))) {
    if (part.buffer1) removed.push(...part.buffer1)
    if (part.buffer2) added.push(...part.buffer2)
  }
  return { removed, added }
}

const modeOf = (path: string): number => statSync(path).mode & 0o777

const INI = `; my lab
[program:web]
command = /usr/bin/redis-server /etc/redis/6380.conf   ; the master
autostart = true
environment=A="1",
    B="2"

[program:worker.1]
command=sleep 1000
`

function iniFile(): string {
  const file = join(mkTemp(), 'lab.ini')
  writeFileSync(file, INI)
  chmodSync(file, 0o600)
  return file
}

/** Runs `conf` and checks that the file did not change by a byte, and that no backup was written. */
async function expectUnchanged(file: string, args: string[], code: number, message: RegExp): Promise<void> {
  const before = readFileSync(file)
  const r = await conf(...args)
  expect(r.code).toBe(code)
  expect(r.err).toMatch(message)
  expect(readFileSync(file).equals(before)).toBe(true)
  expect(existsSync(join(file, '..', BACKUP_FOLDER))).toBe(false)
}

describe('conf on a supervisor .ini', () => {
  it('get prints each value on a line; multi-line values as supervisord reads them', async () => {
    const file = iniFile()
    expect(await conf('get', file, 'program:web.command', 'program:web.autostart')).toEqual({ code: 0, out: '/usr/bin/redis-server /etc/redis/6380.conf\ntrue\n', err: '' })
    expect((await conf('get', file, 'program:web.environment')).out).toBe('A="1",\nB="2"\n')
    // A program name with a dot: the key is what follows the last dot.
    expect((await conf('get', file, 'program:worker.1.command')).out).toBe('sleep 1000\n')
  })

  it('get of a key that is not set exits 1, like git config --get; --json gives null for it', async () => {
    const file = iniFile()
    const r = await conf('get', file, 'program:web.command', 'program:web.startsecs')
    expect(r).toMatchObject({ code: 1, out: '/usr/bin/redis-server /etc/redis/6380.conf\n' })
    expect(r.err).toContain('program:web.startsecs is not set')
    const j = await conf('get', '--json', file, 'program:web.autostart', 'program:web.startsecs')
    expect(j.code).toBe(1)
    expect(JSON.parse(j.out)).toEqual({ 'program:web.autostart': 'true', 'program:web.startsecs': null })
  })

  it('set rewrites only the key’s line (spacing and comment kept), keeps the mode, and writes a backup', async () => {
    const file = iniFile()
    expect(await conf('set', file, 'program:web.command', '/usr/bin/redis-server', '/etc/redis/6390.conf')).toEqual({ code: 0, out: '', err: '' })
    const after = readFileSync(file, 'utf8')
    expect(changed(INI, after)).toEqual({
      removed: ['command = /usr/bin/redis-server /etc/redis/6380.conf   ; the master'],
      added: ['command = /usr/bin/redis-server /etc/redis/6390.conf   ; the master'],
    })
    expect(modeOf(file)).toBe(0o600)
    expect(listBackups(file).map((b) => readFileSync(b, 'utf8'))).toEqual([INI])
  })

  it('set of a new key adds it after the section’s last key; unset removes a key with its continuation lines', async () => {
    const file = iniFile()
    expect((await conf('set', file, 'program:web.startsecs', '5')).code).toBe(0)
    expect((await conf('unset', file, 'program:web.environment')).code).toBe(0)
    expect(changed(INI, readFileSync(file, 'utf8'))).toEqual({ removed: ['environment=A="1",', '    B="2"'], added: ['startsecs = 5'] })
    expect((await conf('get', file, 'program:web.startsecs')).out).toBe('5\n')
  })

  it('an unknown key is written, with a warning', async () => {
    const file = iniFile()
    const r = await conf('set', file, 'program:web.autostrat', 'false')
    expect(r.code).toBe(0)
    expect(r.err).toMatch(/warning: .*lab\.ini:\d+:1: unknown key "autostrat".*did you mean autostart/)
    expect(readFileSync(file, 'utf8')).toContain('autostrat = false')
  })

  it('a rejected value changes nothing and says what is allowed', async () => {
    const file = iniFile()
    await expectUnchanged(file, ['set', file, 'program:web.autostart', 'maybe'], 1, /maybe.*true\/false, yes\/no, on\/off, 1\/0/)
    await expectUnchanged(file, ['set', file, 'program:web.autorestart', 'sometimes'], 1, /true, false or unexpected/)
    await expectUnchanged(file, ['set', file, 'program:web.command', 'echo', 'a', ';', 'b'], 1, /comment/)
    // Removing the command would leave a program supervisord refuses.
    await expectUnchanged(file, ['unset', file, 'program:web.command'], 1, /has no command/)
    await expectUnchanged(file, ['unset', file, 'program:web.numprocs'], 1, /program:web\.numprocs is not set/)
  })

  it('usage errors exit 2 and change nothing', async () => {
    const file = iniFile()
    await expectUnchanged(file, ['set', file, 'autostart', 'true'], 2, /SECTION\.KEY/)
    await expectUnchanged(file, ['set', file, 'program:web.autostart'], 2, /DIRECTIVE VALUE/)
    await expectUnchanged(file, ['frob', file, 'x'], 2, /unknown subcommand 'frob'/)
    await expectUnchanged(file, ['get', file], 2, /expected a DIRECTIVE/)
    await expectUnchanged(file, ['set', '--json', file, 'program:web.autostart', 'true'], 2, /--json is an option of get/)
    await expectUnchanged(file, ['get', '--frob', file, 'program:web.command'], 2, /unknown option '--frob'/)
    expect((await conf()).code).toBe(2)
    expect(await conf('--help')).toMatchObject({ code: 0, out: expect.stringContaining('sentinel-lab conf get FILE DIRECTIVE') })
  })

  it('set on a file that does not exist creates it (0644)', async () => {
    const file = join(mkTemp(), 'new.ini')
    expect((await conf('set', file, 'program:a.command', 'sleep', '5')).code).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe('[program:a]\ncommand=sleep 5\n')
    expect(modeOf(file)).toBe(0o644)
    expect((await conf('get', join(mkTemp(), 'missing.ini'), 'program:a.command')).code).toBe(1)
  })
})

const REDIS_CONF = `# my node
port 6380
maxmemory 100mb
save 900 1
save 300 10
requirepass "s3cret pass"
`

describe('conf on redis.conf', () => {
  function redisFile(): string {
    const file = join(mkTemp(), 'redis.conf')
    writeFileSync(file, REDIS_CONF)
    chmodSync(file, 0o600)
    return file
  }

  it('get: one line per matching line, the words as Redis reads them; --json keeps the words apart', async () => {
    const file = redisFile()
    expect(await conf('get', file, 'maxmemory', 'save', 'requirepass')).toEqual({ code: 0, out: '100mb\n900 1\n300 10\ns3cret pass\n', err: '' })
    expect(JSON.parse((await conf('get', file, 'save', 'requirepass', 'appendonly', '--json')).out)).toEqual({ save: [['900', '1'], ['300', '10']], requirepass: [['s3cret pass']], appendonly: null })
    expect((await conf('get', file, 'appendonly')).code).toBe(1)
  })

  it('set and unset touch only their lines; the mode stays 0600', async () => {
    const file = redisFile()
    expect((await conf('set', file, 'maxmemory', '1gb')).code).toBe(0)
    expect((await conf('set', file, 'masterauth', 'p w')).code).toBe(0)
    expect((await conf('unset', file, 'save')).code).toBe(0)
    expect(changed(REDIS_CONF, readFileSync(file, 'utf8'))).toEqual({
      removed: ['maxmemory 100mb', 'save 900 1', 'save 300 10'],
      added: ['maxmemory 1gb', 'masterauth "p w"'],
    })
    expect(modeOf(file)).toBe(0o600)
    expect(listBackups(file)).toHaveLength(3)
  })

  it('a rejected value changes nothing and says why', async () => {
    const file = redisFile()
    await expectUnchanged(file, ['set', file, 'maxmemory', 'lots'], 1, /maxmemory/)
    await expectUnchanged(file, ['set', file, 'appendonly', 'maybe'], 1, /yes|no/)
    await expectUnchanged(file, ['set', file, 'sentinel down-after-milliseconds mymaster', '1000'], 1, /sentinel\.conf/)
    await expectUnchanged(file, ['unset', file, 'appendonly'], 1, /appendonly is not set/)
  })

  it('unset of several directives is all or nothing: one not set, nothing is removed (the help says the file is unchanged)', async () => {
    const file = redisFile()
    await expectUnchanged(file, ['unset', file, 'maxmemory', 'appendonly'], 1, /appendonly is not set[\s\S]*nothing removed/)
    expect((await conf('get', file, 'maxmemory')).out).toBe('100mb\n')
    const ini = iniFile()
    await expectUnchanged(ini, ['unset', ini, 'program:web.autostart', 'program:web.startsecs'], 1, /program:web\.startsecs is not set/)
    expect((await conf('unset', file, 'maxmemory', 'save')).code).toBe(0)
    expect(changed(REDIS_CONF, readFileSync(file, 'utf8')).removed).toEqual(['maxmemory 100mb', 'save 900 1', 'save 300 10'])
  })

  it('an empty DIRECTIVE is a usage error (exit 2), for get, set and unset', async () => {
    const file = redisFile()
    await expectUnchanged(file, ['get', file, ''], 2, /empty DIRECTIVE/)
    await expectUnchanged(file, ['get', file, 'maxmemory', ' '], 2, /empty DIRECTIVE/)
    await expectUnchanged(file, ['set', file, '', '1'], 2, /empty DIRECTIVE/)
    await expectUnchanged(file, ['unset', file, ''], 2, /empty DIRECTIVE/)
    const ini = iniFile()
    await expectUnchanged(ini, ['get', ini, ''], 2, /empty DIRECTIVE/)
  })

  it('a new redis.conf holding a password is created 0600', async () => {
    const file = join(mkTemp(), 'node.conf')
    expect((await conf('set', file, 'requirepass', 'x')).code).toBe(0)
    expect(modeOf(file)).toBe(0o600)
  })
})

describe('conf on a lab’s sentinel.conf', () => {
  it('sentinel down-after-milliseconds mymaster: only that line changes, mode 0600 kept; a bad value changes nothing', async () => {
    const lab = await buildLab({ name: 'conf', replicas: 1, sentinels: 3 }, { dir: join(mkTemp(), 'lab') })
    const file = lab.sentinels[0].conf
    const before = readFileSync(file, 'utf8')
    expect(modeOf(file)).toBe(0o600)
    const key = `sentinel down-after-milliseconds ${lab.masterName}`
    const old = (await conf('get', file, key)).out.trim()
    expect(old).toMatch(/^\d+$/)
    expect((await conf('set', file, key, '1234')).code).toBe(0)
    expect(changed(before, readFileSync(file, 'utf8'))).toEqual({ removed: [`${key} ${old}`], added: [`${key} 1234`] })
    expect(modeOf(file)).toBe(0o600)
    expect((await conf('get', file, key)).out).toBe('1234\n')

    const now = readFileSync(file)
    const r = await conf('set', file, key, '-5')
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/down-after-milliseconds/)
    expect(readFileSync(file).equals(now)).toBe(true)
    const other = await conf('set', file, 'sentinel down-after-milliseconds othermaster', '1000')
    expect(other.code).toBe(1)
    expect(other.err).toMatch(/sentinel monitor othermaster/)
    expect(readFileSync(file).equals(now)).toBe(true)
  })
})

describe('conf set on a file a running process reads', () => {
  it('a redis.conf whose port answers (its own redis-server): saved, then says the process keeps its value and prints the command, password masked', async () => {
    const [port] = await freePorts(1)
    const dir = mkTemp()
    const file = join(dir, 'redis.conf')
    writeFileSync(file, `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsave ""\nrequirepass run-pw-1\nmaxmemory 100mb\n`)
    // Nothing runs yet: saved silently.
    expect(await conf('set', file, 'maxmemory', '150mb')).toEqual({ code: 0, out: '', err: '' })
    await startRedis('redis-server', file, port)

    const r = await conf('set', file, 'maxmemory', '1gb')
    expect(r.code).toBe(0)
    expect(readFileSync(file, 'utf8')).toContain('maxmemory 1gb')
    expect(r.err).toMatch(/saved, but the server on port \d+ runs now and keeps its current value/)
    expect(r.err).toMatch(/may rewrite the file from its running config \(CONFIG REWRITE, which Sentinel sends on a failover\)/)
    expect(r.err).toContain(`redis-cli -p ${port} --askpass CONFIG SET maxmemory 1gb`)
    // It is true: the running node still has the old value.
    expect((await ask(port, [['AUTH', 'run-pw-1'], ['CONFIG', 'GET', 'maxmemory']]))?.[1]).toEqual(['maxmemory', String(150 * 1024 * 1024)])

    const secret = await conf('set', file, 'masterauth', 'new-secret-2')
    expect(secret.code).toBe(0)
    expect(secret.err).toContain(`redis-cli -p ${port} --askpass CONFIG SET masterauth ********`)
    expect(secret.err).not.toMatch(/new-secret-2|run-pw-1/)
    // What needs a restart says so.
    expect((await conf('set', file, 'databases', '8')).err).toMatch(/\(databases cannot change at run time: restart the process to apply it\)/)
  })

  it('a lab member\'s files: the port cannot change (as in the app); with the member running, the notice names it and the exact SENTINEL SET', async () => {
    const lab = await buildLab({ name: 'conf-run', replicas: 1, sentinels: 3 }, { dir: join(mkTemp(), 'lab') })
    const node = lab.replicas[0]
    await expectUnchanged(node.conf, ['set', node.conf, 'port', String(node.port + 1)], 1, /redis-replica-1 of the lab conf-run runs on port \d+.*cannot change here/)
    await expectUnchanged(node.conf, ['unset', node.conf, 'port'], 1, /keep 'port \d+'/)
    const sentinel = lab.sentinels[0]
    await expectUnchanged(sentinel.conf, ['set', sentinel.conf, 'port', '1'], 1, /cannot change here/)
    // Not running: no notice.
    const key = `sentinel down-after-milliseconds ${lab.masterName}`
    expect(await conf('set', sentinel.conf, key, '4000')).toEqual({ code: 0, out: '', err: '' })

    await startRedis('redis-sentinel', sentinel.conf, sentinel.port)
    const r = await conf('set', sentinel.conf, key, '4500')
    expect(r.code).toBe(0)
    expect(r.err).toContain(`saved, but ${sentinel.name} of the lab conf-run (sentinel on port ${sentinel.port}) runs now and keeps its current value`)
    expect(r.err).toMatch(/Sentinel may rewrite the file from its running config \(at its next config flush/)
    expect(r.err).toContain(`redis-cli -p ${sentinel.port} SENTINEL SET ${lab.masterName} down-after-milliseconds 4500`)
    const master = await ask(sentinel.port, [['SENTINEL', 'MASTER', lab.masterName]])
    const fields = master?.[0] as string[]
    expect(fields[fields.indexOf('down-after-milliseconds') + 1]).toBe('4000')
  })
})

describe('sentinel-lab conf, the built CLI', () => {
  const CLI = join(__dirname, '..', '..', 'bin', 'sentinel-lab.js')
  function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [CLI, 'conf', ...args], { encoding: 'utf8', timeout: 30_000 })
    return { status: r.status, stdout: r.stdout, stderr: r.stderr }
  }

  it('prints values on stdout, problems on stderr, and exits 0, 1 or 2', () => {
    const file = iniFile()
    expect(run('get', file, 'program:web.autostart')).toEqual({ status: 0, stdout: 'true\n', stderr: '' })
    const refused = run('set', file, 'program:web.startsecs', 'soon')
    expect(refused.status).toBe(1)
    expect(refused.stderr).toMatch(/startsecs: not a whole number: 'soon'/)
    expect(readFileSync(file, 'utf8')).toBe(INI)
    expect(run('get', file).status).toBe(2)
    expect(run('set', file, 'program:web.startsecs', '7').status).toBe(0)
    expect(run('get', file, 'program:web.startsecs').stdout).toBe('7\n')
    expect(modeOf(file)).toBe(0o600)
  })

  it('on a sentinel.conf: a directive with spaces is one word; --json', () => {
    const file = join(mkTemp(), 'sentinel.conf')
    writeFileSync(file, 'port 26379\nsentinel monitor mymaster 127.0.0.1 6379 2\nsentinel down-after-milliseconds mymaster 30000\n')
    expect(run('set', file, 'sentinel down-after-milliseconds mymaster', '1000').status).toBe(0)
    expect(JSON.parse(run('get', '--json', file, 'sentinel down-after-milliseconds mymaster', 'sentinel monitor mymaster').stdout)).toEqual({
      'sentinel down-after-milliseconds mymaster': [['1000']],
      'sentinel monitor mymaster': [['127.0.0.1', '6379', '2']],
    })
  })
})
