// SentinelWatcher against a real lab (redis-server + redis-sentinel under the engine, fast
// timers): the model sees 1 master + 2 linked replicas and 3 agreeing sentinels; a manual
// failover shows up as one merged +switch-master in the timeline and moves the model's
// master to the promoted replica (the delay from the message to the model is printed); a
// master stopped from outside is failed over and, started again, rejoins as a replica.
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import { afterEach, describe, expect, it } from 'vitest'
import { buildLab } from '../../src/main/lab/blueprint'
import { keepFastTimers } from '../../src/main/lab/fast-timers'
import { waitHealthy } from '../../src/main/lab/health'
import type { Lab } from '../../src/main/lab/layout'
import type { Topology } from '../../src/main/sentinel/topology'
import { type WatchedEvent, SentinelWatcher } from '../../src/main/sentinel/watcher'
import { Supervisor } from '../../src/main/supervisor/supervisor'
import { alive, labProcesses, until } from '../lab/proc'

const temps: string[] = []
const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
})

/**
 * Make the supervisor stop `program` with SIGKILL: a kill -9 that the supervisor does not
 * restart at once (it would: autorestart=true), so that Sentinel can fail over. Test-only
 * edit of the generated lab.ini in the temp folder.
 */
function killOnStop(lab: Lab, program: string): void {
  const text = readFileSync(lab.ini, 'utf8')
  const start = text.indexOf(`[program:${program}]`)
  expect(start).toBeGreaterThanOrEqual(0)
  const next = text.indexOf('[program:', start + 1)
  const end = next < 0 ? text.length : next
  const section = text.slice(start, end)
  expect(section).toMatch(/^stopsignal=TERM$/m)
  writeFileSync(lab.ini, text.slice(0, start) + section.replace(/^stopsignal=TERM$/m, 'stopsignal=KILL') + text.slice(end))
}

async function startLab(name: string, options: { killOnStop?: string } = {}): Promise<{ lab: Lab; sv: Supervisor }> {
  const root = mkdtempSync(join(tmpdir(), 'sentinel-test-'))
  temps.push(root)
  const lab = await buildLab({ name, timers: 'fast' }, { dir: join(root, 'lab') })
  if (options.killOnStop) killOnStop(lab, options.killOnStop)
  const sv = new Supervisor({ logDir: join(root, 'sv-logs'), stateDir: join(root, 'sv-state') })
  const allPorts = [...lab.nodes.map((n) => n.port), ...lab.sentinels.map((s) => s.port)]
  cleanups.push(async () => {
    const pids = sv.snapshot().processes.map((p) => p.pid).filter((p) => p > 0)
    await sv.shutdown()
    for (const pid of pids) expect({ pid, alive: alive(pid) }).toEqual({ pid, alive: false })
    expect(labProcesses(allPorts, lab.dir)).toEqual([])
  })
  const applied: string[] = []
  const errors: string[] = []
  const stopFast = keepFastTimers(sv, lab, { onApplied: (n) => applied.push(n), onError: (n, e) => errors.push(`${n}: ${e.message}`) })
  cleanups.push(async () => stopFast())
  await sv.load(lab.ini)
  const report = await waitHealthy(lab, { timeoutMs: 10_000 })
  expect(report.checks.filter((c) => !c.ok)).toEqual([])
  await until(() => applied.length + errors.length === 3, 5000, 'fast timers on all sentinels')
  expect(errors).toEqual([])
  return { lab, sv }
}

async function startWatcher(lab: Lab): Promise<SentinelWatcher> {
  const w = new SentinelWatcher({
    sentinels: lab.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
    masterName: lab.masterName,
    password: lab.password,
    pollIntervalMs: 1000,
  })
  cleanups.push(() => w.close())
  await w.start()
  return w
}

/** What the model says, in a form that reads well in a failed assertion. */
function summary(t: Topology): { master: number | null; agreed: boolean; nodes: string[]; sentinels: string[] } {
  return {
    master: t.master?.port ?? null,
    agreed: t.agreed,
    nodes: t.nodes.map((n) => `${n.port} ${n.reachable ? 'up' : 'unreachable'} ${n.role}${n.role === 'replica' ? ` of ${n.masterAddress?.port} link ${n.masterLinkStatus}` : ''}`),
    sentinels: t.sentinels.map((s) => `${s.port} ${s.reachable ? '' : 'unreachable '}${s.subscribed ? 'subscribed' : 'not-subscribed'} believes ${s.masterAddress?.port} flags ${s.flags.join(',')} others ${s.numOtherSentinels} quorum ${s.quorum} ckquorum ${s.ckquorum?.ok}`),
  }
}

/** 1 master (the given port) + 2 replicas linked to it; every sentinel reachable, subscribed, agreeing, quorum OK. */
function healthyOn(t: Topology, masterPort: number): boolean {
  const masters = t.nodes.filter((n) => n.role === 'master')
  const replicas = t.nodes.filter((n) => n.role === 'replica')
  return t.nodes.length === 3 && t.nodes.every((n) => n.reachable && n.roleSource === 'info') &&
    masters.length === 1 && masters[0].port === masterPort && t.master?.port === masterPort && t.agreed &&
    replicas.length === 2 && replicas.every((r) => r.masterAddress?.port === masterPort && r.masterLinkStatus === 'up' && r.lagBytes !== null) &&
    masters[0].connectedReplicas === 2 &&
    t.sentinels.length === 3 && t.sentinels.every((s) => s.reachable && s.subscribed && s.masterAddress?.port === masterPort &&
      !s.flags.includes('s_down') && !s.flags.includes('o_down') && s.numOtherSentinels === 2 && s.quorum === 2 && s.ckquorum?.ok === true)
}

async function untilModel(w: SentinelWatcher, check: (t: Topology) => boolean, timeoutMs: number, what: string): Promise<void> {
  try {
    await until(() => check(w.topology()), timeoutMs, what)
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${JSON.stringify(summary(w.topology()), null, 2)}`)
  }
}

function tcpSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPWrap').length
}

/** This process's open TCP connections (not LISTEN / TIME_WAIT) to any of `ports`, from /proc. */
function socketsTo(ports: number[]): number {
  const inodes = new Set<string>()
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))
      if (m) inodes.add(m[1])
    } catch {
      // closed meanwhile
    }
  }
  let n = 0
  for (const file of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    let text = ''
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/)
      if (f.length < 10) continue
      const remotePort = parseInt(f[2].split(':')[1], 16)
      if (ports.includes(remotePort) && inodes.has(f[9]) && f[3] !== '06') n++
    }
  }
  return n
}

describe('SentinelWatcher on a real lab', () => {
  it('attach to nothing: sentinels unreachable in the model, start() returns, close() is clean', async () => {
    const before = tcpSockets()
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
    // Port 1 on loopback: refused at once.
    const w = new SentinelWatcher({ sentinels: [{ host: '127.0.0.1', port: 1 }], masterName: 'mymaster', pollIntervalMs: 100, timeoutMs: 200 })
    cleanups.push(() => w.close())
    const t0 = performance.now()
    await w.start()
    expect(performance.now() - t0).toBeLessThan(2000)
    const t = w.topology()
    expect(t.master).toBeNull()
    expect(t.agreed).toBe(false)
    expect(t.sentinels).toHaveLength(1)
    expect(t.sentinels[0]).toMatchObject({ id: '127.0.0.1:1', reachable: false, subscribed: false })
    expect(t.sentinels[0].error).toBeTruthy()
    await w.close()
    expect(tcpSockets()).toBe(before)
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThanOrEqual(timersBefore)
  })

  it('models the lab, and follows a manual failover at once', async () => {
    const { lab } = await startLab('watch')
    const labPorts = [...lab.nodes.map((n) => n.port), ...lab.sentinels.map((s) => s.port)]
    const w = await startWatcher(lab)
    await untilModel(w, (t) => healthyOn(t, lab.master.port), 5000, 'the model to show the healthy lab')
    const before = w.topology()
    expect(summary(before).nodes).toHaveLength(3)

    // Measure: the first +switch-master on the wire -> the model's master is the promoted replica.
    let switchAt: number | null = null
    let switchTo: number | null = null
    let modelAt: number | null = null
    let confirmedAt: number | null = null
    const events: WatchedEvent[] = []
    w.on('event', (e) => {
      events.push(e)
      if (e.event.type === '+switch-master' && switchAt === null) {
        switchAt = e.receivedAt
        switchTo = e.event.to!.port
      }
    })
    let delay: number | null = null
    let modelMaster: number | null = null
    w.on('topology', (t) => {
      // The model is updated before the event is emitted: the delay comes from the cause stamped on the topology.
      if (delay === null && t.reason === 'switch-master' && t.cause && t.nodes.find((n) => n.port === t.master?.port)?.role === 'master') {
        modelAt = performance.now()
        delay = modelAt - t.cause.receivedAt
        modelMaster = t.master!.port
      }
      if (switchTo === null) return
      if (confirmedAt === null && t.nodes.find((n) => n.port === switchTo)?.roleSource === 'info' && t.nodes.find((n) => n.port === switchTo)?.role === 'master') confirmedAt = performance.now()
    })

    const c = new Redis({ host: '127.0.0.1', port: lab.sentinels[0].port, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null })
    c.on('error', () => {})
    await c.connect()
    try {
      expect(await c.call('SENTINEL', 'FAILOVER', lab.masterName)).toBe('OK')
    } finally {
      c.disconnect()
    }
    const t0 = performance.now()

    // The timeline: +switch-master seen by every sentinel, merged into one entry.
    const switches = () => w.timeline.entries().filter((e) => e.type === '+switch-master')
    await until(() => switches().some((e) => e.seenBy.length === 3), 15_000, '+switch-master from all 3 sentinels')
    expect(switches()).toHaveLength(1)
    const entry = switches()[0]
    expect([...entry.seenBy].sort()).toEqual(lab.sentinels.map((s) => `127.0.0.1:${s.port}`).sort())
    expect(entry.event.from?.port).toBe(lab.master.port)
    const promoted = entry.event.to!.port
    expect(lab.replicas.map((r) => r.port)).toContain(promoted)
    expect(events.filter((e) => e.event.type === '+switch-master')).toHaveLength(3)
    expect(events.every((e) => lab.sentinels.some((s) => e.sentinel === `127.0.0.1:${s.port}`))).toBe(true)
    expect(w.timeline.entries().some((e) => e.type === '+failover-end')).toBe(true)

    // The model: the promoted replica is the master, at once.
    expect(switchAt).not.toBeNull()
    expect(modelAt).not.toBeNull()
    expect(w.topology().master?.port).toBe(promoted)
    expect(delay).not.toBeNull()
    expect(modelMaster).toBe(promoted)
    // Read the model itself: a confirmation that changes nothing else may not emit 'topology'.
    await until(() => {
      const n = w.topology().nodes.find((x) => x.port === promoted)
      if (n?.roleSource === 'info' && n.role === 'master') confirmedAt ??= performance.now()
      return confirmedAt !== null
    }, 10_000, 'INFO to confirm the promoted master')
    console.log(`[watcher] +switch-master -> model master updated: ${delay!.toFixed(3)} ms; confirmed by INFO: ${(confirmedAt! - switchAt!).toFixed(1)} ms; failover call -> +switch-master: ${(switchAt! - t0).toFixed(0)} ms`)
    expect(delay!).toBeLessThanOrEqual(50)

    // And in the end the old master is a linked replica of the new one, all sentinels agreeing.
    await untilModel(w, (t) => healthyOn(t, promoted), 15_000, 'the model to show the lab healthy on the new master')

    // close() leaves no socket and no timer of its own.
    expect(socketsTo(labPorts)).toBe(3 * 2 + 3) // a command and a subscriber connection per sentinel, one per node
    await w.close()
    await until(() => socketsTo(labPorts) === 0, 2000, 'the watcher sockets to close')
    expect(w.listenerCount('topology')).toBeGreaterThan(0) // listeners are the caller's; nothing fires any more
    const n = events.length
    await new Promise((r) => setTimeout(r, 50))
    expect(events.length).toBe(n)
  })

  it('kill -9 of the master: failover seen live, the old master rejoins as a replica', async () => {
    const { lab, sv } = await startLab('watch-kill', { killOnStop: 'redis-master' })
    const w = await startWatcher(lab)
    await untilModel(w, (t) => healthyOn(t, lab.master.port), 5000, 'the model to show the healthy lab')
    const target = { kind: 'process' as const, name: lab.master.name }
    // The supervisor would restart a killed master at once (no failover): stop it through the
    // supervisor, whose stopsignal for it is KILL (a kill -9), and start it again only once
    // the failover has happened.
    const pid = sv.snapshot().processes.find((p) => p.name === lab.master.name)!.pid
    expect(pid).toBeGreaterThan(0)
    const tKill = performance.now()
    expect(sv.stop(target).every((o) => o.ok)).toBe(true)
    await until(() => !alive(pid), 2000, 'the master pid to die')
    expect(readFileSync(lab.master.log, 'utf8')).toContain('Ready to accept connections')
    expect(readFileSync(lab.master.log, 'utf8')).not.toMatch(/Received SIGTERM|shutdown/i) // killed, not shut down
    await untilModel(w, (t) => t.nodes.find((n) => n.port === lab.master.port)?.reachable === false, 5000, 'the model to see the master down')
    await untilModel(w, (t) => t.master !== null && t.master.port !== lab.master.port && t.agreed, 20_000, 'a new master that every sentinel agrees on')
    const promoted = w.topology().master!.port
    console.log(`[watcher] kill -9 -> the model shows a new master all sentinels agree on: ${(performance.now() - tKill).toFixed(0)} ms (down-after ${lab.spec.downAfterMs} ms)`)
    expect(w.timeline.entries().some((e) => e.type === '+odown')).toBe(true)
    expect(w.timeline.entries().filter((e) => e.type === '+switch-master')).toHaveLength(1)
    expect(w.topology().nodes.find((n) => n.port === promoted)?.role).toBe('master')

    await until(() => sv.snapshot().processes.find((p) => p.name === lab.master.name)?.state === 'STOPPED', 5000, 'the master to be stopped')
    expect(sv.start(target).every((o) => o.ok)).toBe(true)
    await untilModel(w, (t) => healthyOn(t, promoted), 20_000, 'the old master back as a linked replica')
  })
})

describe('SentinelWatcher: members removed on purpose', () => {
  it('forgets a removed replica and sentinel although the sentinels still list them, and remembers a port reused', async () => {
    const { lab, sv } = await startLab('forget')
    const w = await startWatcher(lab)
    const replica = lab.replicas[1]
    const sentinel = lab.sentinels[2]
    const ports = (t: Topology): { nodes: number[]; sentinels: number[] } => ({ nodes: t.nodes.map((n) => n.port), sentinels: t.sentinels.map((s) => s.port) })
    expect(ports(w.topology()).nodes).toContain(replica.port)
    const state = (name: string): string | undefined => sv.snapshot().processes.find((p) => p.name === name)?.state
    expect(sv.stop({ kind: 'process', name: replica.name }).every((o) => o.ok)).toBe(true)
    expect(sv.stop({ kind: 'process', name: sentinel.name }).every((o) => o.ok)).toBe(true)
    await until(() => state(replica.name) === 'STOPPED' && state(sentinel.name) === 'STOPPED', 10_000, 'both stopped')
    await w.forget({ host: '127.0.0.1', port: replica.port })
    await w.forget({ host: '127.0.0.1', port: sentinel.port })
    // The remaining sentinels still list both (no SENTINEL RESET here): two full refreshes later they stay forgotten.
    const sentinelsSay = async (): Promise<string> => {
      const c = new Redis({ port: lab.sentinels[0].port, lazyConnect: true })
      try {
        await c.connect()
        return JSON.stringify([await c.call('SENTINEL', 'REPLICAS', lab.masterName), await c.call('SENTINEL', 'SENTINELS', lab.masterName)])
      } finally {
        c.disconnect()
      }
    }
    expect(await sentinelsSay()).toContain(String(replica.port))
    expect(await sentinelsSay()).toContain(String(sentinel.port))
    await w.refresh()
    await w.refresh()
    expect(ports(w.topology()).nodes).not.toContain(replica.port)
    expect(ports(w.topology()).sentinels).not.toContain(sentinel.port)
    expect(ports(w.topology()).nodes).toHaveLength(lab.nodes.length - 1)
    // The same port in use again (a new member): watched again.
    expect(sv.start({ kind: 'process', name: replica.name }).every((o) => o.ok)).toBe(true)
    w.remember({ host: '127.0.0.1', port: replica.port })
    await until(() => w.topology().nodes.some((n) => n.port === replica.port && n.reachable), 10_000, 'the replica watched again')
  })
})
