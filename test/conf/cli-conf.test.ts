// `sentinel-lab conf get|set|unset` on real files: supervisor .ini, redis.conf and a lab's
// sentinel.conf. Edits touch only their lines and keep the mode; refused values and usage
// errors leave the file byte-identical (and write no backup).
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { diffComm } from 'node-diff3'
import { afterEach, describe, expect, it } from 'vitest'
import { confCommand } from '../../src/main/conf/conf-command'
import { BACKUP_FOLDER, listBackups } from '../../src/main/conf/conf-file'
import { buildLab } from '../../src/main/lab/blueprint'

const temps: string[] = []
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
})
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
