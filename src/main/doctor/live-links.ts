// Links that a partition cannot cut. A lab with link faults tells its members apart by the
// source address of each connection (bind-source-addr 127.X.Y.2); when Redis cannot bind
// that address it connects from the default one without a word, and its links then look
// like the user's clients: a partition drawn in the Links panel would not hold for them.
// Checked twice: whether this machine has each address at all, and, on the running
// processes, whether every replica and sentinel connection arrives from a member's address.
import { type AddressInfo, createServer } from 'node:net'
import type { DoctorFinding } from '../../shared/conf'
import type { FileSet, Member } from './deployment'
import { at, describe, label } from './finding'
import { NotRedisError, ask, isError } from '../sentinel/resp-probe'

const DEFAULT_SOURCES = new Set(['', '127.0.0.1', '::1', '0.0.0.0'])

/** The address a member's outgoing connections come from, when its file chooses one. */
function sourceOf(m: Member): string {
  return m.conf.value('bind-source-addr')
}

async function canBind(host: string): Promise<boolean> {
  const server = createServer()
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host, port: 0 }, () => resolve())
    })
    return (server.address() as AddressInfo | null) !== null
  } catch {
    return false
  } finally {
    server.close()
  }
}

interface PeerConnection {
  /** The caller's address as this member sees it. */
  host: string
  /** A replica's replication link, or a sentinel's (its client name carries its id's first 8 characters). */
  kind: 'replica' | 'sentinel'
  sentinelId: string
}

/** The replica and sentinel connections in a CLIENT LIST reply. */
export function peerConnections(clientList: string): PeerConnection[] {
  const out: PeerConnection[] = []
  for (const line of clientList.split(/\r?\n/)) {
    const fields = new Map(line.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]))
    const addr = fields.get('addr') ?? ''
    const host = addr.slice(0, addr.lastIndexOf(':'))
    const name = /^sentinel-([0-9a-f]{8})-(cmd|pubsub)$/.exec(fields.get('name') ?? '')
    if (name) out.push({ host, kind: 'sentinel', sentinelId: name[1]! })
    else if ((fields.get('flags') ?? '').includes('S')) out.push({ host, kind: 'replica', sentinelId: '' })
  }
  return out
}

export async function linkIdentityRules(set: FileSet, sentinelPassword?: string): Promise<DoctorFinding[]> {
  const members = [...set.nodes, ...set.sentinels]
  const chosen = members.filter((m) => !DEFAULT_SOURCES.has(sourceOf(m)))
  if (chosen.length === 0) return []
  const out: DoctorFinding[] = []
  const missing = new Set<string>()
  for (const host of new Set(chosen.map(sourceOf))) if (!(await canBind(host))) missing.add(host)
  for (const m of chosen) {
    if (!missing.has(sourceOf(m))) continue
    out.push({
      id: 'bind-source-unavailable', severity: 'error', ...at(m.conf.last('bind-source-addr')!, 'bind-source-addr', 0),
      title: `this machine has no address ${sourceOf(m)}: the process connects from another without saying so`,
      explanation: `${describe(m)} makes its outgoing connections (replication, a sentinel's links) from ${sourceOf(m)}, which no interface here has. Redis then connects from the default address and logs nothing, so the others cannot tell its links from anyone else's: a link fault or partition drawn for it does not hold. ${process.platform === 'darwin' ? `Add the address once with \`sudo ifconfig lo0 alias ${sourceOf(m)}\`, or` : 'Choose an address this machine has, or'} remove the line.`,
    })
  }
  const own = new Set(chosen.map(sourceOf))
  const sentinelById = new Map(set.sentinels.map((s) => [s.conf.sentinel('myid')[0]?.args[1]?.slice(0, 8) ?? '', s]))
  const checked = await Promise.all(chosen.map((m) => strangers(m, own, sentinelPassword)))
  for (const [i, found] of checked.entries()) {
    if (found.length === 0) continue
    const m = chosen[i]!
    const who = [...new Set(found.map((p) => (p.kind === 'replica' ? 'a replica' : sentinelById.get(p.sentinelId) ? label(sentinelById.get(p.sentinelId)!.file.path) : `sentinel ${p.sentinelId}`)))]
    out.push({
      id: 'link-unidentified', severity: 'error', ...at(m.conf.last('bind-source-addr')!, 'bind-source-addr', 0),
      title: `${found.length} link${found.length === 1 ? '' : 's'} to this ${m.conf.isSentinel() ? 'sentinel' : 'node'} come${found.length === 1 ? 's' : ''} from ${[...new Set(found.map((p) => p.host))].join(', ')}, not from a member's own address`,
      explanation: `${describe(m)} has connections from ${who.join(', ')} whose source is not any member's bind-source-addr (${[...own].join(', ')}): their bind() failed and Redis connected from the default address instead. To the lab these links look like clients, so a partition drawn between the members does not cut them. Restart the lab; if it stays, check that this machine has each member's address.`,
    })
  }
  return out
}

/** The replica and sentinel connections to a running member that come from no member's address. */
async function strangers(m: Member, own: ReadonlySet<string>, sentinelPassword?: string): Promise<PeerConnection[]> {
  const password = m.conf.requirepass() ?? (m.conf.isSentinel() ? (sentinelPassword ?? null) : null)
  let replies
  try {
    replies = await ask(m.port, [...(password !== null ? [['AUTH', password]] : []), ['CLIENT', 'LIST']])
  } catch (e) {
    if (e instanceof NotRedisError) return [] // the port rules say what answers there
    throw e
  }
  const list = replies?.[replies.length - 1]
  if (typeof list !== 'string' || isError(list)) return []
  return peerConnections(list).filter((p) => !own.has(p.host))
}
