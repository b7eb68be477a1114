// Membership changes of a running lab: add a replica, add a sentinel, remove either. Each
// member keeps its name for life (lab.json records it): after redis-replica-1 is removed,
// redis-replica-2 stays redis-replica-2, and the next replica is redis-replica-3.
//
// What Sentinel needs, and what is done for it:
// - A new replica points at the master the sentinels name NOW (SENTINEL MASTER), not at
//   the lab's initial master; sentinels find it through the master's INFO (info-period).
// - A new sentinel monitors that master at its config epoch, with known-replica and
//   known-sentinel lines; the others learn it from its hello messages.
// - Sentinel never forgets a replica or a sentinel: after a removal every remaining sentinel
//   gets SENTINEL RESET, one at a time, each re-discovering the other sentinels (hello,
//   publish-period) before the next, so the quorum is never lost; the replicas come back
//   with the master's next INFO (info-period: up to 10 s with realistic timers).
// lab.ini is edited section by section, so `update` touches only the member that comes or
// goes. The exception: a program whose depends_on names a removed member must
// lose that name (the file would not load otherwise), which restarts it; such programs are
// restarted one at a time, and never the master (that removal is refused instead). Added
// members get no depends_on, so they never stand in the way of a later removal.
//
// This file holds the operations and the public API; the rest, one job a file:
// - membership-op.ts: one operation (deadline, connections, steps, its programs in the
//   supervisor), one at a time per lab; the public types, re-exported here.
// - membership-files.ts: lab.json, lab.ini and member folders, committed or put back.
// - membership-sentinels.ts: asking the sentinels and nodes (who the master is, SENTINEL
//   RESET one at a time, waiting for the counts).
// - membership-layout.ts: the new member's name and port, the next lab's layout.
import { readFileSync, rmSync } from 'node:fs'
import { pairs, parseInfo, reason } from '../sentinel/replies'
import { writeFileAtomic } from '../conf/atomic-write'
import { randomMyid } from './blueprint'
import { applyFastTimers } from './fast-timers'
import { membersOf } from './layout'
import { dependentsOf, dependsOnOf, spliceIni } from './lab-ini-splice'
import { SECRET, commit, createMemberFiles, fileEpoch, moveToRemoved, writeIni } from './membership-files'
import { choosePort, currentView, newLayout, nextNumber } from './membership-layout'
import { LOOPBACK, type LabRuntime, MembershipError, type MembershipOptions, type MembershipResult, exclusive, withOp } from './membership-op'
import {
  agreement, agreeResetting, currentMaster, masterClaims, nodeRole, pickMaster, resetOneAtATime, sentinelViews, waitBack,
} from './membership-sentinels'
import { renderRedisConf, renderSentinelConf } from './render'
import { SENTINEL_PORT_OFFSET } from '../../shared/lab-spec'

export { MembershipError, nextNumber }
export type { LabRuntime, MembershipOptions, MembershipResult }

const ADD_TIMEOUT_MS = 15_000
const REMOVE_TIMEOUT_MS = 30_000

// ---------------------------------------------------------------------------------------
// The operations

/** Add a replica of the current master; resolves once it is linked and every sentinel lists it. */
export async function addReplica(rt: LabRuntime, options: MembershipOptions = {}): Promise<MembershipResult> {
  return exclusive(rt, () => withOp(rt, options, ADD_TIMEOUT_MS, async (op) => {
    const lab = rt.lab
    const master = await currentMaster(op)
    if (master.down) throw new MembershipError(`the master ${master.node.name} (port ${master.port}) is down (${master.down}): a new replica could not sync; wait for the failover`)
    const number = nextNumber(lab, 'redis-replica-')
    const name = `redis-replica-${number}`
    const port = await choosePort(lab, lab.spec.ports.basePort === undefined ? null : lab.spec.ports.basePort + number)
    const members = membersOf(lab)
    members.nodes.push({ name, port, initialRole: 'replica' })
    const next = newLayout(lab, members, `add ${name}`)
    const node = next.nodes.find((n) => n.name === name)!
    const masterNode = next.nodes.find((n) => n.port === master.port)!

    createMemberFiles(node)
    writeFileAtomic(node.conf, renderRedisConf(currentView(next, masterNode), node), SECRET)
    op.step(`wrote ${name}/redis.conf: port ${port}, replicaof ${LOOPBACK} ${master.port} (${masterNode.name}, the master now)`)
    const ini = spliceIni(readFileSync(lab.ini, 'utf8'), next, { add: name })
    const undo = await commit(op, next, ini, name, () => rmSync(node.dir, { recursive: true, force: true }))

    await op.waitStarted(name, node.log, undo, async () => {
      const info = parseInfo(await (await op.pool.get(port, lab.password)).info('replication'))
      if (info.role !== 'slave') return `${name}: role ${info.role}`
      if (Number(info.master_port) !== master.port) return `${name}: replicates port ${info.master_port}`
      if (info.master_link_status !== 'up') return `${name}: master_link_status:${info.master_link_status}`
      return null
    })
    op.step(`${name} linked to ${masterNode.name} (master_link_status:up)`)

    await op.waitFor(`every sentinel to list ${name}`, async () => {
      const missing: string[] = []
      for (const s of next.sentinels) {
        try {
          const c = await op.pool.get(s.port)
          const replicas = (await c.call('SENTINEL', 'REPLICAS', next.masterName)) as unknown[]
          if (!replicas.map(pairs).some((r) => Number(r.port) === port)) missing.push(`${s.name} does not list it yet`)
        } catch (e) {
          missing.push(`${s.name}: ${reason(e)}`)
        }
      }
      return missing.length ? missing.join('; ') : null
    })
    op.step(`${next.sentinels.map((s) => s.name).join(', ')} list ${name} (num-slaves ${next.replicas.length})`)
    return { lab: next, name, port }
  }))
}

/** Add a sentinel; resolves once every sentinel counts the others and CKQUORUM is OK. */
export async function addSentinel(rt: LabRuntime, options: MembershipOptions = {}): Promise<MembershipResult> {
  return exclusive(rt, () => withOp(rt, options, ADD_TIMEOUT_MS, async (op) => {
    const lab = rt.lab
    const master = await currentMaster(op)
    const number = nextNumber(lab, 'sentinel-')
    const name = `sentinel-${number}`
    const base = lab.spec.ports.basePort
    const port = await choosePort(lab, base === undefined ? null : base + SENTINEL_PORT_OFFSET + number - 1)
    const taken = new Set(lab.sentinels.map((s) => s.myid))
    let myid = randomMyid()
    while (taken.has(myid)) myid = randomMyid()
    const members = membersOf(lab)
    members.sentinels.push({ name, port, myid })
    const next = newLayout(lab, members, `add ${name}`)
    const sentinel = next.sentinels.find((s) => s.name === name)!
    const masterNode = next.nodes.find((n) => n.port === master.port)!

    // Start at the epochs the others are at: the same config, no catching up on hello.
    const currentEpoch = Math.max(master.configEpoch, ...lab.sentinels.map((s) => fileEpoch(s.conf)))
    const conf = renderSentinelConf(currentView(next, masterNode), sentinel) +
      (master.configEpoch > 0 ? `sentinel config-epoch ${next.masterName} ${master.configEpoch}\n` : '') +
      (currentEpoch > 0 ? `sentinel current-epoch ${currentEpoch}\n` : '')
    createMemberFiles(sentinel)
    writeFileAtomic(sentinel.conf, conf, SECRET)
    op.step(`wrote ${name}/sentinel.conf: port ${port}, myid ${myid.slice(0, 8)}..., monitor ${next.masterName} ${LOOPBACK} ${master.port} (${masterNode.name}) quorum ${next.spec.quorum}` +
      `, config-epoch ${master.configEpoch}, ${next.replicas.length} known replica(s), ${next.sentinels.length - 1} known sentinel(s)`)
    const ini = spliceIni(readFileSync(lab.ini, 'utf8'), next, { add: name })
    const undo = await commit(op, next, ini, name, () => rmSync(sentinel.dir, { recursive: true, force: true }))

    let timers: Promise<void> | null = null
    await op.waitStarted(name, sentinel.log, undo, async () => {
      const m = pairs(await (await op.pool.get(port)).call('SENTINEL', 'MASTER', next.masterName))
      // Fast labs: the new sentinel says hello every publish-period too (runner's watcher may not know it).
      if (next.spec.timers === 'fast') timers ??= applyFastTimers(port, { timeoutMs: 2000 }).then(
        () => op.step(`fast timers applied on ${name}`), (e: Error) => op.step(`fast timers NOT applied on ${name}: ${e.message}`))
      return Number(m.port) === master.port ? null : `${name} monitors port ${m.port}`
    })
    if (timers) await timers
    op.step(`${name} runs, monitoring ${masterNode.name}`)

    await op.waitFor(`every sentinel to count ${next.sentinels.length - 1} other sentinel(s)`, () => agreement(op, next.sentinels, next, {
      others: next.sentinels.length - 1,
    }))
    op.step(`${next.sentinels.map((s) => s.name).join(', ')} each count ${next.sentinels.length - 1} other sentinel(s); CKQUORUM OK`)
    return { lab: next, name, port }
  }))
}

/**
 * Remove a replica or a sentinel: refused for the node the sentinels call master, for the
 * last sentinel, and for a sentinel whose removal would leave fewer (reachable) sentinels
 * than the quorum or a majority needs.
 */
export async function removeMember(rt: LabRuntime, name: string, options: MembershipOptions = {}): Promise<MembershipResult> {
  return exclusive(rt, () => withOp(rt, options, REMOVE_TIMEOUT_MS, async (op) => {
    const lab = rt.lab
    const node = lab.nodes.find((n) => n.name === name)
    const sentinel = lab.sentinels.find((s) => s.name === name)
    const member = node ?? sentinel
    if (!member) {
      throw new MembershipError(`there is no member "${name}" in the lab ${lab.spec.name}: its members are ${[...lab.nodes, ...lab.sentinels].map((m) => m.name).join(', ')}`)
    }
    const iniText = readFileSync(lab.ini, 'utf8')
    const dependents = dependentsOf(iniText, name).filter((d) => d !== name)
    const views = await sentinelViews(op, lab.sentinels)
    const answering = views.filter((v) => v.master !== null)
    const claims = masterClaims(views)
    let masterPort: number | null = null

    if (node) {
      const says = claims.get(node.port)
      if (says) {
        throw new MembershipError(`${name} is the master now (${says.join(', ')} say${says.length === 1 ? 's' : ''} so): fail over first (SENTINEL FAILOVER ${lab.masterName}), then remove it`)
      }
      if (answering.length === 0) {
        const role = await nodeRole(op, node.port)
        if (role === 'master') throw new MembershipError(`${name} reports role:master and no sentinel answers: fail over first, then remove it`)
      }
      masterPort = answering.length > 0 ? pickMaster(op, views).port : null
    } else {
      const left = lab.sentinels.length - 1
      const q = lab.spec.quorum
      if (left === 0) throw new MembershipError(`${name} is the lab's last sentinel: add another sentinel first`)
      if (left < q) throw new MembershipError(`quorum ${q} needs at least ${q} sentinels: removing ${name} would leave ${left}`)
      const need = Math.max(q, Math.floor(left / 2) + 1)
      const up = answering.filter((v) => v.name !== name)
      if (up.length < need) {
        const down = views.filter((v) => v.name !== name && v.master === null).map((v) => `${v.name} (${v.error})`)
        throw new MembershipError(`removing ${name} would leave ${up.length} of ${left} sentinels answering (not: ${down.join(', ')}): ` +
          `quorum ${q} and a majority of ${left} need ${need}; start them first`)
      }
      masterPort = pickMaster(op, views).port
    }
    // A program whose depends_on names the member is restarted without it: never the master.
    for (const d of dependents) {
      const dep = lab.nodes.find((n) => n.name === d)
      const says = dep && claims.get(dep.port)
      if (says) {
        throw new MembershipError(`${name} cannot be removed: ${d}, the master now, names it in depends_on (lab.ini), and dropping that would restart the master; fail over first or edit lab.ini`)
      }
    }

    // 1. Stop it.
    const pid = op.proc(name)?.pid ?? 0
    await op.stopProcess(name)
    op.step(pid > 0 ? `stopped ${name} (pid ${pid})` : `${name} was not running`)

    // 2. Programs that depend on it lose that dependency, one at a time.
    let ini = iniText
    for (const d of dependents) {
      const notRunning = dependsOnOf(ini, d).filter((x) => x !== name && !op.isRunning(x))
      const cleaned = spliceIni(ini, lab, { dropDependency: { program: d, names: [name, ...notRunning] } })
      await writeIni(op, cleaned, ini)
      ini = cleaned
      op.step(`${d}: depends_on no longer names ${[name, ...notRunning].join(', ')} (lab.ini); restarted by update`)
      await waitBack(op, d, lab, masterPort)
    }

    // 3. Out of lab.json and lab.ini.
    const members = membersOf(lab)
    members.nodes = members.nodes.filter((n) => n.name !== name)
    members.sentinels = members.sentinels.filter((s) => s.name !== name)
    const next = newLayout(lab, members, `remove ${name}`)
    if (node && lab.master.name === name) op.step(`${next.master.name} is now the lab's master program (lab.master)`)
    await commit(op, next, spliceIni(ini, next, { remove: name }), name, null)

    // 4. Its folder: kept, out of the way.
    moveToRemoved(op, lab, name, member.dir)

    // 5. SENTINEL RESET, one sentinel at a time.
    const targets = next.sentinels.filter((s) => answering.some((v) => v.name === s.name))
    const skipped = next.sentinels.filter((s) => !targets.includes(s))
    await resetOneAtATime(op, next, targets)
    if (skipped.length > 0) op.step(`not reset (did not answer): ${skipped.map((s) => s.name).join(', ')}`)

    await agreeResetting(op, targets, next, { others: targets.length - 1, slavesFromMaster: true }, 'every sentinel to agree on the new counts')
    op.step(`${targets.map((s) => s.name).join(', ')} agree: ${next.replicas.length} replica(s), ${next.sentinels.length} sentinel(s)`)
    return { lab: next, name, port: member.port }
  }))
}
