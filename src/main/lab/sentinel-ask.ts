// Who the sentinels of a lab say the master is (SENTINEL GET-MASTER-ADDR-BY-NAME), asked of
// all of them at once over short-timeout connections that are kept for repeated polls and
// all closed by close(). A sentinel that does not answer counts as null, never as an error:
// the callers decide what a silent sentinel means.
import Redis from 'ioredis'

/** A sentinel to ask: a lab's (127.0.0.1) or any, by address. */
export interface SentinelAddress {
  host?: string
  port: number
}

export class SentinelClients {
  private readonly clients = new Map<string, Redis>()
  private closed = false

  /** `password`: the sentinels' own requirepass (a lab's sentinels have none). */
  constructor(private readonly timeoutMs = 500, private readonly password?: string) {}

  /** The master port each sentinel reports (null: no answer, or it knows no such master). */
  async masterPorts(sentinels: readonly SentinelAddress[], masterName: string): Promise<(number | null)[]> {
    return (await this.masterAddresses(sentinels, masterName)).map((a) => (a ? Number(a.slice(a.lastIndexOf(':') + 1)) : null))
  }

  /** The master "host:port" each sentinel reports (a deployment's nodes may share a port on several hosts). */
  async masterAddresses(sentinels: readonly SentinelAddress[], masterName: string): Promise<(string | null)[]> {
    return Promise.all(sentinels.map(async (s) => {
      try {
        const c = await this.get(s)
        const reply = (await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)) as [string, string] | null
        return reply ? `${reply[0]}:${reply[1]}` : null
      } catch {
        return null
      }
    }))
  }

  close(): void {
    this.closed = true
    for (const c of this.clients.values()) c.disconnect()
    this.clients.clear()
  }

  /** A ready connection to the sentinel, reusing the last one while it is up. */
  async get(s: SentinelAddress): Promise<Redis> {
    if (this.closed) throw new Error('closed')
    const host = s.host ?? '127.0.0.1'
    const key = `${host}:${s.port}`
    const existing = this.clients.get(key)
    if (existing?.status === 'ready') return existing
    existing?.disconnect()
    const c = new Redis({
      host, port: s.port, password: this.password, lazyConnect: true, enableOfflineQueue: false, enableReadyCheck: false,
      connectTimeout: this.timeoutMs, commandTimeout: this.timeoutMs,
      maxRetriesPerRequest: 0, retryStrategy: () => null, reconnectOnError: () => false,
    })
    let socketError: Error | null = null
    c.on('error', (e: Error) => (socketError = e)) // reported through the failing call
    this.clients.set(key, c)
    try {
      await c.connect()
    } catch (e) {
      c.disconnect()
      if (this.clients.get(key) === c) this.clients.delete(key)
      throw socketError ?? e // "connect ECONNREFUSED" says more than "Connection is closed."
    }
    // close() may have run while connecting: do not leave this one open.
    if (this.closed) c.disconnect()
    return c
  }
}

/** Ask once and close: the master port each sentinel reports. */
export async function askMasterPorts(sentinels: readonly SentinelAddress[], masterName: string, timeoutMs = 500, password?: string): Promise<(number | null)[]> {
  const clients = new SentinelClients(timeoutMs, password)
  try {
    return await clients.masterPorts(sentinels, masterName)
  } finally {
    clients.close()
  }
}

/** The port that more than half of `total` sentinels report, or null. */
export function majorityMaster(answers: readonly (number | null)[], total: number): number | null {
  const counts = new Map<number, number>()
  for (const a of answers) if (a !== null) counts.set(a, (counts.get(a) ?? 0) + 1)
  for (const [port, n] of counts) if (n > total / 2) return port
  return null
}

/** The port most of the answering sentinels report (ties: the first seen), or null if none answered. */
export function mostReported(answers: readonly (number | null)[]): number | null {
  const counts = new Map<number, number>()
  for (const a of answers) if (a !== null) counts.set(a, (counts.get(a) ?? 0) + 1)
  let best: number | null = null
  for (const [port, n] of counts) if (best === null || n > counts.get(best)!) best = port
  return best
}
