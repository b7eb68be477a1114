// A real pipe for a child's stdout or stderr, read by the engine into the log.
//
// Node hands children socketpairs, not pipes; programs that reopen /dev/stdout (nginx's
// `access_log /dev/stdout`, `echo x > /dev/stdout`) fail on a socket with ENXIO, and they
// work under supervisord, which uses pipe(2). Node cannot make a pipe, but it can open a
// FIFO: one is made per channel, opened at both ends and unlinked at once. The engine keeps
// the write end, so the same pipe serves every respawn and a grandchild that still writes
// after its parent died lands in the same log, in order.
import { execFileSync } from 'node:child_process'
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs'
import { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export class OutputPipe {
  private closed = false

  private constructor(
    /** Give this fd to the child as its stdout / stderr. */
    readonly writeFd: number,
    private readonly reader: Socket,
  ) {}

  /** A pipe whose output goes to `sink`; null where FIFOs are not available (Windows). */
  static open(sink: (chunk: Buffer) => void): OutputPipe | null {
    if (process.platform === 'win32') return null
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-lab-pipe-'))
    const path = join(dir, 'fifo')
    try {
      execFileSync('mkfifo', ['-m', '600', path], { stdio: 'ignore' })
      // The reader first (non-blocking), so that opening the writer does not block.
      const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
      const writeFd = openSync(path, constants.O_WRONLY)
      const reader = new Socket({ fd: readFd, readable: true, writable: false })
      reader.on('data', sink)
      return new OutputPipe(writeFd, reader)
    } catch {
      return null
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }

  /**
   * Close the engine's write end and let the reader drain what the children wrote: it ends
   * when no writer is left, or after `graceMs` if a stray grandchild keeps the pipe open.
   */
  async close(graceMs = 1000): Promise<void> {
    if (this.closed) return
    this.closed = true
    closeSync(this.writeFd)
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.reader.destroy()
        resolve()
      }, graceMs)
      this.reader.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
      this.reader.resume()
    })
  }
}
