// Finding redis-server / redis-sentinel: PATH, then the usual places, or the user's own
// choice through SENTINEL_LAB_REDIS_SERVER / SENTINEL_LAB_REDIS_SENTINEL; when one is
// missing the error names it, where it looked, and how to install it.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findRedisBinaries } from '../../src/main/lab/binaries'

const bin = mkdtempSync(join(tmpdir(), 'binaries-'))
afterAll(() => rmSync(bin, { recursive: true, force: true }))
/** A folder holding executables of these names (found, never run). */
function folderWith(...names: string[]): string {
  const dir = mkdtempSync(join(bin, 'path-'))
  for (const n of names) {
    writeFileSync(join(dir, n), '#!/bin/sh\n')
    chmodSync(join(dir, n), 0o755)
  }
  return dir
}

describe('findRedisBinaries', () => {
  it('finds them in the usual places even with an empty PATH', () => {
    expect(findRedisBinaries({}, { PATH: '' })).toEqual({ redisServer: '/usr/bin/redis-server', redisSentinel: '/usr/bin/redis-sentinel' })
  })

  it("uses the user's binaries when the environment names them", () => {
    const env = { PATH: '', SENTINEL_LAB_REDIS_SERVER: '/usr/bin/redis-check-rdb', SENTINEL_LAB_REDIS_SENTINEL: '/usr/bin/redis-server' }
    expect(findRedisBinaries({}, env)).toEqual({ redisServer: '/usr/bin/redis-check-rdb', redisSentinel: '/usr/bin/redis-server' })
  })

  it('says which one is missing, where it looked, how to install it and how to choose another', () => {
    const env = { PATH: '', SENTINEL_LAB_REDIS_SENTINEL: '/opt/nowhere/redis-sentinel' }
    expect(() => findRedisBinaries({}, env)).toThrow(
      /^\/opt\/nowhere\/redis-sentinel not found \(looked on PATH and in \/usr\/bin, .*apt-get install redis-server redis-sentinel.*SENTINEL_LAB_REDIS_SENTINEL/,
    )
  })

  it('takes Valkey where Redis is absent, as a pair: never a Redis server with a Valkey sentinel', () => {
    const valkeyOnly = folderWith('valkey-server', 'valkey-sentinel')
    expect(findRedisBinaries({}, { PATH: valkeyOnly }, [])).toEqual({ redisServer: join(valkeyOnly, 'valkey-server'), redisSentinel: join(valkeyOnly, 'valkey-sentinel') })
    const halfRedis = folderWith('redis-server', 'valkey-server', 'valkey-sentinel')
    expect(findRedisBinaries({}, { PATH: halfRedis }, [])).toEqual({ redisServer: join(halfRedis, 'valkey-server'), redisSentinel: join(halfRedis, 'valkey-sentinel') })
    const both = folderWith('redis-server', 'redis-sentinel', 'valkey-server', 'valkey-sentinel')
    expect(findRedisBinaries({}, { PATH: both }, []).redisServer).toBe(join(both, 'redis-server'))
  })

  it("one binary chosen: its partner is its own product's, never the other's", () => {
    const valkeyOnly = folderWith('valkey-server', 'valkey-sentinel')
    const redisServer = join(folderWith('redis-server'), 'redis-server')
    expect(() => findRedisBinaries({}, { PATH: valkeyOnly, SENTINEL_LAB_REDIS_SERVER: redisServer }, [])).toThrow(/^redis-sentinel not found \(/)
    const valkeyServer = join(valkeyOnly, 'valkey-server')
    expect(findRedisBinaries({}, { PATH: valkeyOnly, SENTINEL_LAB_REDIS_SERVER: valkeyServer }, [])).toEqual({ redisServer: valkeyServer, redisSentinel: join(valkeyOnly, 'valkey-sentinel') })
  })

  it('with neither pair, names the Redis pair missing and Valkey as the alternative', () => {
    expect(() => findRedisBinaries({}, { PATH: folderWith('redis-server') }, [])).toThrow(/^redis-sentinel not found \(nor valkey-server and valkey-sentinel\)/)
  })
})
