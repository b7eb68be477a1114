// Which node actions would lose data, said before they run. Measured on Redis 7.0: a
// master without persistence that comes back before the sentinels have failed over starts
// empty, and its replicas resync to the empty dataset: everything is gone. With RDB only
// the writes since the last save are lost; with AOF (fsync every second) at most a second.
import type { LabNodeAction } from '../../shared/model'
import type { Persistence } from './spec'

export interface DataLossFacts {
  persistence: Persistence
  /** The sentinels (still) believe this node is the master. */
  isMaster: boolean
  /** Replicas that are linked to the master now: what a failover could promote. */
  linkedReplicas: number
}

function lost(persistence: Persistence): string | null {
  switch (persistence) {
    case 'none': return 'it comes back empty and its replicas resync to the empty dataset: ALL data is lost'
    case 'rdb': return 'it comes back with its last RDB snapshot and the replicas resync to it: writes since the last save are lost'
    case 'aof': return null
  }
}

/** A warning for `action` on `node`, or null when nothing is at risk. */
export function dataLossWarning(node: string, action: LabNodeAction, f: DataLossFacts): string | null {
  const what = lost(f.persistence)
  if (!what || !f.isMaster) return null
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
