// Short-lived connections to a lab's nodes and sentinels on 127.0.0.1, reused across the
// polls of one wait or one operation and all closed by close(). They fail fast (lazyConnect,
// no offline queue, no retries, short timeouts): callers poll with deadlines of their own.
import Redis from 'ioredis'

export class RedisPool {
  private readonly clients = new Map<string, Redis>()

  constructor(private readonly timeoutMs = 500) {}

  async get(port: number, password?: string): Promise<Redis> {
    const key = `${port}:${password ?? ''}`
    const existing = this.clients.get(key)
    if (existing && existing.status === 'ready') return existing
    if (existing) {
      existing.disconnect()
      this.clients.delete(key)
    }
    const client = new Redis({
      host: '127.0.0.1', port, password,
      lazyConnect: true, enableOfflineQueue: false, enableReadyCheck: false,
      connectTimeout: this.timeoutMs, commandTimeout: this.timeoutMs,
      maxRetriesPerRequest: 0, retryStrategy: () => null, reconnectOnError: () => false,
    })
    let socketError: Error | null = null
    client.on('error', (e: Error) => (socketError = e)) // reported through the failing call instead
    this.clients.set(key, client)
    try {
      await client.connect()
    } catch (e) {
      client.disconnect()
      this.clients.delete(key)
      throw socketError ?? e // "connect ECONNREFUSED" says more than "Connection is closed."
    }
    return client
  }

  close(): void {
    for (const c of this.clients.values()) c.disconnect()
    this.clients.clear()
  }
}
