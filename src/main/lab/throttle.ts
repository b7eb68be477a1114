// At most one call per period, and never a change left unsent: the first schedule() in a
// quiet period runs `fn` at once (next tick), later ones are folded into one call at the
// end of the period.
export class Throttle {
  private timer: NodeJS.Timeout | null = null
  private last = 0

  constructor(
    private readonly fn: () => void,
    private readonly periodMs = 100,
  ) {}

  schedule(): void {
    if (this.timer) return
    const wait = Math.max(0, this.last + this.periodMs - Date.now())
    this.timer = setTimeout(() => {
      this.timer = null
      this.last = Date.now()
      this.fn()
    }, wait)
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}

/**
 * A lab's status events: at most one per period, built when sent. healthy <-> degraded is
 * decided as the status is built, so the labs list learns of it here too (onStateChange).
 */
export function statusThrottle<S extends { state: string }>(build: () => S, emit: (status: S) => void, onStateChange: () => void): Throttle {
  let listed: string | null = null
  return new Throttle(() => {
    const status = build()
    emit(status)
    if (listed !== null && status.state !== listed) onStateChange()
    listed = status.state
  })
}
