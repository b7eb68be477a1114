// A node's own log file, read from its config as Redis reads it.
import { describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memberLogPath, ownLogfile } from '../../src/main/logs/own-logfile'
import { paneLines } from '../../src/main/logs/log-hub'

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

describe('memberLogPath', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sl-own-log-'))
  const member = { conf: join(dir, 'redis.conf'), dir, log: '/lab/logs/redis-master.log' }

  it("follows the node's own logfile inside its folder, and never one outside it", () => {
    writeFileSync(member.conf, 'logfile "node.log"\n')
    expect(memberLogPath(member)).toBe(join(dir, 'node.log'))
    // Redis rewrites this file and anyone on 127.0.0.1 can talk to a sentinel: no way out of the folder.
    writeFileSync(member.conf, 'logfile /home/user/.ssh/id_rsa\n')
    expect(memberLogPath(member)).toBe(member.log)
    writeFileSync(member.conf, 'logfile ../../etc/passwd\n')
    expect(memberLogPath(member)).toBe(member.log)
  })
})

describe('paneLines', () => {
  it('cuts a line over 16 KiB and says how much more the file holds', () => {
    const [cut, short] = paneLines(['x'.repeat(20_000), 'ok'])
    expect(cut).toMatch(/^x{16384} … \[3616 more characters in the file\]$/)
    expect(short).toBe('ok')
  })
})
