// What each link of a lab does now, per direction. A lab's zones are its members (by name)
// and 'client' (everything on 127.0.0.1: the user's application, the drill's client). A
// fault on "a>b" acts on the bytes flowing from a to b, whoever opened the connection: a
// cut holds them (nothing is delivered, nothing is dropped: TCP's own retransmission would
// deliver them after a real partition heals), latency and bandwidth delay them.
import { EventEmitter } from 'node:events'
import type { LinkFault, LinkState } from '../../shared/links'

export const CLIENT_ZONE = 'client'

export type { LinkFault, LinkState }

const NONE: LinkFault = { cut: false, latencyMs: 0, jitterMs: 0, bytesPerSecond: null }

export class LinkRules extends EventEmitter<{ change: [] }> {
  private readonly faults = new Map<string, LinkFault>()

  /** The fault on bytes from `from` to `to` (none: passes freely). */
  get(from: string, to: string): LinkFault {
    return this.faults.get(`${from}>${to}`) ?? NONE
  }

  list(): LinkState[] {
    return [...this.faults].map(([k, fault]) => {
      const [from, to] = k.split('>')
      return { from: from!, to: to!, fault }
    })
  }

  /** Change the link a -> b (and b -> a unless oneway). */
  set(a: string, b: string, change: Partial<LinkFault>, oneway = false): void {
    for (const [from, to] of oneway ? [[a, b]] : [[a, b], [b, a]]) {
      const next = { ...this.get(from!, to!), ...change }
      const key = `${from}>${to}`
      if (!next.cut && next.latencyMs === 0 && next.jitterMs === 0 && next.bytesPerSecond === null) this.faults.delete(key)
      else this.faults.set(key, next)
    }
    this.emit('change')
  }

  /** Every link between the two sides cut, both ways; the links within each side left as they are. */
  partition(side: readonly string[], zones: readonly string[]): void {
    const inside = new Set(side)
    for (const a of zones) for (const b of zones) if (inside.has(a) && !inside.has(b)) this.set(a, b, { cut: true })
  }

  /** Heal the link between a and b (both ways), or every link. */
  heal(a?: string, b?: string): void {
    if (a === undefined || b === undefined) this.faults.clear()
    else for (const k of [`${a}>${b}`, `${b}>${a}`]) this.faults.delete(k)
    this.emit('change')
  }
}
