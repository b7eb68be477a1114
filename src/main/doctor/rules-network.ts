// Addresses: every process needs a port of its own, a replica must point at a node that
// exists, and a node must accept the connections of the replicas and sentinels that use it.
import type { DoctorFinding } from '../../shared/conf'
import { isLoopback } from './conf-view'
import type { FileSet, Member } from './deployment'
import { at, atTop, describe, label, setEdit } from './finding'

const ANY = new Set(['*', '0.0.0.0', '::*', '::'])
/** The only addresses protected mode counts as local. */
const LOCAL_SOURCES = new Set(['127.0.0.1', '::1'])

function addresses(m: Member): string[] {
  return m.conf.bind().addresses.map((a) => a.replace(/^-/, ''))
}

/** Whether two members could both listen on one port: only with distinct, specific addresses. */
function canShare(a: Member, b: Member): boolean {
  const x = addresses(a)
  const y = addresses(b)
  if ([...x, ...y].some((h) => ANY.has(h))) return false
  return !x.some((h) => y.includes(h))
}

export function duplicatePortRule(set: FileSet): DoctorFinding[] {
  const out: DoctorFinding[] = []
  const all = [...set.nodes, ...set.sentinels].filter((m) => Number.isInteger(m.port) && m.port > 0)
  all.forEach((m, i) => {
    const earlier = all.slice(0, i).filter((o) => o.port === m.port && !canShare(o, m))
    if (earlier.length === 0) return
    const line = m.conf.last('port')
    out.push({
      id: 'duplicate-port', severity: 'error', ...(line ? at(line, 'port', 0) : atTop(m, 'port')),
      title: `port ${m.port} is also the port of ${earlier.map((o) => label(o.file.path)).join(', ')}`,
      explanation: `${describe(m)} and ${earlier.map(describe).join(', ')} listen on the same port${line ? '' : ` (${m.port} is the default when no port line is written)`}. Whichever starts second fails with "Address already in use" and exits; under a supervisor it is retried until FATAL.`,
    })
  })
  return out
}

export function replicaofRule(set: FileSet): DoctorFinding[] {
  const out: DoctorFinding[] = []
  const ownAddresses = new Set(set.nodes.flatMap(addresses))
  for (const n of set.nodes) {
    const r = n.conf.replicaof()
    if (!r) continue
    const local = isLoopback(r.host) || ownAddresses.has(r.host)
    if (!local) continue
    if (r.port === n.port) {
      out.push({
        id: 'replicaof-self', severity: 'error', ...at(r.at, 'replicaof', 1),
        title: 'replicaof points at this node itself',
        explanation: `${describe(n)} is told to replicate from its own port: Redis refuses to be its own replica and the node never has a master to sync from.`,
      })
      continue
    }
    const others = set.nodes.filter((o) => o !== n)
    if (others.length === 0 || others.some((o) => o.port === r.port)) continue
    out.push({
      id: 'replicaof-unknown-port', severity: 'warning', ...at(r.at, 'replicaof', 1),
      title: `replicaof ${r.host} ${r.port}: no node of this set has port ${r.port}`,
      explanation: `None of the nodes read with ${describe(n)} listens on ${r.port} (they use ${others.map((o) => o.port).join(', ')}): the replica connects to nothing, or to some other server, and reports master_link_status:down. A typo, or a port changed on the master only?`,
    })
  }
  return out
}

export function lockoutRule(set: FileSet): DoctorFinding[] {
  const out: DoctorFinding[] = []
  for (const d of set.deployments) {
    for (const n of d.nodes) {
      // Who reaches this node, and by which host: replicas by replicaof, sentinels by monitor;
      // and from which address (bind-source-addr, as a lab with link faults sets it).
      const callers = [
        ...d.nodes.flatMap((o) => (o !== n && o.conf.replicaof()?.port === n.port ? [{ who: describe(o), host: o.conf.replicaof()!.host, source: o.conf.value('bind-source-addr') }] : [])),
        ...d.monitors.filter((m) => m.port === n.port).map((m) => ({ who: describe(m.sentinel), host: m.host, source: m.sentinel.conf.value('bind-source-addr') })),
      ]
      if (callers.length === 0) continue
      const bind = n.conf.bind()
      const bound = addresses(n)
      const loopbackBound = bound.some((a) => ANY.has(a) || isLoopback(a))
      const byLoopback = callers.filter((c) => isLoopback(c.host))
      if (bind.at && !loopbackBound && byLoopback.length > 0) {
        out.push({
          id: 'clients-locked-out', severity: 'error', ...at(bind.at, 'bind', 0),
          title: `bind ${bound.join(' ')} leaves out 127.0.0.1, where its replicas and sentinels connect`,
          explanation: `${describe(n)} listens only on ${bound.join(', ')}, but ${byLoopback.map((c) => c.who).join(', ')} connect to it at ${byLoopback[0].host}: their connections are refused and they see the node as down.`,
        })
        continue
      }
      const remote = callers.filter((c) => !isLoopback(c.host))
      // Protected mode counts only 127.0.0.1 and ::1 as local, not the rest of 127.0.0.0/8.
      const aliased = callers.filter((c) => isLoopback(c.host) && c.source !== '' && isLoopback(c.source) && !LOCAL_SOURCES.has(c.source))
      if (n.conf.protectedMode() && n.conf.requirepass() === null && (remote.length > 0 || aliased.length > 0)) {
        const line = n.conf.last('protected-mode')
        const where = line ? at(line, 'protected-mode', 0) : atTop(n, 'protected-mode')
        out.push(remote.length > 0
          ? {
              id: 'clients-locked-out', severity: 'error', ...where,
              title: 'protected mode with no password: connections from other addresses are refused',
              explanation: `${describe(n)} runs in protected mode (${line ? 'protected-mode yes' : 'the default'}) with no requirepass, so Redis answers DENIED to any client that is not on the loopback interface, whatever bind says. ${remote.map((c) => c.who).join(', ')} connect to it at ${remote[0].host}: they are refused. Set a requirepass (and masterauth, auth-pass), or connect over 127.0.0.1.`,
            }
          : {
              id: 'clients-locked-out', severity: 'error', ...where,
              title: `protected mode with no password: callers from ${aliased[0].source} are refused`,
              explanation: `${describe(n)} runs in protected mode (${line ? 'protected-mode yes' : 'the default'}) with no requirepass. Redis counts only 127.0.0.1 and ::1 as local, not the rest of 127.0.0.0/8, so it answers DENIED to ${aliased.map((c) => `${c.who} (bind-source-addr ${c.source})`).join(', ')}. Set a requirepass (and masterauth, auth-pass), or protected-mode no: the node still listens on loopback only.`,
              fix: { label: `Set protected-mode no in ${label(n.file.path)}`, edits: [setEdit(n.file.path, 'protected-mode', ['no'])] },
            })
      }
    }
  }
  return out
}
