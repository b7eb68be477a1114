// Config files the processes must rewrite. Sentinel writes sentinel.conf as it runs (its
// myid, epochs, known replicas and sentinels, the new master after a failover) and, since
// Redis 7.0, through a temporary file beside it that is renamed over it: the file and its
// folder must be writable. A node's redis.conf is rewritten (CONFIG REWRITE) when Sentinel
// changes its role. Checked with access(2), the same test Sentinel makes at start.
import { accessSync, constants } from 'node:fs'
import { dirname } from 'node:path'
import type { DoctorFinding } from '../../shared/conf'
import type { FileSet, Member } from './deployment'
import { atTop, describe } from './finding'

function writable(path: string, mode = constants.W_OK): boolean {
  try {
    accessSync(path, mode)
    return true
  } catch {
    return false
  }
}

/** What cannot be written: the file, its folder, or nothing. */
function blocked(m: Member): 'file' | 'folder' | null {
  if (!writable(m.file.path)) return 'file'
  if (!writable(dirname(m.file.path), constants.W_OK | constants.X_OK)) return 'folder'
  return null
}

export function writableRules(set: FileSet): DoctorFinding[] {
  const out: DoctorFinding[] = []
  for (const s of set.sentinels) {
    const what = blocked(s)
    if (!what) continue
    out.push({
      id: 'conf-not-writable', severity: 'error', ...atTop(s, 'sentinel'),
      title: what === 'file' ? 'Sentinel cannot write its sentinel.conf: it refuses to start' : 'the folder of this sentinel.conf is not writable: Sentinel cannot save its state',
      explanation: what === 'file'
        ? `${describe(s)}: Sentinel checks at start that its config file is writable, and exits ("Sentinel config file ... is not writable") when it is not. Make the file writable by the user that runs it.`
        : `${describe(s)}: Sentinel saves its state by writing a temporary file in ${dirname(s.file.path)} and renaming it over sentinel.conf. It starts, but every save fails: a generated myid, the epochs, the replicas and sentinels it discovered and the new master after a failover are lost at its next restart. Make the folder writable by the user that runs it.`,
    })
  }
  const watched = new Set(set.deployments.filter((d) => d.monitors.length > 0).flatMap((d) => d.nodes))
  for (const n of set.nodes) {
    if (!watched.has(n)) continue
    const what = blocked(n)
    if (!what) continue
    out.push({
      id: 'conf-not-writable', severity: 'warning', ...atTop(n, 'replicaof'),
      title: `${what === 'file' ? 'this redis.conf' : 'the folder of this redis.conf'} is not writable: a failover cannot be recorded in it`,
      explanation: `On a failover Sentinel changes ${describe(n)}'s role and sends CONFIG REWRITE so that replicaof in the file follows; Redis writes a temporary file in ${dirname(n.file.path)} and renames it over the file, which fails here. The node runs in its new role, but after a restart it comes back in its old one until the sentinels convert it again.`,
    })
  }
  return out
}
