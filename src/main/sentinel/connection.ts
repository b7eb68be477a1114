// Waiting on ioredis connections: ready (or given up on), and truly ended, so that
// close() leaves no socket and no timer behind.
import type Redis from 'ioredis'

/** Resolves when the client is ready, or after `ms` (whatever happened). */
export function ready(c: Redis, ms: number): Promise<void> {
  if (c.status === 'ready') return Promise.resolve()
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t)
      c.off('ready', done)
      resolve()
    }
    const t = setTimeout(done, ms)
    c.once('ready', done)
  })
}

/** Disconnect and resolve once the socket is gone. */
export function ended(c: Redis): Promise<void> {
  if (c.status === 'end') return Promise.resolve()
  // Between two attempts (status 'reconnecting') there is no socket: disconnect() only
  // clears the retry timer, and no 'end' follows.
  // A socket that already died (a refused attempt) never emits 'close' again: ioredis's
  // disconnect timer then runs its full course; wait for it so that none is left behind.
  const deadStream = c.stream?.destroyed === true
  const linger = deadStream ? new Promise<void>((r) => setTimeout(r, disconnectTimeoutOf(c) + 5)) : Promise.resolve()
  if (c.status === 'reconnecting') {
    c.disconnect(false)
    return linger
  }
  const end = new Promise<void>((resolve) => {
    const t = setTimeout(resolve, 1000)
    c.once('end', () => {
      clearTimeout(t)
      resolve()
    })
    c.disconnect(false)
  })
  return Promise.all([end, linger]).then(() => {})
}

function disconnectTimeoutOf(c: Redis): number {
  return Number(c.options.disconnectTimeout ?? 2000)
}
