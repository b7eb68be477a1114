// The log panes' reading of Redis and Sentinel log lines, on real lines: the sentinel's and
// the replica's from a failover recorded on this kind of machine (redis 7.0.15, sentinel
// on 26990, master 16990, replica 16991), and the NOAUTH loop of
// /work/shared/samples/sample-masterauth-missing.log.
import { describe, expect, it } from 'vitest'
import { eventFamily, isSwitchMaster, LEVELS, levelOf, parseEvent, parseRedisLine } from '../../src/renderer/lib/redis-log'

const SENTINEL = `30226:X 24 Nov 2026 19:48:47.039 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo
30226:X 24 Nov 2026 19:48:47.041 * Running mode=sentinel, port=26990.
30226:X 24 Nov 2026 19:48:47.043 # Sentinel ID is 92f3ed2a3929df5925a0b55312ab1dffa86fa2ea
30226:X 24 Nov 2026 19:48:47.043 # +monitor master mymaster 127.0.0.1 16990 quorum 1
30226:X 24 Nov 2026 19:48:47.044 * +slave slave 127.0.0.1:16991 127.0.0.1 16991 @ mymaster 127.0.0.1 16990
30226:X 24 Nov 2026 19:48:50.051 # Executing user requested FAILOVER of 'mymaster'
30331:X 24 Nov 2026 19:49:16.386 # +sdown master mymaster 127.0.0.1 16990
30331:X 24 Nov 2026 19:49:16.386 # +odown master mymaster 127.0.0.1 16990 #quorum 1/1
30331:X 24 Nov 2026 19:49:16.386 # +new-epoch 1
30331:X 24 Nov 2026 19:49:16.386 # +try-failover master mymaster 127.0.0.1 16990
30331:X 24 Nov 2026 19:49:16.388 # +vote-for-leader 984a64c41e6bc88ab2d9fd141f16f93a9cad516a 1
30331:X 24 Nov 2026 19:49:16.388 # +elected-leader master mymaster 127.0.0.1 16990
30331:X 24 Nov 2026 19:49:16.388 # +failover-state-select-slave master mymaster 127.0.0.1 16990
30331:X 24 Nov 2026 19:49:16.454 # -failover-abort-no-good-slave master mymaster 127.0.0.1 16990
30331:X 24 Nov 2026 19:49:19.504 # -sdown master mymaster 127.0.0.1 16990
30331:X 24 Nov 2026 19:49:19.504 # -odown master mymaster 127.0.0.1 16990
30386:X 24 Nov 2026 19:49:28.712 * +failover-state-send-slaveof-noone slave 127.0.0.1:16991 127.0.0.1 16991 @ mymaster 127.0.0.1 16990
30386:X 24 Nov 2026 19:49:29.664 # +promoted-slave slave 127.0.0.1:16991 127.0.0.1 16991 @ mymaster 127.0.0.1 16990
30386:X 24 Nov 2026 19:49:29.718 # +failover-end master mymaster 127.0.0.1 16990
30386:X 24 Nov 2026 19:49:29.718 # +switch-master mymaster 127.0.0.1 16990 127.0.0.1 16991
30386:X 24 Nov 2026 19:49:43.022 * +convert-to-slave slave 127.0.0.1:16990 127.0.0.1 16990 @ mymaster 127.0.0.1 16991
30291:X 24 Nov 2026 19:49:04.580 # +tilt #tilt mode entered
30386:signal-handler (1795549784) Received SIGTERM scheduling shutdown...`.split('\n')

/** From /work/shared/samples/sample-masterauth-missing.log (= test/fixtures/samples). */
const NOAUTH = `25266:C 24 Nov 2026 15:06:20.563 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo
25266:M 24 Nov 2026 15:06:20.565 * Ready to accept connections
25266:S 24 Nov 2026 15:06:30.588 * Connecting to MASTER 127.0.0.1:6382
25266:S 24 Nov 2026 15:06:30.590 # Unexpected reply to PSYNC from master: -NOAUTH Authentication required.
25266:S 24 Nov 2026 15:06:30.590 # MASTER aborted replication with an error: NOAUTH Authentication required.`.split('\n')

const parse = (line: string) => {
  const p = parseRedisLine(line)
  if (!p) throw new Error(`not parsed: ${line}`)
  return p
}

describe('parseRedisLine', () => {
  it('reads every real line apart: pid, role, date, time, level, message', () => {
    for (const line of [...SENTINEL, ...NOAUTH]) expect(parseRedisLine(line), line).not.toBeNull()
    expect(parse(SENTINEL[3]!)).toEqual({
      pid: 30226,
      role: 'sentinel',
      date: '24 Nov 2026',
      time: '19:48:47.043',
      level: 'warning',
      message: '+monitor master mymaster 127.0.0.1 16990 quorum 1',
      event: { name: '+monitor', family: 'other', detail: 'master mymaster 127.0.0.1 16990 quorum 1' },
    })
    expect(parse(NOAUTH[2]!)).toMatchObject({ pid: 25266, role: 'replica', time: '15:06:30.588', level: 'notice', message: 'Connecting to MASTER 127.0.0.1:6382', event: null })
  })

  it('maps the role characters X, M, S, C', () => {
    expect(parse(SENTINEL[0]!).role).toBe('sentinel')
    expect(parse(NOAUTH[1]!).role).toBe('master')
    expect(parse(NOAUTH[2]!).role).toBe('replica')
    expect(parse(NOAUTH[0]!).role).toBe('child')
  })

  it('maps the level characters . - * #', () => {
    const at = (c: string) => parse(`1:M 24 Nov 2026 15:06:20.563 ${c} hello`).level
    expect(['.', '-', '*', '#'].map(at)).toEqual(['debug', 'verbose', 'notice', 'warning'])
    expect(LEVELS).toEqual(['debug', 'verbose', 'notice', 'warning'])
  })

  it('does not take a message that only mentions an event, or a master line, for a Sentinel event', () => {
    expect(parse(SENTINEL[5]!).event).toBeNull() // Executing user requested FAILOVER
    // "-NOAUTH" inside a replica's message is not an event.
    expect(parse(NOAUTH[3]!).event).toBeNull()
    expect(parse('25266:M 24 Nov 2026 15:06:20.565 * -sdown is not mine').event).toBeNull()
  })

  it("reads a signal handler's line (unix time, warning level)", () => {
    const p = parse(SENTINEL[SENTINEL.length - 1]!)
    expect(p).toMatchObject({ pid: 30386, role: 'signal-handler', date: '', level: 'warning', message: 'Received SIGTERM scheduling shutdown...' })
    expect(p.time).toMatch(/^\d{2}:\d{2}:\d{2}$/)
  })

  it("reads older servers' lines: no year, or [pid] without a role", () => {
    expect(parse('4242:M 24 Nov 15:06:30.588 * Ready to accept connections')).toMatchObject({ date: '24 Nov', role: 'master' })
    expect(parse('[4242] 24 Nov 15:06:30.588 # +sdown master mymaster 127.0.0.1 6380')).toMatchObject({
      pid: 4242,
      role: 'unknown',
      event: { name: '+sdown', family: 'down' },
    })
  })

  it('answers null for what is not a Redis line', () => {
    for (const line of ['', 'hello world', '2026-11-24 15:06:20 INFO worker started', '25266:Q 24 Nov 2026 15:06:20.563 # what', '25266:M 24 Nov 2026 15:06:20.563 ! bad level'])
      expect(parseRedisLine(line), line).toBeNull()
  })

  it('keeps a message that has no text after the level', () => {
    expect(parse('25266:M 24 Nov 2026 15:06:20.563 *').message).toBe('')
  })
})

describe('Sentinel events', () => {
  const eventOf = (needle: string) => parse(SENTINEL.find((l) => l.includes(` ${needle} `) || l.endsWith(` ${needle}`))!).event

  it('finds the event and its detail in real lines', () => {
    expect(eventOf('+switch-master')).toEqual({ name: '+switch-master', family: 'switch', detail: 'mymaster 127.0.0.1 16990 127.0.0.1 16991' })
    expect(eventOf('+odown')).toEqual({ name: '+odown', family: 'down', detail: 'master mymaster 127.0.0.1 16990 #quorum 1/1' })
    expect(eventOf('+tilt')).toEqual({ name: '+tilt', family: 'tilt', detail: '#tilt mode entered' })
    expect(eventOf('+new-epoch')).toEqual({ name: '+new-epoch', family: 'failover', detail: '1' })
  })

  it('puts each event in its family: down, failover, switch', () => {
    const families = Object.fromEntries(SENTINEL.map((l) => parse(l).event).filter((e) => e !== null).map((e) => [e.name, e.family]))
    expect(families).toEqual({
      '+monitor': 'other',
      '+slave': 'other',
      '+sdown': 'down',
      '+odown': 'down',
      '-sdown': 'down',
      '-odown': 'down',
      '+new-epoch': 'failover',
      '+try-failover': 'failover',
      '+vote-for-leader': 'failover',
      '+elected-leader': 'failover',
      '+failover-state-select-slave': 'failover',
      '-failover-abort-no-good-slave': 'failover',
      '+failover-state-send-slaveof-noone': 'failover',
      '+promoted-slave': 'failover',
      '+failover-end': 'failover',
      '+switch-master': 'switch',
      '+convert-to-slave': 'switch',
      '+tilt': 'tilt',
    })
    expect(eventFamily('+slave-reconf-done')).toBe('failover')
    expect(eventFamily('-role-change')).toBe('switch')
    expect(eventFamily('+config-update-from')).toBe('switch')
    expect(eventFamily('-tilt')).toBe('tilt')
  })

  it('makes +switch-master, and only it, stand out', () => {
    const standing = SENTINEL.filter((l) => isSwitchMaster(parse(l).event))
    expect(standing).toEqual([SENTINEL.find((l) => l.includes('+switch-master'))])
  })

  it('reads an event alone (no detail) and refuses what is not one', () => {
    expect(parseEvent('-tilt')).toEqual({ name: '-tilt', family: 'tilt', detail: '' })
    expect(parseEvent('+')).toBeNull()
    expect(parseEvent('Sentinel ID is 92f3ed2a')).toBeNull()
    expect(parseEvent('+Sdown x')).toBeNull()
  })
})

describe('levelOf', () => {
  it('answers the level as a number, -1 for other lines, as parseRedisLine does', () => {
    for (const line of [...SENTINEL, ...NOAUTH, 'plain output', '']) {
      const p = parseRedisLine(line)
      expect(levelOf(line), line).toBe(p ? LEVELS.indexOf(p.level) : -1)
    }
  })
})
