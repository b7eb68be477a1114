// RotatingLog: supervisord's rotation scheme (x.log, x.log.1 .. x.log.N) that never grows a
// file past maxbytes and keeps lines whole when they fit; then the same through real output.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { RotatingLog } from '../../src/main/supervisor/rotating-log'
import type { Supervisor } from '../../src/main/supervisor/supervisor'
import { cleanTemps, fixture, mkTemp, newSupervisor, program, readText, type Recorder, waitFor, writeFile } from './helpers'

afterAll(cleanTemps)

const size = (p: string): number => statSync(p).size
const line = (i: number, width = 10): string => `${String(i).padStart(width - 1, '0')}\n`

function filesOf(dir: string): string[] {
  return readdirSync(dir).sort()
}

describe('RotatingLog unit', () => {
  it('a rotated log keeps the mode of the one it replaces (a private log stays private)', () => {
    const dir = mkTemp('rl-mode-')
    const path = join(dir, 'x.log')
    writeFileSync(path, '', { mode: 0o600 })
    chmodSync(path, 0o600)
    const log = new RotatingLog(path, 100, 1)
    for (let i = 0; i < 25; i++) log.write(Buffer.from(line(i)))
    log.close()
    expect(filesOf(dir)).toEqual(['x.log', 'x.log.1'])
    for (const f of filesOf(dir)) expect({ f, mode: (statSync(join(dir, f)).mode & 0o777).toString(8) }).toEqual({ f, mode: '600' })
  })

  it('never exceeds maxbytes, names x.log, x.log.1 .., keeps at most `backups`', () => {
    const dir = mkTemp('rl-')
    const path = join(dir, 'x.log')
    const log = new RotatingLog(path, 100, 2)
    for (let i = 0; i < 100; i++) {
      log.write(Buffer.from(line(i)))
      for (const f of filesOf(dir)) expect(size(join(dir, f))).toBeLessThanOrEqual(100)
    }
    log.close()
    expect(filesOf(dir)).toEqual(['x.log', 'x.log.1', 'x.log.2'])
    // 10-byte lines, 100-byte files: the newest 20..30 lines survive, in order.
    const kept = ['x.log.2', 'x.log.1', 'x.log'].map((f) => readFileSync(join(dir, f), 'utf8')).join('')
    const nums = kept.split('\n').filter(Boolean).map(Number)
    expect(nums[nums.length - 1]).toBe(99)
    nums.forEach((n, i) => i > 0 && expect(n).toBe(nums[i - 1] + 1))
    // The 100th line fills the file exactly: it rotates at once (supervisord: tell() >= maxBytes).
    expect(readFileSync(join(dir, 'x.log.1'), 'utf8')).toBe(Array.from({ length: 10 }, (_, k) => line(90 + k)).join(''))
    expect(readFileSync(join(dir, 'x.log.2'), 'utf8')).toBe(Array.from({ length: 10 }, (_, k) => line(80 + k)).join(''))
    expect(readFileSync(path, 'utf8')).toBe('')
  })

  it('a write that would cross the limit is split at the last whole line', () => {
    const dir = mkTemp('rl-')
    const path = join(dir, 'x.log')
    const log = new RotatingLog(path, 25, 3)
    log.write(Buffer.from('aaaaaaaaa\nbbbbbbbbb\nccccccccc\nddd\n'))
    log.close()
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('aaaaaaaaa\nbbbbbbbbb\n')
    expect(readFileSync(path, 'utf8')).toBe('ccccccccc\nddd\n')
  })

  it('a line that does not fit in what is left starts a new file; one longer than maxbytes is cut', () => {
    const dir = mkTemp('rl-')
    const path = join(dir, 'x.log')
    const log = new RotatingLog(path, 20, 5)
    log.write(Buffer.from('12345678\n'))
    log.write(Buffer.from('abcdefghijklmno\n')) // 16 bytes: does not fit after 9
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('12345678\n')
    expect(readFileSync(path, 'utf8')).toBe('abcdefghijklmno\n')
    log.write(Buffer.from('X'.repeat(45) + '\n'))
    log.close()
    for (const f of filesOf(dir)) expect(size(join(dir, f))).toBeLessThanOrEqual(20)
    const all = ['x.log.4', 'x.log.3', 'x.log.2', 'x.log.1', 'x.log'].filter((f) => existsSync(join(dir, f)))
      .map((f) => readFileSync(join(dir, f), 'utf8')).join('')
    expect(all).toBe('12345678\nabcdefghijklmno\n' + 'X'.repeat(45) + '\n')
  })

  it('backups=0 truncates the one file instead of keeping backups', () => {
    const dir = mkTemp('rl-')
    const path = join(dir, 'x.log')
    const log = new RotatingLog(path, 50, 0)
    for (let i = 0; i < 23; i++) log.write(Buffer.from(line(i)))
    log.close()
    expect(filesOf(dir)).toEqual(['x.log'])
    expect(size(path)).toBeLessThanOrEqual(50)
    expect(readFileSync(path, 'utf8')).toBe(line(20) + line(21) + line(22))
  })

  it('maxbytes=0 never rotates', () => {
    const dir = mkTemp('rl-')
    const path = join(dir, 'x.log')
    const log = new RotatingLog(path, 0, 3)
    for (let i = 0; i < 100; i++) log.write(Buffer.from(line(i)))
    log.close()
    expect(filesOf(dir)).toEqual(['x.log'])
    expect(size(path)).toBe(1000)
  })

  it('appends to an existing file and counts its size', () => {
    const dir = mkTemp('rl-')
    const path = join(dir, 'x.log')
    writeFileSync(path, 'old line 1\nold line 2\n') // 22 bytes
    const log = new RotatingLog(path, 30, 1)
    log.write(Buffer.from('new line\n')) // 9 bytes: 31 > 30
    log.close()
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('old line 1\nold line 2\n')
    expect(readFileSync(path, 'utf8')).toBe('new line\n')
  })

  it('shifts backups: the oldest falls off', () => {
    const dir = mkTemp('rl-')
    const path = join(dir, 'x.log')
    const log = new RotatingLog(path, 10, 2)
    for (const w of ['one------\n', 'two------\n', 'three----\n', 'four-----\n']) log.write(Buffer.from(w))
    log.close()
    // Each write fills a file exactly: it rotates at once (supervisord: size >= maxbytes).
    expect(filesOf(dir)).toEqual(['x.log', 'x.log.1', 'x.log.2'])
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('four-----\n')
    expect(readFileSync(`${path}.2`, 'utf8')).toBe('three----\n')
    expect(readFileSync(path, 'utf8')).toBe('')
  })
})

describe('RotatingLog through a supervised program', () => {
  let sv: { supervisor: Supervisor; rec: Recorder } | null = null
  afterEach(async () => {
    await sv?.supervisor.shutdown()
    sv = null
  })

  it('many lines fast through stdout_logfile_maxbytes=10KB, backups=3', async () => {
    const dir = mkTemp('rl-int-')
    const logs = join(dir, 'logs')
    mkdirSync(logs)
    const log = join(logs, 'out.log')
    const N = 20_000
    const file = writeFile(dir, 'sv.ini', program('spew', {
      command: `${process.execPath} ${fixture('many-lines.js')} ${N}`, startsecs: 0,
      stdout_logfile: log, stdout_logfile_maxbytes: '10KB', stdout_logfile_backups: 3,
    }))
    sv = newSupervisor()
    await sv.supervisor.load(file)
    await waitFor(() => readText(log).endsWith('DONE\n'), { timeout: 20_000, what: 'DONE in the log' })
    const files = filesOf(logs)
    expect(files).toEqual(['out.log', 'out.log.1', 'out.log.2', 'out.log.3'])
    for (const f of files) expect(size(join(logs, f))).toBeLessThanOrEqual(10240)
    const text = ['out.log.3', 'out.log.2', 'out.log.1', 'out.log'].map((f) => readFileSync(join(logs, f), 'utf8'))
    for (const t of text.slice(0, 3)) {
      expect(t.endsWith('\n')).toBe(true)
      expect(t.length).toBeGreaterThan(10240 - 60) // full, but for less than one line
    }
    const lines = text.join('').split('\n').filter(Boolean)
    expect(lines.pop()).toBe('DONE')
    const nums = lines.map((l) => {
      const m = /^line (\d{7}) x{40}$/.exec(l)
      expect(m, `whole line: ${l}`).not.toBeNull()
      return Number(m![1])
    })
    expect(nums[nums.length - 1]).toBe(N - 1)
    for (let i = 1; i < nums.length; i++) expect(nums[i]).toBe(nums[i - 1] + 1)
    expect(nums.length).toBeGreaterThan(700)
  }, 30_000)

  it('output still in the pipe when the process exits reaches the log, even at shutdown', async () => {
    const dir = mkTemp('rl-exit-')
    const log = join(dir, 'loud.log')
    const file = writeFile(dir, 'sv.ini', program('loud', {
      command: `${process.execPath} ${fixture('loud-exit.js')} 20000`, startsecs: 0, stdout_logfile: log, stdout_logfile_maxbytes: 0,
    }))
    sv = newSupervisor()
    await sv.supervisor.load(file)
    await waitFor(() => readText(log).includes('ready'), { what: 'ready' })
    await sv.supervisor.shutdown()
    // No write may be lost (or land in a closed descriptor) after the exit is seen.
    const text = await waitFor(() => (readText(log).endsWith('BYE\n') ? readText(log) : null), {
      timeout: 2000, what: 'the last line in the log after shutdown',
    })
    expect(text.split('\n').filter((l) => l.startsWith('bye ')).length).toBe(20000)
  })
})
