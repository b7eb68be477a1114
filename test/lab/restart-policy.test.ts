// The restart policy with real redis-server / redis-sentinel: a master killed from outside
// is held down until the sentinels fail over, then rejoins as a replica with the data; a
// killed replica comes back at once; a paused master is failed over and, resumed, turned
// into a replica; a node stopped on purpose stays stopped; dispose cancels a pending hold;
// a lab without a replica gets its master back at once. No process is left behind.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import type { ProcessInfo } from '../../src/shared/model'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildLab } from '../../src/main/lab/blueprint'
import { waitHealthy } from '../../src/main/lab/health'
import type { Lab, LabNode } from '../../src/main/lab/layout'
import { type PolicyEvent, type PolicyOptions, keepRedisNodesUp } from '../../src/main/lab/restart-policy'
import { type LabHandle, runLab } from '../../src/main/lab/runner'
import { askMasterPorts, majorityMaster } from '../../src/main/lab/sentinel-ask'
import type { LabSpecInput } from '../../src/shared/lab-spec'
import { Supervisor } from '../../src/main/supervisor/supervisor'
import { waitFor } from '../helpers/wait'
import { alive, labProcesses, until } from './proc'

const temps: string[] = []
const labs: Lab[] = []
const pidsSeen = new Set<number>()

function mkTemp(): string {
  const d = mkdtempSync(join(tmpdir(), 'lab-policy-'))
  temps.push(d)
  return d
}

function ports(lab: Lab): number[] {
  return [...lab.nodes.map((n) => n.port), ...lab.sentinels.map((s) => s.port)]
}

async function withNode<T>(lab: Lab, port: number, f: (c: Redis) => Promise<T>): Promise<T> {
  const c = new Redis({ host: '127.0.0.1', port, password: lab.password, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000, commandTimeout: 2000 })
  c.on('error', () => {})
  try {
    await c.connect()
    return await f(c)
  } finally {
    c.disconnect()
  }
}

async function replication(lab: Lab, port: number): Promise<Record<string, string>> {
  const text = await withNode(lab, port, (c) => c.info('replication'))
  return Object.fromEntries(text.split(/\r?\n/).filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]))
}

/** Poll an async check until it holds (deadline; errors count as "not yet"). */
async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function linkedReplicaOf(lab: Lab, port: number, masterPort: number, timeoutMs: number): Promise<void> {
  await eventually(async () => {
    const i = await replication(lab, port)
    return i.role === 'slave' && Number(i.master_port) === masterPort && i.master_link_status === 'up'
  }, timeoutMs, `127.0.0.1:${port} to be a replica of ${masterPort} with master_link_status:up`)
}

async function healthy(lab: Lab, timeoutMs = 20_000): Promise<number> {
  const r = await waitHealthy(lab, { timeoutMs })
  expect(r.checks.filter((c) => !c.ok)).toEqual([])
  return r.masterPort!
}

/** Stop whatever of a lab is still alive (by pid), then check nothing is left. */
async function expectNothingLeft(lab: Lab): Promise<void> {
  for (const pid of labProcesses(ports(lab), lab.dir)) process.kill(pid, 'SIGKILL')
  await until(() => labProcesses(ports(lab), lab.dir).length === 0, 5000, 'the lab processes to be gone')
}

afterAll(async () => {
  for (const pid of pidsSeen) if (alive(pid)) process.kill(pid, 'SIGKILL')
  for (const lab of labs) expect(labProcesses(ports(lab), lab.dir)).toEqual([])
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('restart policy under runLab (fast timers)', () => {
  let handle: LabHandle
  const events: PolicyEvent[] = []
  const pidOf = (name: string): number => handle.supervisor.snapshot().processes.find((p) => p.program === name)?.pid ?? 0
  const stateOf = (name: string): string => handle.supervisor.snapshot().processes.find((p) => p.program === name)?.state ?? 'none'
  const eventsFor = (name: string, from: number): PolicyEvent[] => events.slice(from).filter((e) => e.node === name)
  /** Past startsecs: a kill now is RUNNING -> EXITED (within startsecs it is a BACKOFF, the supervisor's retry). */
  const allRunning = (): Promise<void> => until(() => handle.lab.nodes.every((n) => stateOf(n.name) === 'RUNNING'), 5000, 'every node to be RUNNING')
  const remember = (): void => {
    for (const p of handle.supervisor.snapshot().processes) if (p.pid > 0) pidsSeen.add(p.pid)
  }

  beforeAll(async () => {
    handle = await runLab({ name: 'policy', timers: 'fast', downAfterMs: 1000 }, { dir: join(mkTemp(), 'lab'), onPolicy: (e) => events.push(e) })
    labs.push(handle.lab)
    handle.supervisor.on('process', (p) => p.pid > 0 && pidsSeen.add(p.pid))
    remember()
    await handle.timersApplied
  })

  afterAll(async () => {
    if (!handle) return
    const pids = handle.supervisor.snapshot().processes.map((p) => p.pid).filter((p) => p > 0)
    await handle.stop()
    for (const pid of pids) expect({ pid, alive: alive(pid) }).toEqual({ pid, alive: false })
    await expectNothingLeft(handle.lab)
  })

  it('lab.ini: Redis nodes autorestart=false (the policy restarts them), sentinels autorestart=true', async () => {
    const { readFileSync } = await import('node:fs')
    const ini = readFileSync(handle.lab.ini, 'utf8')
    for (const n of handle.lab.nodes) expect(ini).toMatch(new RegExp(`\\[program:${n.name}\\]\\n(?:[^\\[].*\\n)*?autorestart=false\\n`))
    for (const s of handle.lab.sentinels) expect(ini).toMatch(new RegExp(`\\[program:${s.name}\\]\\n(?:[^\\[].*\\n)*?autorestart=true\\n`))
  })

  /** Write a key, kill -9 the master from outside, and check the whole hold -> failover -> rejoin story. */
  const killMasterAndCheck = async (key: string): Promise<void> => {
    const lab = handle.lab
    const masterPort = await healthy(lab)
    const master = lab.nodes.find((n) => n.port === masterPort)!
    const replicaPorts = lab.nodes.filter((n) => n !== master).map((n) => n.port)
    await withNode(lab, masterPort, async (c) => {
      await c.set(key, 'kept')
      // Replicated to both replicas before the kill, so the promoted one must have it.
      expect(await c.call('WAIT', String(replicaPorts.length), '5000')).toBe(replicaPorts.length)
    })
    const from = events.length
    const pid = pidOf(master.name)
    expect(pid).toBeGreaterThan(0)
    const killedAt = Date.now()
    const path = stateOf(master.name) === 'STARTING' ? 'STARTING -> BACKOFF' : 'RUNNING -> EXITED'
    process.kill(pid, 'SIGKILL')

    const hold = await waitFor(() => eventsFor(master.name, from).find((e) => e.kind === 'hold'), 'the hold', 5000)
    expect(hold.text).toMatch(/died \(terminated by SIGKILL\).*held down until they fail over/)
    // Held: not restarted before the sentinels fail over (STOPPED: the supervisor's BACKOFF retry cancelled).
    expect(['EXITED', 'STOPPED']).toContain(stateOf(master.name))
    const release = await waitFor(() => eventsFor(master.name, from).find((e) => e.kind === 'release'), 'the release', 20_000)
    expect(release.kind === 'release' && release.after).toBe('failover')
    const newMaster = release.kind === 'release' ? release.newMaster! : 0
    expect(replicaPorts).toContain(newMaster)
    // The sentinels agreed before the release.
    expect(majorityMaster(await askMasterPorts(lab.sentinels, lab.masterName), lab.sentinels.length)).toBe(newMaster)
    const restart = await waitFor(() => eventsFor(master.name, from).find((e) => e.kind === 'restart'), 'the restart', 5000)
    expect(restart.kind === 'restart' && restart.held).toBe(true)
    console.log(`[policy] kill -9 master (${path}): held ${release.kind === 'release' ? release.heldMs : '?'} ms; released ${release.t - killedAt} ms after the kill`)
    expect(eventsFor(master.name, from).map((e) => e.kind)).toEqual(['hold', 'release', 'restart'])
    // It was started as the new master's replica (its file pointed there first), not as a master Sentinel converts later.
    expect(release.text).toMatch(/restarting it as its replica \(replicaof written to its redis\.conf\)/)
    expect(readFileSync(master.conf, 'utf8')).toMatch(new RegExp(`^replicaof 127\\.0\\.0\\.1 ${newMaster}$`, 'm'))
    // Its first answer after the restart already says slave.
    let firstRole: string | undefined
    for (const deadline = Date.now() + 5000; firstRole === undefined && Date.now() < deadline; ) {
      firstRole = await withNode(lab, masterPort, async (c) => (await c.info('replication')).match(/^role:(\w+)/m)?.[1]).catch(() => undefined)
      if (firstRole === undefined) await new Promise((r) => setTimeout(r, 20)) // not listening yet
    }
    expect(firstRole).toBe('slave')

    expect(await withNode(lab, newMaster, (c) => c.get(key))).toBe('kept')
    await linkedReplicaOf(lab, masterPort, newMaster, 15_000)
    expect(await withNode(lab, masterPort, (c) => c.get(key))).toBe('kept')
    expect(await healthy(lab)).toBe(newMaster)
    remember()
  }

  it('a master killed with SIGKILL right after bring-up is held until the failover, then rejoins as a replica; no data is lost', async () => {
    // Usually within its first second (HEALTHY comes sooner): STARTING -> BACKOFF, whose retry the policy cancels.
    await killMasterAndCheck('policy:early')
  })

  it('a master killed with SIGKILL once RUNNING: the same (RUNNING -> EXITED)', async () => {
    await allRunning()
    await killMasterAndCheck('policy:running')
  })

  it('a replica killed with SIGKILL comes back at once, with no failover', async () => {
    const lab = handle.lab
    const masterPort = await healthy(lab)
    const replica = lab.nodes.find((n) => n.port !== masterPort)!
    await allRunning()
    const switches: string[] = []
    const subs = lab.sentinels.map((s) => {
      const c = new Redis({ host: '127.0.0.1', port: s.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
      c.on('error', () => {})
      c.on('message', (_ch: string, msg: string) => switches.push(msg))
      return c
    })
    try {
      for (const c of subs) {
        await c.connect()
        await c.subscribe('+switch-master')
      }
      const from = events.length
      const old = pidOf(replica.name)
      const t0 = Date.now()
      process.kill(old, 'SIGKILL')
      await until(() => pidOf(replica.name) > 0 && pidOf(replica.name) !== old, 5000, 'the replica to be restarted')
      const ms = Date.now() - t0
      console.log(`[policy] kill -9 replica: new pid after ${ms} ms`)
      // Well before any failover could start (down-after is 1000 ms).
      expect(ms).toBeLessThan(lab.spec.downAfterMs)
      const restart = await waitFor(() => eventsFor(replica.name, from).find((e) => e.kind === 'restart'), 'the restart event', 2000)
      expect(restart.kind === 'restart' && restart.held).toBe(false)
      expect(eventsFor(replica.name, from).map((e) => e.kind)).toEqual(['restart'])
      await linkedReplicaOf(lab, replica.port, masterPort, 10_000)
      expect(await healthy(lab)).toBe(masterPort)
      expect(switches).toEqual([])
    } finally {
      for (const c of subs) c.disconnect()
    }
    remember()
  })

  it('a paused master (SIGSTOP) is failed over; resumed (SIGCONT) it becomes a linked replica', async () => {
    const lab = handle.lab
    const masterPort = await healthy(lab)
    const master = lab.nodes.find((n) => n.port === masterPort)!
    const pid = pidOf(master.name)
    const from = events.length
    let newMaster: number | null = null
    process.kill(pid, 'SIGSTOP')
    try {
      await eventually(async () => {
        const m = majorityMaster(await askMasterPorts(lab.sentinels, lab.masterName), lab.sentinels.length)
        newMaster = m !== null && m !== masterPort ? m : null
        return newMaster !== null
      }, 20_000, 'the sentinels to fail over the paused master')
    } finally {
      process.kill(pid, 'SIGCONT')
    }
    await linkedReplicaOf(lab, masterPort, newMaster!, 15_000)
    expect(pidOf(master.name)).toBe(pid) // never restarted: it did not exit
    expect(eventsFor(master.name, from)).toEqual([])
    expect(await healthy(lab)).toBe(newMaster)
  })

  it('a node stopped on purpose is not restarted', async () => {
    const lab = handle.lab
    const masterPort = await healthy(lab)
    // Not the redis-master program: the replicas' depends_on names it, and the engine holds
    // every start (not only the first) until what depends_on names is up.
    const others = lab.nodes.filter((n) => n.port !== masterPort)
    const stopped = others.find((n) => n !== lab.master)!
    const killed = others.find((n) => n !== stopped)!
    await allRunning()
    const from = events.length
    handle.supervisor.stop({ kind: 'process', name: stopped.name })
    await until(() => stateOf(stopped.name) === 'STOPPED', 15_000, `${stopped.name} to stop`)
    // The policy answers every death (this kill) in the order it sees them: once the killed
    // replica is back, the earlier stop has been seen and left alone.
    const old = pidOf(killed.name)
    process.kill(old, 'SIGKILL')
    await until(() => pidOf(killed.name) > 0 && pidOf(killed.name) !== old, 5000, `${killed.name} to be restarted`)
    await waitFor(() => eventsFor(killed.name, from).find((e) => e.kind === 'restart'), 'the restart event', 2000)
    expect(stateOf(stopped.name)).toBe('STOPPED')
    expect(eventsFor(stopped.name, from)).toEqual([])

    handle.supervisor.start({ kind: 'process', name: stopped.name })
    await linkedReplicaOf(lab, stopped.port, masterPort, 10_000)
    expect(await healthy(lab)).toBe(masterPort)
    remember()
  })
})

/** A lab under a plain Supervisor with a policy of its own (to dispose of it at will). */
async function policyLab(spec: LabSpecInput, options: PolicyOptions = {}, beforeLoad: (lab: Lab) => void = () => {}): Promise<{ lab: Lab; sv: Supervisor; events: PolicyEvent[]; dispose: () => Promise<void>; stop: () => Promise<void> }> {
  const root = mkTemp()
  const lab = await buildLab(spec, { dir: join(root, 'lab') })
  labs.push(lab)
  const sv = new Supervisor({ logDir: join(root, 'sv-logs'), stateDir: join(root, 'sv-state') })
  sv.on('process', (p) => p.pid > 0 && pidsSeen.add(p.pid))
  const events: PolicyEvent[] = []
  beforeLoad(lab)
  const dispose = keepRedisNodesUp(sv, () => lab, { onEvent: (e) => events.push(e) }, options)
  await sv.load(lab.ini)
  const stop = async (): Promise<void> => {
    await dispose()
    await sv.shutdown()
    await expectNothingLeft(lab)
  }
  return { lab, sv, events, dispose, stop }
}

describe('restart policy: dispose, and a lab without replicas', () => {
  it('disposing while a hold is pending does not restart the node', async () => {
    const { lab, sv, events, dispose, stop } = await policyLab({ name: 'dispose', replicas: 1, sentinels: 1, quorum: 1, downAfterMs: 1000 })
    try {
      await healthy(lab)
      const pid = sv.snapshot().processes.find((p) => p.program === lab.master.name)!.pid
      process.kill(pid, 'SIGKILL')
      await waitFor(() => events.find((e) => e.kind === 'hold' && e.node === lab.master.name), 'the hold', 5000)
      await dispose()
      // The sentinel fails over: what would have released the hold. Still nothing restarts it.
      await eventually(async () => (await askMasterPorts(lab.sentinels, lab.masterName))[0] === lab.replicas[0].port, 20_000, 'the failover')
      const p = sv.snapshot().processes.find((x) => x.program === lab.master.name)!
      expect(['EXITED', 'STOPPED']).toContain(p.state)
      expect(p.pid).toBe(0)
      expect(events.map((e) => e.kind)).toEqual(['hold'])
    } finally {
      await stop()
    }
  })

  it('a lab with no replica gets its killed master back at once (no failover can happen)', async () => {
    const { lab, sv, events, stop } = await policyLab({ name: 'single', replicas: 0, sentinels: 1, quorum: 1 })
    try {
      await healthy(lab)
      const pidNow = (): number => sv.snapshot().processes.find((p) => p.program === lab.master.name)!.pid
      const old = pidNow()
      process.kill(old, 'SIGKILL')
      await until(() => pidNow() > 0 && pidNow() !== old, 5000, 'the master to be restarted')
      const restart = await waitFor(() => events.find((e) => e.kind === 'restart'), 'the restart event', 2000)
      expect(restart.text).toMatch(/no failover will happen: the lab has no replica/)
      expect(events.map((e) => e.kind)).toEqual(['restart'])
      expect(await healthy(lab)).toBe(lab.master.port)
    } finally {
      await stop()
    }
  })

  it('no failover by the deadline (no replica may be promoted): left down without persistence, started by hand; started by hand during a hold: released', async () => {
    // replica-priority 0 from the start (Sentinel reads it from INFO): it never promotes
    // that replica (-failover-abort-no-good-slave), so no failover can ever happen.
    const { lab, sv, events, stop } = await policyLab({ name: 'deadline', replicas: 1, sentinels: 1, quorum: 1, downAfterMs: 200, failoverTimeoutMs: 1000 }, { marginMs: 500 },
      (l) => appendFileSync(l.replicas[0].conf, 'replica-priority 0\n'))
    try {
      await healthy(lab)
      const master = (): ProcessInfo => sv.snapshot().processes.find((p) => p.program === lab.master.name)!
      const old = master().pid
      process.kill(old, 'SIGKILL')
      const release = await waitFor(() => events.find((e) => e.kind === 'release'), 'the release', 10_000)
      expect(release.kind === 'release' && release.after).toBe('deadline')
      expect(release.kind === 'release' && release.heldMs).toBeGreaterThanOrEqual(200 + 1000 + 500)
      expect(release.text).toMatch(/no failover within 1700 ms \(the sentinels still report 127\.0\.0\.1:\d+\); NOT restarted: without persistence it would come back empty and its replicas would resync to it/)
      // The policy is done with it (the release is its last word): it stays down until started.
      expect(events.map((e) => e.kind)).toEqual(['hold', 'release'])
      expect(['EXITED', 'STOPPED']).toContain(master().state)
      expect(sv.start({ kind: 'process', name: lab.master.name })[0].ok).toBe(true)
      await until(() => master().pid > 0 && master().pid !== old, 5000, 'the master started by hand')
      expect(await healthy(lab)).toBe(lab.master.port)

      // Killed again, then started by hand while held: the policy lets go and starts nothing.
      events.length = 0
      const second = master().pid
      process.kill(second, 'SIGKILL')
      await waitFor(() => events.find((e) => e.kind === 'hold'), 'the second hold', 5000)
      expect(sv.start({ kind: 'process', name: lab.master.name })[0].ok).toBe(true)
      const let_go = await waitFor(() => events.find((e) => e.kind === 'release'), 'the release', 5000)
      expect(let_go.kind === 'release' && let_go.after).toBe('started')
      expect(events.map((e) => e.kind)).toEqual(['hold', 'release'])
      expect(await healthy(lab)).toBe(lab.master.port)
    } finally {
      await stop()
    }
  })

  it('no failover by the deadline with AOF persistence: restarted anyway (it comes back with its data)', async () => {
    const { lab, sv, events, stop } = await policyLab({ name: 'deadline-aof', replicas: 1, sentinels: 1, quorum: 1, downAfterMs: 200, failoverTimeoutMs: 1000, persistence: 'aof' }, { marginMs: 500 },
      (l) => appendFileSync(l.replicas[0].conf, 'replica-priority 0\n'))
    try {
      await healthy(lab)
      const pidNow = (): number => sv.snapshot().processes.find((p) => p.program === lab.master.name)!.pid
      const old = pidNow()
      process.kill(old, 'SIGKILL')
      const release = await waitFor(() => events.find((e) => e.kind === 'release'), 'the release', 10_000)
      expect(release.text).toMatch(/no failover within 1700 ms .*; restarting it anyway/)
      await until(() => pidNow() > 0 && pidNow() !== old, 5000, 'the master to be restarted')
      expect(events.map((e) => e.kind)).toEqual(['hold', 'release', 'restart'])
      expect(await healthy(lab)).toBe(lab.master.port)
    } finally {
      await stop()
    }
  })
})
