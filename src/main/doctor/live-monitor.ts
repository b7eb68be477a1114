// A sentinel.conf whose `sentinel monitor` names a node that runs as a replica now: a file
// copied from before a failover, or written by hand with the wrong port.
import type { DoctorFinding } from '../../shared/conf'
import type { FileSet, Monitor } from './deployment'
import { at, describe, label, setEdit } from './finding'
import { NotRedisError, ask, infoFields, isError } from '../sentinel/resp-probe'

async function roleOf(m: Monitor, password: string | null): Promise<Map<string, string> | null> {
  try {
    const replies = await ask(m.port, [...(password !== null ? [['AUTH', password]] : []), ['INFO', 'replication']], m.host)
    const info = replies?.[replies.length - 1]
    return replies && !isError(info) ? infoFields(info) : null
  } catch (e) {
    if (e instanceof NotRedisError) return null // the port rules say what is wrong there
    throw e
  }
}

export async function monitorRules(set: FileSet): Promise<DoctorFinding[]> {
  const monitors = set.deployments.flatMap((d) => d.monitors.map((m) => ({ d, m })))
  const found = await Promise.all(monitors.map(async ({ d, m }): Promise<DoctorFinding[]> => {
    const node = d.nodes.find((n) => n.port === m.port)
    const authPass = m.sentinel.conf.sentinelFor('auth-pass', m.name).at(-1)?.args[2] ?? null
    const fields = await roleOf(m, node?.conf.requirepass() ?? authPass)
    if (fields?.get('role') !== 'slave') return []
    const masterHost = fields.get('master_host')
    const masterPort = fields.get('master_port')
    const fix = masterHost && masterPort
      ? { label: `Monitor ${masterHost}:${masterPort} (its master) in ${label(m.sentinel.file.path)}`, edits: [setEdit(m.sentinel.file.path, `sentinel monitor ${m.name}`, [masterHost, masterPort, String(m.quorum)])] }
      : undefined
    return [{
      id: 'monitor-points-at-replica', severity: 'error', ...at(m.at, `sentinel monitor ${m.name}`, 3),
      title: `sentinel monitor ${m.name} names ${m.host}:${m.port}, which is a replica`,
      explanation: `${describe(m.sentinel)} is told that ${m.host}:${m.port} is the master of ${m.name}, but that node runs as a replica${masterHost ? ` of ${masterHost}:${masterPort}` : ''}. Started like this, the sentinel watches the wrong node: it does not see the real master fail, and it may reconfigure nodes after its own wrong picture. The file predates a failover, or names the wrong port.`,
      ...(fix ? { fix } : {}),
    }]
  }))
  return found.flat()
}
