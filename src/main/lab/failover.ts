// A manual failover (SENTINEL FAILOVER), for the app and `sentinel-lab failover`: asked of
// the first sentinel that answers, then waited for until the sentinels agree on the new
// master, so that "done" means clients asking any sentinel get the new address, and then
// (for a while, never failing for it) until the leader has ended it, having reconfigured
// the other replicas, so that a next failover is not refused as one in progress: Valkey
// 8.0's leader ends a second or more after the agreement. Sentinel's terse refusals
// (-INPROG, -NOGOODSLAVE) become plain sentences in a FailoverError.
import { reason } from '../sentinel/replies'
import { type SentinelAddress, SentinelClients } from './sentinel-ask'

/** A lab (127.0.0.1 sentinels) or any sentinels by address. */
interface FailoverTarget {
  sentinels: readonly SentinelAddress[]
  masterName: string
  /** The sentinels' own password, if they have one (a lab's have none). */
  sentinelPassword?: string
}

type FailoverErrorCode = 'in-progress' | 'no-good-replica' | 'unreachable' | 'refused' | 'timeout'

export class FailoverError extends Error {
  constructor(message: string, readonly code: FailoverErrorCode) {
    super(message)
    this.name = 'FailoverError'
  }
}

interface FailoverResult {
  /** The master's port before, and the new master's port. */
  from: number
  to: number
  /** From SENTINEL FAILOVER to every answering sentinel reporting the new master. */
  ms: number
  /** The leader had ended the failover when this returned (false: it still reconfigures replicas). */
  ended: boolean
}

export interface FailoverOptions {
  /** Give up waiting for the sentinels to agree after this long (default 20 s). */
  timeoutMs?: number
  /** Pause between polls of the sentinels (default 50 ms). */
  pollMs?: number
  /** Return at the agreement, before the leader has ended the failover (the caller waits with waitFailoverEnd). */
  noWaitForEnd?: boolean
  /** How long to wait for the end after the agreement (default 10 s); then it returns with ended false. */
  endWaitMs?: number
}

/** A failover ends when every replica follows the new master, which a big resync can make long: the wait is bounded apart. */
const END_WAIT_MS = 10_000

export async function requestFailover(target: FailoverTarget, options: FailoverOptions = {}): Promise<FailoverResult> {
  const clients = new SentinelClients(1000, target.sentinelPassword)
  const name = target.masterName
  const addr = (s: SentinelAddress): string => `${s.host ?? '127.0.0.1'}:${s.port}`
  try {
    let from: number | null = null
    let fromAddress = ''
    let t0 = 0
    const problems: string[] = []
    for (const s of target.sentinels) {
      try {
        const c = await clients.get(s)
        const before = (await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as [string, string] | null
        if (!before) {
          problems.push(`${addr(s)}: monitors no master named '${name}'`)
          continue
        }
        t0 = performance.now()
        await c.call('SENTINEL', 'FAILOVER', name)
        from = Number(before[1])
        fromAddress = `${before[0]}:${before[1]}`
        break
      } catch (e) {
        const m = reason(e)
        if (/INPROG/i.test(m)) throw new FailoverError('a failover is already in progress', 'in-progress')
        if (/NOGOODSLAVE/i.test(m)) throw new FailoverError('no replica can be promoted (none is linked and healthy)', 'no-good-replica')
        problems.push(`${addr(s)}: ${m}`)
      }
    }
    if (from === null) {
      const unreachable = problems.length > 0 && problems.every((p) => /refused|timeout|closed|ENOTFOUND|EHOSTUNREACH/i.test(p))
      throw new FailoverError(`manual failover failed: ${problems.join('; ') || 'no sentinel given'}`, unreachable ? 'unreachable' : 'refused')
    }

    // Done once every sentinel that answers (a majority at least) reports one other master.
    const deadline = Date.now() + (options.timeoutMs ?? 20_000)
    const total = target.sentinels.length
    for (;;) {
      const answers = await clients.masterAddresses(target.sentinels, name)
      const heard = answers.filter((a): a is string => a !== null)
      const to = heard[0]
      if (heard.length > total / 2 && to !== fromAddress && heard.every((a) => a === to)) {
        const result = { from, to: Number(to.slice(to.lastIndexOf(':') + 1)), ms: Math.round(performance.now() - t0) }
        const ended = options.noWaitForEnd ? false : await endOf(clients, target, options.endWaitMs ?? END_WAIT_MS, options.pollMs ?? 50)
        return { ...result, ended }
      }
      if (Date.now() >= deadline) {
        const seen = target.sentinels.map((s, i) => `${addr(s)} ${answers[i] === null ? 'no answer' : `says ${answers[i]}`}`).join(', ')
        throw new FailoverError(`the sentinels did not agree on a new master within ${options.timeoutMs ?? 20_000} ms (${seen})`, 'timeout')
      }
      await new Promise((r) => setTimeout(r, options.pollMs ?? 50))
    }
  } finally {
    clients.close()
  }
}

/** Waits up to `waitMs` until no sentinel still runs a failover of the master; whether it ended. Never throws. */
async function endOf(clients: SentinelClients, target: FailoverTarget, waitMs: number, pollMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs
  while (await clients.failoverRunning(target.sentinels, target.masterName)) {
    if (Date.now() >= deadline) return false
    await new Promise((r) => setTimeout(r, pollMs))
  }
  return true
}

/** Waits (up to `waitMs`) until the leader has ended the failover that requestFailover with noWaitForEnd started; whether it did. */
export async function waitFailoverEnd(target: FailoverTarget, waitMs = END_WAIT_MS): Promise<boolean> {
  const clients = new SentinelClients(1000, target.sentinelPassword)
  try {
    return await endOf(clients, target, waitMs, 50)
  } finally {
    clients.close()
  }
}
