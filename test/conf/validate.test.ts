// Located diagnostics: each points at the word that is wrong (1-based line and column,
// endColumn exclusive), names the directive, has a stable code, and says what is allowed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildLab } from '../../src/main/lab/blueprint'
import type { ConfDiagnostic } from '../../src/shared/conf'
import { detectConfKind } from '../../src/main/conf/kind'
import { REDIS_DIRECTIVES, SENTINEL_DIRECTIVES, lookupDirective } from '../../src/main/conf/schema'
import { RedisConfDocument } from '../../src/main/conf/redis-doc'
import { validateConf } from '../../src/main/conf/validate'

const redis = (text: string): ConfDiagnostic[] => validateConf(text, 'redis', '/lab/redis.conf')
const sentinel = (text: string): ConfDiagnostic[] => validateConf(text, 'sentinel', '/lab/sentinel.conf')
/** The text a diagnostic points at. */
const marked = (text: string, d: ConfDiagnostic): string => text.split(/\r?\n/)[d.line - 1].slice(d.column - 1, d.endColumn - 1)

describe('values', () => {
  it('a bad size points at the value and lists the units', () => {
    const text = 'port 6380\nmaxmemory 1gib\n'
    const [d] = redis(text)
    expect(d).toMatchObject({ file: '/lab/redis.conf', line: 2, column: 11, endColumn: 15, directive: 'maxmemory', severity: 'error', code: 'bad-value' })
    expect(marked(text, d)).toBe('1gib')
    expect(d.message).toBe("maxmemory: '1gib' is not a size: use bytes or a unit k, kb, m, mb, g, gb (e.g. 100mb)")
  })

  it('accepts every memory unit Redis reads, in any case', () => {
    for (const v of ['0', '100', '5b', '1k', '1kb', '2m', '2MB', '3g', '3Gb', '007']) expect(redis(`maxmemory ${v}`), v).toEqual([])
    for (const v of ['1gib', '1.5gb', '-1', '1 gb', 'lots', '1t']) expect(redis(`maxmemory "${v}"`), v).toHaveLength(1)
  })

  it('a time with a unit says that Redis 7.0 takes none', () => {
    const [d] = redis('timeout 5s')
    expect(d.code).toBe('bad-value')
    expect(d.message).toMatch(/no time units: write a plain number of seconds/)
    const [ms] = sentinel('sentinel monitor m 127.0.0.1 6380 2\nsentinel down-after-milliseconds m 5s')
    expect(ms.message).toMatch(/plain number of milliseconds/)
  })

  it('ranges, booleans and enums say what is allowed', () => {
    expect(redis('port 70000')[0].message).toBe("port: '70000' is out of range: use 0 to 65535")
    expect(redis('appendonly true')[0].message).toBe("appendonly: 'true' is not yes or no: use yes or no")
    expect(redis('maxmemory-policy lru')[0].message).toMatch(/use one of volatile-lru, volatile-lfu, .*noeviction/)
    expect(redis('databases 016')[0].message).toMatch(/not a whole number: use digits only, no leading zeros/)
    expect(redis('appendonly YES\nloglevel Notice\nMAXMEMORY-POLICY AllKeys-LRU')).toEqual([])
  })

  it('save takes pairs, a single quoted list, or "" for none', () => {
    for (const ok of ['save 900 1', 'save 900 1 300 10', 'save ""', 'save "900 1 300 10"']) expect(redis(ok), ok).toEqual([])
    expect(redis('save 900')[0].message).toMatch(/write pairs <seconds> <changes>/)
    const text = 'save 900 1 0 10'
    const [d] = redis(text)
    expect(marked(text, d)).toBe('0')
    expect(d.message).toMatch(/not a number of seconds \(1 or more\)/)
  })

  it('replicaof takes an address and a port, or no one', () => {
    expect(redis('replicaof 127.0.0.1 6380\nreplicaof no one'.split('\n')[0])).toEqual([])
    expect(redis('replicaof NO ONE')).toEqual([])
    const [d] = redis('replicaof 127.0.0.1 99999')
    expect(d).toMatchObject({ code: 'bad-value', column: 21, endColumn: 26 })
    expect(redis('replicaof 127.0.0.1')[0].code).toBe('missing-argument')
  })

  it('smaller checks: file names, keyspace events, ACL rules, buffer limits', () => {
    expect(redis('dbfilename /var/lib/dump.rdb')[0].message).toMatch(/is a path: use a plain file name/)
    expect(redis('notify-keyspace-events KEQ')[0].message).toMatch(/letter Redis does not know/)
    expect(redis('notify-keyspace-events ""')).toEqual([])
    expect(redis('user default on nopass ~* &* +@all')).toEqual([])
    expect(redis('user bob bogus')[0]).toMatchObject({ code: 'bad-value', column: 10 })
    expect(redis('client-output-buffer-limit replica 256mb 64mb 60')).toEqual([])
    expect(redis('client-output-buffer-limit master 0 0 0')[0].message).toMatch(/normal, replica, slave, pubsub/)
    expect(redis('maxmemory-clients 5%')).toEqual([])
  })
})

describe('argument counts', () => {
  it('a missing value points at the directive', () => {
    const [d] = redis('  maxmemory')
    expect(d).toMatchObject({ code: 'missing-argument', line: 1, column: 3, endColumn: 12, severity: 'error' })
    expect(d.message).toBe('maxmemory: no value: write maxmemory <bytes>')
  })

  it('an extra word is pointed at and quoting is suggested', () => {
    const text = 'requirepass two words'
    const [d] = redis(text)
    expect(d.code).toBe('too-many-arguments')
    expect(marked(text, d)).toBe('words')
    expect(d.message).toMatch(/quote a value that holds spaces/)
    expect(redis('maxmemory 1gb # one gigabyte')[0].message).toMatch(/a comment must be on a line of its own/)
  })
})

describe('lines Redis refuses or that do nothing', () => {
  it('unbalanced quotes point at the open quote', () => {
    const text = 'port 1\nrequirepass "abc\n'
    const [d] = redis(text)
    expect(d).toMatchObject({ line: 2, column: 13, endColumn: 17, code: 'unbalanced-quotes', severity: 'error', directive: 'requirepass' })
  })

  it('an unknown directive is an error on its name, with the name meant, the line kept', () => {
    const text = 'maxmemroy 100mb\n'
    const [d] = redis(text)
    expect(d).toMatchObject({ code: 'unknown-directive', severity: 'error', column: 1, endColumn: 10, directive: 'maxmemroy' })
    expect(d.message).toContain('did you mean maxmemory?')
    expect(RedisConfDocument.parse(text).text()).toBe(text)
  })

  it('old names are info, pointing at the old name', () => {
    const [d] = redis('slaveof 127.0.0.1 6380')
    expect(d).toMatchObject({ code: 'deprecated', severity: 'info', directive: 'replicaof', column: 1, endColumn: 8 })
    expect(d.message).toBe('slaveof is the old name of replicaof: both work; replicaof is preferred')
    expect(redis('list-max-ziplist-entries 512')[0]).toMatchObject({ code: 'deprecated', severity: 'warning' })
  })

  it('a directive set twice: the overridden line is flagged, naming the line that wins', () => {
    const [d] = redis('maxmemory 1gb\nport 1\nreplicaof 10.0.0.1 1\nMaxMemory 2gb\nslaveof 10.0.0.2 2').filter((x) => x.code === 'duplicate')
    expect(d).toMatchObject({ line: 1, severity: 'warning', directive: 'maxmemory' })
    expect(d.message).toMatch(/line 4 sets it again/)
    const dups = redis('replicaof 10.0.0.1 1\nslaveof 10.0.0.2 2').filter((x) => x.code === 'duplicate')
    expect(dups.map((x) => x.line)).toEqual([1])
    expect(redis('save 900 1\nsave 300 10\nrename-command A B\nrename-command C D')).toEqual([])
  })

  it('a sentinel line in redis.conf is an error', () => {
    expect(redis('sentinel monitor m 127.0.0.1 6380 2')[0]).toMatchObject({ code: 'wrong-file', severity: 'error' })
  })

  it('columns count from the line start with tabs and CRLF', () => {
    const text = 'port 1\r\n\t maxmemory\t1x\r\n'
    const [d] = redis(text)
    expect(d).toMatchObject({ line: 2, column: 13, endColumn: 15 })
    expect(marked(text, d)).toBe('1x')
  })
})

describe('sentinel.conf', () => {
  const good = [
    'port 26380',
    'sentinel monitor mymaster 127.0.0.1 6380 2',
    'sentinel auth-pass mymaster "s3cret"',
    'sentinel down-after-milliseconds mymaster 1000',
    'sentinel myid 0123456789abcdef0123456789abcdef01234567',
    'sentinel known-replica mymaster 127.0.0.1 6381',
    'sentinel known-sentinel mymaster 127.0.0.1 26381 1123456789abcdef0123456789abcdef01234567',
    'sentinel current-epoch 0',
    'user default on nopass ~* &* +@all',
    'latency-tracking-info-percentiles 50 99 99.9',
  ].join('\n')

  it('a file as Sentinel writes it has no problem', () => {
    expect(sentinel(good)).toEqual([])
  })

  it('an option for a master never monitored is an error on the master name', () => {
    const text = 'sentinel monitor mymaster 127.0.0.1 6380 2\nsentinel failover-timeout other 1000'
    const [d] = sentinel(text)
    expect(d).toMatchObject({ line: 2, code: 'unknown-master', severity: 'error', directive: 'sentinel failover-timeout' })
    expect(marked(text, d)).toBe('other')
  })

  it('an option before its monitor line is info (Redis 7.0 takes it)', () => {
    const [d] = sentinel('sentinel down-after-milliseconds m 1000\nsentinel monitor m 127.0.0.1 6380 2')
    expect(d).toMatchObject({ line: 1, code: 'before-monitor', severity: 'info' })
  })

  it('host names need resolve-hostnames', () => {
    const text = 'sentinel monitor m redis-1 6380 2'
    expect(marked(text, sentinel(text)[0])).toBe('redis-1')
    expect(sentinel(`sentinel resolve-hostnames yes\n${text}`)).toEqual([])
  })

  it('the same master monitored twice is an error on the second', () => {
    const [d] = sentinel('sentinel monitor m 127.0.0.1 6380 2\nsentinel monitor m 127.0.0.1 6381 2')
    expect(d).toMatchObject({ line: 2, code: 'duplicate', severity: 'error' })
  })

  it('a replica or sentinel id listed twice for one master is an error on the second', () => {
    const text = [
      'sentinel monitor m 127.0.0.1 6380 2',
      'sentinel known-replica m 127.0.0.1 6381',
      'sentinel known-slave m 127.0.0.1 6381',
      'sentinel known-sentinel m 127.0.0.1 26380 0123456789abcdef0123456789abcdef01234567',
      'sentinel known-sentinel m 127.0.0.1 26381 0123456789abcdef0123456789abcdef01234567',
    ].join('\n')
    const dups = sentinel(text).filter((d) => d.code === 'duplicate')
    expect(dups.map((d) => [d.line, marked(text, d)])).toEqual([
      [3, '127.0.0.1 6381'],
      [5, '0123456789abcdef0123456789abcdef01234567'],
    ])
    expect(dups.every((d) => d.severity === 'error')).toBe(true)
  })

  it('quorum, myid, known-slave, unknown options', () => {
    expect(sentinel('sentinel monitor m 127.0.0.1 6380 0')[0].message).toMatch(/quorum|out of range: use 1/)
    expect(sentinel('sentinel myid abc')[0].message).toMatch(/use 40 characters/)
    expect(sentinel('sentinel monitor m 127.0.0.1 6380 2\nsentinel known-slave m 127.0.0.1 6381')[0]).toMatchObject({ code: 'deprecated', severity: 'info' })
    expect(sentinel('sentinel bogus 1')[0]).toMatchObject({ code: 'unknown-directive', severity: 'error', directive: 'sentinel bogus', column: 1, endColumn: 15 })
    expect(sentinel('sentinel')[0]).toMatchObject({ code: 'missing-argument' })
  })
})

describe("a lab's generated files", () => {
  it('round-trip and have no diagnostic at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conf-validate-lab-'))
    try {
      const lab = await buildLab({ name: 'validate', replicas: 2, sentinels: 3 }, { dir: join(dir, 'lab') })
      const files = [...lab.nodes.map((n) => [n.conf, 'redis'] as const), ...lab.sentinels.map((s) => [s.conf, 'sentinel'] as const)]
      expect(files).toHaveLength(6)
      for (const [path, kind] of files) {
        const text = readFileSync(path, 'utf8')
        expect(RedisConfDocument.parse(text).text()).toBe(text)
        expect(validateConf(text, kind, path), path).toEqual([])
        expect(detectConfKind(path, text)).toBe(kind)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('never throws', () => {
  it('on junk', () => {
    for (const junk of ['\0\0\0', '"""', "'", 'save \\x', '\u{1F600} 1', '\r\r\r', 'sentinel monitor', 'sentinel known-sentinel', 'client-output-buffer-limit "a b c d e"', 'x'.repeat(100_000)])
      for (const kind of ['redis', 'sentinel'] as const) expect(() => validateConf(junk, kind, 'f')).not.toThrow()
  })
})

describe('schema', () => {
  it('has no name twice and marks what Sentinel writes as managed', () => {
    for (const list of [REDIS_DIRECTIVES, SENTINEL_DIRECTIVES]) {
      const names = list.flatMap((d) => [d.name, ...d.aliases])
      expect(new Set(names).size).toBe(names.length)
    }
    const managed = SENTINEL_DIRECTIVES.filter((d) => d.managed).map((d) => d.name).sort()
    expect(managed).toEqual(['sentinel config-epoch', 'sentinel current-epoch', 'sentinel known-replica', 'sentinel known-sentinel', 'sentinel leader-epoch', 'sentinel myid'])
    expect(SENTINEL_DIRECTIVES.filter((d) => d.secret).map((d) => d.name)).toEqual(expect.arrayContaining(['sentinel auth-pass', 'sentinel sentinel-pass', 'requirepass']))
  })

  it('looks lines up through aliases and sentinel options', () => {
    const line = (t: string) => RedisConfDocument.parse(t).lines[0]
    expect(lookupDirective('redis', line('SLAVEOF 1.2.3.4 1'))?.name).toBe('replicaof')
    expect(lookupDirective('sentinel', line('SENTINEL Known-Slave m 1.2.3.4 1'))?.name).toBe('sentinel known-replica')
    expect(lookupDirective('sentinel', line('port 26380'))).toMatchObject({ file: 'sentinel', apply: 'restart' })
    expect(lookupDirective('sentinel', line('acllog-max-len 128'))).toMatchObject({ name: 'acllog-max-len', apply: 'restart' })
    expect(lookupDirective('redis', line('acllog-max-len 128'))).toMatchObject({ name: 'acllog-max-len', apply: 'live' })
    expect(lookupDirective('redis', line('sentinel myid x'))).toBeNull()
    expect(lookupDirective('redis', line('# maxmemory 1gb'))).toBeNull()
    expect(lookupDirective('redis', line('nosuch 1'))).toBeNull()
  })
})

describe('detectConfKind', () => {
  it('goes by the name first, then the content', () => {
    expect(detectConfKind('/x/lab.ini', 'port 1')).toBe('supervisor')
    expect(detectConfKind('/x/sentinel-26380.conf', '')).toBe('sentinel')
    expect(detectConfKind('/x/supervisord.conf', '')).toBe('supervisor')
    expect(detectConfKind('/x/node.conf', '; comment\n[program:redis]\ncommand=redis-server\n')).toBe('supervisor')
    expect(detectConfKind('/x/node.conf', 'port 26380\nSentinel monitor m 127.0.0.1 6380 2\n')).toBe('sentinel')
    expect(detectConfKind('/x/6380.conf', 'port 6380\n# sentinel monitor m 1 2 3\n')).toBe('redis')
    expect(detectConfKind('/x/redis.conf', '')).toBe('redis')
  })
})
