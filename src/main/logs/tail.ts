// The last lines of a log file, read backwards from its end: the cost depends on the lines
// asked for, not on the file's size (a 1 GB log answers as fast as a 1 KB one).
import { open, type FileHandle } from 'node:fs/promises'

/** First read from the end; each further read doubles, so re-joining the window stays O(n). */
const FIRST_CHUNK = 64 * 1024
const MAX_CHUNK = 4 * 1024 * 1024
/** A line longer than this is cut into pieces of this size (the follower does the same). */
export const MAX_LINE_BYTES = 1024 * 1024
/** Never hold more than this much of the file for one tail, whatever n or the line lengths. */
const MAX_TAIL_BYTES = 64 * 1024 * 1024

const NL = 0x0a

/**
 * The last `n` lines of a file (without their newlines), read backwards from the end in
 * chunks: fast on a 1 GB file. A last line without a newline counts as a line. Also returns
 * the byte offset where the file ended when read, so a follower can continue from exactly there.
 * A line longer than 1 MiB is represented by its last 1 MiB. Throws (ENOENT...) as fs does.
 */
export async function tailLines(path: string, n: number): Promise<{ lines: string[]; truncated: boolean; endOffset: number; ino: number }> {
  const fh = await open(path, 'r')
  try {
    const st = await fh.stat()
    const t = await tailOfHandle(fh, st.size, n, false)
    return { lines: t.lines, truncated: t.truncated, endOffset: st.size, ino: st.ino }
  } finally {
    await fh.close()
  }
}

interface HandleTail {
  lines: string[]
  truncated: boolean
  /** Where reading should go on: `end`, or the start of a held-back partial last line. */
  resumeAt: number
}

/**
 * The tail of bytes [0, end) of an open file. With `holdPartial`, a last line without its
 * newline is left out and `resumeAt` points at its start, so a follower reads it again and
 * delivers it whole once its newline arrives (instead of showing it cut in two).
 */
export async function tailOfHandle(fh: FileHandle, end: number, n: number, holdPartial: boolean): Promise<HandleTail> {
  if (end === 0) return { lines: [], truncated: false, resumeAt: 0 }
  const w = new BackwardWindow(fh, end)
  const floor = Math.max(0, end - MAX_TAIL_BYTES)
  let regionEnd = end
  let resumeAt = end
  if (holdPartial && (await w.byteAt(end - 1)) !== NL) {
    const p = await w.lastNewline(end, Math.max(floor, end - MAX_LINE_BYTES))
    if (p !== -1) regionEnd = resumeAt = p + 1
    else if (end <= MAX_LINE_BYTES) regionEnd = resumeAt = 0 // the whole file is one unfinished line
    // else: an unfinished line longer than the cap is shown (cut) like any other long line
  }
  if (regionEnd === 0 || n <= 0) return { lines: [], truncated: regionEnd > 0, resumeAt }

  // Walk back line by line: each newline found before `lineEnd` starts one more line.
  let lineEnd = (await w.byteAt(regionEnd - 1)) === NL ? regionEnd - 1 : regionEnd
  let start = regionEnd
  let count = 0
  let truncated = false
  while (count < n) {
    const lineFloor = Math.max(floor, lineEnd - MAX_LINE_BYTES)
    const p = await w.lastNewline(lineEnd, lineFloor)
    if (p !== -1) {
      start = p + 1
      count++
      lineEnd = p
      continue
    }
    if (lineFloor === 0) {
      start = 0 // the file's first line
      count++
    } else if (lineFloor === lineEnd - MAX_LINE_BYTES) {
      // A line too long to keep: its last MAX_LINE_BYTES, starting on a character.
      start = await w.charStart(lineFloor, lineEnd)
      count++
      truncated = true
    } else {
      truncated = true // the byte budget ends inside this line: leave it out
    }
    break
  }
  if (count === n && start > 0) truncated = true
  const text = w.slice(start, regionEnd).toString('utf8')
  const lines = text.split('\n')
  if (text.endsWith('\n')) lines.pop()
  for (let i = 0; i < lines.length; i++) if (lines[i].endsWith('\r')) lines[i] = lines[i].slice(0, -1)
  return { lines, truncated, resumeAt }
}

/** Bytes [start, end) of a file, loaded backwards on demand; `buf` holds [start, end). */
class BackwardWindow {
  private buf: Buffer = Buffer.alloc(0)
  private start: number
  private chunk = FIRST_CHUNK

  constructor(
    private readonly fh: FileHandle,
    private readonly end: number,
  ) {
    this.start = end
  }

  async byteAt(pos: number): Promise<number> {
    while (pos < this.start) if (!(await this.loadMore(0))) return -1
    return this.buf[pos - this.start]
  }

  /** Position of the last '\n' in [floor, before), or -1. */
  async lastNewline(before: number, floor: number): Promise<number> {
    let upTo = before // [this.start, upTo) is still to search
    for (;;) {
      if (upTo > this.start) {
        const i = this.buf.lastIndexOf(NL, upTo - 1 - this.start)
        if (i !== -1) return i + this.start >= floor ? i + this.start : -1
      }
      if (this.start <= floor) return -1
      upTo = this.start
      await this.loadMore(floor)
    }
  }

  /** The first character start at or after `pos` (skips UTF-8 continuation bytes). */
  async charStart(pos: number, limit: number): Promise<number> {
    let p = pos
    for (let k = 0; k < 3 && p < limit; k++) {
      if (((await this.byteAt(p)) & 0xc0) !== 0x80) break
      p++
    }
    return p
  }

  slice(from: number, to: number): Buffer {
    return this.buf.subarray(from - this.start, to - this.start)
  }

  private async loadMore(floor: number): Promise<boolean> {
    if (this.start <= floor || this.start === 0) return false
    const from = Math.max(floor, this.start - this.chunk)
    const part = Buffer.allocUnsafe(this.start - from)
    let got = 0
    while (got < part.length) {
      const { bytesRead } = await this.fh.read(part, got, part.length - got, from + got)
      if (bytesRead === 0) throw new Error(`file shrank while its tail was read (at ${from + got} of ${this.end})`)
      got += bytesRead
    }
    this.buf = this.buf.length === 0 ? part : Buffer.concat([part, this.buf])
    this.start = from
    this.chunk = Math.min(this.chunk * 2, MAX_CHUNK)
    return true
  }
}
