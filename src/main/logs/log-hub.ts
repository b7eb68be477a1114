// Every log followed for the UI: one LogFollower (the file, through rotation) and one
// LogBatcher (back-pressure) per follow, named by an id that the 'log' events carry.
import type { LogBatch, LogFollowStart } from '../../shared/model'
import { LogBatcher } from './log-batcher'
import { LogFollower } from './log-follower'

/** A window left open with many panes must not exhaust file descriptors. */
export const MAX_FOLLOWS = 64

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
      onLines: (lines) => batcher.push(lines),
      onRotate: () => batcher.markRotated(),
      onError: (e) => batcher.push([`[sentinel-lab] cannot read ${path}: ${e.message}`]),
    }, { tailLines })
    this.follows.set(id, { follower, batcher })
    try {
      const tail = await follower.start()
      return { id, path, lines: tail.lines, truncated: tail.truncated }
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
