// Every call crossing a transport is checked before it reaches the service: the lab calls'
// ids, node names, actions, attach targets and spec fields are refused with a message that
// names the field, and a well-formed call reaches the service untouched.
import { describe, expect, it } from 'vitest'
import type { SentinelLabApi } from '../src/shared/api'
import { ApiError } from '../src/shared/errors'
import { dispatch } from '../src/main/transport/api-guard'

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

describe('config editing calls are validated', () => {
  const version = '0123456789abcdef'

  it('paths: non-empty strings without NUL; a lab id or null for listConfFiles', async () => {
    await expect(dispatch(api, 'listConfFiles', [null])).resolves.toBe('ok')
    await expect(dispatch(api, 'listConfFiles', ['lab-1'])).resolves.toBe('ok')
    expect(await refused('listConfFiles', ['../labs'])).toMatch(/lab or node name/)
    expect(await refused('listConfFiles', [])).toMatch(/expected 1 argument/)
    await expect(dispatch(api, 'openConfFile', ['/tmp/lab/redis-master/redis.conf'])).resolves.toBe('ok')
    expect(await refused('openConfFile', [''])).toMatch(/a file path/)
    expect(await refused('openConfFile', ['/etc/passwd\0.conf'])).toMatch(/a file path/)
    expect(await refused('closeConfFile', [42])).toMatch(/a file path/)
    expect(await refused('checkConf', ['x'.repeat(5000), 'port 1'])).toMatch(/a file path/)
  })

  it('texts: strings of at most 4 MiB characters, without NUL', async () => {
    await expect(dispatch(api, 'checkConf', ['/a/redis.conf', ''])).resolves.toBe('ok')
    expect(await refused('checkConf', ['/a/redis.conf', Buffer.from('port 1')])).toMatch(/argument 2 must be the text of a config file/)
    expect(await refused('checkConf', ['/a/redis.conf', 'x'.repeat(4 * 1024 * 1024 + 1)])).toMatch(/at most 4194304 characters/)
    expect(await refused('mergeConf', ['a', 'b\0', 'c'])).toMatch(/argument 2: a config text cannot hold a NUL/)
    expect(await refused('mergeConf', ['a', 'b'])).toMatch(/expected 3 argument/)
    await expect(dispatch(api, 'mergeConf', ['a\n', 'b\n', 'c\n'])).resolves.toBe('ok')
  })

  it('saves: a version as openConfFile gives it and an explicit apply flag', async () => {
    await expect(dispatch(api, 'saveConfFile', ['/a/redis.conf', 'port 1\n', version, false])).resolves.toBe('ok')
    expect(calls.at(-1)).toEqual({ method: 'saveConfFile', args: ['/a/redis.conf', 'port 1\n', version, false] })
    expect(await refused('saveConfFile', ['/a/redis.conf', 'port 1\n', version, 'yes'])).toMatch(/argument 4 must be true or false \(apply\)/)
    expect(await refused('saveConfFile', ['/a/redis.conf', 'port 1\n', '', true])).toMatch(/argument 3 must be a file version/)
    expect(await refused('saveConfFile', ['/a/redis.conf', 'port 1\n', 'v 1; rm -rf', true])).toMatch(/a file version/)
    expect(await refused('saveConfFile', ['/a/redis.conf', 'port 1\n', version])).toMatch(/expected 4 argument/)
  })

  it('doctor calls: a lab id; edits as {file, op, directive, args?}', async () => {
    await expect(dispatch(api, 'getConfSchema', [])).resolves.toBe('ok')
    expect(await refused('getConfSchema', ['redis'])).toMatch(/expected 0 argument/)
    await expect(dispatch(api, 'runDoctor', ['lab-1'])).resolves.toBe('ok')
    expect(await refused('runDoctor', ['/etc'])).toMatch(/lab or node name/)
    const good = [
      { file: '/a/redis.conf', op: 'set', directive: 'masterauth', args: ['secret'] },
      { file: '/a/lab.ini', op: 'unset', directive: 'program:x.autostart' },
    ]
    await expect(dispatch(api, 'applyConfEdits', [good])).resolves.toBe('ok')
    expect(calls.at(-1)?.args).toEqual([good])
    expect(await refused('applyConfEdits', [[]])).toMatch(/an array of 1 to 256 edits/)
    expect(await refused('applyConfEdits', [Array(257).fill(good[1])])).toMatch(/1 to 256 edits/)
    expect(await refused('applyConfEdits', [[{ ...good[0], op: 'append' }]])).toMatch(/edit 1: op must be 'set' or 'unset'/)
    expect(await refused('applyConfEdits', [[good[1], { ...good[0], args: 'secret' }]])).toMatch(/edit 2: a set needs args/)
    expect(await refused('applyConfEdits', [[{ ...good[0], args: [1] }]])).toMatch(/every arg must be a string/)
    expect(await refused('applyConfEdits', [[{ ...good[1], args: ['x'] }]])).toMatch(/an unset takes no args/)
    expect(await refused('applyConfEdits', [[{ ...good[0], directive: 'masterauth\nrequirepass x' }]])).toMatch(/directive: must be 1 to 256 characters on one line/)
    expect(await refused('applyConfEdits', [[{ ...good[0], file: '' }]])).toMatch(/a file path/)
    expect(await refused('applyConfEdits', [[{ ...good[0], mode: 0o777 }]])).toMatch(/mode is not an edit field/)
  })
})

describe('drill calls are validated', () => {
  it('a scenario name, one or two known clients, bounded numbers, known custom settings, report ids without paths', async () => {
    await expect(dispatch(api, 'startDrill', ['lab-1', { scenario: 'kill-master', clients: ['default', 'custom'], custom: { commandTimeoutMs: 300, failoverDetector: true }, rate: 500 }])).resolves.toBe('ok')
    expect(await refused('startDrill', ['lab-1', { scenario: '../x', clients: ['default'] }])).toMatch(/scenario: a scenario name/)
    expect(await refused('startDrill', ['lab-1', { scenario: 'kill-master', clients: ['default', 'default'] }])).toMatch(/clients: one or two of/)
    expect(await refused('startDrill', ['lab-1', { scenario: 'kill-master', clients: ['sloppy'] }])).toMatch(/clients: one or two of/)
    expect(await refused('startDrill', ['lab-1', { scenario: 'kill-master', clients: ['default'], rate: 1e9 }])).toMatch(/rate: a whole number from 1 to 5000/)
    expect(await refused('startDrill', ['lab-1', { scenario: 'kill-master', clients: ['custom'], custom: { commandTimeoutMs: -1 } }])).toMatch(/custom\.commandTimeoutMs/)
    expect(await refused('startDrill', ['lab-1', { scenario: 'kill-master', clients: ['custom'], custom: { shell: 'x' } }])).toMatch(/custom\.shell/)
    expect(await refused('startDrill', ['lab-1', { scenario: 'kill-master', clients: ['default'], seconds: 5 }])).toMatch(/seconds: unknown drill field/)
    expect(await refused('getDrillReport', ['lab-1', '../../etc'])).toMatch(/a drill report id/)
    expect(await refused('getDrillReport', ['lab-1', '.hidden'])).toMatch(/a drill report id/)
  })
})

describe('the method table', () => {
  it('checks every method: a call with one argument too many is refused before the service sees it', async () => {
    const { API_METHODS } = await import('../src/shared/api')
    expect(API_METHODS.length).toBeGreaterThan(30)
    calls.length = 0
    for (const m of API_METHODS) expect(await refused(m, [0, 0, 0, 0, 0])).toMatch(/expected \d argument/)
    expect(calls).toEqual([])
    expect(await refused('constructor', [])).toMatch(/unknown method: constructor/)
  })
})
