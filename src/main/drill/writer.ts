// The drill's client workload: ioredis in sentinel mode, set up as the user chose, writing
// unique keys at a steady rate (open loop: a new write every 1/rate s whether or not the
// last one has answered, as an application's requests do). Every write is recorded: when
// it started and ended, what came of it, and which node's connection answered.
import Redis, { type RedisOptions } from 'ioredis'
import type { ClientSettings, ErrorKind } from '../../shared/drill'
import { sentinelModeOptions } from '../sentinel/sentinel-client'

export interface WriterTarget {
  sentinels: readonly { host: string; port: number }[]
  masterName: string
  /** The nodes' requirepass (and masterauth). */
  password?: string
  sentinelPassword?: string
}

/** One write, as the client saw it. Times in ms since the writer started. */
export interface Operation {
  n: number
  start: number
  end: number
  outcome: 'ok' | 'error'
  error?: ErrorKind
  /** The error's own words, for the first of each kind. */
  message?: string
  /** The port of the node whose connection answered (or failed). */
  port?: number
}

/** Writes started at most this far ahead of their answers (a client under a dead master piles up). */
const MAX_IN_FLIGHT = 100_000

export function keyOf(run: string, n: number): string {
  return `drill:${run}:${n}`
}

export function clientOptions(target: WriterTarget, s: ClientSettings): RedisOptions {
  // The connector that survives a +switch-master arriving while the client connects (sentinel-client.ts).
  return sentinelModeOptions({
    sentinels: target.sentinels.map((x) => ({ host: x.host, port: x.port })),
    name: target.masterName,
    password: target.password,
    sentinelPassword: target.sentinelPassword,
    failoverDetector: s.failoverDetector,
    commandTimeout: s.commandTimeoutMs ?? undefined,
    enableOfflineQueue: s.enableOfflineQueue,
    maxRetriesPerRequest: s.maxRetriesPerRequest,
    // Named, so CLIENT LIST on a node tells the drill's connections from the user's.
    connectionName: 'sentinel-lab-drill',
  })
}

/** A WAIT that came back short: the write is on the master only, the client counts it failed. */
class NotReplicated extends Error {}

/** What an ioredis error was, for the verdict. */
export function errorKind(e: unknown): ErrorKind {
  if (e instanceof NotReplicated) return 'not-replicated'
  const m = e instanceof Error ? e.message : String(e)
  if (/Command timed out/i.test(m)) return 'timeout'
  if (/^READONLY/.test(m)) return 'READONLY'
  if (/^NOREPLICAS/.test(m)) return 'NOREPLICAS'
  if (/^LOADING/.test(m)) return 'LOADING'
  if (/^MASTERDOWN/.test(m)) return 'MASTERDOWN'
  if (/max retries per request/i.test(m)) return 'retries'
  if (/Connection is closed|Stream isn't writeable|ECONNRESET|EPIPE|ECONNREFUSED|All sentinels are unreachable/i.test(m)) return 'closed'
  return 'other'
}

export class Writer {
  readonly ops: Operation[] = []
  private readonly client: Redis
  private readonly t0 = performance.now()
  private timer: ReturnType<typeof setInterval> | null = null
  private issued = 0
  private inFlight = 0
  private rateChangedAt = 0
  private issuedAtRateChange = 0
  private readonly pending = new Set<Promise<void>>()
  private readonly firstMessage = new Map<ErrorKind, string>()

  constructor(
    target: WriterTarget,
    private readonly settings: ClientSettings,
    private readonly run: string,
    private rate: number,
    /** How long the keys live: past the run and its checks, then they go (a drill leaves nothing behind for long). */
    private readonly keyTtlMs = 600_000,
  ) {
    this.client = new Redis({ ...clientOptions(target, settings), lazyConnect: true })
    this.client.on('error', () => {}) // each write records its own failure
  }

  /** Milliseconds since the writer was made. */
  now(): number {
    return performance.now() - this.t0
  }

  async start(): Promise<void> {
    await this.client.connect()
    this.rateChangedAt = this.now()
    // A tick every 5 ms issues the writes due by now: the rate holds even when timers drift.
    this.timer = setInterval(() => this.tick(), 5)
  }

  setRate(rate: number): void {
    this.issuedAtRateChange = this.issued
    this.rateChangedAt = this.now()
    this.rate = rate
  }

  /** Stop issuing, wait (at most `graceMs`) for the writes in flight, close the client. */
  async stop(graceMs: number): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    const all = Promise.all([...this.pending])
    await Promise.race([all, new Promise((r) => setTimeout(r, graceMs))])
    this.client.disconnect()
    // What never answered (the client was closed under it) is settled by the close.
    await Promise.race([Promise.all([...this.pending]), new Promise((r) => setTimeout(r, 1000))])
  }

  private tick(): void {
    const due = this.issuedAtRateChange + Math.floor(((this.now() - this.rateChangedAt) * this.rate) / 1000)
    while (this.issued < due && this.inFlight < MAX_IN_FLIGHT) this.write(this.issued++)
  }

  private write(n: number): void {
    const start = this.now()
    this.inFlight++
    const p = this.once(n).then(
      () => this.record({ n, start, end: this.now(), outcome: 'ok', port: this.port() }),
      (e: unknown) => this.record({ n, start, end: this.now(), outcome: 'error', error: errorKind(e), port: this.port() }, e),
    ).finally(() => {
      this.inFlight--
      this.pending.delete(p)
    })
    this.pending.add(p)
  }

  private async once(n: number): Promise<void> {
    await this.client.set(keyOf(this.run, n), String(n), 'PX', this.keyTtlMs)
    if (this.settings.waitReplicas > 0) {
      const got = Number(await this.client.call('WAIT', this.settings.waitReplicas, this.settings.waitTimeoutMs))
      if (got < this.settings.waitReplicas) throw new NotReplicated(`WAIT: ${got} of ${this.settings.waitReplicas} replicas within ${this.settings.waitTimeoutMs} ms`)
    }
  }

  private record(op: Operation, e?: unknown): void {
    if (op.error && !this.firstMessage.has(op.error)) {
      op.message = (e instanceof Error ? e.message : String(e)).slice(0, 200)
      this.firstMessage.set(op.error, op.message)
    }
    this.ops.push(op)
  }

  private port(): number | undefined {
    return (this.client as unknown as { stream?: { remotePort?: number } }).stream?.remotePort
  }
}
