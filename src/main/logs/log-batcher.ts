// Back-pressure between a log follower and a pane. A program can write a million lines a
// second; a pane shows a few screens. Lines are queued (bounded), sent a batch per period,
// and when the queue overflows the oldest are dropped and counted: the pane learns how many
// it missed, the whole log stays on disk, and memory never grows with the writer's speed.

const EMPTY: string[] = []

export interface LogBatcherBatch {
  lines: string[]
  skipped: number
  rotated: boolean
}

interface LogBatcherOptions {
  periodMs?: number
  maxBatch?: number
  maxPending?: number
}

/** Back-pressure between a fast writer and a pane: lines pushed are delivered in batches at most every periodMs (default 100), at most maxBatch lines per batch (default 5000); when more than maxPending (default 20000) wait, the oldest pending are dropped and counted in the next batch's `skipped`. Never unbounded memory. */
export class LogBatcher {
  private readonly periodMs: number
  private readonly maxBatch: number
  private readonly maxPending: number
  /** Pending lines as the arrays pushed (no per-line copying): segments[first] is the oldest,
   *  its first pending line at `head`. Indices, not shift(): a million one-line pushes stay O(1). */
  private segments: string[][] = []
  private first = 0
  private head = 0
  private pendingCount = 0
  private skipped = 0
  private rotated = false
  private timer: NodeJS.Timeout | null = null
  private lastEmit = -Infinity
  private closed = false
  private maxSeen = 0

  constructor(
    private readonly emit: (batch: LogBatcherBatch) => void,
    options: LogBatcherOptions = {},
  ) {
    this.periodMs = options.periodMs ?? 100
    this.maxBatch = Math.max(1, options.maxBatch ?? 5000)
    this.maxPending = Math.max(1, options.maxPending ?? 20000)
  }

  /** Lines waiting now (never more than maxPending). */
  get pending(): number {
    return this.pendingCount
  }

  /** The most lines ever waiting at once: for tests and diagnostics. */
  get highWater(): number {
    return this.maxSeen
  }

  /** Queues lines. The array is kept as is (not copied): do not change it afterwards. */
  push(lines: string[]): void {
    if (this.closed || lines.length === 0) return
    let add = lines
    if (add.length > this.maxPending) {
      // More than fits at all: only the newest can survive, skip the rest without storing it.
      this.skipped += add.length - this.maxPending
      add = add.slice(add.length - this.maxPending)
    }
    this.segments.push(add)
    this.pendingCount += add.length
    if (this.pendingCount > this.maxPending) this.dropOldest(this.pendingCount - this.maxPending)
    if (this.pendingCount > this.maxSeen) this.maxSeen = this.pendingCount
    this.schedule()
  }

  markRotated(): void {
    if (this.closed) return
    this.rotated = true
    this.schedule()
  }

  /** Delivers what is pending now (if anything), then stops. */
  close(): void {
    if (this.closed) return
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    // All of it, still in batches of at most maxBatch (at most maxPending / maxBatch of them).
    while (this.hasSomething()) this.emitOne()
  }

  private hasSomething(): boolean {
    return this.pendingCount > 0 || this.skipped > 0 || this.rotated
  }

  private schedule(): void {
    if (this.timer || this.closed) return
    // Right away after a quiet spell (a new line shows at once), else one period after the last batch.
    const wait = Math.max(0, this.lastEmit + this.periodMs - Date.now())
    this.timer = setTimeout(() => {
      this.timer = null
      if (this.closed) return
      // Timers count from the event loop's cached clock, which lags when the loop is busy:
      // one may fire early. Check the real time, or batches could come closer than periodMs.
      if (Date.now() - this.lastEmit < this.periodMs) return this.schedule()
      if (this.hasSomething()) this.emitOne()
      if (this.hasSomething()) this.schedule()
    }, wait)
  }

  private emitOne(): void {
    const lines = this.take(this.maxBatch)
    const batch = { lines, skipped: this.skipped, rotated: this.rotated }
    this.skipped = 0
    this.rotated = false
    this.lastEmit = Date.now()
    this.emit(batch)
  }

  private take(n: number): string[] {
    const out: string[] = []
    while (out.length < n && this.first < this.segments.length) {
      const seg = this.segments[this.first]
      const k = Math.min(n - out.length, seg.length - this.head)
      for (let i = this.head; i < this.head + k; i++) out.push(seg[i])
      this.advance(k)
    }
    return out
  }

  private dropOldest(n: number): void {
    this.skipped += n
    let left = n
    while (left > 0) {
      const k = Math.min(left, this.segments[this.first].length - this.head)
      this.advance(k)
      left -= k
    }
  }

  /** Moves the head past `k` lines of the first segment. */
  private advance(k: number): void {
    this.head += k
    this.pendingCount -= k
    if (this.head >= this.segments[this.first].length) {
      this.segments[this.first] = EMPTY // let the delivered lines go now, not at compaction
      this.first++
      this.head = 0
      if (this.first === this.segments.length) {
        this.segments = []
        this.first = 0
      } else if (this.first >= 1024 && this.first * 2 >= this.segments.length) {
        this.segments = this.segments.slice(this.first)
        this.first = 0
      }
    }
  }
}
