// LogFollower against the engine's real RotatingLog (x.log -> x.log.1 -> ... at maxbytes):
// 200k numbered lines written fast through 64 KiB files must each arrive exactly once, in
// order. In-process (writes interleaved with the follower) and from a separate process
// writing flat out (true concurrency, many rotations between two looks of the follower).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { LogFollower } from '../../src/main/logs/log-follower'
import { RotatingLog } from '../../src/main/supervisor/rotating-log'
import { waitFor } from '../helpers/wait'

const root = mkdtempSync(join(tmpdir(), 'follow-rot-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let seq = 0
const newDir = (): string => mkdtempSync(join(root, `d${seq++}-`))

const TOTAL = 200_000

function numbers(from: number, to: number): string {
  let s = ''
  for (let i = from; i < to; i++) s += `${i}\n`
  return s
}

/** Follows `path`, checking each line is the next number; bytes counts what arrived. */
async function followNumbers(path: string) {
  const rec = { next: 0, bytes: 0, bad: [] as string[], rotations: 0, errors: [] as Error[], last: -1 }
  const f = new LogFollower(
    path,
    {
      onLines: (lines) => {
        for (const l of lines) {
          rec.bytes += l.length + 1
          const n = Number(l)
          if (n !== rec.next && rec.bad.length < 20) rec.bad.push(`expected ${rec.next}, got ${JSON.stringify(l)}`)
          rec.next = n + 1
          rec.last = n
        }
      },
      onRotate: () => rec.rotations++,
      onError: (e) => rec.errors.push(e),
    },
    { tailLines: 100 },
  )
  const start = await f.start()
  expect(start.lines).toEqual([])
  return { f, rec }
}

describe('LogFollower through RotatingLog rotations', () => {
  it('in process: 200k lines through 64 KiB files, 3 backups: every number once, in order', async () => {
    const path = join(newDir(), 'x.log')
    const log = new RotatingLog(path, 64 * 1024, 3)
    const { f, rec } = await followNumbers(path)
    const t0 = performance.now()
    let written = 0
    let stalls = 0
    let i = 0
    for (let k = 0; i < TOTAL; k++) {
      // Alternate line-by-line writes, big writes, and writes cut mid-line (a pipe read):
      // RotatingLog then may start a line in one file and end it in the next.
      const kind = k % 3
      if (kind === 0) {
        for (const end = Math.min(TOTAL, i + 200); i < end; i++) log.write(Buffer.from(`${i}\n`))
      } else {
        const end = Math.min(TOTAL, i + 1 + ((k * 7919) % 3000))
        const buf = Buffer.from(numbers(i, end))
        i = end
        if (kind === 1) log.write(buf)
        else for (let off = 0, c = 1; off < buf.length; off += c, c = (c * 5 + 3) % 997) log.write(buf.subarray(off, off + c))
      }
      written = i
      await new Promise((r) => setImmediate(r))
      // backups=3 keeps the newest 4 files (256 KiB): a follower further behind than that
      // would lose lines to deletion whatever it does. Never let the writer get that far
      // ahead; count how often it had to wait.
      const lag = approxBytes(written) - rec.bytes
      if (lag > 160 * 1024) {
        stalls++
        await waitFor(() => approxBytes(written) - rec.bytes < 32 * 1024, 'the follower to catch up', 10_000, 1)
      }
    }
    log.close()
    await waitFor(() => rec.next >= TOTAL, `all ${TOTAL} lines (got up to ${rec.next})`, 20_000, 5)
    const ms = performance.now() - t0
    await f.close()
    console.log(`in-process: ${TOTAL} lines, ${rec.rotations} rotations followed, writer stalled ${stalls} times, ${ms.toFixed(0)} ms`)
    expect(rec.bad).toEqual([])
    expect(rec.last).toBe(TOTAL - 1)
    expect(rec.bytes).toBe(approxBytes(TOTAL))
    expect(rec.rotations).toBeGreaterThanOrEqual(15)
    expect(rec.errors).toEqual([])
  })

  it('another process writing flat out, 64 KiB files: every number once, in order', async () => {
    const dir = newDir()
    const path = join(dir, 'x.log')
    const { f, rec } = await followNumbers(path)
    // Backups enough that nothing is deleted: any loss would be the follower's.
    const t0 = performance.now()
    const code = await runWriter(dir, path, 200)
    const writerMs = performance.now() - t0
    expect(code).toBe(0)
    await waitFor(() => rec.next >= TOTAL, `all ${TOTAL} lines (got up to ${rec.next})`, 20_000, 5)
    await f.close()
    console.log(`separate process: ${TOTAL} lines written in ${writerMs.toFixed(0)} ms, ${rec.rotations} rotations followed`)
    expect(rec.bad).toEqual([])
    expect(rec.last).toBe(TOTAL - 1)
    expect(rec.bytes).toBe(approxBytes(TOTAL))
    expect(rec.rotations).toBeGreaterThanOrEqual(15)
    expect(rec.errors).toEqual([])
  })

  it('another process flat out with 3 backups: what arrives is in order, never repeated, and ends at the last line', async () => {
    // Here the writer may delete files the follower never got to look at (it keeps only 4):
    // lines lost that way cannot be helped, but the rest must stay ordered and unrepeated.
    // Lines are 8 digits wide so that a line cut by a lost file shows as a fragment.
    const dir = newDir()
    const path = join(dir, 'x.log')
    const seen: string[] = []
    let rotations = 0
    const f = new LogFollower(path, { onLines: (ls) => void seen.push(...ls), onRotate: () => rotations++ }, { tailLines: 0 })
    await f.start()
    expect(await runWriter(dir, path, 3, 8)).toBe(0)
    await waitFor(() => seen.at(-1) === String(TOTAL - 1).padStart(8, '0'), 'the last line', 20_000, 5)
    await f.close()
    const whole = seen.filter((l) => /^\d{8}$/.test(l)).map(Number)
    const fragments = seen.length - whole.length
    let ordered = true
    for (let k = 1; k < whole.length; k++) if (!(whole[k] > whole[k - 1])) ordered = false
    console.log(`separate process, 3 backups: ${whole.length} of ${TOTAL} lines arrived (${TOTAL - whole.length} deleted by rotation before they were read), ${fragments} cut lines, ${rotations} rotations followed`)
    expect(ordered).toBe(true)
    expect(fragments).toBeLessThanOrEqual(rotations)
  })
})

/** Bytes of the lines 0..n-1 as written ("0\n1\n..."). */
function approxBytes(n: number): number {
  let total = 0
  for (let digits = 1, lo = 0, hi = 10; lo < n; digits++, lo = hi, hi *= 10) total += (Math.min(n, hi) - lo) * (digits + 1)
  return total
}

/** Runs TOTAL numbered lines through a RotatingLog in a child process, as fast as it goes. */
function runWriter(dir: string, path: string, backups: number, width = 0): Promise<number | null> {
  const script = join(dir, 'writer.mts')
  const rotating = pathToFileURL(resolve(import.meta.dirname, '../../src/main/supervisor/rotating-log.ts')).href
  writeFileSync(
    script,
    `import { RotatingLog } from ${JSON.stringify(rotating)}
const log = new RotatingLog(${JSON.stringify(path)}, 64 * 1024, ${backups})
let i = 0
for (let k = 0; i < ${TOTAL}; k++) {
  const end = Math.min(${TOTAL}, i + 1 + ((k * 7919) % 500))
  let s = ''
  for (; i < end; i++) s += String(i).padStart(${width}, '0') + '\\n'
  const buf = Buffer.from(s)
  // Cut mid-line now and then, like pipe reads.
  if (k % 2) log.write(buf)
  else { const c = buf.length >> 1; log.write(buf.subarray(0, c)); log.write(buf.subarray(c)) }
}
log.close()
`,
  )
  const tsx = resolve(import.meta.dirname, '../../node_modules/tsx/dist/esm/index.mjs')
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(tsx).href, script], { stdio: ['ignore', 'inherit', 'inherit'] })
    child.on('error', rej)
    child.on('exit', (code) => res(code))
  })
}
