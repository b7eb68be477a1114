// What a membership change asks the sentinels (and the nodes), over the operation's
// connections: who the master is now (the sentinels with the highest config epoch; a node's
// role:master when none answers), whether a restarted program is back, SENTINEL RESET one
// sentinel at a time after a removal, and waiting until every sentinel counts what it should.
import { pairs, parseInfo, reason } from '../sentinel/replies'
import { applyFastTimers } from './fast-timers'
import type { Lab, LabNode, LabSentinel } from './layout'
import { LOOPBACK, MembershipError, type Op } from './membership-op'

/** A sentinel still counting a removed peer this long after its RESET is reset again. */
const RESET_AGAIN_MS = 3000

interface MasterView {
  port: number
  node: LabNode
  configEpoch: number
  /** The master's flags when a sentinel sees it down, else null. */
  down: string | null
}

export interface SentinelView {
  name: string
  port: number
  master: Record<string, string> | null
  error: string | null
}

export async function sentinelViews(op: Op, sentinels: { name: string; port: number }[]): Promise<SentinelView[]> {
  const m = op.rt.lab.masterName
  return Promise.all(sentinels.map(async (s) => {
    try {
      return { ...s, master: pairs(await (await op.pool.get(s.port)).call('SENTINEL', 'MASTER', m)), error: null }
    } catch (e) {
      return { ...s, master: null, error: reason(e) }
    }
  }))
}

/** The master as the sentinels with the highest config epoch see it. */
export function pickMaster(op: Op, views: SentinelView[]): MasterView {
  const lab = op.rt.lab
  const answered = views.filter((v) => v.master !== null)
  const epoch = Math.max(...answered.map((v) => Number(v.master!['config-epoch'] ?? 0)))
  const top = answered.filter((v) => Number(v.master!['config-epoch'] ?? 0) === epoch)
  const ports = [...new Set(top.map((v) => Number(v.master!.port)))]
  if (ports.length !== 1) {
    throw new MembershipError(`the sentinels disagree on the master (${top.map((v) => `${v.name}: port ${v.master!.port}`).join(', ')}): a failover may be under way; try again once they agree`)
  }
  const node = lab.nodes.find((n) => n.port === ports[0])
  if (!node) throw new MembershipError(`the sentinels name ${LOOPBACK}:${ports[0]} as the master of ${lab.masterName}, which is no node of this lab`)
  const downFlags = top.map((v) => v.master!.flags ?? '').find((f) => /(^|,)(s_down|o_down)(,|$)/.test(f)) ?? null
  return { port: ports[0], node, configEpoch: epoch, down: downFlags }
}

/** The master the sentinels name now; if none answers, the one node reporting role:master. */
export async function currentMaster(op: Op): Promise<MasterView> {
  const lab = op.rt.lab
  const views = await sentinelViews(op, lab.sentinels)
  if (views.some((v) => v.master !== null)) return pickMaster(op, views)
  const roles = await Promise.all(lab.nodes.map(async (n) => ({ n, role: await nodeRole(op, n.port) })))
  const masters = roles.filter((r) => r.role === 'master')
  if (masters.length !== 1) {
    throw new MembershipError(`no sentinel answers (${views.map((v) => `${v.name}: ${v.error}`).join('; ')}) and ${masters.length} nodes report role:master: cannot tell the master`)
  }
  return { port: masters[0].n.port, node: masters[0].n, configEpoch: 0, down: null }
}

export async function nodeRole(op: Op, port: number): Promise<string | null> {
  try {
    return parseInfo(await (await op.pool.get(port, op.rt.lab.password)).info('replication')).role ?? null
  } catch {
    return null
  }
}

/** Port -> the sentinels that name it as the master. */
export function masterClaims(views: SentinelView[]): Map<number, string[]> {
  const out = new Map<number, string[]>()
  for (const v of views) {
    if (!v.master) continue
    const port = Number(v.master.port)
    out.set(port, [...(out.get(port) ?? []), v.name])
  }
  return out
}

/** Wait until a restarted program is back: a node linked again, a sentinel monitoring with its quorum. */
export async function waitBack(op: Op, program: string, lab: Lab, masterPort: number | null): Promise<void> {
  const node = lab.nodes.find((n) => n.name === program)
  const sentinel = lab.sentinels.find((s) => s.name === program)
  let timers: Promise<void> | null = null
  await op.waitFor(`${program} to be back after its restart`, async () => {
    const p = op.proc(program)
    if (!p || p.pid <= 0 || !op.isRunning(program)) return `${program} is ${p?.state ?? 'not there'}`
    if (node) {
      const info = parseInfo(await (await op.pool.get(node.port, lab.password)).info('replication'))
      if (info.role === 'slave' && info.master_link_status !== 'up') return `${program}: master_link_status:${info.master_link_status}`
      return null
    }
    if (sentinel) {
      const c = await op.pool.get(sentinel.port)
      if (lab.spec.timers === 'fast') timers ??= applyFastTimers(sentinel.port, { timeoutMs: 2000 }).catch(() => {})
      const m = pairs(await c.call('SENTINEL', 'MASTER', lab.masterName))
      if (masterPort !== null && Number(m.port) !== masterPort) return `${program} monitors port ${m.port}`
      const q = String(await c.call('SENTINEL', 'CKQUORUM', lab.masterName).catch((e: Error) => e.message))
      return q.startsWith('OK') ? null : `${program}: CKQUORUM: ${q}`
    }
    return null
  })
  if (timers) await timers
}

/**
 * SENTINEL RESET on each of `targets`, one at a time: each re-discovers the other targets
 * before the next is reset, so the quorum is never lost.
 */
export async function resetOneAtATime(op: Op, lab: Lab, targets: LabSentinel[]): Promise<void> {
  const reset: string[] = []
  for (const s of targets) {
    const n = Number(await (await op.pool.get(s.port)).call('SENTINEL', 'RESET', lab.masterName))
    if (n !== 1) throw new MembershipError(`SENTINEL RESET ${lab.masterName} on ${s.name} reset ${n} masters, expected 1`)
    reset.push(s.name)
    // Other sentinels come back with their next hello (publish-period, 2 s by default); the
    // replicas only with the master's next INFO (info-period, 10 s): the caller waits for all.
    await agreeResetting(op, [s], lab, { others: targets.length - 1 }, `${s.name} to re-discover the other sentinels after SENTINEL RESET`)
  }
  op.step(`SENTINEL RESET ${lab.masterName} on ${reset.join(', ')} (one at a time, each re-discovered ` +
    `${targets.length - 1} other sentinel(s) before the next)`)
}

/**
 * Wait for `agreement`, resetting again any sentinel that still counts more peers than it
 * should RESET_AGAIN_MS after its last RESET. Seen under load on Redis 7.0: a sentinel just
 * reset counted the removed sentinel again (Redis's docs space the resets 30 s apart for
 * such stale news); a second RESET clears it.
 */
export async function agreeResetting(op: Op, sentinels: LabSentinel[], lab: Lab, want: { others: number; slavesFromMaster?: boolean }, what: string): Promise<void> {
  const lastReset = new Map(sentinels.map((s) => [s.name, performance.now()]))
  await op.waitFor(what, async () => {
    const missing = await agreement(op, sentinels, lab, want)
    for (const s of sentinels) {
      const counted = missing && new RegExp(`(^|; )${s.name}: num-other-sentinels (\\d+)/`).exec(missing)
      if (!counted || Number(counted[2]) <= want.others || performance.now() - lastReset.get(s.name)! < RESET_AGAIN_MS) continue
      const client = await op.pool.get(s.port)
      const peers = ((await client.call('SENTINEL', 'SENTINELS', lab.masterName)) as unknown[]).map(pairs).map((p) => `${p.port} (${p.flags})`)
      await client.call('SENTINEL', 'RESET', lab.masterName)
      lastReset.set(s.name, performance.now())
      op.step(`SENTINEL RESET ${lab.masterName} again on ${s.name}: it still counted ${counted[2]} other sentinels (${peers.join(', ')})`)
    }
    return missing
  })
}

/**
 * Whether `sentinels` answer, count `others` other sentinels and pass CKQUORUM (null when
 * they do, else what is missing); with slavesFromMaster, also whether num-slaves equals
 * the lab's replicas the master lists now: what a reset sentinel can re-discover, which is
 * every replica when they all run.
 */
export async function agreement(op: Op, sentinels: LabSentinel[], lab: Lab, want: { others: number; slavesFromMaster?: boolean }): Promise<string | null> {
  const views = await sentinelViews(op, sentinels)
  let slaves: number | null = null
  const problems: string[] = []
  for (const v of views) {
    if (!v.master) {
      problems.push(`${v.name}: ${v.error}`)
      continue
    }
    if (Number(v.master['num-other-sentinels']) !== want.others) problems.push(`${v.name}: num-other-sentinels ${v.master['num-other-sentinels']}/${want.others}`)
    if (want.slavesFromMaster) {
      if (slaves === null) {
        const info = parseInfo(await (await op.pool.get(Number(v.master.port), lab.password)).info('replication'))
        slaves = Object.keys(info).filter((k) => /^slave\d+$/.test(k)).filter((k) => lab.nodes.some((n) => info[k].includes(`port=${n.port},`))).length
      }
      if (Number(v.master['num-slaves']) !== slaves) problems.push(`${v.name}: num-slaves ${v.master['num-slaves']}/${slaves}`)
    }
    const q = String(await (await op.pool.get(v.port)).call('SENTINEL', 'CKQUORUM', lab.masterName).catch((e: Error) => e.message))
    if (!q.startsWith('OK')) problems.push(`${v.name}: CKQUORUM: ${q}`)
  }
  return problems.length ? problems.join('; ') : null
}
