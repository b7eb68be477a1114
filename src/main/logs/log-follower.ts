// Follows a log file like `tail -F`, through rotation (x.log -> x.log.1, new x.log) and
// truncation, without losing, repeating or reordering a line. The trick is the open fd: a
// renamed (even deleted) file stays readable through it, so the old file is read to its true
// end before the new one is started. Changes are noticed by fs.watch on the directory (fast)
// with a stat poll as the fallback (network filesystems, a directory that does not exist yet).
import { watch, type FSWatcher } from 'node:fs'
import { open, stat, type FileHandle } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import { MAX_LINE_BYTES, tailOfHandle } from './tail'

interface FollowHooks {
  /** Whole lines, in order, as they are appended (a partial last line is held until its newline arrives). */
  onLines(lines: string[]): void
  /** The file was rotated (x.log renamed away, a new x.log) or truncated. */
  onRotate?(): void
  onError?(e: Error): void
}

interface FollowOptions {
  tailLines: number
  pollMs?: number /* fallback poll, default 250 */
}

const READ_CHUNK = 64 * 1024
/** How far up x.log.1, x.log.2 ... to look for the files written after the one we held. */
const MAX_BACKUPS_SCANNED = 1000
/** Looks at the x.log.N names until two passes agree (see successors()). */
const SNAPSHOT_ATTEMPTS = 50

interface OpenFile {
  fh: FileHandle
  ino: number
  dev: number
  mtimeMs: number
  offset: number
}

export class LogFollower {
  private readonly dir: string
  private readonly base: string
  private readonly splitter = new LineSplitter()
  private readonly buf = Buffer.allocUnsafe(READ_CHUNK)
  /** The file being followed (null until the path exists). */
  private cur: OpenFile | null = null
  /** The file before `cur`, kept until `cur` has data: a writer may still append to the
   *  renamed file until it reopens its log (logrotate without copytruncate). */
  private prev: OpenFile | null = null
  private watcher: FSWatcher | null = null
  private timer: NodeJS.Timeout | null = null
  private dirty = false
  private running: Promise<void> | null = null
  private pumping = false
  private started = false
  private closed = false
  private lastError = ''

  constructor(
    readonly path: string,
    private readonly hooks: FollowHooks,
    private readonly options: FollowOptions,
  ) {
    this.dir = dirname(path)
    this.base = basename(path)
  }

  /** Reads the tail (tailLines) and starts following from exactly where the tail ended. A file that does not exist yet is waited for (empty tail). */
  async start(): Promise<{ lines: string[]; truncated: boolean }> {
    if (this.started) throw new Error('LogFollower.start() called twice')
    this.started = true
    let result = { lines: [] as string[], truncated: false }
    const f = await this.openFile(this.path)
    if (f) {
      try {
        const t = await tailOfHandle(f.file.fh, f.size, this.options.tailLines, true)
        f.file.offset = t.resumeAt
        result = { lines: t.lines, truncated: t.truncated }
      } catch (e) {
        await f.file.fh.close()
        throw e
      }
      if (this.closed) {
        await f.file.fh.close()
        return result
      }
      this.cur = f.file
    }
    if (this.closed) return result
    this.watchDir()
    this.timer = setInterval(() => {
      if (!this.watcher) this.watchDir()
      this.kick()
    }, this.options.pollMs ?? 250)
    this.kick() // whatever was appended since the tail
    return result
  }

  /** Stops: no hook is called after close() resolves; the fd and watchers are released. */
  async close(): Promise<void> {
    if (this.closed) return
    // Every hook call checks `closed`, so from here on none fires, even mid-read.
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.watcher?.close()
    this.watcher = null
    await this.running
    for (const f of [this.prev, this.cur]) await f?.fh.close().catch(() => undefined)
    this.prev = this.cur = null
  }

  private watchDir(): void {
    try {
      // The directory, not the file: a watch on the file follows its inode away on rename.
      this.watcher = watch(this.dir, { persistent: true }, (_event, name) => {
        if (name == null || String(name).startsWith(this.base)) this.kick()
      })
      this.watcher.on('error', () => {
        // Directory removed or watch limit hit: the poll carries on and retries the watch.
        this.watcher?.close()
        this.watcher = null
      })
    } catch {
      this.watcher = null
    }
  }

  /** Asks for a look at the file; looks never overlap, and a burst of events makes one. */
  private kick(): void {
    if (this.closed) return
    this.dirty = true
    if (!this.pumping) this.running = this.pump()
  }

  private async pump(): Promise<void> {
    // Set and cleared synchronously around the loop, so a kick() is never lost between the
    // loop's last check and the end of the pump.
    this.pumping = true
    try {
      while (this.dirty && !this.closed) {
        this.dirty = false
        try {
          await this.step()
          this.lastError = ''
        } catch (e) {
          const err = e instanceof Error ? e : new Error(String(e))
          // Reported once, not at every poll while the problem lasts.
          if (err.message !== this.lastError && !this.closed) this.hooks.onError?.(err)
          this.lastError = err.message
        }
      }
    } finally {
      this.pumping = false
    }
  }

  private async step(): Promise<void> {
    if (!this.cur) {
      const f = await this.openFile(this.path)
      if (!f || this.closed) return void (await f?.file.fh.close())
      this.cur = f.file
    }
    const cur = this.cur
    if (this.prev) {
      // Read `cur` only once it has data, and read `prev` to its end after seeing that: the
      // writer appended to `prev` before it switched, so nothing of `prev` comes after.
      const size = (await cur.fh.stat()).size
      await this.drain(this.prev)
      if (size === 0) return this.checkPath(cur, true)
      await this.closeFile(this.prev)
      this.prev = null
    }
    await this.drain(cur)
    await this.checkPath(cur, false)
  }

  /** Compares the path with the file held: same file (maybe truncated), or rotated. */
  private async checkPath(cur: OpenFile, prevPending: boolean): Promise<void> {
    const st = await stat(this.path).catch(ignoreENOENT)
    if (this.closed) return
    if (!st) return // renamed away, no new file yet: keep the old one, it may still grow
    if (sameFile(st, cur)) {
      if (prevPending) return
      const size = (await cur.fh.stat()).size
      if (size < cur.offset) {
        // Truncated in place (copytruncate, `> x.log`): start over; an unfinished line
        // from before the truncation is still a line.
        this.deliver(this.splitter.flush())
        cur.offset = 0
        this.rotated()
        this.dirty = true
      }
      return
    }
    // Rotated. Finish what we hold (the writer closed or left it before the rename), then
    // take the files written since, oldest first: with a fast writer there may be several.
    if (this.prev) {
      await this.drain(this.prev)
      await this.closeFile(this.prev)
      this.prev = null
    }
    await this.drain(cur)
    const next = await this.successors(cur)
    if (this.closed || next.length === 0) return void (await Promise.all(next.map((f) => f.fh.close())))
    const middle = [cur, ...next]
    const last = middle.pop() as OpenFile
    const before = middle.pop() as OpenFile
    // The new state first, so that a read error below cannot leave a closed file in use.
    this.cur = last
    this.prev = before
    try {
      for (let i = 1; i < middle.length; i++) {
        this.rotated()
        await this.drain(middle[i])
      }
    } finally {
      for (const f of middle) await f.fh.close().catch(() => undefined)
    }
    if (before !== cur) {
      this.rotated()
      await this.drain(before)
    }
    this.rotated()
    this.dirty = true
  }

  /**
   * The files written after `old`, oldest first, opened now so a later rotation cannot take
   * them away. A writer may rotate again while we look (RotatingLog at 64 KiB rotates every
   * few ms under load), so the names are read twice: opened in order x.log, x.log.1 ... and
   * then stat'ed again; when both passes agree, every name held that file at one same instant
   * (the moment between the passes) and the order of the names is the order of writing.
   */
  private async successors(old: OpenFile): Promise<OpenFile[]> {
    let snap = await this.snapshot(old)
    for (let attempt = 1; !snap.stable && attempt < SNAPSHOT_ATTEMPTS && !this.closed; attempt++) {
      await Promise.all(snap.found.map((f) => f.file.fh.close()))
      snap = await this.snapshot(old)
    }
    // (Never stable: a writer rotating faster than two passes; the last look is the best there is.)
    const found = snap.found.map((f) => f.file) // newest first
    if (!snap.foundOld) {
      // The old file was renamed out of the x.log.N scheme (dateext...) or deleted (we were
      // more than `backups` rotations behind). Backups written after it are newer than its
      // last write; older ones are history we must not repeat. The new x.log is always taken.
      const st = await old.fh.stat()
      for (let k = found.length - 1; k > 0; k--) {
        if (found[k].mtimeMs < st.mtimeMs) {
          await found[k].fh.close()
          found.splice(k, 1)
        }
      }
      // Deleted: files between it and these are gone, so an unfinished line at its end
      // will never be finished. Deliver it as it is rather than glue it to a stranger.
      if (st.nlink === 0) this.deliver(this.splitter.flush())
    }
    return found.reverse()
  }

  /** One look at x.log, x.log.1 ... up to `old` (or the first gap), and whether it held still. */
  private async snapshot(old: OpenFile): Promise<{ found: { file: OpenFile; name: string }[]; foundOld: boolean; stable: boolean }> {
    const found: { file: OpenFile; name: string }[] = [] // newest first
    const absent: string[] = []
    let oldName: string | null = null
    try {
      for (let i = 0; i <= MAX_BACKUPS_SCANNED && !this.closed; i++) {
        const name = i === 0 ? this.path : `${this.path}.${i}`
        const f = await this.openFile(name)
        if (!f) {
          absent.push(name)
          if (i === 0) continue
          break
        }
        if (sameFile(f.file, old) || found.some((g) => sameFile(g.file, f.file))) {
          await f.file.fh.close() // the old file (older ones do not matter), or a hard link
          if (!sameFile(f.file, old)) continue
          oldName = name
          break
        }
        found.push({ file: f.file, name })
      }
      let stable = true
      for (const { file, name } of found) if (!sameFile(await stat(name).catch(ignoreENOENT), file)) stable = false
      for (const name of absent) if ((await stat(name).catch(ignoreENOENT)) !== null) stable = false
      if (oldName !== null && !sameFile(await stat(oldName).catch(ignoreENOENT), old)) stable = false
      return { found, foundOld: oldName !== null, stable }
    } catch (e) {
      for (const f of found) await f.file.fh.close().catch(() => undefined)
      throw e
    }
  }

  /** Reads a file from its offset to its current end, delivering whole lines. */
  private async drain(f: OpenFile): Promise<void> {
    while (!this.closed) {
      const { bytesRead } = await f.fh.read(this.buf, 0, READ_CHUNK, f.offset)
      if (bytesRead === 0 || this.closed) return
      f.offset += bytesRead
      this.deliver(this.splitter.push(this.buf.subarray(0, bytesRead)))
    }
  }

  private deliver(lines: string[]): void {
    if (lines.length > 0 && !this.closed) this.hooks.onLines(lines)
  }

  private rotated(): void {
    if (!this.closed) this.hooks.onRotate?.()
  }

  private async openFile(path: string): Promise<{ file: OpenFile; size: number } | null> {
    let fh: FileHandle
    try {
      fh = await open(path, 'r')
    } catch (e) {
      return ignoreENOENT(e)
    }
    try {
      const st = await fh.stat()
      return { file: { fh, ino: st.ino, dev: st.dev, mtimeMs: st.mtimeMs, offset: 0 }, size: st.size }
    } catch (e) {
      await fh.close()
      throw e
    }
  }

  private async closeFile(f: OpenFile): Promise<void> {
    await f.fh.close()
  }
}

function sameFile(a: { ino: number; dev: number } | null, b: { ino: number; dev: number }): boolean {
  return a !== null && a.ino === b.ino && a.dev === b.dev
}

function ignoreENOENT(e: unknown): null {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
  throw e
}

/**
 * Bytes in, whole lines out. Splitting on the '\n' byte before decoding keeps multi-byte
 * UTF-8 intact across chunk edges ('\n' never occurs inside a UTF-8 sequence). An unfinished
 * line is held, but never more than MAX_LINE_BYTES: a longer one goes out in pieces.
 */
class LineSplitter {
  private parts: Buffer[] = []
  private held = 0

  push(chunk: Buffer): string[] {
    const out: string[] = []
    let start = 0
    for (;;) {
      const nl = chunk.indexOf(0x0a, start)
      if (nl === -1) break
      if (this.held === 0) out.push(stripCR(chunk.toString('utf8', start, nl)))
      else {
        this.parts.push(chunk.subarray(start, nl))
        out.push(stripCR(Buffer.concat(this.parts).toString('utf8')))
        this.parts = []
        this.held = 0
      }
      start = nl + 1
    }
    if (start < chunk.length) {
      // Copied: the caller reuses its read buffer.
      this.parts.push(Buffer.from(chunk.subarray(start)))
      this.held += chunk.length - start
      if (this.held > MAX_LINE_BYTES) {
        let rest = Buffer.concat(this.parts)
        while (rest.length > MAX_LINE_BYTES) {
          const cut = charBoundary(rest, MAX_LINE_BYTES)
          out.push(rest.toString('utf8', 0, cut))
          rest = rest.subarray(cut)
        }
        this.parts = [rest]
        this.held = rest.length
      }
    }
    return out
  }

  /** The unfinished line, as a line (or nothing). */
  flush(): string[] {
    if (this.held === 0) return []
    const line = stripCR(Buffer.concat(this.parts).toString('utf8'))
    this.parts = []
    this.held = 0
    return [line]
  }
}

/** `at`, moved back to the start of the UTF-8 character it falls in. */
function charBoundary(b: Buffer, at: number): number {
  for (let p = at, k = 0; k < 4 && p > 0; k++, p--) if ((b[p] & 0xc0) !== 0x80) return p
  return at
}

function stripCR(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s
}
