// The front of one lab member: it accepts on the member's own loopback address (the one the
// others know it by), tells the caller's zone from the connection's source address, and
// dials the member's real port from that same source address, so the member sees its peers
// as they are. Each direction of each connection goes through the link rules: a cut link
// stops reading and holds what was read (the connection stays open, nothing arrives), a slow
// one delays every chunk, a reset destroys the link's connections.
import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net'
import type { LinkFault, LinkRules } from './link-rules'

export interface FrontOptions {
  member: string
  /** Where the others reach it: its own loopback address and the member's port. */
  front: { host: string; port: number }
  /** Where the member itself listens. */
  upstream: { host: string; port: number }
  rules: LinkRules
  /** The zone of a caller's source address (a member's name, or 'client'). */
  zoneOf(address: string): string
}

export interface LinkConnection {
  from: string
  to: string
  /** The caller's address, as the member sees it. */
  source: string
  openedAt: number
  /** Bytes delivered each way. */
  sent: number
  received: number
}

/** Hold at most this much read-ahead per direction before reading stops (a slow link). */
const HIGH_WATER = 1 << 20

const isClear = (f: LinkFault): boolean => !f.cut && f.latencyMs === 0 && f.jitterMs === 0 && f.bytesPerSecond === null

/** One direction of one connection: bytes from `src` to `dst` under the rule from -> to. */
class Pipe {
  private readonly queue: { chunk: Buffer; due: number }[] = []
  private queued = 0
  private lastDue = 0
  private timer: ReturnType<typeof setTimeout> | null = null
  /** The rule now (read again when the rules change): the fast path costs one look. */
  private fault: LinkFault
  private clear: boolean
  delivered = 0

  constructor(
    private readonly src: Socket,
    private readonly dst: Socket,
    private readonly rule: () => LinkFault,
  ) {
    this.fault = rule()
    this.clear = isClear(this.fault)
    src.on('data', (chunk: Buffer) => this.take(chunk))
    dst.on('drain', () => this.pump())
  }

  /** The rules changed: take the new one, deliver what it lets through. */
  refresh(): void {
    this.fault = this.rule()
    this.clear = isClear(this.fault)
    this.pump()
  }

  private take(chunk: Buffer): void {
    // No fault and nothing held: straight through, as a plain proxy.
    if (this.clear && this.queue.length === 0) {
      this.delivered += chunk.length
      if (!this.dst.write(chunk)) this.src.pause() // 'drain' pumps, which resumes
      return
    }
    const f = this.fault
    const now = performance.now()
    const wire = f.bytesPerSecond ? (chunk.length * 1000) / f.bytesPerSecond : 0
    const delay = f.latencyMs + (f.jitterMs ? Math.random() * f.jitterMs : 0)
    // Bytes keep their order: a chunk is never due before the one ahead of it.
    this.lastDue = Math.max(now + delay, this.lastDue + wire)
    this.queue.push({ chunk, due: this.lastDue })
    this.queued += chunk.length
    if (this.queued > HIGH_WATER) this.src.pause()
    this.pump()
  }

  /** Deliver what is due, unless the link is cut; called again when the rules change. */
  pump(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.fault.cut) {
      this.src.pause() // a partition: nothing is read, nothing delivered, nothing dropped
      return
    }
    const now = performance.now()
    while (this.queue.length && this.queue[0]!.due <= now && !this.dst.destroyed) {
      const { chunk } = this.queue.shift()!
      this.queued -= chunk.length
      this.delivered += chunk.length
      if (!this.dst.write(chunk)) return // 'drain' pumps again
    }
    if (this.queue.length) this.timer = setTimeout(() => this.pump(), Math.max(0, this.queue[0]!.due - now))
    if (this.queued <= HIGH_WATER && this.src.isPaused() && !this.dst.writableNeedDrain) this.src.resume()
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer)
    this.queue.length = 0
  }
}

interface Link {
  info: LinkConnection
  caller: Socket
  member: Socket | null
  pipes: Pipe[]
  /** A connection opened across a cut waits here for the heal before it reaches the member. */
  pending: boolean
}

export class FrontProxy {
  private server: Server | null = null
  private readonly links = new Set<Link>()
  private readonly onChange = (): void => this.rulesChanged()

  constructor(private readonly o: FrontOptions) {
    o.rules.on('change', this.onChange)
  }

  async listen(): Promise<void> {
    const server = createServer({ pauseOnConnect: true }, (socket) => this.accept(socket))
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host: this.o.front.host, port: this.o.front.port, exclusive: true }, () => resolve())
    })
    server.on('error', () => {})
  }

  get address(): AddressInfo | null {
    return (this.server?.address() as AddressInfo | null) ?? null
  }

  connections(): LinkConnection[] {
    return [...this.links].map((l) => ({ ...l.info, sent: l.pipes[0]?.delivered ?? 0, received: l.pipes[1]?.delivered ?? 0 }))
  }

  /** Destroy every connection between zones a and b (a reset, as a middlebox would send). */
  reset(a: string, b: string): number {
    let n = 0
    for (const l of this.links) {
      if ((l.info.from === a && l.info.to === b) || (l.info.from === b && l.info.to === a)) {
        l.caller.destroy()
        l.member?.destroy()
        n++
      }
    }
    return n
  }

  async close(): Promise<void> {
    this.o.rules.off('change', this.onChange)
    for (const l of this.links) {
      l.caller.destroy()
      l.member?.destroy()
    }
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()))
  }

  private accept(caller: Socket): void {
    const source = (caller.remoteAddress ?? '').replace(/^::ffff:/, '')
    const from = this.o.zoneOf(source)
    const link: Link = { info: { from, to: this.o.member, source, openedAt: Date.now(), sent: 0, received: 0 }, caller, member: null, pipes: [], pending: true }
    this.links.add(link)
    caller.on('error', () => {})
    caller.on('close', () => this.drop(link))
    if (!this.o.rules.get(from, this.o.member).cut) this.dial(link)
  }

  /** Reach the member from the caller's own address: it sees its real peer. */
  private dial(link: Link): void {
    link.pending = false
    const member = connect({ host: this.o.upstream.host, port: this.o.upstream.port, localAddress: link.info.source || undefined })
    link.member = member
    member.setNoDelay(true)
    link.caller.setNoDelay(true)
    member.on('error', () => {})
    member.on('close', () => this.drop(link))
    const { from, to } = link.info
    member.once('connect', () => {
      link.pipes = [new Pipe(link.caller, member, () => this.o.rules.get(from, to)), new Pipe(member, link.caller, () => this.o.rules.get(to, from))]
      link.caller.resume()
      for (const p of link.pipes) p.pump()
    })
  }

  private drop(link: Link): void {
    if (!this.links.delete(link)) return
    for (const p of link.pipes) p.close()
    link.caller.destroy()
    link.member?.destroy()
  }

  private rulesChanged(): void {
    for (const l of this.links) {
      if (l.pending && !this.o.rules.get(l.info.from, l.info.to).cut) this.dial(l)
      for (const p of l.pipes) p.refresh()
    }
  }
}
