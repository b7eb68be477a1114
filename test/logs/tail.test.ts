// tailLines: the last n lines of a file read backwards, checked against the same lines
// computed the slow way (read everything, split), on edge cases and on a 100 MB file.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tailLines } from '../../src/main/logs/tail'

const dir = mkdtempSync(join(tmpdir(), 'tail-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let seq = 0
function file(content: string | Buffer): string {
  const p = join(dir, `f${seq++}.log`)
  writeFileSync(p, content)
  return p
}

/** The reference: all lines of the file, the last one counted even without its newline. */
function reference(content: Buffer, n: number): { lines: string[]; truncated: boolean } {
  if (content.length === 0) return { lines: [], truncated: false }
  const text = content.toString('utf8')
  const all = text.split('\n')
  if (text.endsWith('\n')) all.pop()
  const lines = all.slice(Math.max(0, all.length - n)).map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
  return { lines, truncated: all.length > n }
}

async function expectLikeReference(p: string, n: number): Promise<void> {
  const content = readFileSync(p)
  const got = await tailLines(p, n)
  const want = reference(content, n)
  expect(got.lines).toEqual(want.lines)
  expect(got.truncated).toBe(want.truncated)
  expect(got.endOffset).toBe(content.length)
  expect(got.ino).toBe(statSync(p).ino)
}

describe('tailLines', () => {
  it('returns the last 1000 lines of a 100 MB file quickly and exactly', async () => {
    const p = join(dir, 'big.log')
    const fd = openSync(p, 'w')
    // Varied lengths and multi-byte text, written in ~1 MB blocks.
    let size = 0
    let i = 0
    const target = 100 * 1024 * 1024
    while (size < target) {
      const block: string[] = []
      for (let k = 0; k < 8000; k++, i++) block.push(`${i} ${'x'.repeat(i % 97)} é漢🙂 ${i % 7 === 0 ? '\r' : ''}\n`)
      const buf = Buffer.from(block.join(''))
      writeSync(fd, buf)
      size += buf.length
    }
    closeSync(fd)
    const t0 = performance.now()
    const got = await tailLines(p, 1000)
    const ms = performance.now() - t0
    console.log(`tail of ${(size / 1048576).toFixed(1)} MB (${i} lines): last 1000 lines in ${ms.toFixed(1)} ms`)
    expect(ms).toBeLessThan(500) // typically a few ms; generous for a loaded machine
    const want = reference(readFileSync(p), 1000)
    expect(got.lines).toEqual(want.lines)
    expect(got.lines[999]).toMatch(new RegExp(`^${i - 1} `))
    expect(got.truncated).toBe(true)
    expect(got.endOffset).toBe(size)
  })

  it('counts a last line with or without its newline', async () => {
    expect((await tailLines(file('a\nb\nc\n'), 2)).lines).toEqual(['b', 'c'])
    expect((await tailLines(file('a\nb\nc'), 2)).lines).toEqual(['b', 'c'])
    expect(await tailLines(file('a\nb\nc'), 3)).toMatchObject({ lines: ['a', 'b', 'c'], truncated: false, endOffset: 5 })
    expect(await tailLines(file('a\nb\nc\n'), 3)).toMatchObject({ lines: ['a', 'b', 'c'], truncated: false, endOffset: 6 })
    expect(await tailLines(file('a\nb\nc\n'), 1)).toMatchObject({ lines: ['c'], truncated: true })
    for (const c of ['x', 'x\n', '\n', '\n\n\n', 'a\n\nb\n\n', '\nlast']) for (const n of [0, 1, 2, 3, 10]) await expectLikeReference(file(c), n)
  })

  it('strips CR of CRLF lines, keeps a lone CR inside a line', async () => {
    expect((await tailLines(file('a\r\nb\r\nc\r\n'), 2)).lines).toEqual(['b', 'c'])
    expect((await tailLines(file('a\r\nb\rx\r\nc'), 5)).lines).toEqual(['a', 'b\rx', 'c'])
  })

  it('an empty file has no lines; fewer lines than asked is all of them', async () => {
    expect(await tailLines(file(''), 10)).toMatchObject({ lines: [], truncated: false, endOffset: 0 })
    expect(await tailLines(file('one\ntwo\n'), 1000)).toMatchObject({ lines: ['one', 'two'], truncated: false })
  })

  it('throws ENOENT for a missing file', async () => {
    await expect(tailLines(join(dir, 'missing.log'), 5)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('decodes multi-byte UTF-8 that straddles its 64 KiB read edges', async () => {
    // 2-, 3- and 4-byte characters; each shift moves every character across the edges
    // (64 KiB from the end, then 128 KiB, 256 KiB... as reads double) at another byte.
    const body = Array.from({ length: 40000 }, (_, i) => `${i}:${'é漢🙂'.repeat((i % 5) + 1)}`).join('\n')
    for (let shift = 0; shift < 8; shift++) {
      const p = file(`${'z'.repeat(shift)}${body}\n`)
      await expectLikeReference(p, 10)
      await expectLikeReference(p, 3000) // spans several reads
      await expectLikeReference(p, 39999)
      await expectLikeReference(p, 40000)
      await expectLikeReference(p, 50000)
    }
    // A single long line of 4-byte characters, cut by the 64 KiB edge mid-character.
    for (let shift = 0; shift < 4; shift++) await expectLikeReference(file(`${'a'.repeat(shift)}${'🙂'.repeat(40000)}\nend`), 2)
  })

  it('keeps the last 1 MiB of a line longer than 1 MiB, starting on a whole character', async () => {
    const long = '🙂'.repeat(300_000) // 1.2 MB
    const got = await tailLines(file(`first\n${long}\nlast\n`), 5)
    expect(got.truncated).toBe(true)
    expect(got.lines).toHaveLength(2)
    expect(got.lines[1]).toBe('last')
    expect(long.endsWith(got.lines[0])).toBe(true)
    expect(Buffer.byteLength(got.lines[0])).toBeLessThanOrEqual(1024 * 1024)
    expect(Buffer.byteLength(got.lines[0])).toBeGreaterThan(1024 * 1024 - 4)
    expect(got.lines[0]).not.toContain('\ufffd')
  })
})
