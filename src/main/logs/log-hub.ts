// Every log followed for the UI: one LogFollower (the file, through rotation) and one
// LogBatcher (back-pressure) per follow, named by an id that the 'log' events carry.
import type { LogBatch, LogFollowStart } from '../../shared/model'
import { LogBatcher } from './log-batcher'
import { LogFollower } from './log-follower'

/** A window left open with many panes must not exhaust file descriptors. */
const MAX_FOLLOWS = 64
/** A line longer than this reaches a pane cut, with how much more the file holds. */
const MAX_LINE_CHARS = 16 * 1024
/** The tail a follow starts with is cut to its newest lines within this many characters. */
const MAX_TAIL_CHARS = 8 * 2 ** 20

/** Lines as a pane gets them: memory is bounded in bytes, not only in lines. */
export function paneLines(lines: string[]): string[] {
  return lines.map((l) => (l.length > MAX_LINE_CHARS ? `${l.slice(0, MAX_LINE_CHARS)} … [${l.length - MAX_LINE_CHARS} more characters in the file]` : l))
}

/** The newest lines of a tail within MAX_TAIL_CHARS. */
function boundedTail(lines: string[]): { lines: string[]; cut: boolean } {
  let total = 0
  let i = lines.length
  while (i > 0 && total + lines[i - 1].length <= MAX_TAIL_CHARS) total += lines[--i].length
  return { lines: lines.slice(i), cut: i > 0 }
}

interface Follow {
  follower: LogFollower
  batcher: LogBatcher
}

export class LogHub {
  private nextId = 1
  private readonly follows = new Map<number, Follow>()

  constructor(private readonly emit: (batch: LogBatch) => void) {}

  async follow(path: string, tailLines: number): Promise<LogFollowStart> {
    if (this.follows.size >= MAX_FOLLOWS) throw new Error(`at most ${MAX_FOLLOWS} logs can be followed at once: close some panes`)
    const id = this.nextId++
    const batcher = new LogBatcher((b) => this.emit({ id, ...b }))
    const follower = new LogFollower(path, {
      onLines: (lines) => batcher.push(paneLines(lines)),
      onRotate: () => batcher.markRotated(),
      onError: (e) => batcher.push([`[sentinel-lab] cannot read ${path}: ${e.message}`]),
    }, { tailLines })
    this.follows.set(id, { follower, batcher })
    try {
      const tail = await follower.start()
      const bounded = boundedTail(paneLines(tail.lines))
      return { id, path, lines: bounded.lines, truncated: tail.truncated || bounded.cut }
    } catch (e) {
      await this.unfollow(id)
      throw e
    }
  }

  async unfollow(id: number): Promise<void> {
    const f = this.follows.get(id)
    if (!f) return
    this.follows.delete(id)
    await f.follower.close()
    f.batcher.close()
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.follows.keys()].map((id) => this.unfollow(id)))
  }
}
