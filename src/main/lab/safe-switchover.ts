// A planned switch-over that loses no acknowledged write. Sentinel's own SENTINEL FAILOVER
// leaves the old master accepting (and acknowledging) writes until Sentinel demotes it, and
// its replicas acknowledge them too: all of that is thrown away. Here, instead:
//   1. CLIENT PAUSE WRITE on the master: clients' writes wait, nothing new is acknowledged;
//   2. every replica's own slave_repl_offset (its INFO, read on it: the master's view of its
//      replicas lags by a second, and WAIT is held by the pause) reaches master_repl_offset;
//   3. SENTINEL FAILOVER, waited for until the sentinels agree on the new master;
//   4. REPLICAOF the new master on the old one, by us (Sentinel's own reconfiguration of it
//      is held up by the pause), its clients disconnected (as Sentinel does), and only then
//      CLIENT UNPAUSE: the held writes were never run, and the clients, reconnecting through
//      the sentinels, find the new master.
// Whatever fails on the way, the master is unpaused before the error is reported.
import { parseInfo, reason } from '../sentinel/replies'
import { RedisPool } from '../sentinel/redis-pool'
import { FailoverError, requestFailover, waitFailoverEnd } from './failover'
import { type SentinelAddress, SentinelClients } from './sentinel-ask'

export interface SwitchoverTarget {
  sentinels: readonly SentinelAddress[]
  masterName: string
  /** The nodes' requirepass. */
  password?: string
  sentinelPassword?: string
}

export interface SwitchoverResult {
  from: number
  to: number
  /** From the pause to the unpause: how long writes waited. */
  heldMs: number
  /** From the pause until every replica had everything. */
  caughtUpMs: number
  /** From SENTINEL FAILOVER to the sentinels' agreement. */
  ms: number
  /** The leader had ended the failover when this returned (false: it still reconfigures replicas). */
  ended: boolean
}

export interface SwitchoverOptions {
  /** Longest the replicas may take to catch up (default 2 s). */
  catchUpMs?: number
  /** Longest the sentinels may take to agree (default 20 s). */
  timeoutMs?: number
}

export async function safeSwitchover(target: SwitchoverTarget, options: SwitchoverOptions = {}): Promise<SwitchoverResult> {
  const sentinels = new SentinelClients(1000, target.sentinelPassword)
  const nodes = new RedisPool(1000)
  let paused: { host: string; port: number } | null = null
  let failedOver = false
  let result: Omit<SwitchoverResult, 'ended'>
  try {
    const { host, port, replicas } = await masterAndReplicas(sentinels, target)
    if (replicas.length === 0) throw new FailoverError('no replica can be promoted (none is linked and healthy)', 'no-good-replica')
    const master = await nodes.getAt(host, port, target.password)
    // The pause outlasts every step below; we end it ourselves.
    const limit = (options.catchUpMs ?? 2000) + (options.timeoutMs ?? 20_000) + 5000
    const t0 = performance.now()
    await master.call('CLIENT', 'PAUSE', String(limit), 'WRITE')
    paused = { host, port }
    const offset = Number(parseInfo(await master.info('replication')).master_repl_offset)
    await caughtUp(nodes, replicas, offset, target.password, options.catchUpMs ?? 2000)
    const caughtUpMs = Math.round(performance.now() - t0)
    // Writes stay held only until the agreement: the end of the failover is waited for after the unpause.
    const r = await requestFailover(target, { timeoutMs: options.timeoutMs, noWaitForEnd: true })
    failedOver = true
    const newHost = replicas.find((x) => x.port === r.to)?.host ?? host
    await master.call('REPLICAOF', newHost, String(r.to))
    // As Sentinel's own reconfiguration does: drop the clients' connections, so that they ask
    // the sentinels again instead of writing to a replica (their held writes were never run).
    await master.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes')
    await master.call('CLIENT', 'UNPAUSE')
    paused = null
    result = { from: port, to: r.to, heldMs: Math.round(performance.now() - t0), caughtUpMs, ms: r.ms }
  } catch (e) {
    if (failedOver) {
      throw new FailoverError(`the sentinels failed over, but the old master could not be pointed at the new one (${reason(e)}): unpaused, it may acknowledge writes until Sentinel demotes it, and those are lost`, 'refused')
    }
    throw e
  } finally {
    // On a connection of its own: the one that paused may be the one that failed.
    if (paused) {
      const fresh = new RedisPool(1000)
      await fresh.getAt(paused.host, paused.port, target.password).then((c) => c.call('CLIENT', 'UNPAUSE')).catch(() => {})
      fresh.close()
    }
    sentinels.close()
    nodes.close()
  }
  // Outside the above: the switch-over is done whatever comes of this wait.
  return { ...result, ended: await waitFailoverEnd(target) }
}

async function masterAndReplicas(sentinels: SentinelClients, target: SwitchoverTarget): Promise<{ host: string; port: number; replicas: { host: string; port: number }[] }> {
  const problems: string[] = []
  for (const s of target.sentinels) {
    try {
      const c = await sentinels.get(s)
      const addr = (await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', target.masterName)) as [string, string] | null
      if (!addr) {
        problems.push(`${s.host ?? '127.0.0.1'}:${s.port} monitors no master named '${target.masterName}'`)
        continue
      }
      const list = (await c.call('SENTINEL', 'REPLICAS', target.masterName)) as unknown[]
      const replicas = list.map(fieldsOf)
        .filter((f) => !/s_down|o_down|disconnected/.test(f.flags ?? '') && f['master-link-status'] === 'ok')
        .map((f) => ({ host: f.ip!, port: Number(f.port) }))
      return { host: addr[0], port: Number(addr[1]), replicas }
    } catch (e) {
      problems.push(`${s.host ?? '127.0.0.1'}:${s.port}: ${reason(e)}`)
    }
  }
  throw new FailoverError(`no sentinel answered: ${problems.join('; ')}`, 'unreachable')
}

/** SENTINEL REPLICAS entries come as flat [k, v, ...] arrays (RESP2) or maps (RESP3). */
function fieldsOf(entry: unknown): Record<string, string> {
  if (Array.isArray(entry)) {
    const o: Record<string, string> = {}
    for (let i = 0; i + 1 < entry.length; i += 2) o[String(entry[i])] = String(entry[i + 1])
    return o
  }
  return Object.fromEntries(Object.entries(entry as Record<string, unknown>).map(([k, v]) => [k, String(v)]))
}

async function caughtUp(nodes: RedisPool, replicas: readonly { host: string; port: number }[], offset: number, password: string | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const behind: string[] = []
    await Promise.all(replicas.map(async (r) => {
      try {
        const c = await nodes.getAt(r.host, r.port, password)
        const have = Number(parseInfo(await c.info('replication')).slave_repl_offset)
        if (!(have >= offset)) behind.push(`:${r.port} at ${have} of ${offset}`)
      } catch (e) {
        behind.push(`:${r.port} does not answer (${reason(e)})`)
      }
    }))
    if (behind.length === 0) return
    if (Date.now() >= deadline) throw new FailoverError(`the replicas did not catch up with the master within ${timeoutMs} ms (${behind.join(', ')}); writes were resumed on the old master, nothing changed`, 'timeout')
    await new Promise((r) => setTimeout(r, 5))
  }
}
