// LogFollower on real files: tail then follow, small and large appends, partial and very
// long lines, UTF-8 across reads, a file that appears later, rotation by hand (logrotate
// without copytruncate), truncation, and close() that really stops.
import { appendFileSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readlinkSync, renameSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { LogFollower } from '../../src/main/logs/log-follower'
import { waitFor } from '../helpers/wait'

const root = mkdtempSync(join(tmpdir(), 'follow-test-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let seq = 0
const newDir = (): string => mkdtempSync(join(root, `d${seq++}-`))

const open: LogFollower[] = []
afterEach(async () => {
  for (const f of open.splice(0)) await f.close()
})

function follow(path: string, tail = 10, pollMs?: number) {
  const got: string[] = []
  const rec = { lines: got, rotations: 0, errors: [] as Error[], calls: 0 }
  const f = new LogFollower(
    path,
    {
      onLines: (lines) => {
        rec.calls++
        got.push(...lines)
      },
      onRotate: () => rec.rotations++,
      onError: (e) => rec.errors.push(e),
    },
    { tailLines: tail, pollMs },
  )
  open.push(f)
  return { f, rec }
}

const numbered = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, k) => `line ${from + k}`)

/** File descriptors of this process open on something under `dir` (Linux). */
function fdsUnder(dir: string): number {
  if (!existsSync('/proc/self/fd')) return 0
  let n = 0
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir)) n++
    } catch {
      // closed meanwhile
    }
  }
  return n
}

describe('LogFollower', () => {
  it('returns the tail, then follows from exactly where it ended: small and large writes, once, in order', async () => {
    const p = join(newDir(), 'x.log')
    writeFileSync(p, `${numbered(0, 50).join('\n')}\n`)
    const { f, rec } = follow(p, 5)
    const start = await f.start()
    expect(start).toEqual({ lines: numbered(45, 50), truncated: true })
    // Many small writes, each a line or a piece of one.
    const small = numbered(50, 3050)
    for (const l of small) {
      const mid = l.length >> 1
      appendFileSync(p, l.slice(0, mid))
      appendFileSync(p, `${l.slice(mid)}\n`)
    }
    // Then a few large ones (several reads each).
    const large = numbered(3050, 200_000)
    for (let i = 0; i < large.length; i += 50_000) appendFileSync(p, `${large.slice(i, i + 50_000).join('\n')}\n`)
    await waitFor(() => rec.lines.length >= 200_000 - 50, 'all lines', 20_000)
    expect(rec.lines).toEqual([...small, ...large])
    expect(rec.rotations).toBe(0)
    expect(rec.errors).toEqual([])
  })

  it('holds a partial line until its newline arrives, also one the tail ended on', async () => {
    const p = join(newDir(), 'x.log')
    writeFileSync(p, 'one\ntwo\nthr')
    const { f, rec } = follow(p, 10)
    // The unfinished last line is not shown cut: it comes whole when finished.
    expect(await f.start()).toEqual({ lines: ['one', 'two'], truncated: false })
    appendFileSync(p, 'ee\nfo')
    await waitFor(() => rec.lines.length >= 1, 'three')
    appendFileSync(p, 'ur')
    appendFileSync(p, '\r\nfive\n')
    await waitFor(() => rec.lines.length >= 3, 'four, five')
    expect(rec.lines).toEqual(['three', 'four', 'five'])
  })

  it('decodes UTF-8 split across its 64 KiB reads and across writes', async () => {
    const p = join(newDir(), 'x.log')
    writeFileSync(p, '')
    const { f, rec } = follow(p)
    await f.start()
    const lines = Array.from({ length: 30_000 }, (_, i) => `${i} ${'é漢🙂'.repeat((i % 4) + 1)}`)
    const bytes = Buffer.from(`${lines.join('\n')}\n`)
    // Writes cut at arbitrary bytes (inside characters), some large, some tiny.
    let off = 0
    for (let k = 0; off < bytes.length; k++) {
      const n = k % 3 === 0 ? 100_003 : (k % 7) + 1
      appendFileSync(p, bytes.subarray(off, off + n))
      off += n
    }
    await waitFor(() => rec.lines.length >= lines.length, 'all lines', 20_000)
    expect(rec.lines).toEqual(lines)
    expect(rec.lines.join('')).not.toContain('\ufffd')
  })

  it('delivers a line longer than 1 MiB in pieces instead of holding it', async () => {
    const p = join(newDir(), 'x.log')
    writeFileSync(p, 'before\n')
    const { f, rec } = follow(p, 0)
    await f.start()
    const long = '漢'.repeat(1_200_000) // 3.6 MB without a newline yet
    appendFileSync(p, long)
    // Most of it arrives before the line ends.
    await waitFor(() => rec.lines.length >= 3, 'pieces of the unfinished line', 10_000)
    for (const piece of rec.lines) expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(1024 * 1024)
    appendFileSync(p, '\nafter\n')
    await waitFor(() => rec.lines.at(-1) === 'after', 'after')
    expect(rec.lines.slice(0, -1).join('')).toBe(long)
    expect(rec.lines.join('')).not.toContain('\ufffd')
  })

  it('waits for a file (and a directory) that does not exist yet', async () => {
    const d = join(newDir(), 'later')
    const p = join(d, 'x.log')
    const { f, rec } = follow(p, 10, 20)
    expect(await f.start()).toEqual({ lines: [], truncated: false })
    mkdirSync(d)
    writeFileSync(p, 'a\nb\n')
    await waitFor(() => rec.lines.length >= 2, 'a, b')
    appendFileSync(p, 'c\n')
    await waitFor(() => rec.lines.length >= 3, 'c')
    expect(rec.lines).toEqual(['a', 'b', 'c'])
    expect(rec.rotations).toBe(0)
  })

  it('follows a rotation by hand: rename, the writer still appends to the old file, then a new file', async () => {
    const d = newDir()
    const p = join(d, 'x.log')
    const w = openSync(p, 'a')
    writeSync(w, 'a1\na2\n')
    const { f, rec } = follow(p, 10)
    expect((await f.start()).lines).toEqual(['a1', 'a2'])
    writeSync(w, 'a3\n')
    await waitFor(() => rec.lines.length >= 1, 'a3')
    // logrotate (create mode): rename, create the new file, then signal the writer, which
    // goes on writing to the renamed file until it reopens.
    renameSync(p, `${p}.1`)
    writeFileSync(p, '')
    await waitFor(() => rec.rotations >= 1, 'the rotation')
    writeSync(w, 'a4\na5 unfinished ')
    writeSync(w, 'and finished\n')
    closeSync(w)
    const w2 = openSync(p, 'a')
    writeSync(w2, 'b1\nb2\n')
    await waitFor(() => rec.lines.length >= 5, 'b1, b2')
    expect(rec.lines).toEqual(['a3', 'a4', 'a5 unfinished and finished', 'b1', 'b2'])
    // A second rotation, this time two at once before the follower can look (x.log.1 -> .2,
    // x.log -> .1, a new x.log; twice), written in one go.
    renameSync(`${p}.1`, `${p}.2`)
    renameSync(p, `${p}.1`)
    writeSync(w2, 'b3\n') // the writer had not reopened yet
    closeSync(w2)
    writeFileSync(p, 'c1\n')
    renameSync(`${p}.2`, `${p}.3`)
    renameSync(`${p}.1`, `${p}.2`)
    renameSync(p, `${p}.1`)
    writeFileSync(p, 'd1\n')
    await waitFor(() => rec.lines.at(-1) === 'd1', 'd1')
    expect(rec.lines.slice(5)).toEqual(['b3', 'c1', 'd1'])
    expect(rec.rotations).toBeGreaterThanOrEqual(2)
    expect(rec.errors).toEqual([])
  })

  it('starts over after a truncation in place and reports it', async () => {
    const p = join(newDir(), 'x.log')
    writeFileSync(p, 'old1\nold2\n')
    const { f, rec } = follow(p, 10)
    await f.start()
    appendFileSync(p, 'old3\n')
    await waitFor(() => rec.lines.length >= 1, 'old3')
    truncateSync(p, 0)
    await waitFor(() => rec.rotations >= 1, 'the truncation')
    appendFileSync(p, 'new1\nnew2\n')
    await waitFor(() => rec.lines.length >= 3, 'new lines')
    expect(rec.lines).toEqual(['old3', 'new1', 'new2'])
    // `> x.log` by a shell: the same, with the new text written right away.
    appendFileSync(p, 'new3\n')
    await waitFor(() => rec.lines.length >= 4, 'new3')
    writeFileSync(p, 'n\n')
    await waitFor(() => rec.lines.at(-1) === 'n', 'n after the second truncation')
    expect(rec.rotations).toBe(2)
    expect(rec.lines).toEqual(['old3', 'new1', 'new2', 'new3', 'n'])
  })

  it('close(): no hook after it resolves, though the file keeps growing and rotating; fds released', async () => {
    const d = newDir()
    const p = join(d, 'x.log')
    writeFileSync(p, 'start\n')
    const { f, rec } = follow(p, 10, 10)
    await f.start()
    let written = 0
    const writer = setInterval(() => appendFileSync(p, `w${written++}\n`), 2)
    try {
      await waitFor(() => rec.lines.length >= 20, 'lines while writing')
      expect(fdsUnder(d)).toBeGreaterThan(0)
      await f.close()
      const calls = rec.calls
      const rotations = rec.rotations
      expect(fdsUnder(d)).toBe(0)
      // Keep writing well past several poll periods and through a rotation.
      const until = written + 60
      await waitFor(() => written >= until, 'more writes after close')
      renameSync(p, `${p}.1`)
      appendFileSync(p, 'after rotation\n')
      const until2 = written + 30
      await waitFor(() => written >= until2, 'more writes after the rotation')
      expect(rec.calls).toBe(calls)
      expect(rec.rotations).toBe(rotations)
      await f.close() // twice is fine
    } finally {
      clearInterval(writer)
    }
  })
})
