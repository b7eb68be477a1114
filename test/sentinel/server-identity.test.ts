// Who a server is, from INFO server as Redis 7.0 and Valkey 8.0 really write it (Valkey
// also reports redis_version:7.2.4 for old clients, and server_mode instead of redis_mode).
import { describe, expect, it } from 'vitest'
import { infoFields } from '../../src/main/sentinel/resp-probe'
import { identityName, serverIdentity } from '../../src/main/sentinel/server-identity'

const REDIS_SENTINEL = '# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\nredis_mode:sentinel\r\nos:Linux\r\nprocess_id:42\r\n'
const VALKEY_SENTINEL = '# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.0.1\r\nredis_git_sha1:00000000\r\nserver_mode:sentinel\r\nos:Linux\r\n'
const VALKEY_NODE = VALKEY_SENTINEL.replace('server_mode:sentinel', 'server_mode:standalone')

describe('serverIdentity', () => {
  it('Redis: redis_version and redis_mode', () => {
    expect(serverIdentity(infoFields(REDIS_SENTINEL))).toEqual({ product: 'redis', version: '7.0.15', mode: 'sentinel' })
  })

  it("Valkey: its own version and server_mode, not the redis_version kept for old clients", () => {
    expect(serverIdentity(infoFields(VALKEY_SENTINEL))).toEqual({ product: 'valkey', version: '8.0.1', mode: 'sentinel' })
    expect(serverIdentity(infoFields(VALKEY_NODE)).mode).toBe('standalone')
    expect(identityName(serverIdentity(infoFields(VALKEY_SENTINEL)))).toBe('Valkey 8.0.1 sentinel')
  })

  it('says nothing it was not told', () => {
    expect(serverIdentity(new Map())).toEqual({ product: 'redis', version: '', mode: '' })
  })
})
