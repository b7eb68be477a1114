// Which node actions would lose data, said before they run. Measured on Redis 7.0: a
// master without persistence that comes back before the sentinels have failed over starts
// empty, and its replicas resync to the empty dataset: everything is gone. With RDB only
// the writes since the last save are lost; with AOF (fsync every second) at most a second.
import type { LabNodeAction } from '../../shared/model'
import type { Persistence } from '../../shared/lab-spec'

interface DataLossFacts {
  persistence: Persistence
  /** The sentinels (still) believe this node is the master (or cannot say, and it may be). */
  isMaster: boolean
  /** Replicas that are linked to the master now: what a failover could promote. */
  linkedReplicas: number
}

/** What comes back, in words, or null when nothing is lost. `clean`: a SIGTERM shutdown, which saves the RDB first. */
function lost(persistence: Persistence, clean: boolean): string | null {
  switch (persistence) {
    case 'none': return 'it comes back empty and its replicas resync to the empty dataset: ALL data is lost'
    case 'rdb': return clean ? null : 'it comes back with its last RDB snapshot and the replicas resync to it: writes since the last save are lost'
    case 'aof': return null
  }
}

/** A warning for `action` on `node`, or null when nothing is at risk. */
export function dataLossWarning(node: string, action: LabNodeAction, f: DataLossFacts): string | null {
  if (!f.isMaster) return null
  const clean = action === 'restart' || action === 'stop'
  const what = lost(f.persistence, clean)
  if (!what) return null
  if (action === 'restart') {
    return `${node} is the master: restarted at once, before the sentinels fail over, ${what}. Kill it instead to let the sentinels fail over first.`
  }
  if (action === 'start') {
    return `the sentinels still believe ${node} is the master: started before they fail over, ${what}.`
  }
  if ((action === 'kill' || action === 'stop') && f.linkedReplicas === 0) {
    return `${node} is the master and no replica is linked to take over: when it comes back, ${what}.`
  }
  return null
}
