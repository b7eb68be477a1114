// Waiting for a lab to be steady before and after a drill run: the sentinels agree on one
// master, it says role:master, and every other node answers as its linked replica. After a
// run this is what makes "what the final master holds" a fact: the demoted master has
// resynced, and the sentinels will not move the master again.
import { parseInfo } from '../sentinel/replies'
import { RedisPool } from '../sentinel/redis-pool'
import { SentinelClients } from '../lab/sentinel-ask'
import { type DrillLab, type DrillMember, observed } from './drill-lab'

export interface Steady {
  master: DrillMember
  /** Why it is not steady, when the deadline passed first (the drill says so, and goes on). */
  problem: string | null
}

export async function waitSteady(lab: DrillLab, timeoutMs: number, signal?: AbortSignal): Promise<Steady> {
  const sentinels = new SentinelClients(500, lab.sentinelPassword)
  const nodes = new RedisPool(500)
  const deadline = Date.now() + timeoutMs
  let problem = 'the sentinels did not answer'
  let master: DrillMember | null = null
  try {
    for (;;) {
      const answers = await sentinels.masterAddresses(lab.sentinels.map(observed), lab.masterName)
      const heard = answers.filter((a): a is string => a !== null)
      const addr = heard[0]
      const agreed = addr !== undefined && heard.length > lab.sentinels.length / 2 && heard.every((a) => a === addr)
      if (agreed) {
        const port = Number(addr.slice(addr.lastIndexOf(':') + 1))
        const host = addr.slice(0, addr.lastIndexOf(':'))
        // By address first: an attached deployment may run every node on one port, on several hosts.
        master = lab.nodes.find((n) => n.host === host && n.port === port) ?? lab.nodes.find((n) => n.port === port) ?? { name: addr, host, port }
        problem = (await nodeProblem(nodes, lab, master)) ?? ''
        if (problem === '') return { master, problem: null }
      } else if (heard.length) problem = `the sentinels do not agree yet (${answers.map((a) => a ?? 'no answer').join(', ')})`
      if (Date.now() >= deadline || signal?.aborted) return { master: master ?? lab.nodes[0], problem }
      await new Promise((r) => setTimeout(r, 100))
    }
  } finally {
    sentinels.close()
    nodes.close()
  }
}

/** Null when the master is a master and every other node its linked replica; else what is not. */
async function nodeProblem(pool: RedisPool, lab: DrillLab, master: DrillMember): Promise<string | null> {
  for (const n of lab.nodes) {
    let info: Record<string, string>
    try {
      const c = await pool.getAt(observed(n).host, observed(n).port, lab.password)
      info = parseInfo(await c.info('replication'))
    } catch (e) {
      return `${n.name} does not answer (${(e as Error).message})`
    }
    if (n === master || (n.host === master.host && n.port === master.port)) {
      if (info.role !== 'master') return `${n.name}, named master by the sentinels, says role:${info.role}`
    } else if (info.role !== 'slave' || Number(info.master_port) !== master.port || info.master_link_status !== 'up') {
      return `${n.name} is not yet a linked replica of ${master.name} (role:${info.role}, link ${info.master_link_status ?? '-'})`
    }
  }
  return null
}
