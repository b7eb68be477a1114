// The link faults of one lab: a front proxy per member on the member's own loopback
// address, the rules they share, and what a user can do with them (cut, slow, partition,
// heal, reset). The members' addresses come from their ports (frontHost), so they are the
// same for every process that reads the lab, and never collide between labs.
import { type AddressInfo, createServer } from 'node:net'
import { CLIENT_ZONE, type LinkFault, LinkRules, type LinkState } from './link-rules'
import { FrontProxy, type LinkConnection } from './front-proxy'

export interface LinkMember {
  name: string
  /** The member's own address (frontHost(port)) and its port. */
  host: string
  port: number
}

/** A member's own loopback address, from its port: 127.<port high byte>.<port low byte>.2. */
export function frontHost(port: number): string {
  return `127.${(port >> 8) & 255}.${port & 255}.2`
}

/** A member of a lab with link faults, reached directly (it listens on 127.0.0.1): the app watches past the partitions it makes. */
export function pastTheLinks(a: { host: string; port: number }): { host: string; port: number } {
  return a.host.startsWith('127.') ? { host: '127.0.0.1', port: a.port } : a
}

/** Whether this machine answers on loopback addresses other than 127.0.0.1 (Linux does; macOS only with aliases). */
export async function loopbackAliasesWork(): Promise<boolean> {
  const server = createServer()
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host: '127.3.3.2', port: 0 }, () => resolve())
    })
    return (server.address() as AddressInfo | null) !== null
  } catch {
    return false
  } finally {
    server.close()
  }
}

export const MAC_ALIAS_HINT = 'this system answers only on 127.0.0.1: add the addresses once with `sudo ifconfig lo0 alias 127.X.Y.2` for each member (the lab says which), or run the lab without link faults'

export interface LinksSnapshot {
  zones: string[]
  faults: LinkState[]
  connections: LinkConnection[]
}

export class LabLinks {
  readonly rules = new LinkRules()
  private proxies = new Map<string, FrontProxy>()
  private readonly byHost = new Map<string, string>()

  /** Start a front for every member (a member added later gets one with add()). */
  async start(members: readonly LinkMember[]): Promise<void> {
    for (const m of members) await this.add(m)
  }

  async add(m: LinkMember): Promise<void> {
    if (this.proxies.has(m.name)) return
    this.byHost.set(m.host, m.name)
    const proxy = new FrontProxy({
      member: m.name,
      front: { host: m.host, port: m.port },
      upstream: { host: '127.0.0.1', port: m.port },
      rules: this.rules,
      zoneOf: (address) => this.byHost.get(address) ?? CLIENT_ZONE,
    })
    await proxy.listen()
    this.proxies.set(m.name, proxy)
  }

  async remove(name: string): Promise<void> {
    const p = this.proxies.get(name)
    this.proxies.delete(name)
    for (const [host, n] of this.byHost) if (n === name) this.byHost.delete(host)
    await p?.close()
  }

  zones(): string[] {
    return [...this.proxies.keys(), CLIENT_ZONE]
  }

  snapshot(): LinksSnapshot {
    return { zones: this.zones(), faults: this.rules.list(), connections: [...this.proxies.values()].flatMap((p) => p.connections()) }
  }

  set(a: string, b: string, change: Partial<LinkFault>, oneway = false): void {
    this.known(a)
    this.known(b)
    this.rules.set(a, b, change, oneway)
  }

  /** The named zones on one side, every other zone on the other. */
  partition(side: readonly string[]): void {
    for (const z of side) this.known(z)
    this.rules.partition(side, this.zones())
  }

  heal(a?: string, b?: string): void {
    if (a !== undefined) this.known(a)
    if (b !== undefined) this.known(b)
    this.rules.heal(a, b)
  }

  reset(a: string, b: string): number {
    return [...this.proxies.values()].reduce((n, p) => n + p.reset(a, b), 0)
  }

  async close(): Promise<void> {
    this.rules.heal()
    await Promise.all([...this.proxies.values()].map((p) => p.close()))
    this.proxies.clear()
  }

  private known(zone: string): void {
    if (!this.zones().includes(zone)) throw new Error(`${zone}: no such member (the zones are ${this.zones().join(', ')})`)
  }
}
