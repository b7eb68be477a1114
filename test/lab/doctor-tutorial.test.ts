// The tutorial's own configuration (seed/redis-sentinel-supervisor-tutorial.zh.txt),
// transcribed under fixtures/tutorial/: 3 redis.conf files made from Redis 3.2.8's stock
// file with the tutorial's sed/echo edits, its 3 sentinel.conf files as it prints them, and
// its supervisor programs. The doctor must find the tutorial's mistakes, read from disk as
// `sentinel-lab doctor` reads them, and the command must print and exit like a compiler.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DoctorFinding } from '../../src/shared/conf'
import { diagnoseFiles } from '../../src/main/doctor'
import { collectFiles } from '../../src/main/doctor/collect'
import { doctorCommand } from '../../src/main/cli/doctor-command'

const TUTORIAL = join(import.meta.dirname, 'fixtures', 'tutorial')
const file = (rel: string): string => join(TUTORIAL, rel)
const SENTINELS = ['sentinel/sentinel26380.conf', 'sentinel/sentinel26381.conf', 'sentinel/sentinel26382.conf'].map(file)
const temps: string[] = []

afterEach(() => {
  vi.restoreAllMocks()
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
})

function only(findings: DoctorFinding[], id: string): DoctorFinding[] {
  return findings.filter((f) => f.id === id)
}

/** A copy of the tutorial to change. */
function copy(): string {
  const d = mkdtempSync(join(tmpdir(), 'doctor-tutorial-'))
  temps.push(d)
  cpSync(TUTORIAL, d, { recursive: true })
  return d
}

/** Run the command, capturing what it prints. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true))
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true))
  const code = await doctorCommand(args)
  vi.restoreAllMocks()
  return { code, out, err }
}

describe('the tutorial\'s configuration', () => {
  const findings = diagnoseFiles(collectFiles([TUTORIAL]))

  it('reads every file, each as its kind', () => {
    const kinds = collectFiles([TUTORIAL]).map((f) => [f.path.slice(TUTORIAL.length + 1), f.kind])
    expect(kinds).toEqual([
      ['redis_6380/redis.conf', 'redis'], ['redis_6381/redis.conf', 'redis'], ['redis_6382/redis.conf', 'redis'],
      ['sentinel/sentinel26380.conf', 'sentinel'], ['sentinel/sentinel26381.conf', 'sentinel'], ['sentinel/sentinel26382.conf', 'sentinel'],
      ['supervisor/redisd_6380.ini', 'supervisor'], ['supervisor/redisd_6381.ini', 'supervisor'], ['supervisor/redisd_6382.ini', 'supervisor'],
    ])
  })

  it('the closing problem: the master 6380 has requirepass and no masterauth; the fix gives it sheng@123', () => {
    const found = only(findings, 'masterauth-missing')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ severity: 'error', file: file('redis_6380/redis.conf'), line: 32, column: 1, directive: 'masterauth' })
    expect(readFileSync(file('redis_6380/redis.conf'), 'utf8').split('\n')[31]).toBe('requirepass sheng@123')
    expect(found[0].fix?.edits).toEqual([{ file: file('redis_6380/redis.conf'), op: 'set', directive: 'masterauth', args: ['sheng@123'] }])
  })

  it('the sentinels\' daemonize yes, beside nodes run by supervisor programs', () => {
    const found = only(findings, 'daemonize-under-supervisor')
    expect(found.map((f) => f.file)).toEqual(SENTINELS)
    expect(found.every((f) => f.line === 7 && f.fix?.edits[0].args?.[0] === 'no')).toBe(true)
  })

  it('the two known-sentinel lines with port 0 in each sentinel.conf', () => {
    const found = only(findings, 'stale-known-sentinel')
    expect(found).toHaveLength(6)
    for (const s of SENTINELS) expect(found.filter((f) => f.file === s)).toHaveLength(2)
    expect(found.map((f) => f.fix?.edits[0].directive)).toContain('sentinel known-sentinel TestMaster 127.0.0.1 0 0aca3a57038e2907c8a07be2b3c0d15171e44da5')
  })

  it('the replicas\' pidfile left at redis_6379.pid by a sed that matched nothing, and every node writing ./dump.rdb', () => {
    expect(only(findings, 'shared-pidfile').map((f) => f.file)).toEqual([file('redis_6382/redis.conf')])
    expect(only(findings, 'shared-data-file').map((f) => f.file)).toEqual([file('redis_6381/redis.conf'), file('redis_6382/redis.conf')])
  })

  it('and nothing that is right in it: its 3 sentinels, quorum, auth-pass, distinct myids, the replicas\' masterauth', () => {
    const ids = new Set(findings.map((f) => f.id))
    expect([...ids].sort()).toEqual(['daemonize-under-supervisor', 'masterauth-missing', 'shared-data-file', 'shared-pidfile', 'stale-known-sentinel'])
  })

  it('with supervisor programs for the sentinels too, daemonize yes is an error', () => {
    const d = copy()
    writeFileSync(join(d, 'supervisor', 'sentinels.ini'), [26380, 26381, 26382].map((p) =>
      `[program:sentinel_${p}]\ncommand=/usr/local/bin/redis-sentinel /usr/local/sentinel/sentinel${p}.conf\nautorestart=true\n`).join('\n'))
    const found = only(diagnoseFiles(collectFiles([d])), 'daemonize-under-supervisor')
    expect(found.map((f) => f.severity)).toEqual(['error', 'error', 'error'])
  })

  it('its three sentinel.conf files copied from one (the same myid): duplicate-myid', () => {
    const d = copy()
    for (const p of [26381, 26382]) {
      const path = join(d, 'sentinel', `sentinel${p}.conf`)
      writeFileSync(path, readFileSync(path, 'utf8').replace(/^sentinel myid \w+$/m, 'sentinel myid f1fc87e38bc8f5e17941d3e965954c514d6f07f9'))
    }
    const found = only(diagnoseFiles(collectFiles([d])), 'duplicate-myid')
    expect(found.map((f) => f.file)).toEqual([join(d, 'sentinel', 'sentinel26381.conf'), join(d, 'sentinel', 'sentinel26382.conf')])
  })

  it('its step "sentinel monitor mymaster 127.0.0.1 6380 2" added to one sentinel: quorum 2 with 1 sentinel, and no auth-pass', () => {
    const d = copy()
    const path = join(d, 'sentinel', 'sentinel26380.conf')
    writeFileSync(path, `${readFileSync(path, 'utf8')}sentinel monitor mymaster 127.0.0.1 6380 2\n`)
    const found = diagnoseFiles(collectFiles([d])).filter((f) => f.file === path && f.directive?.endsWith('mymaster'))
    expect(found.map((f) => f.id).sort()).toEqual(['auth-pass-mismatch', 'quorum-too-high', 'too-few-sentinels'])
  })
})

describe('sentinel-lab doctor on the tutorial', () => {
  it('prints path:line:col: severity [id] title, the explanation and fix indented, a summary; exits 1', async () => {
    const { code, out } = await run([TUTORIAL, '--files-only'])
    expect(code).toBe(1)
    expect(out).toMatch(/redis_6380\/redis\.conf:32:1: error \[masterauth-missing\] masterauth missing/)
    expect(out).toMatch(/\n {4}\S.*NOAUTH/)
    expect(out).toMatch(/\n {4}fix: Set masterauth in redis_6380\/redis\.conf\n {6}set masterauth \*{8} /)
    expect(out).not.toContain('sheng@123')
    // Its .ini files log to /var/log/redisd_63xx/, folders the tutorial makes by hand (not here):
    // supervisord and `supervise` refuse each file until they exist.
    for (const p of [6380, 6381, 6382]) {
      expect(out).toMatch(new RegExp(`redisd_${p}\\.ini:12:1: error \\[supervisor-refuses\\] the directory named as part of the path /var/log/redisd_${p}/\\S+ does not exist`))
    }
    expect(out.trimEnd().split('\n').at(-1)).toBe('6 errors, 10 warnings in 9 files')
  })

  it('--json: every finding; the passwords of the fixes print as ******** (the help says to apply fixes with the app or conf set)', async () => {
    const { code, out } = await run([TUTORIAL, '--json', '--files-only'])
    expect(code).toBe(1)
    const report = JSON.parse(out) as { files: string[]; findings: DoctorFinding[]; errors: number; warnings: number; notes: number }
    expect(report.files).toHaveLength(9)
    expect(report.errors).toBe(6)
    expect(report.warnings).toBe(10)
    expect(report.notes).toBe(0) // the old spellings (slaveof...) only with --verbose
    expect(report.findings.find((f) => f.id === 'masterauth-missing')?.fix?.edits[0].args).toEqual(['********'])
    expect(out).not.toContain('sheng@123')
    expect((await run(['--help'])).out).toMatch(/applied with the app[\s\S]*sentinel-lab conf set/)
  })

  it('--verbose: the checker\'s notes too (slaveof is the old name of replicaof), not counted as errors or warnings', async () => {
    const { code, out } = await run([TUTORIAL, '--files-only', '--verbose'])
    expect(code).toBe(1)
    expect(out).toMatch(/redis_6381\/redis\.conf:33:1: info \[deprecated\] slaveof is the old name of replicaof/)
    expect(out.trimEnd().split('\n').at(-1)).toBe('6 errors, 10 warnings, 17 notes in 9 files')
  })

  it('a path that does not exist: exit 2, naming it; no path at all: exit 2', async () => {
    const missing = join(TUTORIAL, 'nope.conf')
    const bad = await run([file('redis_6380/redis.conf'), missing])
    expect(bad.code).toBe(2)
    expect(bad.err).toContain(`${missing}: no such file or folder`)
    expect((await run([])).code).toBe(2)
    expect((await run(['--bogus', TUTORIAL])).code).toBe(2)
  })

  it('a sound file alone: exit 0 and "no problems found"', async () => {
    const { code, out } = await run([file('redis_6381/redis.conf'), '--files-only'])
    expect(code).toBe(0)
    expect(out.trim().split('\n').at(-1)).toBe('no problems found in 1 file')
  })
})

describe('what the checker finds: lines that stop Redis at start', () => {
  it('each file\'s validation errors and warnings are findings too: compiler format, JSON, counted, exit 1', async () => {
    const d = copy()
    const sentinel = join(d, 'sentinel', 'sentinel26380.conf')
    const node = join(d, 'redis_6381', 'redis.conf')
    writeFileSync(sentinel, readFileSync(sentinel, 'utf8') + [
      'sentinel auth-pass othermaster x',
      'sentinel parallel-syncs TestMaster',
      'sentinel bogus-directive 1',
      'sentinel down-after-milliseconds TestMaster 5s',
      '',
    ].join('\n'))
    writeFileSync(node, readFileSync(node, 'utf8') + 'maxmemory 1gib\n')
    const sentinelLines = readFileSync(sentinel, 'utf8').split('\n').length - 1
    const nodeLines = readFileSync(node, 'utf8').split('\n').length - 1

    const { code, out } = await run([d, '--files-only'])
    expect(code).toBe(1)
    const at = (path: string, line: number): string => `${path}:${line}:` // outside the working folder: printed whole
    expect(out).toContain(`${at(sentinel, sentinelLines - 3)}20: error [unknown-master] sentinel auth-pass: no 'sentinel monitor othermaster`)
    expect(out).toContain(`${at(sentinel, sentinelLines - 2)}1: error [missing-argument] sentinel parallel-syncs`)
    expect(out).toContain(`${at(sentinel, sentinelLines - 1)}1: error [unknown-directive] sentinel bogus-directive`)
    expect(out).toContain(`${at(sentinel, sentinelLines)}45: error [bad-value] sentinel down-after-milliseconds: '5s'`)
    expect(out).toContain(`${at(node, nodeLines)}11: error [bad-value] maxmemory: '1gib' is not a size`)
    // The tutorial's own down-after-milliseconds line now has no effect (the new one wins).
    expect(out).toContain(`${at(sentinel, 24)}1: warning [duplicate] sentinel down-after-milliseconds TestMaster: line ${sentinelLines} sets it again`)
    // The tutorial's 3 errors and 10 warnings, plus these 5 errors and 1 warning.
    expect(out.trimEnd().split('\n').at(-1)).toBe('11 errors, 11 warnings in 9 files')

    const json = await run([d, '--files-only', '--json'])
    expect(json.code).toBe(1)
    const report = JSON.parse(json.out) as { findings: DoctorFinding[]; errors: number; warnings: number }
    expect(report).toMatchObject({
      errors: 11, warnings: 11,
      checkedAgainst: { [node]: { release: expect.stringMatching(/^Redis /), binary: expect.stringContaining('redis-server') }, [sentinel]: { binary: expect.stringContaining('redis-sentinel') } },
    })
    expect(report.findings.filter((f) => f.file === sentinel && f.line! > sentinelLines - 4).map((f) => [f.id, f.severity])).toEqual([
      ['unknown-master', 'error'], ['missing-argument', 'error'], ['unknown-directive', 'error'], ['bad-value', 'error'],
    ])
    // diagnoseFiles (the app's: it shows these diagnostics in the editor) does not repeat them.
    expect(diagnoseFiles(collectFiles([d])).some((f) => ['unknown-master', 'missing-argument', 'unknown-directive', 'bad-value'].includes(f.id))).toBe(false)
  })

  it('a password in a line the checker refuses is not printed', async () => {
    const d = copy()
    const node = join(d, 'redis_6381', 'redis.conf')
    writeFileSync(node, readFileSync(node, 'utf8') + 'tls-key-file-pass sekrit-1 sekrit-2\nuser bob on >sekrit-3 bogus-rule\n')
    const sentinel = join(d, 'sentinel', 'sentinel26380.conf')
    // The master's name left out: the password stands where the name belongs, and is quoted as one.
    writeFileSync(sentinel, readFileSync(sentinel, 'utf8') + 'sentinel auth-pass sekrit-4\n')
    const { out } = await run([node, sentinel, '--files-only', '--json'])
    expect(out).toMatch(/tls-key-file-pass: too many words/)
    expect(out).toMatch(/unknown-master/)
    // A word that is no ACL rule may be a password written without its '>': masked too.
    expect(out).toMatch(/'\*\*\*\*\*\*\*\*' is not an ACL rule/)
    expect(out).not.toMatch(/sekrit|bogus-rule/)
  })
})

describe('files a supervisord.conf includes', () => {
  it('a supervisord.conf given with the node files brings the programs it [include]s: the master-restart rule sees them', () => {
    const d = copy()
    writeFileSync(join(d, 'supervisord.conf'), '[supervisord]\nnodaemon=true\n\n[include]\nfiles = supervisor/*.ini\n')
    for (const p of [6380, 6381, 6382]) {
      const path = join(d, `redis_${p}`, 'redis.conf')
      writeFileSync(path, readFileSync(path, 'utf8').replace(/^save .*\n/gm, '').replace(/^dir .*$/m, `dir /data/${p}`).concat('save ""\n'))
    }
    const paths = [join(d, 'supervisord.conf'), join(d, 'redis_6380'), join(d, 'redis_6381'), join(d, 'redis_6382')]
    const files = collectFiles(paths)
    expect(files.filter((f) => f.kind === 'supervisor').map((f) => f.path.slice(d.length + 1))).toEqual([
      'supervisord.conf', 'supervisor/redisd_6380.ini', 'supervisor/redisd_6381.ini', 'supervisor/redisd_6382.ini',
    ])
    const found = only(diagnoseFiles(files), 'master-restarted-empty')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ file: join(d, 'supervisor', 'redisd_6380.ini'), line: 7, directive: 'program:redisd_6380.autorestart' })
    // Without the supervisord.conf, nothing says who runs the nodes.
    expect(only(diagnoseFiles(collectFiles(paths.slice(1))), 'master-restarted-empty')).toEqual([])
  })
})

describe('sentinel-lab doctor on .ini files reads them as supervise does', () => {
  it('a file supervise refuses (a stdout_logfile whose folder does not exist) is an error; a [group] naming programs of sibling files in the folder given is not', async () => {
    const d = mkdtempSync(join(tmpdir(), 'doctor-ini-'))
    temps.push(d)
    writeFileSync(join(d, 'b.ini'), `[program:b]\ncommand=sleep 30\nstdout_logfile=${join(d, 'missing', 'b.log')}\n`)
    const refused = await run([join(d, 'b.ini'), '--files-only'])
    expect(refused.code).toBe(1)
    expect(refused.out).toMatch(/b\.ini:3:1: error \[supervisor-refuses\] the directory named as part of the path .*missing\/b\.log does not exist/)
    const folder = join(d, 'programs')
    mkdirSync(folder)
    writeFileSync(join(folder, 'group.ini'), '[group:g]\nprograms=x,y\n')
    writeFileSync(join(folder, 'xy.ini'), '[program:x]\ncommand=sleep 1\n[program:y]\ncommand=sleep 1\n')
    const ok = await run([folder, '--files-only'])
    expect(ok.out).not.toMatch(/unknown-program|supervisor-refuses/)
    expect(ok.code).toBe(0)
  })
})
