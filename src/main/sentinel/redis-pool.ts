// Short-lived connections to nodes and sentinels, reused across the polls of one wait or one
// operation and all closed by close(). They fail fast (lazyConnect, no offline queue, no
// retries, short timeouts): callers poll with deadlines of their own.
import Redis, { type RedisOptions } from 'ioredis'

/** The options of every fail-fast connection (one place, so they cannot drift apart). */
function failFastOptions(host: string, port: number, password: string | undefined, timeoutMs: number): RedisOptions {
  return {
    host, port, password,
    lazyConnect: true, enableOfflineQueue: false, enableReadyCheck: false,
    connectTimeout: timeoutMs, commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0, retryStrategy: () => null, reconnectOnError: () => false,
  }
}

/** One fail-fast connection, not yet connected; its socket errors reach the caller through the failing call. */
export function failFastClient(port: number, password?: string, timeoutMs = 500, host = '127.0.0.1'): Redis {
  const c = new Redis(failFastOptions(host, port, password, timeoutMs))
  c.on('error', () => {})
  return c
}

export class RedisPool {
  private readonly clients = new Map<string, Redis>()
  private closed = false

  constructor(private readonly timeoutMs = 500) {}

  /** A ready connection to 127.0.0.1:port. */
  get(port: number, password?: string): Promise<Redis> {
    return this.getAt('127.0.0.1', port, password)
  }

  /** A ready connection to host:port, reusing the last one while it is up. */
  async getAt(host: string, port: number, password?: string): Promise<Redis> {
    if (this.closed) throw new Error('closed')
    const key = `${host}:${port}:${password ?? ''}`
    const existing = this.clients.get(key)
    if (existing?.status === 'ready') return existing
    if (existing) {
      existing.disconnect()
      this.clients.delete(key)
    }
    const client = new Redis(failFastOptions(host, port, password, this.timeoutMs))
    let socketError: Error | null = null
    client.on('error', (e: Error) => (socketError = e)) // reported through the failing call instead
    this.clients.set(key, client)
    try {
      await client.connect()
    } catch (e) {
      client.disconnect()
      if (this.clients.get(key) === client) this.clients.delete(key)
      throw socketError ?? e // "connect ECONNREFUSED" says more than "Connection is closed."
    }
    // close() may have run while connecting: do not leave this one open.
    if (this.closed) client.disconnect()
    return client
  }

  close(): void {
    this.closed = true
    for (const c of this.clients.values()) c.disconnect()
    this.clients.clear()
  }
}
