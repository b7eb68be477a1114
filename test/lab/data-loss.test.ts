// Which node actions are refused without confirmation because they would lose data.
import { describe, expect, it } from 'vitest'
import { dataLossWarning } from '../../src/main/lab/data-loss'

const master = { persistence: 'none' as const, isMaster: true, linkedReplicas: 2 }

describe('dataLossWarning', () => {
  it('warns before restarting a master without persistence, and points to kill instead', () => {
    expect(dataLossWarning('redis-master', 'restart', master)).toMatch(/redis-master is the master.*ALL data is lost.*Kill it instead/)
  })

  it('warns before starting a node the sentinels still call master', () => {
    expect(dataLossWarning('redis-master', 'start', master)).toMatch(/still believe redis-master is the master/)
  })

  it('lets kill and stop through while a linked replica can take over', () => {
    expect(dataLossWarning('redis-master', 'kill', master)).toBeNull()
    expect(dataLossWarning('redis-master', 'stop', master)).toBeNull()
    expect(dataLossWarning('redis-master', 'kill', { ...master, linkedReplicas: 0 })).toMatch(/no replica is linked/)
  })

  it('says less is lost with RDB and nothing for AOF; replicas are never at risk', () => {
    // A restart or a stop is a clean shutdown: Redis saves its RDB first. A kill is not.
    expect(dataLossWarning('redis-master', 'restart', { ...master, persistence: 'rdb' })).toBeNull()
    expect(dataLossWarning('redis-master', 'start', { ...master, persistence: 'rdb' })).toMatch(/since the last save/)
    expect(dataLossWarning('redis-master', 'kill', { ...master, persistence: 'rdb', linkedReplicas: 0 })).toMatch(/since the last save/)
    expect(dataLossWarning('redis-master', 'restart', { ...master, persistence: 'aof' })).toBeNull()
    expect(dataLossWarning('redis-replica-1', 'restart', { ...master, isMaster: false })).toBeNull()
  })

  it('never warns for pause and resume', () => {
    expect(dataLossWarning('redis-master', 'pause', master)).toBeNull()
    expect(dataLossWarning('redis-master', 'resume', master)).toBeNull()
  })
})
