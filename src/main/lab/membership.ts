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
// Files: lab.json and lab.ini are rewritten atomically; if the supervisor update fails they
// are put back. lab.ini is edited section by section, never re-rendered: the programs
// already running keep their sections byte for byte, so `update` touches only the member
// that comes or goes. The exception: a program whose depends_on names a removed member must
// lose that name (the file would not load otherwise), which restarts it; such programs are
// restarted one at a time, and never the master (that removal is refused instead). Added
// members get no depends_on, so they never stand in the way of a later removal.
// A removed member's folder moves to <lab>/removed/<name>-<timestamp>; its log stays in logs/.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ProcessInfo, UpdateResult } from '../../shared/model'
import { pairs, parseInfo, reason } from '../sentinel/replies'
import type { Supervisor } from '../supervisor/supervisor'
import { writeFileAtomic } from './atomic-write'
import { randomMyid, readLabFile, renderLabJson } from './blueprint'
import { applyFastTimers } from './fast-timers'
import { type Lab, type LabMembers, type LabNode, type LabSentinel, layoutMembers, membersOf } from './layout'
import { busyPorts, freePorts } from './ports'
import { RedisPool } from './redis-pool'
import { dependentsOf, dependsOnOf, spliceIni } from './lab-ini-splice'
import { renderLabIni, renderRedisConf, renderSentinelConf } from './render'
import { SENTINEL_PORT_OFFSET, SpecError, validateSpec } from './spec'

/**
 * What membership changes need: the running lab and its supervisor. The caller's object is
 * updated in place: runtime.lab is replaced by the new Lab BEFORE the supervisor spawns the
 * new process (fast timers and the restart policy read runtime.lab).
 */
export interface LabRuntime {
  lab: Lab
  supervisor: Supervisor
}

export interface MembershipOptions {
  /** Give up waiting after this long (whole operation). Default: 15 s to add, 30 s to remove. */
  timeoutMs?: number
  signal?: AbortSignal
}

export interface MembershipResult {
  /** The lab as it is now (also in runtime.lab). */
  lab: Lab
  /** The member added or removed. */
  name: string
  port: number
  ms: number
  /** What was done, in plain words, in order. */
  steps: string[]
}

/** A refusal or a failure, in words that say why. */
export class MembershipError extends Error {
  override name = 'MembershipError'
}

/** A sentinel still counting a removed peer this long after its RESET is reset again. */
const RESET_AGAIN_MS = 3000
export const ADD_TIMEOUT_MS = 15_000
export const REMOVE_TIMEOUT_MS = 30_000
const POLL_MS = 20
const CALL_TIMEOUT_MS = 500
const LOOPBACK = '127.0.0.1'
const SECRET = 0o600
const PRIVATE_DIR = 0o700

// ---------------------------------------------------------------------------------------
// The operations

/** Add a replica of the current master; resolves once it is linked and every sentinel lists it. */
export async function addReplica(rt: LabRuntime, options: MembershipOptions = {}): Promise<MembershipResult> {
  return exclusive(rt, () => withOp(rt, options, ADD_TIMEOUT_MS, async (op) => {
    const lab = rt.lab
    const master = await op.currentMaster()
    if (master.down) throw new MembershipError(`the master ${master.node.name} (port ${master.port}) is down (${master.down}): a new replica could not sync; wait for the failover`)
    const number = nextNumber(lab, 'redis-replica-')
    const name = `redis-replica-${number}`
    const port = await choosePort(lab, lab.spec.ports.basePort === undefined ? null : lab.spec.ports.basePort + number)
    const members = membersOf(lab)
    members.nodes.push({ name, port, initialRole: 'replica' })
    const next = newLayout(lab, members, `add ${name}`)
    const node = next.nodes.find((n) => n.name === name)!
    const masterNode = next.nodes.find((n) => n.port === master.port)!

    createMemberDir(node.dir)
    writeFileAtomic(node.conf, renderRedisConf(currentView(next, masterNode), node), SECRET)
    op.step(`wrote ${name}/redis.conf: port ${port}, replicaof ${LOOPBACK} ${master.port} (${masterNode.name}, the master now)`)
    const ini = spliceIni(readFileSync(lab.ini, 'utf8'), next, { add: name })
    const undo = await op.commit(next, ini, name, () => rmSync(node.dir, { recursive: true, force: true }))

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
    const master = await op.currentMaster()
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
    createMemberDir(sentinel.dir)
    writeFileAtomic(sentinel.conf, conf, SECRET)
    op.step(`wrote ${name}/sentinel.conf: port ${port}, myid ${myid.slice(0, 8)}..., monitor ${next.masterName} ${LOOPBACK} ${master.port} (${masterNode.name}) quorum ${next.spec.quorum}` +
      `, config-epoch ${master.configEpoch}, ${next.replicas.length} known replica(s), ${next.sentinels.length - 1} known sentinel(s)`)
    const ini = spliceIni(readFileSync(lab.ini, 'utf8'), next, { add: name })
    const undo = await op.commit(next, ini, name, () => rmSync(sentinel.dir, { recursive: true, force: true }))

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
    const views = await op.sentinelViews(lab.sentinels)
    const answering = views.filter((v) => v.master !== null)
    const claims = masterClaims(views)
    let masterPort: number | null = null

    if (node) {
      const says = claims.get(node.port)
      if (says) {
        throw new MembershipError(`${name} is the master now (${says.join(', ')} say${says.length === 1 ? 's' : ''} so): fail over first (SENTINEL FAILOVER ${lab.masterName}), then remove it`)
      }
      if (answering.length === 0) {
        const role = await op.nodeRole(node.port)
        if (role === 'master') throw new MembershipError(`${name} reports role:master and no sentinel answers: fail over first, then remove it`)
      }
      masterPort = answering.length > 0 ? op.pickMaster(views).port : null
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
      masterPort = op.pickMaster(views).port
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
      await op.writeIni(cleaned, ini)
      ini = cleaned
      op.step(`${d}: depends_on no longer names ${[name, ...notRunning].join(', ')} (lab.ini); restarted by update`)
      await op.waitBack(d, lab, masterPort)
    }

    // 3. Out of lab.json and lab.ini.
    const members = membersOf(lab)
    members.nodes = members.nodes.filter((n) => n.name !== name)
    members.sentinels = members.sentinels.filter((s) => s.name !== name)
    const next = newLayout(lab, members, `remove ${name}`)
    if (node && lab.master.name === name) op.step(`${next.master.name} is now the lab's master program (lab.master)`)
    await op.commit(next, spliceIni(ini, next, { remove: name }), name, null)

    // 4. Its folder: kept, out of the way.
    const removedDir = join(lab.dir, 'removed')
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    const to = join(removedDir, `${name}-${stamp}`)
    try {
      mkdirSync(removedDir, { recursive: true, mode: PRIVATE_DIR })
      renameSync(member.dir, to)
      op.step(`moved its folder to removed/${name}-${stamp}; its log stays in logs/${name}.log`)
    } catch (e) {
      op.step(`its folder stays in ${member.dir}: ${(e as Error).message}`)
    }

    // 5. SENTINEL RESET, one sentinel at a time.
    const targets = next.sentinels.filter((s) => answering.some((v) => v.name === s.name))
    const skipped = next.sentinels.filter((s) => !targets.includes(s))
    const reset: string[] = []
    for (const s of targets) {
      const n = Number(await (await op.pool.get(s.port)).call('SENTINEL', 'RESET', next.masterName))
      if (n !== 1) throw new MembershipError(`SENTINEL RESET ${next.masterName} on ${s.name} reset ${n} masters, expected 1`)
      reset.push(s.name)
      // Other sentinels come back with their next hello (publish-period, 2 s by default); the
      // replicas only with the master's next INFO (info-period, 10 s): waited for below, for all.
      await agreeResetting(op, [s], next, { others: targets.length - 1 }, `${s.name} to re-discover the other sentinels after SENTINEL RESET`)
    }
    op.step(`SENTINEL RESET ${next.masterName} on ${reset.join(', ')} (one at a time, each re-discovered ` +
      `${targets.length - 1} other sentinel(s) before the next)`)
    if (skipped.length > 0) op.step(`not reset (did not answer): ${skipped.map((s) => s.name).join(', ')}`)

    await agreeResetting(op, targets, next, { others: targets.length - 1, slavesFromMaster: true }, 'every sentinel to agree on the new counts')
    op.step(`${targets.map((s) => s.name).join(', ')} agree: ${next.replicas.length} replica(s), ${next.sentinels.length} sentinel(s)`)
    return { lab: next, name, port: member.port }
  }))
}

// ---------------------------------------------------------------------------------------
// One operation: its deadline, its connections, its steps, and the moves it is made of

interface MasterView {
  port: number
  node: LabNode
  configEpoch: number
  /** The master's flags when a sentinel sees it down, else null. */
  down: string | null
}

interface SentinelView {
  name: string
  port: number
  master: Record<string, string> | null
  error: string | null
}

class Op {
  readonly steps: string[] = []
  readonly pool = new RedisPool(CALL_TIMEOUT_MS)

  constructor(readonly rt: LabRuntime, readonly deadline: number, readonly signal: AbortSignal | undefined) {}

  step(s: string): void {
    this.steps.push(s)
  }

  checkAbort(): void {
    if (this.signal?.aborted) throw Object.assign(new Error(`aborted; done so far: ${this.steps.join('; ') || 'nothing'}`), { name: 'AbortError' })
  }

  async waitFor(what: string, check: () => Promise<string | null>): Promise<void> {
    for (;;) {
      this.checkAbort()
      let missing: string | null
      try {
        missing = await check()
      } catch (e) {
        if (e instanceof MembershipError) throw e
        missing = reason(e)
      }
      if (missing === null) return
      if (performance.now() >= this.deadline) {
        throw new MembershipError(`timed out waiting for ${what}: ${missing}; done so far: ${this.steps.join('; ')}`)
      }
      await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, this.deadline - performance.now()))))
    }
  }

  async sentinelViews(sentinels: { name: string; port: number }[]): Promise<SentinelView[]> {
    const m = this.rt.lab.masterName
    return Promise.all(sentinels.map(async (s) => {
      try {
        return { ...s, master: pairs(await (await this.pool.get(s.port)).call('SENTINEL', 'MASTER', m)), error: null }
      } catch (e) {
        return { ...s, master: null, error: reason(e) }
      }
    }))
  }

  /** The master as the sentinels with the highest config epoch see it. */
  pickMaster(views: SentinelView[]): MasterView {
    const lab = this.rt.lab
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
  async currentMaster(): Promise<MasterView> {
    const lab = this.rt.lab
    const views = await this.sentinelViews(lab.sentinels)
    if (views.some((v) => v.master !== null)) return this.pickMaster(views)
    const roles = await Promise.all(lab.nodes.map(async (n) => ({ n, role: await this.nodeRole(n.port) })))
    const masters = roles.filter((r) => r.role === 'master')
    if (masters.length !== 1) {
      throw new MembershipError(`no sentinel answers (${views.map((v) => `${v.name}: ${v.error}`).join('; ')}) and ${masters.length} nodes report role:master: cannot tell the master`)
    }
    return { port: masters[0].n.port, node: masters[0].n, configEpoch: 0, down: null }
  }

  async nodeRole(port: number): Promise<string | null> {
    try {
      return parseInfo(await (await this.pool.get(port, this.rt.lab.password)).info('replication')).role ?? null
    } catch {
      return null
    }
  }

  proc(program: string): ProcessInfo | undefined {
    return this.rt.supervisor.snapshot().processes.find((p) => p.program === program)
  }

  isRunning(program: string): boolean {
    const s = this.proc(program)?.state
    return s === 'RUNNING' || s === 'STARTING'
  }

  async stopProcess(name: string): Promise<void> {
    const target = { kind: 'process', name } as const
    const p = this.proc(name)
    if (!p) return
    if (p.pid > 0) this.rt.supervisor.signal(target, 'CONT') // a paused (SIGSTOP) process would sit on SIGTERM
    this.rt.supervisor.stop(target)
    await this.waitFor(`${name} to stop`, async () => {
      const q = this.proc(name)
      return !q || (q.pid === 0 && !['RUNNING', 'STARTING', 'STOPPING', 'BACKOFF'].includes(q.state)) ? null : `${name} is ${q.state} (pid ${q.pid})`
    })
  }

  /**
   * lab.json + lab.ini for `next`, runtime.lab = next, update; all put back if the update
   * fails. Returns how to undo it later (files and runtime.lab back, update again).
   */
  async commit(next: Lab, ini: string, name: string, onFailure: (() => void) | null): Promise<() => Promise<void>> {
    this.checkAbort()
    const lab = this.rt.lab
    const oldJson = readFileSync(lab.labJson, 'utf8')
    const oldIni = readFileSync(lab.ini, 'utf8')
    const iniMode = statSync(lab.ini).mode & 0o777
    const putBack = (): void => {
      writeFileAtomic(lab.labJson, oldJson, SECRET)
      writeFileAtomic(lab.ini, oldIni, iniMode)
      this.rt.lab = lab
    }
    let result: UpdateResult
    try {
      writeFileAtomic(lab.labJson, renderLabJson(next, readLabFile(lab.dir).createdAt), SECRET)
      writeFileAtomic(lab.ini, ini, iniMode)
      this.rt.lab = next
      result = await this.rt.supervisor.update()
    } catch (e) {
      putBack()
      onFailure?.()
      throw new MembershipError(`${name}: the supervisor update failed, lab.json and lab.ini are as they were: ${(e as Error).message}`)
    }
    const what = [
      result.added.length ? `started ${result.added.join(', ')}` : '',
      result.removed.length ? `removed ${result.removed.join(', ')}` : '',
      result.changed.length ? `restarted ${result.changed.join(', ')} (changed in lab.ini)` : '',
    ].filter(Boolean).join(', ')
    this.step(`lab.json and lab.ini rewritten; supervisor update: ${what || 'nothing to do'}`)
    return async () => {
      putBack()
      try {
        await this.rt.supervisor.update()
      } finally {
        onFailure?.()
      }
    }
  }

  /** lab.ini alone (lab.json unchanged), then update; put back if the update fails. */
  async writeIni(ini: string, old: string): Promise<void> {
    this.checkAbort()
    const path = this.rt.lab.ini
    const mode = statSync(path).mode & 0o777
    writeFileAtomic(path, ini, mode)
    try {
      await this.rt.supervisor.update()
    } catch (e) {
      writeFileAtomic(path, old, mode)
      throw new MembershipError(`the supervisor update failed, lab.ini is as it was: ${(e as Error).message}`)
    }
  }

  /**
   * Wait for a newly started member to be `ready`. If its process fails to start (BACKOFF,
   * FATAL, EXITED), the change is undone (`undo`), and it throws.
   */
  async waitStarted(name: string, log: string, undo: () => Promise<void>, ready: () => Promise<string | null>): Promise<void> {
    await this.waitFor(`${name} to start`, async () => {
      const p = this.proc(name)
      if (p && ['BACKOFF', 'FATAL', 'EXITED'].includes(p.state)) {
        const why = p.spawnError ?? p.exitDescription ?? p.state
        const tail = logTail(log)
        await undo()
        throw new MembershipError(`${name} did not start (${why}), so it was taken out again (lab.json, lab.ini as they were)${tail ? `; its log ends: ${tail}` : ''}`)
      }
      if (!p || p.pid <= 0) return `${name} is ${p?.state ?? 'not there'}`
      return ready()
    })
  }

  /** Wait until a restarted program is back: a node linked again, a sentinel monitoring with its quorum. */
  async waitBack(program: string, lab: Lab, masterPort: number | null): Promise<void> {
    const node = lab.nodes.find((n) => n.name === program)
    const sentinel = lab.sentinels.find((s) => s.name === program)
    let timers: Promise<void> | null = null
    await this.waitFor(`${program} to be back after its restart`, async () => {
      const p = this.proc(program)
      if (!p || p.pid <= 0 || !this.isRunning(program)) return `${program} is ${p?.state ?? 'not there'}`
      if (node) {
        const info = parseInfo(await (await this.pool.get(node.port, lab.password)).info('replication'))
        if (info.role === 'slave' && info.master_link_status !== 'up') return `${program}: master_link_status:${info.master_link_status}`
        return null
      }
      if (sentinel) {
        const c = await this.pool.get(sentinel.port)
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
}

async function withOp(rt: LabRuntime, options: MembershipOptions, defaultTimeout: number,
  body: (op: Op) => Promise<Omit<MembershipResult, 'ms' | 'steps'>>): Promise<MembershipResult> {
  const t0 = performance.now()
  const op = new Op(rt, t0 + (options.timeoutMs ?? defaultTimeout), options.signal)
  op.checkAbort()
  const configPath = rt.supervisor.snapshot().configPath
  if (configPath === null) throw new MembershipError(`the lab ${rt.lab.spec.name} is not running`)
  if (resolve(configPath) !== resolve(rt.lab.ini)) throw new MembershipError(`the supervisor runs ${configPath}, not the lab's ${rt.lab.ini}`)
  try {
    const r = await body(op)
    return { ...r, ms: Math.round(performance.now() - t0), steps: op.steps }
  } finally {
    op.pool.close()
  }
}

/** One membership change at a time per lab (per supervisor). */
const queues = new WeakMap<Supervisor, Promise<unknown>>()

function exclusive<T>(rt: LabRuntime, fn: () => Promise<T>): Promise<T> {
  const before = queues.get(rt.supervisor) ?? Promise.resolve()
  const run = before.then(fn, fn)
  queues.set(rt.supervisor, run.catch(() => {}))
  return run
}

/**
 * Whether `sentinels` answer, count `others` other sentinels and pass CKQUORUM (null when
 * they do, else what is missing); with slavesFromMaster, also whether num-slaves equals
 * the lab's replicas the master lists now: what a reset sentinel can re-discover, which is
 * every replica when they all run.
 */
/**
 * Wait for `agreement`, resetting again any sentinel that still counts more peers than it
 * should RESET_AGAIN_MS after its last RESET. Seen under load on Redis 7.0: a sentinel just
 * reset counted the removed sentinel again (Redis's docs space the resets 30 s apart for
 * such stale news); a second RESET clears it.
 */
async function agreeResetting(op: Op, sentinels: LabSentinel[], lab: Lab, want: { others: number; slavesFromMaster?: boolean }, what: string): Promise<void> {
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

async function agreement(op: Op, sentinels: LabSentinel[], lab: Lab, want: { others: number; slavesFromMaster?: boolean }): Promise<string | null> {
  const views = await op.sentinelViews(sentinels)
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

/** Port -> the sentinels that name it as the master. */
function masterClaims(views: SentinelView[]): Map<number, string[]> {
  const out = new Map<number, string[]>()
  for (const v of views) {
    if (!v.master) continue
    const port = Number(v.master.port)
    out.set(port, [...(out.get(port) ?? []), v.name])
  }
  return out
}

// ---------------------------------------------------------------------------------------
// Names, ports, layout

/** One more than the highest number any member with this prefix has or had (removed/ counts). */
export function nextNumber(lab: Lab, prefix: 'redis-replica-' | 'sentinel-'): number {
  const names = [...lab.nodes, ...lab.sentinels].map((m) => m.name)
  for (const d of [lab.dir, join(lab.dir, 'removed')]) {
    try {
      names.push(...readdirSync(d))
    } catch {
      // no such folder yet
    }
  }
  const re = new RegExp(`^${prefix}(\\d+)(?:-|$)`)
  return Math.max(0, ...names.map((n) => Number(re.exec(n)?.[1] ?? 0))) + 1
}

/** The base-port scheme's port when it is free, else a free port; never one of the lab's. */
async function choosePort(lab: Lab, preferred: number | null): Promise<number> {
  const used = [...lab.nodes.map((n) => n.port), ...lab.sentinels.map((s) => s.port)]
  if (preferred !== null && preferred <= 65535 && !used.includes(preferred) && (await busyPorts([preferred])).length === 0) return preferred
  return (await freePorts(1, used))[0]
}

function newLayout(lab: Lab, members: LabMembers, what: string): Lab {
  const next = layoutMembers(lab.dir, lab.spec, members, lab.binaries)
  const errors = validateSpec(next.spec)
  if (errors.length > 0) throw new MembershipError(`cannot ${what}: ${new SpecError(errors).message}`)
  return next
}

/** The lab as it stands now, for rendering a new member's conf: `master` is the master, every other node a replica. */
function currentView(lab: Lab, master: LabNode): Lab {
  return { ...lab, master, replicas: lab.nodes.filter((n) => n !== master) }
}

function createMemberDir(dir: string): void {
  if (existsSync(dir)) throw new MembershipError(`${dir} exists already: move it away first`)
  mkdirSync(dir, { mode: PRIVATE_DIR })
}

/** The highest epoch a sentinel's conf records (Sentinel writes current-epoch when it changes). */
function fileEpoch(conf: string): number {
  try {
    const text = readFileSync(conf, 'utf8')
    return Math.max(0, ...[...text.matchAll(/^sentinel (?:current-epoch|config-epoch \S+) (\d+)\s*$/gm)].map((m) => Number(m[1])))
  } catch {
    return 0
  }
}

function logTail(log: string): string {
  try {
    return readFileSync(log, 'utf8').trim().split('\n').slice(-3).join(' | ').slice(-400)
  } catch {
    return ''
  }
}
