// One look at one sentinel for one master name: what it believes (GET-MASTER-ADDR-BY-NAME,
// SENTINEL MASTER's flags, counts, quorum, down-after, epoch, CKQUORUM) and whom it knows
// (the master and replicas to watch, the other sentinels worth a connection). A sentinel
// that does not answer is 'not reachable' with the reason, never an exception.
import type Redis from 'ioredis'
import type { Address } from './event-parser'
import { num, pairs, reason } from './replies'
import type { SentinelState } from './topology'

export interface SentinelAnswer {
  state: Partial<SentinelState>
  /** Data nodes it knows (the master and its replicas). */
  discovered: Address[]
  /** Other sentinels it knows (SENTINEL SENTINELS). */
  sentinels: Address[]
}

export async function askSentinel(cmd: Redis, name: string): Promise<SentinelAnswer> {
  try {
    const [addr, master, replicas, peers, ckquorum] = await Promise.all([
      cmd.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name),
      cmd.call('SENTINEL', 'MASTER', name).then(pairs),
      cmd.call('SENTINEL', 'REPLICAS', name).then((r) => (Array.isArray(r) ? r.map(pairs) : [])),
      cmd.call('SENTINEL', 'SENTINELS', name).then((r) => (Array.isArray(r) ? r.map(pairs) : [])),
      cmd.call('SENTINEL', 'CKQUORUM', name).then(
        (r) => ({ ok: String(r).startsWith('OK'), message: String(r) }),
        (e: Error) => {
          if (/timeout|closed|writeable/i.test(e.message)) throw e
          return { ok: false, message: e.message }
        },
      ),
    ])
    const masterAddress = Array.isArray(addr) && addr.length === 2 ? { host: String(addr[0]), port: Number(addr[1]) } : null
    const discovered: Address[] = []
    if (masterAddress) discovered.push(masterAddress)
    for (const r of replicas) if (r.ip && r.port) discovered.push({ host: r.ip, port: Number(r.port) })
    // Sentinels that Sentinel itself no longer reaches are not worth a connection.
    const sentinels = peers.filter((p) => p.ip && p.port && !/s_down|disconnected/.test(p.flags ?? '')).map((p) => ({ host: p.ip, port: Number(p.port) }))
    return {
      discovered,
      sentinels,
      state: {
        reachable: true, error: null, masterAddress,
        flags: (master.flags ?? '').split(',').filter(Boolean),
        numSlaves: num(master['num-slaves']),
        numOtherSentinels: num(master['num-other-sentinels']),
        quorum: num(master.quorum),
        downAfterMs: num(master['down-after-milliseconds']),
        configEpoch: num(master['config-epoch']),
        ckquorum,
      },
    }
  } catch (e) {
    return { discovered: [], sentinels: [], state: { reachable: false, error: reason(e) } }
  }
}
