import { describe, expect, it } from 'vitest'
import { parseSentinelEvent } from '../../src/main/sentinel/event-parser'
import { readSampleEvents } from './samples'

describe('parseSentinelEvent', () => {
  const lines = readSampleEvents()

  it('reads the whole sample', () => {
    expect(lines.length).toBe(50)
  })

  it('parses every line of the sample failover: no line is "other"', () => {
    for (const l of lines) {
      const e = parseSentinelEvent(l.channel, l.payload)
      expect({ line: l.line, format: e.format }).not.toEqual({ line: l.line, format: 'other' })
      expect(e.type).toBe(l.channel)
      expect(e.raw).toBe(l.payload)
      if (e.format === 'instance') {
        expect(e.instanceType).toMatch(/^(master|slave|sentinel)$/)
        expect(e.address!.host).toBe('127.0.0.1')
        expect(e.master?.name).toBe('mymaster')
      }
    }
  })

  it('instance format with @ master', () => {
    const e = parseSentinelEvent('+selected-slave', 'slave 127.0.0.1:6381 127.0.0.1 6381 @ mymaster 127.0.0.1 6380')
    expect(e).toEqual({
      type: '+selected-slave', raw: 'slave 127.0.0.1:6381 127.0.0.1 6381 @ mymaster 127.0.0.1 6380', format: 'instance',
      instanceType: 'slave', name: '127.0.0.1:6381', address: { host: '127.0.0.1', port: 6381 },
      master: { name: 'mymaster', address: { host: '127.0.0.1', port: 6380 } },
    })
  })

  it('master instance with #quorum', () => {
    const e = parseSentinelEvent('+odown', 'master mymaster 127.0.0.1 6380 #quorum 3/2')
    expect(e.instanceType).toBe('master')
    expect(e.name).toBe('mymaster')
    expect(e.master).toEqual({ name: 'mymaster', address: { host: '127.0.0.1', port: 6380 } })
    expect(e.quorum).toEqual({ votes: 3, needed: 2 })
    expect(e.extra).toBe('#quorum 3/2')
  })

  it('role change, sentinel instance', () => {
    const r = parseSentinelEvent('-role-change', 'slave 127.0.0.1:6381 127.0.0.1 6381 @ mymaster 127.0.0.1 6380 new reported role is master')
    expect(r.reportedRole).toBe('master')
    const s = parseSentinelEvent('+config-update-from', 'sentinel fb8ab1645241a8bb24d49d9c5e65f1577259b263 127.0.0.1 26382 @ mymaster 127.0.0.1 6380')
    expect(s.instanceType).toBe('sentinel')
    expect(s.name).toBe('fb8ab1645241a8bb24d49d9c5e65f1577259b263')
    expect(s.address).toEqual({ host: '127.0.0.1', port: 26382 })
  })

  it('+switch-master, +new-epoch, +vote-for-leader, tilt', () => {
    const sw = parseSentinelEvent('+switch-master', 'mymaster 127.0.0.1 6380 127.0.0.1 6381')
    expect(sw.format).toBe('switch-master')
    expect(sw.name).toBe('mymaster')
    expect(sw.from).toEqual({ host: '127.0.0.1', port: 6380 })
    expect(sw.to).toEqual({ host: '127.0.0.1', port: 6381 })
    expect(sw.master).toEqual({ name: 'mymaster', address: { host: '127.0.0.1', port: 6381 } })
    expect(parseSentinelEvent('+new-epoch', '7')).toMatchObject({ format: 'epoch', epoch: 7 })
    expect(parseSentinelEvent('+vote-for-leader', 'fb8a 3')).toMatchObject({ format: 'vote', leaderRunId: 'fb8a', epoch: 3 })
    expect(parseSentinelEvent('+tilt', '#tilt mode entered')).toMatchObject({ format: 'tilt', extra: '#tilt mode entered' })
    expect(parseSentinelEvent('-tilt', '#tilt mode exited')).toMatchObject({ format: 'tilt' })
  })

  it('IPv6 and hostnames as addresses', () => {
    const e = parseSentinelEvent('+sdown', 'slave [::1]:6381 ::1 6381 @ my-master.x_1 redis.local 6380')
    expect(e.address).toEqual({ host: '::1', port: 6381 })
    expect(e.master).toEqual({ name: 'my-master.x_1', address: { host: 'redis.local', port: 6380 } })
  })

  it('other instance events: monitor, set, dup-sentinel, failover-abort', () => {
    expect(parseSentinelEvent('+monitor', 'master m 127.0.0.1 6380 quorum 2')).toMatchObject({ format: 'instance', extra: 'quorum 2' })
    expect(parseSentinelEvent('+set', 'master m 127.0.0.1 6380 down-after-milliseconds 1000')).toMatchObject({ extra: 'down-after-milliseconds 1000' })
    expect(parseSentinelEvent('-dup-sentinel', 'master m 127.0.0.1 6380 #duplicate of 127.0.0.1:26380 or abc')).toMatchObject({ format: 'instance', instanceType: 'master' })
    expect(parseSentinelEvent('-failover-abort-no-good-slave', 'master m 127.0.0.1 6380')).toMatchObject({ format: 'instance', name: 'm' })
  })

  it('unknown or malformed messages are kept raw, never dropped', () => {
    expect(parseSentinelEvent('+something-new', 'a b c')).toEqual({ type: '+something-new', raw: 'a b c', format: 'other' })
    expect(parseSentinelEvent('+switch-master', 'mymaster 127.0.0.1 x 127.0.0.1 6381')).toEqual({ type: '+switch-master', raw: 'mymaster 127.0.0.1 x 127.0.0.1 6381', format: 'other' })
    expect(parseSentinelEvent('+new-epoch', 'abc')).toMatchObject({ format: 'other', raw: 'abc' })
    expect(parseSentinelEvent('+sdown', 'master m 127.0.0.1 99999')).toMatchObject({ format: 'other' })
    expect(parseSentinelEvent('+sdown', '')).toEqual({ type: '+sdown', raw: '', format: 'other' })
    expect(parseSentinelEvent('__sentinel__:hello', '127.0.0.1,26380,abc,0,m,127.0.0.1,6380,0')).toMatchObject({ format: 'other' })
  })
})
