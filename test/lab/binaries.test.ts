// Finding redis-server / redis-sentinel: PATH, then the usual places, or the user's own
// choice through SENTINEL_LAB_REDIS_SERVER / SENTINEL_LAB_REDIS_SENTINEL; when one is
// missing the error names it, where it looked, and how to install it.
import { describe, expect, it } from 'vitest'
import { findRedisBinaries } from '../../src/main/lab/binaries'

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
})
