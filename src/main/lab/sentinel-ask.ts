// Who the sentinels of a lab say the master is (SENTINEL GET-MASTER-ADDR-BY-NAME), asked of
// all of them at once over short-timeout connections that are kept for repeated polls and
// all closed by close(). A sentinel that does not answer counts as null, never as an error:
// the callers decide what a silent sentinel means.
import type Redis from 'ioredis'
import { RedisPool } from '../sentinel/redis-pool'

/** A sentinel to ask: a lab's (127.0.0.1) or any, by address. */
export interface SentinelAddress {
  host?: string
  port: number
}

export class SentinelClients {
  private readonly pool: RedisPool

  /** `password`: the sentinels' own requirepass (a lab's sentinels have none). */
  constructor(timeoutMs = 500, private readonly password?: string) {
    this.pool = new RedisPool(timeoutMs)
  }

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

  /** Whether any answering sentinel still runs a failover of the master (its flags say failover_in_progress). */
  async failoverRunning(sentinels: readonly SentinelAddress[], masterName: string): Promise<boolean> {
    const flags = await Promise.all(sentinels.map(async (s) => {
      try {
        const c = await this.get(s)
        const fields = (await c.call('SENTINEL', 'MASTER', masterName)) as string[]
        return fields[fields.indexOf('flags') + 1] ?? ''
      } catch {
        return ''
      }
    }))
    return flags.some((f) => f.split(',').includes('failover_in_progress'))
  }

  close(): void {
    this.pool.close()
  }

  /** A ready connection to the sentinel, reusing the last one while it is up. */
  get(s: SentinelAddress): Promise<Redis> {
    return this.pool.getAt(s.host ?? '127.0.0.1', s.port, this.password)
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
