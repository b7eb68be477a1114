// Every call crossing a transport is checked before it reaches the service: the lab calls'
// ids, node names, actions, attach targets and spec fields are refused with a message that
// names the field, and a well-formed call reaches the service untouched.
import { describe, expect, it } from 'vitest'
import type { SentinelLabApi } from '../src/shared/api'
import { ApiError, dispatch } from '../src/main/api-guard'

const calls: { method: string; args: unknown[] }[] = []
const api = new Proxy({}, {
  get: (_t, method: string) => async (...args: unknown[]) => {
    calls.push({ method, args })
    return 'ok'
  },
}) as SentinelLabApi

async function refused(method: string, args: unknown[]): Promise<string> {
  const e = await dispatch(api, method, args).then(() => null, (x: unknown) => x)
  expect(e).toBeInstanceOf(ApiError)
  expect((e as ApiError).code).toBe('invalid-argument')
  return (e as ApiError).message
}

describe('lab calls are validated', () => {
  it('lab ids and node names: short names without path separators', async () => {
    expect(await refused('getLab', ['../etc'])).toMatch(/argument 1 must be a lab or node name/)
    expect(await refused('destroyLab', ['a/b'])).toMatch(/lab or node name/)
    expect(await refused('stopLab', [])).toMatch(/expected 1 argument/)
    await expect(dispatch(api, 'getLab', ['lab-20261124-1851-ab12'])).resolves.toBe('ok')
  })

  it('node actions: a known action and an explicit confirmed flag', async () => {
    expect(await refused('labNodeAction', ['lab', 'redis-master', 'explode', false])).toMatch(/one of kill, pause, resume, stop, start, restart/)
    expect(await refused('labNodeAction', ['lab', 'redis-master', 'kill', 'yes'])).toMatch(/true or false/)
    await expect(dispatch(api, 'labNodeAction', ['lab', 'redis-master', 'kill', false])).resolves.toBe('ok')
    expect(await refused('addLabMember', ['lab', 'master'])).toMatch(/'replica' or 'sentinel'/)
  })

  it('attach targets: host:port addresses, a Sentinel master name, one-line passwords, no unknown field', async () => {
    const good = { kind: 'addresses', sentinels: ['127.0.0.1:26380', '[::1]:26381', 'redis.local:5000'], masterName: 'mymaster', password: 'p4ss' }
    await expect(dispatch(api, 'attachLab', [good])).resolves.toBe('ok')
    expect(await refused('attachLab', [{ ...good, sentinels: [] }])).toMatch(/sentinels: give 1 to 32/)
    expect(await refused('attachLab', [{ ...good, sentinels: ['127.0.0.1'] }])).toMatch(/'127.0.0.1' is not host:port/)
    expect(await refused('attachLab', [{ ...good, sentinels: ['h:70000'] }])).toMatch(/not host:port/)
    expect(await refused('attachLab', [{ ...good, masterName: 'my master' }])).toMatch(/masterName/)
    expect(await refused('attachLab', [{ ...good, password: 'a\nb' }])).toMatch(/password: must be 1 to 256 characters on one line/)
    expect(await refused('attachLab', [{ ...good, shell: 'rm -rf /' }])).toMatch(/shell: unknown attach field/)
    expect(await refused('attachLab', [{ kind: 'folder', id: '../x' }])).toMatch(/lab or node name/)
  })

  it('lab specs: persistence is none, rdb or aof', async () => {
    await expect(dispatch(api, 'createLab', [{ persistence: 'aof', replicas: 1 }])).resolves.toBe('ok')
    expect(await refused('createLab', [{ persistence: 'disk' }])).toMatch(/persistence: must be 'none', 'rdb' or 'aof'/)
    expect(await refused('createLab', [{ password: 'x' }])).toMatch(/password: unknown lab spec field/)
  })

  it('log follows: a program or lab member source and a bounded tail', async () => {
    await expect(dispatch(api, 'followLog', [{ kind: 'lab', lab: 'lab-1', member: 'sentinel-1' }, 500])).resolves.toBe('ok')
    await expect(dispatch(api, 'followLog', [{ kind: 'program', name: 'web:web_00', channel: 'stderr' }, 0])).resolves.toBe('ok')
    expect(await refused('followLog', [{ kind: 'file', path: '/etc/shadow' }, 10])).toMatch(/\{kind: 'program' \| 'lab'/)
    expect(await refused('followLog', [{ kind: 'lab', lab: '..', member: 'x' }, 10])).toMatch(/lab or node name/)
    expect(await refused('followLog', [{ kind: 'program', name: 'x', channel: 'both' }, 10])).toMatch(/channel 'stdout' or 'stderr'/)
    expect(await refused('followLog', [{ kind: 'lab', lab: 'l', member: 'm' }, 1e9])).toMatch(/from 0 to 100000/)
    expect(await refused('unfollowLog', ['1'])).toMatch(/a follow id/)
  })

  it('passes well-formed arguments through unchanged', () => {
    expect(calls.find((c) => c.method === 'labNodeAction')?.args).toEqual(['lab', 'redis-master', 'kill', false])
  })
})
