// A node's own log file, read from its config as Redis reads it.
import { describe, expect, it } from 'vitest'
import { ownLogfile } from '../../src/main/logs/own-logfile'

describe('ownLogfile', () => {
  it('is null for standard output ("" or no logfile line)', () => {
    expect(ownLogfile('port 6380\nlogfile ""\n', '/lab/n')).toBeNull()
    expect(ownLogfile('port 6380\n', '/lab/n')).toBeNull()
  })

  it('takes the last logfile line, unquoted, relative to the working dir', () => {
    expect(ownLogfile('logfile ""\nlogfile "redis node.log"\n', '/lab/n')).toBe('/lab/n/redis node.log')
    expect(ownLogfile('  LOGFILE /var/log/redis/sentinel.log  \r\n', '/lab/n')).toBe('/var/log/redis/sentinel.log')
    expect(ownLogfile("logfile 'a.log'\n# logfile b.log\n", '/x')).toBe('/x/a.log')
  })
})
