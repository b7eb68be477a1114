// Differential: our verdict on a config line (an error or not), for the release installed
// here, against the real redis-server / redis-sentinel's (it prints '*** FATAL CONFIG FILE
// ERROR ***' and exits, or starts and accepts connections). Also: the schema's `apply`
// against what CONFIG SET really accepts on a running redis-server, and the directive
// table of the installed release against every parameter that server has.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { freePorts } from '../../src/main/lab/ports'
import { REDIS_DIRECTIVES, SENTINEL_DIRECTIVES } from '../../src/main/conf/schema'
import { validateConf } from '../../src/main/conf/validate'
import { directiveVerdict } from '../../src/main/conf/server-release'
import { REDIS_SERIES } from '../../src/main/conf/directive-history'
import { binaryRelease } from '../../src/main/lab/server-version'

const REDIS_SERVER = '/usr/bin/redis-server'
const REDIS_SENTINEL = '/usr/bin/redis-sentinel'
const PARALLEL = 6
const START_DEADLINE_MS = 8_000
const RELEASE = binaryRelease(REDIS_SERVER)!
const SENTINEL_RELEASE = binaryRelease(REDIS_SENTINEL)!
/** What the installed release reads (the schema also knows later releases' directives). */
const knownHere = (name: string): boolean => directiveVerdict(RELEASE, name).kind === 'known'

const temp = mkdtempSync(join(tmpdir(), 'conf-verdict-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

interface Sample {
  text: string
  kind?: 'redis' | 'sentinel'
  /** stricter: we refuse what Redis takes (on purpose). */
  expect?: 'same' | 'stricter'
}

const redisSamples: Sample[] = [
  ...['maxmemory 100mb', 'maxmemory 1GB', 'maxmemory 0', 'maxmemory 007', 'maxmemory 10k', 'maxmemory 5b', 'MAXMEMORY 2Mb'].map((text) => ({ text })),
  ...['maxmemory 1gib', 'maxmemory 1.5gb', 'maxmemory -1', 'maxmemory', 'maxmemory 100mb 200mb', 'maxmemory "1 gb"'].map((text) => ({ text })),
  ...['maxmemory-policy allkeys-lru', 'maxmemory-policy ALLKEYS-LRU', 'maxmemory-policy lru'].map((text) => ({ text })),
  ...['port 70000', 'port -1', 'port abc', 'port 6379x', 'port 0x10'].map((text) => ({ text })),
  ...['timeout 0', 'timeout 300', 'timeout 5s', 'timeout -1', 'timeout 0300', 'tcp-keepalive 60', 'tcp-keepalive 1m'].map((text) => ({ text })),
  ...['databases 32', 'databases 0', 'databases 2147483648'].map((text) => ({ text })),
  ...['appendonly yes', 'appendonly YES', 'appendonly true', 'appendfsync everysec', 'appendfsync sometimes'].map((text) => ({ text })),
  ...['save 900 1', 'save 900', 'save ""', 'save 900 1 300 10', 'save 0 1', 'save "900 1 300 10"', 'save x 1'].map((text) => ({ text })),
  ...['loglevel notice', 'loglevel WARNING', 'loglevel info', 'protected-mode no', 'protected-mode maybe'].map((text) => ({ text })),
  ...['requirepass ""', 'requirepass "a b"', 'requirepass a b', 'requirepass "abc', "masterauth 'it\\'s'", 'masterauth "x"y'].map((text) => ({ text })),
  ...['replicaof 127.0.0.1 6390', 'slaveof 127.0.0.1 6390', 'replicaof "127.0.0.1 6390"', 'replicaof no one', 'replicaof 127.0.0.1', 'replicaof 127.0.0.1 99999', 'replicaof 127.0.0.1 63a'].map((text) => ({ text })),
  ...['replica-read-only no', 'slave-read-only no', 'replica-priority 0', 'replica-priority -1', 'slave-priority 10'].map((text) => ({ text })),
  ...['repl-diskless-sync-delay 0', 'repl-diskless-sync-delay 5s', 'repl-backlog-size 1mb', 'repl-backlog-size 10MB', 'repl-backlog-size 0', 'repl-timeout 0'].map((text) => ({ text })),
  ...['min-replicas-to-write 1', 'min-slaves-to-write 1', 'min-replicas-max-lag 10', 'min-replicas-max-lag -5'].map((text) => ({ text })),
  ...['maxclients 100', 'maxclients 0', 'hz 100', 'hz -1', 'io-threads 0', 'maxmemory-samples 10', 'maxmemory-samples 100', 'maxmemory-samples 2147483648', 'zset-max-listpack-value 2gb', 'hash-max-listpack-entries 1kb'].map((text) => ({ text })),
  ...['client-output-buffer-limit replica 256mb 64mb 60', 'client-output-buffer-limit slave 0 0 0', 'client-output-buffer-limit master 0 0 0', 'client-output-buffer-limit normal 0 0', 'client-output-buffer-limit pubsub 32mb 8mb 60s'].map((text) => ({ text })),
  ...['notify-keyspace-events KEA', 'notify-keyspace-events ""', 'notify-keyspace-events KEQ'].map((text) => ({ text })),
  ...['bind 127.0.0.1 -::1', 'supervised no', 'supervised sometimes', 'dbfilename dump.rdb', 'dbfilename /tmp/x.rdb', 'appendfilename "a.aof"', 'appendfilename dir/a.aof'].map((text) => ({ text })),
  ...['list-max-listpack-size -2', 'list-max-ziplist-size -2', 'hash-max-ziplist-entries 128', 'hash-max-listpack-value 1kb', 'lua-time-limit 5000', 'list-max-ziplist-entries 512'].map((text) => ({ text })),
  ...['unixsocketperm 700', 'unixsocketperm 800', 'oom-score-adj-values 0 200 800', 'oom-score-adj-values 0 200', 'oom-score-adj-values 0 200 3000'].map((text) => ({ text })),
  ...['user alice on >pw ~* +@all', 'user bob bogus', 'rename-command CONFIG ""', 'latency-tracking-info-percentiles 50 99 99.9', 'latency-tracking-info-percentiles 101'].map((text) => ({ text })),
  ...['shutdown-on-sigterm save', 'shutdown-on-sigterm bogus', 'slowlog-log-slower-than -1', 'slowlog-log-slower-than -2', 'maxmemory-clients 5%', 'maxmemory-clients 5%%', 'maxmemory-clients 100%', 'maxmemory-clients 101%', 'maxmemory 16000000000gb', 'repl-backlog-size 9000000000gb', 'proto-max-bulk-len 1kb', 'proto-max-bulk-len 1gb'].map((text) => ({ text })),
  { text: 'sentinel monitor m 127.0.0.1 6390 2' },
  // On purpose stricter: Redis 7.0 multiplies without an overflow check, so a size past
  // 2^64 bytes silently wraps around to a small one.
  { text: 'maxmemory 18000000000gb', expect: 'stricter' },
  { text: 'maxmemory 1gb # one gigabyte' },
  { text: '"maxmemory" 1gb' },
  { text: `bind ${Array.from({ length: 17 }, (_, i) => `127.0.0.${i + 1}`).join(' ')}` },
  { text: 'appendonly' },
  { text: 'replica-announce-ip ""' },
  { text: 'replica-announce-ip 10.1.2.3' },
  { text: 'save 900 1 300' },
  // Redis reads a line as a C string: a NUL ends it.
  { text: 'maxmemory 100mb\0 junk' },
  { text: 'maxmemory\0 100mb' },
  { text: 'maxmemroy 100mb' },
  { text: 'foo bar' },
  // Read by other releases only: 7.2's, 7.4's, Valkey's, and one 7.0 removed.
  { text: 'locale-collate ""' },
  { text: 'set-max-listpack-entries 128' },
  { text: 'hide-user-data-from-log no' },
  { text: 'primaryauth secret' },
  { text: 'gopher-enabled no' },
  // Read and ignored.
  { text: 'lua-replicate-commands yes' },
  { text: 'list-max-ziplist-entries 512' },
  // A module's option without its loadmodule line.
  { text: 'search.timeout 500' },
]

/**
 * Every single-number directive of the schema at its edges: below the minimum, the minimum,
 * above the maximum. (Not the maximum itself: `databases 2147483647` would allocate them all;
 * not ports: a server on another port, or TLS without certificates, cannot be judged here.)
 */
const NOT_AT_EDGES = new Set(['port', 'tls-port', 'unixsocketperm'])
const edgeSamples: Sample[] = REDIS_DIRECTIVES.flatMap((d) => {
  const a = d.args[0]
  if (d.args.length !== 1 || NOT_AT_EDGES.has(d.name) || !['int', 'bytes', 'ms', 'seconds', 'port'].includes(a.type)) return []
  const out: Sample[] = []
  if (a.min !== undefined) out.push({ text: `${d.name} ${a.min - 1}` }, { text: `${d.name} ${a.min}` })
  if (a.max !== undefined && a.max < Number.MAX_SAFE_INTEGER) out.push({ text: `${d.name} ${a.max + 1}` })
  return out
})

const sentinelSamples: Sample[] = [
  'sentinel monitor m 127.0.0.1 6390 2',
  'sentinel monitor m localhost 6390 2',
  'sentinel resolve-hostnames yes\nsentinel monitor m localhost 6390 2',
  'sentinel monitor m 127.0.0.1 6390 0',
  'sentinel monitor m 127.0.0.1 6390',
  'sentinel monitor m 127.0.0.1 6390 2\nsentinel monitor m 127.0.0.1 6391 2',
  'sentinel monitor m 127.0.0.1 6390 2\nsentinel down-after-milliseconds m 1000',
  'sentinel monitor m 127.0.0.1 6390 2\nsentinel down-after-milliseconds m 0',
  'sentinel down-after-milliseconds m 1000\nsentinel monitor m 127.0.0.1 6390 2',
  'sentinel down-after-milliseconds other 1000',
  'sentinel monitor m 127.0.0.1 6390 2\nsentinel failover-timeout m -1',
  'sentinel monitor m 127.0.0.1 6390 2\nsentinel known-slave m 127.0.0.1 6391',
  'sentinel monitor m 127.0.0.1 6390 2\nsentinel known-sentinel m 127.0.0.1 26390 0123456789abcdef0123456789abcdef01234567',
  'sentinel myid 0123456789abcdef0123456789abcdef01234567',
  'sentinel myid abc',
  'sentinel myid xyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzx',
  'sentinel monitor m 127.0.0.1 6390 2\nsentinel known-replica m 127.0.0.1 6391\nsentinel known-replica m 127.0.0.1 6391',
  'sentinel monitor m 127.0.0.1 6390 2\nsentinel known-replica m 127.0.0.1 6391\nsentinel known-replica m 127.0.0.1 6392',
  'sentinel monitor m 127.0.0.1 6390 2\nsentinel known-sentinel m 127.0.0.1 26391 0123456789abcdef0123456789abcdef01234567\nsentinel known-sentinel m 127.0.0.1 26392 0123456789abcdef0123456789abcdef01234567',
  'sentinel monitor m 127.0.0.1 6390 2\nsentinel known-sentinel m 127.0.0.1 0 0123456789abcdef0123456789abcdef01234567',
  'sentinel monitor m 127.0.0.1 6390 2\nsentinel known-sentinel m 127.0.0.1 26391 abc',
  'sentinel deny-scripts-reconfig maybe',
  'sentinel announce-ip ""',
  'sentinel announce-ip 10.1.2.3',
  'sentinel monitor m "" 6390 2',
  'sentinel bogus-option 1',
  // Redis 2.6's, Valkey's.
  'sentinel monitor m 127.0.0.1 6390 2\nsentinel can-failover m yes',
  'sentinel monitor m 127.0.0.1 6390 2\nsentinel primary-reboot-down-after-period m 0',
  // A plain directive of a later release, in a sentinel.conf.
  'locale-collate ""',
].map((text) => ({ text, kind: 'sentinel' as const }))

// On purpose stricter than Sentinel: with atoi() '5s' would silently mean 5 ms, and a
// master named "" is accepted from the file but cannot be told apart in messages or commands.
sentinelSamples.push(
  { text: 'sentinel monitor m 127.0.0.1 6390 2\nsentinel down-after-milliseconds m 5s', kind: 'sentinel', expect: 'stricter' },
  { text: 'sentinel monitor "" 127.0.0.1 6390 2', kind: 'sentinel', expect: 'stricter' },
)

interface Verdict {
  fatal: boolean
  output: string
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    if (child.pid) process.kill(child.pid, 'SIGKILL')
  })
}

/**
 * What each server logs, at every loglevel, once it runs with its config fully read and its
 * port bound. Its own log, not a TCP connect: another test's server may take a "free" port
 * a moment after we chose it.
 */
const RUNNING = { redis: 'Server initialized', sentinel: 'Sentinel ID is' }

interface Started {
  child: ChildProcess
  /** Still running (with its config accepted), or exited on its own (refused it). */
  running: boolean
  output: string
}

/** Start the real server on `conf` and wait until it runs or exits; the caller stops it. */
async function startReal(kind: 'redis' | 'sentinel', conf: string): Promise<Started> {
  const child = spawn(kind === 'redis' ? REDIS_SERVER : REDIS_SENTINEL, [conf], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  // 'close' comes after the last output, so a refusal's reason is complete.
  let closed = false
  child.once('close', () => (closed = true))
  const deadline = Date.now() + START_DEADLINE_MS
  for (;;) {
    if (closed) return { child, running: false, output }
    if (output.includes(RUNNING[kind])) return { child, running: true, output }
    if (Date.now() > deadline) {
      await stop(child)
      throw new Error(`${conf}: neither started nor failed within ${START_DEADLINE_MS} ms:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 15))
  }
}

/** Our verdict's counterpart: whether the real server refuses `conf`. */
async function runReal(kind: 'redis' | 'sentinel', conf: string): Promise<Verdict> {
  const started = await startReal(kind, conf)
  await stop(started.child)
  return { fatal: !started.running, output: started.output }
}

function confText(kind: 'redis' | 'sentinel', port: number, dir: string, sample: string): string {
  const base = [`port ${port}`, `dir "${dir}"`, 'daemonize no', 'logfile ""', 'bind 127.0.0.1']
  if (kind === 'redis') base.push('save ""', 'appendonly no')
  return `${base.join('\n')}\n${sample}\n`
}

interface Outcome {
  sample: Sample
  ours: { error: boolean; messages: string[] }
  theirs: Verdict
}

async function judge(sample: Sample, index: number, attempt = 1): Promise<Outcome> {
  const kind = sample.kind ?? 'redis'
  const [port] = await freePorts(1)
  const workDir = mkdtempSync(join(temp, `d${index}-${attempt}-`))
  const conf = join(workDir, kind === 'redis' ? 'redis.conf' : 'sentinel.conf')
  const text = confText(kind, port, workDir, sample.text)
  writeFileSync(conf, text)
  const diagnostics = validateConf(text, kind, conf, kind === 'redis' ? RELEASE : SENTINEL_RELEASE)
  const ours = {
    error: diagnostics.some((d) => d.severity === 'error'),
    messages: diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.code}: ${d.message}`),
  }
  const theirs = await runReal(kind, conf)
  // A port free when chosen may be taken since by a test running beside this one: not the line's fault.
  if (theirs.fatal && /Address already in use/.test(theirs.output) && attempt < 3) return judge(sample, index, attempt + 1)
  return { sample, ours, theirs }
}

async function judgeAll(samples: Sample[]): Promise<Outcome[]> {
  const out: Outcome[] = new Array(samples.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < samples.length) {
      const i = next++
      out[i] = await judge(samples[i], i)
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, worker))
  return out
}

function disagreements(outcomes: Outcome[]): string[] {
  const bad: string[] = []
  for (const { sample, ours, theirs } of outcomes) {
    const expectation = sample.expect ?? 'same'
    const ok =
      expectation === 'same' ? ours.error === theirs.fatal : ours.error && !theirs.fatal
    if (!ok) {
      const reason = theirs.output.split('\n').filter((l) => /FATAL|>>>|^[A-Z][^:]*\.$|error|Bad|wrong|Invalid/i.test(l)).slice(0, 4).join(' | ')
      bad.push(`${JSON.stringify(sample.text)} (${expectation}): ours ${ours.error ? 'error' : 'ok'} [${ours.messages.join('; ')}], redis ${theirs.fatal ? `fatal: ${reason}` : 'started'}`)
    }
  }
  return bad
}

describe('our verdict matches the real server', () => {
  it('on a clean base config both start', () => {
    expect(validateConf(confText('redis', 7000, '/tmp', ''), 'redis', 'x').filter((d) => d.severity !== 'info')).toEqual([])
    expect(validateConf(confText('sentinel', 7000, '/tmp', ''), 'sentinel', 'x').filter((d) => d.severity !== 'info')).toEqual([])
  })

  it(`redis-server on ${redisSamples.length} lines`, async () => {
    const outcomes = await judgeAll(redisSamples)
    // The samples must exercise both verdicts, or the comparison proves nothing.
    expect(outcomes.filter((o) => o.theirs.fatal).length).toBeGreaterThan(20)
    expect(outcomes.filter((o) => !o.theirs.fatal).length).toBeGreaterThan(20)
    expect(disagreements(outcomes)).toEqual([])
  })

  it(`redis-server on ${edgeSamples.length} numbers at the edges of their range`, async () => {
    expect(edgeSamples.length).toBeGreaterThan(60)
    expect(disagreements(await judgeAll(edgeSamples))).toEqual([])
  })

  it(`redis-sentinel on ${sentinelSamples.length} files`, async () => {
    const outcomes = await judgeAll(sentinelSamples)
    expect(outcomes.filter((o) => o.theirs.fatal).length).toBeGreaterThan(5)
    expect(disagreements(outcomes)).toEqual([])
  })
})

describe('apply matches CONFIG SET on a running redis-server', () => {
  /** Directives that are not CONFIG parameters: read only from the file. */
  const NOT_CONFIG = new Set(['include', 'loadmodule', 'user', 'rename-command'])
  /** Parameters Redis 7.0 hides from its documentation (testing switches). */
  const HIDDEN = new Set(['aof-disable-auto-gc'])

  it('live exactly where CONFIG SET of the current value succeeds', async () => {
    const [port] = await freePorts(1)
    const dir = mkdtempSync(join(temp, 'apply-'))
    const conf = join(dir, 'redis.conf')
    writeFileSync(conf, confText('redis', port, dir, ''))
    const { child, running, output } = await startReal('redis', conf)
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 })
    try {
      expect(running, output).toBe(true)
      await client.connect()
      const wrong: string[] = []
      for (const d of REDIS_DIRECTIVES.filter((x) => knownHere(x.name))) {
        const got = (await client.call('CONFIG', 'GET', d.name)) as string[]
        if (NOT_CONFIG.has(d.name)) {
          if (got.length !== 0) wrong.push(`${d.name}: thought not a CONFIG parameter, but CONFIG GET answers ${got.join(' ')}`)
          if (d.apply !== 'restart') wrong.push(`${d.name}: not a CONFIG parameter, yet apply is ${d.apply}`)
          continue
        }
        if (got.length !== 2) {
          wrong.push(`${d.name}: CONFIG GET knows no such parameter`)
          continue
        }
        let live = true
        try {
          await client.call('CONFIG', 'SET', d.name, got[1])
        } catch (e) {
          live = false
          if (!/immutable|protected/.test(String(e))) wrong.push(`${d.name}: CONFIG SET ${got[1]} failed unexpectedly: ${String(e)}`)
        }
        if ((d.apply === 'live') !== live) wrong.push(`${d.name}: apply is ${d.apply}, but CONFIG SET ${live ? 'succeeds' : 'refuses it'}`)
      }
      // Every parameter the server has is known, so that no valid line is flagged unknown.
      const known = new Set(REDIS_DIRECTIVES.flatMap((d) => [d.name, ...d.aliases]))
      const all = (await client.call('CONFIG', 'GET', '*')) as string[]
      const missing = all.filter((_, i) => i % 2 === 0).filter((name) => !known.has(name) && !HIDDEN.has(name))
      // The installed release's directive table, name by name against the server: each
      // parameter it has is in the table, each table name (but those read only from files,
      // and those read and ignored) is a parameter it has.
      const table = new Set(REDIS_SERIES.flatMap((s) => [...(s.added ?? []), ...(s.removed ?? [])]))
      const notInTable = all.filter((_, i) => i % 2 === 0).filter((name) => !knownHere(name))
      const notOnServer: string[] = []
      for (const name of [...table].filter((n) => !NOT_CONFIG.has(n) && n !== 'sentinel')) {
        const verdict = directiveVerdict(RELEASE, name)
        if (verdict.kind !== 'known' || verdict.ignored) continue
        if (((await client.call('CONFIG', 'GET', name)) as string[]).length === 0) notOnServer.push(name)
      }
      expect(wrong).toEqual([])
      expect(missing).toEqual([])
      expect(notInTable).toEqual([])
      expect(notOnServer).toEqual([])
    } finally {
      client.disconnect()
      await stop(child)
    }
  })
})

describe('apply matches SENTINEL SET / SENTINEL CONFIG SET on a running redis-sentinel', () => {
  /** A value each sentinel option takes, for trying it live. */
  const VALUES: Record<string, string[]> = {
    monitor: ['127.0.0.1', '6390', '2'],
    'down-after-milliseconds': ['5000'],
    'failover-timeout': ['60000'],
    'parallel-syncs': ['1'],
    'auth-pass': ['pw'],
    'auth-user': ['u'],
    'notification-script': ['/bin/true'],
    'client-reconfig-script': ['/bin/true'],
    'master-reboot-down-after-period': ['0'],
    'rename-command': ['CONFIG', 'CONFIG'],
    'known-replica': ['127.0.0.1', '6391'],
    'known-sentinel': ['127.0.0.1', '26391', '0123456789abcdef0123456789abcdef01234567'],
    'config-epoch': ['0'],
    'leader-epoch': ['0'],
    'current-epoch': ['0'],
    myid: ['0123456789abcdef0123456789abcdef01234567'],
    'deny-scripts-reconfig': ['yes'],
    'resolve-hostnames': ['no'],
    'announce-hostnames': ['no'],
    'announce-ip': ['127.0.0.1'],
    'announce-port': ['0'],
    'sentinel-user': ['u'],
    'sentinel-pass': ['pw'],
  }

  it('live exactly where Sentinel changes it at run time', async () => {
    const [port] = await freePorts(1)
    const dir = mkdtempSync(join(temp, 'sentinel-apply-'))
    const conf = join(dir, 'sentinel.conf')
    writeFileSync(conf, confText('sentinel', port, dir, 'sentinel monitor m 127.0.0.1 6390 2'))
    const { child, running, output } = await startReal('sentinel', conf)
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 })
    try {
      expect(running, output).toBe(true)
      await client.connect()
      const wrong: string[] = []
      for (const d of SENTINEL_DIRECTIVES.filter((x) => x.name.startsWith('sentinel ') && directiveVerdict(SENTINEL_RELEASE, x.name).kind === 'known')) {
        const option = d.name.slice('sentinel '.length)
        const value = VALUES[option]
        if (!value) {
          wrong.push(`${d.name}: no value to try`)
          continue
        }
        const argv = d.args[0]?.name === 'master' ? ['SET', 'm', option, ...value] : ['CONFIG', 'SET', option, ...value]
        let live = true
        try {
          await client.call('SENTINEL', ...argv)
        } catch {
          live = false
        }
        if ((d.apply === 'live') !== live) wrong.push(`${d.name}: apply is ${d.apply}, but SENTINEL ${argv.join(' ')} ${live ? 'succeeds' : 'fails'}`)
      }
      expect(wrong).toEqual([])
    } finally {
      client.disconnect()
      await stop(child)
    }
  })
})
