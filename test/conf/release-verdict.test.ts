// The verdict follows the release that will read the file: a directive from a later Redis,
// one an earlier Redis dropped, Valkey's own names, a module's option, and a release newer
// than the tables. The tables themselves are checked against the installed redis-server in
// redis-verdict.test.ts.
import { describe, expect, it } from 'vitest'
import type { ConfDiagnostic } from '../../src/shared/conf'
import { ASSUMED_RELEASE, type ServerRelease, directiveVerdict, parseServerVersion, releaseName } from '../../src/main/conf/server-release'
import { validateConf } from '../../src/main/conf/validate'

const redis = (version: string): ServerRelease => ({ product: 'redis', version })
const valkey = (version: string): ServerRelease => ({ product: 'valkey', version })
const check = (text: string, release: ServerRelease, kind: 'redis' | 'sentinel' = 'redis'): ConfDiagnostic[] => validateConf(text, kind, `/x/${kind}.conf`, release)

describe('the release a binary reports', () => {
  it('reads Redis and Valkey --version lines, and nothing else', () => {
    expect(parseServerVersion('Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=d81b8ff71cfb150e')).toEqual(redis('7.0.15'))
    expect(parseServerVersion('Valkey server v=8.0.1 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=8b3f5c0a6b0f3e1a')).toEqual(valkey('8.0.1'))
    expect(parseServerVersion('bash: redis-server: command not found')).toBeNull()
    expect(releaseName(valkey('8.0.1'))).toBe('Valkey 8.0.1')
  })
})

describe('directives by release', () => {
  it("a 7.2 directive is refused by 7.0, saying when it came, and read by 7.2 and 7.4", () => {
    const [d] = check('locale-collate ""\n', redis('7.0.15'))
    expect(d).toMatchObject({ severity: 'error', code: 'unknown-directive', directive: 'locale-collate' })
    expect(d.message).toContain('added in Redis 7.2; this machine has Redis 7.0.15')
    expect(d.message).toContain('Bad directive or wrong number of arguments')
    expect(check('locale-collate ""\nset-max-listpack-entries 128\n', redis('7.2.4'))).toEqual([])
    expect(check('locale-collate ""\nhide-user-data-from-log yes\n', redis('7.4.1'))).toEqual([])
    expect(check('hide-user-data-from-log yes\n', redis('7.2.6'))[0].message).toContain('added in Redis 7.4')
  })

  it('7.0 directives on 6.2, and what 7.0 removed', () => {
    expect(check('shutdown-timeout 10\n', redis('6.2.14'))[0].message).toContain('added in Redis 7.0; this machine has Redis 6.2.14')
    expect(check('gopher-enabled no\n', redis('6.2.14'))).toEqual([])
    const [gone] = check('gopher-enabled no\n', redis('7.0.15'))
    expect(gone.severity).toBe('error')
    expect(gone.message).toContain('removed in Redis 7.0; Redis 6.0 to 6.2 read it')
  })

  it('read and ignored is a warning, from the release that began ignoring it', () => {
    expect(check('lua-replicate-commands yes\n', redis('7.0.15'))[0]).toMatchObject({ severity: 'warning', code: 'deprecated' })
    expect(check('lua-replicate-commands yes\n', redis('6.2.14'))).toEqual([])
  })

  it("Redis 2.6's sentinel can-failover is refused by every later Sentinel", () => {
    const text = 'sentinel monitor m 127.0.0.1 6380 2\nsentinel can-failover m yes\n'
    const [d] = check(text, redis('7.0.15'), 'sentinel')
    expect(d).toMatchObject({ severity: 'error', code: 'unknown-directive', directive: 'sentinel can-failover', line: 2 })
    expect(d.message).toContain('removed in Redis 2.8; Redis 2.6 read it')
    expect(d.message).toContain('Unrecognized sentinel configuration statement')
    expect(check(text, redis('2.6.17'), 'sentinel').filter((x) => x.code === 'unknown-directive')).toEqual([])
  })

  it("Valkey's own names: read by Valkey, refused by Redis", () => {
    expect(check('primaryauth pw\nlocale-collate ""\n', valkey('8.0.1'))).toEqual([])
    expect(check('primaryauth pw\n', redis('7.4.1'))[0].message).toContain('Valkey 8.0 reads it, Redis does not; this machine has Redis 7.4.1 (did you mean masterauth?)')
    // Valkey's own name is no "old name": no note; Valkey 7.2 (a Redis 7.2) does not read it.
    expect(check('primaryauth pw\n', valkey('8.0.1'))).toEqual([])
    expect(check('primaryauth pw\n', valkey('7.2.5'))[0]).toMatchObject({ severity: 'error', code: 'unknown-directive' })
    expect(check('primaryauth pw\n', valkey('7.2.5'))[0].message).toContain('added in Valkey 8.0; this machine has Valkey 7.2.5')
    const sentinel = 'sentinel monitor m 127.0.0.1 6380 2\nsentinel primary-reboot-down-after-period m 0\n'
    expect(check(sentinel, valkey('8.0.1'), 'sentinel')).toEqual([])
    expect(check(sentinel, redis('7.0.15'), 'sentinel')[0].severity).toBe('error')
  })

  it("a module's option is a warning where a loadmodule can define it, an error where none can", () => {
    expect(check('loadmodule /m/search.so\nsearch.timeout 500\n', redis('7.0.15'))[0]).toMatchObject({ severity: 'warning', code: 'module-option', line: 2 })
    const [alone] = check('search.timeout 500\n', redis('7.0.15'))
    expect(alone.severity).toBe('error')
    expect(alone.message).toContain('loadmodule line first')
    // Without a dot no module can name it.
    expect(check('loadmodule /m/search.so\nsearchtimeout 500\n', redis('7.0.15'))[0].severity).toBe('error')
  })

  it('a release newer than the tables: a name none of them reads is a warning, one they dropped still an error', () => {
    const [d] = check('some-8x-directive yes\n', redis('8.2.1'))
    expect(d).toMatchObject({ severity: 'warning', code: 'unknown-directive' })
    expect(d.message).toContain('no release up to Redis 7.4')
    expect(check('gopher-enabled no\n', redis('8.2.1'))[0].severity).toBe('error')
    expect(check('locale-collate ""\n', redis('8.2.1'))).toEqual([])
  })

  it('with no binary, the assumed release says so', () => {
    const [d] = check('locale-collate ""\n', ASSUMED_RELEASE)
    expect(d.message).toContain('checked as Redis 7.0: no redis-server here told its version')
  })

  it('a later release\'s directive still gets the spelling meant, swapped letters too', () => {
    expect(check('bio-cpulist 0-1\n', redis('7.0.15'))[0].message).toContain('added in Redis 7.4; this machine has Redis 7.0.15 (did you mean bio_cpulist?)')
    expect(check('prot 6380\n', redis('7.0.15'))[0].message).toContain('did you mean port?')
    expect(check('maxmemroy-policy noeviction\n', redis('7.0.15'))[0].message).toContain('did you mean maxmemory-policy?')
    // A real directive of a later release is not taken for a typo of a near one.
    expect(check('set-max-listpack-entries 128\n', redis('7.0.15'))[0].message).not.toContain('did you mean')
  })

  it('names are compared case-blind, as Redis does', () => {
    expect(directiveVerdict(redis('7.0.15'), 'MaxMemory')).toEqual({ kind: 'known', ignored: false })
    expect(directiveVerdict(redis('7.0.15'), 'sentinel MONITOR').kind).toBe('known')
  })
})
