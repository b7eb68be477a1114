// The drills' (and the failover bench's) sentinel-mode ioredis client against a real lab
// (redis-server + redis-sentinel under the engine, fast timers), with the +switch-master of a
// failover made to arrive while the client is between connections, asking a sentinel for the
// master. ioredis 6.0.0's failover detector then used to cancel that connect: "Connection is
// closed.", and the client ended for good (seen in 1 of 3 runs of `npm run bench -- failover`,
// and as likely in a drill with the detector client). The timing is made certain with a gate in
// front of one sentinel: connections made while it is held are answered only when it opens.
// A client closed on purpose while it connects still ends. No process is left behind.
import { mkdtempSync, rmSync } from 'node:fs'
import { type AddressInfo, type Server, type Socket, connect as netConnect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLIENT_SETTINGS } from '../../src/shared/drill'
import { clientOptions } from '../../src/main/drill/writer'
import type { Lab } from '../../src/main/lab/layout'
import { type LabHandle, runLab } from '../../src/main/lab/runner'
import { ended } from '../../src/main/sentinel/connection'
import { waitFor } from '../helpers/wait'
import { alive } from '../lab/proc'

/** A TCP forwarder to one sentinel. Connections accepted while it is held get no upstream until it opens. */
class Gate {
  private server: Server | null = null
  private holding = false
  private readonly waiting: (() => void)[] = []
  /** Every connection accepted, in order: whether it was held, what came back from the sentinel, whether the client closed it. */
  readonly conns: { held: boolean; fromSentinel: string; closed: boolean }[] = []
  private readonly sockets = new Set<Socket>()

  constructor(private readonly upstreamPort: number) {}

  async listen(): Promise<number> {
    this.server = createServer((client) => this.accept(client))
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r))
    return (this.server.address() as AddressInfo).port
  }

  hold(): void {
    this.holding = true
  }

  open(): void {
    this.holding = false
    for (const go of this.waiting.splice(0)) go()
  }

  private accept(client: Socket): void {
    const conn = { held: this.holding, fromSentinel: '', closed: false }
    this.conns.push(conn)
    this.sockets.add(client)
    const buffered: Buffer[] = []
    let upstream: Socket | null = null
    client.on('data', (d: Buffer) => (upstream ? upstream.write(d) : buffered.push(d)))
    client.on('error', () => {})
    client.on('close', () => {
      conn.closed = true
      this.sockets.delete(client)
      upstream?.destroy()
    })
    const go = (): void => {
      if (conn.closed) return
      upstream = netConnect(this.upstreamPort, '127.0.0.1')
      this.sockets.add(upstream)
      for (const d of buffered.splice(0)) upstream.write(d)
      upstream.on('data', (d: Buffer) => {
        conn.fromSentinel += d.toString('latin1')
        client.write(d)
      })
      upstream.on('error', () => {})
      upstream.on('close', () => {
        this.sockets.delete(upstream!)
        client.destroy()
      })
    }
    if (conn.held) this.waiting.push(go)
    else go()
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()))
  }
}

let root = ''
let handle: LabHandle | null = null
let lab: Lab
const pids: number[] = []

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sentinel-client-'))
  handle = await runLab({ name: 'sentinel-client', timers: 'fast', replicas: 1, sentinels: 3 }, { dir: join(root, 'lab'), timeoutMs: 30_000 })
  await handle.timersApplied
  lab = handle.lab
  pids.push(...handle.supervisor.snapshot().processes.map((p) => p.pid).filter((p) => p > 0))
  expect(pids.length).toBe(5)
})

afterAll(async () => {
  if (handle) await handle.stop()
  // The lab's processes, by pid (and any the supervisor restarted since).
  for (const pid of pids) expect({ pid, alive: alive(pid) }).toEqual({ pid, alive: false })
  if (root) rmSync(root, { recursive: true, force: true })
})

/** A direct connection (the test's own, not through the gate). */
async function direct(port: number, password?: string): Promise<Redis> {
  const c = new Redis({ host: '127.0.0.1', port, password, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000, commandTimeout: 5000 })
  c.on('error', () => {})
  await c.connect()
  return c
}

async function masterPort(sentinel: Redis): Promise<number> {
  const r = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', lab.masterName)) as string[]
  return Number(r[1])
}

/**
 * The drill's detector client (failoverDetector + commandTimeout), told only of the gate, ready
 * on the master and subscribed to +switch-master through the gate; then the gate is held and the
 * client's connection killed on the master: the client is left asking for the master through
 * the gate, and waits.
 */
async function clientHeldWhileConnecting(gate: Gate, gatePort: number, s1: Redis): Promise<{ client: Redis; errors: string[]; ends: { n: number }; subscription: number }> {
  const opts = clientOptions({ sentinels: [{ host: '127.0.0.1', port: gatePort }], masterName: lab.masterName, password: lab.password }, CLIENT_SETTINGS.detector)
  const client = new Redis({ ...opts, lazyConnect: true })
  const errors: string[] = []
  const ends = { n: 0 }
  client.on('error', (e: Error) => errors.push(e.message))
  client.on('end', () => ends.n++)
  await client.connect()
  const master = await masterPort(s1)
  expect(client.stream?.remotePort).toBe(master)
  // The failover detector's subscription through the gate.
  const subscription = await waitFor(() => {
    const i = gate.conns.findIndex((c) => !c.closed && c.fromSentinel.includes('+switch-master'))
    return i >= 0 ? i + 1 : null
  }, 'the failover detector to subscribe through the gate', 5000) - 1

  gate.hold()
  const id = Number(await client.client('ID'))
  const m = await direct(master, lab.password)
  try {
    expect(Number(await m.client('KILL', 'ID', String(id)))).toBe(1)
  } finally {
    m.disconnect()
  }
  await waitFor(() => client.status === 'connecting' && gate.conns.some((c) => c.held && !c.closed), 'the client to ask for the master through the held gate', 5000)
  return { client, errors, ends, subscription }
}

describe('the sentinel-mode client of drills and benchmarks', () => {
  it('a +switch-master that arrives while the client asks a sentinel for the master: the client carries on to the new master', async () => {
    const gate = new Gate(lab.sentinels[0].port)
    const gatePort = await gate.listen()
    const s1 = await direct(lab.sentinels[0].port)
    let client: Redis | null = null
    try {
      const held = await clientHeldWhileConnecting(gate, gatePort, s1)
      client = held.client
      const oldMaster = await masterPort(s1)
      expect(await s1.call('SENTINEL', 'FAILOVER', lab.masterName)).toBe('OK')
      // The detector heard +switch-master (through the gate, from sentinel-1): it drops its subscriptions.
      await waitFor(() => gate.conns[held.subscription].closed, 'the failover detector to react to +switch-master', 15_000)
      const newMaster = await masterPort(s1)
      expect(newMaster).not.toBe(oldMaster)
      expect(client.status).toBe('connecting')

      gate.open()
      const c = client
      await waitFor(() => c.status === 'end' || (c.status === 'ready' && c.stream?.remotePort === newMaster), `the client to be ready on the new master ${newMaster} (or to end)`, 10_000)
      expect({ status: c.status, ends: held.ends.n, closed: held.errors.filter((e) => /Connection is closed/.test(e)) }).toEqual({ status: 'ready', ends: 0, closed: [] })
      expect(await c.set('sentinel-client:k', 'v')).toBe('OK')
      expect(c.stream?.remotePort).toBe(newMaster)
    } finally {
      if (client) await ended(client)
      s1.disconnect()
      await gate.close()
    }
  })

  it('a client closed on purpose while it asks a sentinel for the master ends, and asks no more', async () => {
    const gate = new Gate(lab.sentinels[0].port)
    const gatePort = await gate.listen()
    const s1 = await direct(lab.sentinels[0].port)
    try {
      const { client, ends } = await clientHeldWhileConnecting(gate, gatePort, s1)
      const write = client.set('sentinel-client:k', 'x')
      client.disconnect()
      gate.open()
      await expect(write).rejects.toThrow(/Connection is closed/)
      await waitFor(() => client.status === 'end' && ends.n === 1, 'the client to end', 5000)
      const seen = gate.conns.length
      // Past its retry delays (50 ms, then more): still no new connection.
      await new Promise((r) => setTimeout(r, 500))
      expect(gate.conns.length).toBe(seen)
      expect(client.status).toBe('end')
    } finally {
      s1.disconnect()
      await gate.close()
    }
  })
})
