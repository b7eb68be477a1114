// Saving config files: atomic (a concurrent reader never sees half a file), the mode kept,
// a backup of each replaced version (the newest 10 kept), a conflict instead of a blind
// overwrite when the disk changed, and no temp file left behind when a write fails.
import { spawn } from 'node:child_process'
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BACKUP_FOLDER, confVersion, ConflictError, listBackups, NotTextError, readConfFile, saveConfFile } from '../../src/main/conf/conf-file'
import { writeFileAtomic } from '../../src/main/conf/atomic-write'

const temps: string[] = []
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
})
function mkTemp(): string {
  const d = mkdtempSync(join(tmpdir(), 'conf-file-'))
  temps.push(d)
  return d
}
const modeOf = (path: string): number => statSync(path).mode & 0o777
const tempFiles = (dir: string): string[] => readdirSync(dir).filter((n) => n.endsWith('.tmp'))

describe('confVersion / readConfFile', () => {
  it('a short sha256 of the text; the mode of the file', () => {
    const file = join(mkTemp(), 'redis.conf')
    writeFileSync(file, 'port 6380\n', { mode: 0o600 })
    chmodSync(file, 0o600)
    const read = readConfFile(file)
    expect(read).toEqual({ text: 'port 6380\n', version: confVersion('port 6380\n'), mode: 0o600, uid: statSync(file).uid, gid: statSync(file).gid })
    expect(read.version).toMatch(/^[0-9a-f]{16}$/)
    expect(confVersion('port 6381\n')).not.toBe(read.version)
  })
})

describe('saveConfFile', () => {
  it('a reader in another process sees the old file or the new one, never half', async () => {
    const dir = mkTemp()
    const file = join(dir, 'big.conf')
    const texts = ['A', 'B'].map((c, i) => `${c.repeat(1_500_000 + i * 100_000)}\n`)
    writeFileSync(file, texts[0])
    const stop = join(dir, 'stop')
    const reader = spawn(process.execPath, ['-e', `
      const fs = require('fs')
      const ok = new Set(${JSON.stringify(texts.map((t) => t.length))})
      let reads = 0, torn = 0
      while (!fs.existsSync(${JSON.stringify(stop)})) {
        const t = fs.readFileSync(${JSON.stringify(file)}, 'utf8')
        reads++
        if (!ok.has(t.length) || t[0] !== t[t.length - 2]) torn++
      }
      process.stdout.write(JSON.stringify({ reads, torn }))
    `], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    reader.stdout.on('data', (b: Buffer) => (out += b.toString()))
    const exited = new Promise<number | null>((resolve) => reader.on('exit', resolve))
    try {
      let version = confVersion(texts[0])
      for (let i = 1; i <= 40; i++) version = saveConfFile(file, texts[i % 2], version).version
      writeFileSync(stop, '')
      expect(await exited).toBe(0)
    } finally {
      if (reader.exitCode === null) reader.kill('SIGKILL')
    }
    const { reads, torn } = JSON.parse(out) as { reads: number; torn: number }
    expect(reads).toBeGreaterThan(10)
    expect(torn).toBe(0)
    expect(tempFiles(dir)).toEqual([])
  })

  it('keeps the mode of the file it replaces (0600 stays 0600); a new file gets the mode given, or 0644', () => {
    const dir = mkTemp()
    const secret = join(dir, 'redis.conf')
    writeFileSync(secret, 'requirepass x\n')
    chmodSync(secret, 0o600)
    saveConfFile(secret, 'requirepass y\n', confVersion('requirepass x\n'), 0o644)
    expect(modeOf(secret)).toBe(0o600)
    expect(readFileSync(secret, 'utf8')).toBe('requirepass y\n')

    const fresh = join(dir, 'new.conf')
    expect(saveConfFile(fresh, 'port 1\n', null, 0o600)).toEqual({ version: confVersion('port 1\n'), backup: null })
    expect(modeOf(fresh)).toBe(0o600)
    const plain = join(dir, 'plain.ini')
    saveConfFile(plain, '[program:a]\n', null)
    expect(modeOf(plain)).toBe(0o644)
  })

  it('writes a backup of the replaced version beside the file, with its mode, and keeps the newest 10', () => {
    const dir = mkTemp()
    const file = join(dir, 'sentinel.conf')
    writeFileSync(file, 'v0\n')
    chmodSync(file, 0o600)
    const first = saveConfFile(file, 'v1\n', confVersion('v0\n'))
    expect(first.backup).not.toBeNull()
    expect(basename(first.backup!)).toMatch(/^sentinel\.conf\.\d{8}-\d{6}-\d{3}(-\d+)?$/)
    expect(first.backup!.startsWith(join(dir, BACKUP_FOLDER))).toBe(true)
    expect(readFileSync(first.backup!, 'utf8')).toBe('v0\n')
    expect(modeOf(first.backup!)).toBe(0o600)
    expect(modeOf(join(dir, BACKUP_FOLDER))).toBe(0o700)

    // Another file's backups in the same folder are not counted against this one's.
    const other = join(dir, 'sentinel.conf.d')
    writeFileSync(other, 'o0\n')
    saveConfFile(other, 'o1\n', confVersion('o0\n'))

    let version = first.version
    for (let i = 2; i <= 12; i++) version = saveConfFile(file, `v${i}\n`, version).version
    const kept = listBackups(file)
    expect(kept).toHaveLength(10)
    // Backups of v2..v11 remain (v0 and v1 were pruned), oldest first.
    expect(kept.map((b) => readFileSync(b, 'utf8'))).toEqual(Array.from({ length: 10 }, (_, i) => `v${i + 2}\n`))
    expect(listBackups(other).map((b) => readFileSync(b, 'utf8'))).toEqual(['o0\n'])
    expect(readFileSync(file, 'utf8')).toBe('v12\n')
  })

  it('refuses to overwrite a file that changed on disk, and says what the disk holds now', () => {
    const dir = mkTemp()
    const file = join(dir, 'sentinel.conf')
    writeFileSync(file, 'sentinel myid a\n')
    const base = confVersion('sentinel myid a\n')
    // Sentinel rewrites its file under the editor.
    writeFileSync(file, 'sentinel myid a\nsentinel current-epoch 1\n')
    let error: unknown
    try {
      saveConfFile(file, 'sentinel myid a\nsentinel down-after-milliseconds m 500\n', base)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConflictError)
    expect((error as ConflictError).disk).toEqual(readConfFile(file))
    expect(readFileSync(file, 'utf8')).toBe('sentinel myid a\nsentinel current-epoch 1\n')
    expect(existsSync(join(dir, BACKUP_FOLDER))).toBe(false)
    expect(tempFiles(dir)).toEqual([])
  })

  it('a new file must not exist yet, a file read must still exist', () => {
    const dir = mkTemp()
    const file = join(dir, 'redis.conf')
    writeFileSync(file, 'port 1\n')
    expect(() => saveConfFile(file, 'port 2\n', null)).toThrow(ConflictError)
    unlinkSync(file)
    let error: unknown
    try {
      saveConfFile(file, 'port 2\n', confVersion('port 1\n'))
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConflictError)
    expect((error as ConflictError).disk).toBeNull()
    expect(existsSync(file)).toBe(false)
  })

  it('the disk already holding the text is no conflict and needs no backup', () => {
    const file = join(mkTemp(), 'redis.conf')
    writeFileSync(file, 'port 2\n')
    expect(saveConfFile(file, 'port 2\n', confVersion('port 1\n'))).toEqual({ version: confVersion('port 2\n'), backup: null })
  })

  it('through a symlink, the file it points at is replaced and the link stays', () => {
    const dir = mkTemp()
    const real = join(dir, 'real.conf')
    const link = join(dir, 'link.conf')
    writeFileSync(real, 'port 1\n')
    symlinkSync(real, link)
    saveConfFile(link, 'port 2\n', confVersion('port 1\n'))
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readlinkSync(link)).toBe(real)
    expect(readFileSync(real, 'utf8')).toBe('port 2\n')
  })
})

describe('writeFileAtomic', () => {
  it('leaves no temp file and the target untouched when the write fails', () => {
    const dir = mkTemp()
    // A non-empty folder where the file should go: the rename fails after the temp file was written.
    const target = join(dir, 'conf')
    mkdirSync(target)
    writeFileSync(join(target, 'inside'), 'keep')
    expect(() => writeFileAtomic(target, 'x'.repeat(100_000))).toThrow()
    expect(tempFiles(dir)).toEqual([])
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('keep')
  })

  it('gives the file the mode asked for, whatever the umask', () => {
    const dir = mkTemp()
    const old = process.umask(0o077)
    try {
      writeFileAtomic(join(dir, 'a'), 'x', 0o644)
    } finally {
      process.umask(old)
    }
    expect(modeOf(join(dir, 'a'))).toBe(0o644)
  })
})

describe('what a save must not change besides the text', () => {
  it('refuses a file that is not UTF-8, saying where, and leaves it byte-identical', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conf-file-latin1-'))
    try {
      const path = join(dir, 'redis.conf')
      const bytes = Buffer.concat([Buffer.from('port 6380\n# caf'), Buffer.from([0xe9]), Buffer.from('\nmaxmemory 100mb\n')])
      writeFileSync(path, bytes)
      expect(() => readConfFile(path)).toThrow(NotTextError)
      expect(() => readConfFile(path)).toThrow(/redis\.conf:2: not UTF-8 text \(byte 0xe9\)/)
      expect(() => saveConfFile(path, 'port 6380\n', 'whatever')).toThrow(NotTextError)
      expect(readFileSync(path).equals(bytes)).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('names the right line and byte when valid multi-byte text comes before the bad byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conf-file-utf8-'))
    try {
      const path = join(dir, 'redis.conf')
      for (const n of [1, 7, 60, 199]) {
        writeFileSync(path, Buffer.concat([Buffer.from('# éééé\n'.repeat(n)), Buffer.from('port 1'), Buffer.from([0xff]), Buffer.from('\n')]))
        expect(() => readConfFile(path)).toThrow(new RegExp(`redis\\.conf:${n + 1}: not UTF-8 text \\(byte 0xff\\)`))
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("keeps the file's owner and group (as root: a file of another user stays that user's)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'conf-file-owner-'))
    try {
      const path = join(dir, 'sentinel.conf')
      writeFileSync(path, 'port 26380\n', { mode: 0o640 })
      const other = { uid: 4242, gid: 4343 }
      const root = process.getuid?.() === 0
      if (root) chownSync(path, other.uid, other.gid)
      const before = statSync(path)
      const { backup } = saveConfFile(path, 'port 26381\n', confVersion('port 26380\n'))
      const after = statSync(path)
      expect({ uid: after.uid, gid: after.gid, mode: after.mode & 0o777 }).toEqual({ uid: before.uid, gid: before.gid, mode: 0o640 })
      if (root) expect({ uid: after.uid, gid: after.gid }).toEqual(other)
      const b = statSync(backup!)
      expect({ uid: b.uid, gid: b.gid }).toEqual({ uid: before.uid, gid: before.gid })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
