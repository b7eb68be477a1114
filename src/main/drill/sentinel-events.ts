// What the sentinels announce during a drill (their pub/sub: +sdown, +odown, the election,
// +switch-master, +convert-to-slave, ...), time-stamped on the drill's clock, for the chart's
// marks, the story and the failover time.
import Redis from 'ioredis'

export interface HeardEvent {
  /** Milliseconds on the drill's clock. */
  t: number
  /** The sentinel's name (sentinel-1) or address. */
  member: string
  type: string
  text: string
}

export interface SentinelToListen {
  name: string
  host: string
  port: number
}

export class SentinelEars {
  readonly heard: HeardEvent[] = []
  private readonly clients: Redis[] = []

  constructor(
    private readonly sentinels: readonly SentinelToListen[],
    private readonly now: () => number,
    private readonly password?: string,
    /** Only this master's events count (a sentinel may watch several). */
    private readonly masterName?: string,
  ) {}

  /** Whether an event is about the drill's master (events without a master, like +new-epoch, are kept). */
  private ours(type: string, text: string): boolean {
    const m = this.masterName
    if (!m) return true
    if (type === '+switch-master') return text.startsWith(`${m} `)
    const at = text.indexOf(' @ ')
    if (at >= 0) return text.slice(at + 3).startsWith(`${m} `)
    const words = text.split(' ')
    return words[0] !== 'master' || words[1] === m
  }

  /** Subscribed to every sentinel that answers (one that does not is skipped: the drill goes on). */
  async start(): Promise<void> {
    await Promise.all(this.sentinels.map(async (s) => {
      const c = new Redis({ host: s.host, port: s.port, password: this.password, lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 100, 1000) })
      c.on('error', () => {})
      c.on('pmessage', (_pattern: string, channel: string, message: string) => {
        if (this.ours(channel, message)) this.heard.push({ t: this.now(), member: s.name, type: channel, text: message })
      })
      this.clients.push(c)
      try {
        await c.connect()
        await c.psubscribe('*')
      } catch {
        // A sentinel down from the start: its events are missed, the others' are not.
      }
    }))
  }

  close(): void {
    for (const c of this.clients) c.disconnect()
  }
}
