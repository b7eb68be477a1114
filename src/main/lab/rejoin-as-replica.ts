// Before the restart policy brings back a master the sentinels have failed over, its
// redis.conf is pointed at the new master (replicaof), the change Sentinel itself would make
// once the node is back: Sentinel converts a returning old master only after 4 x
// publish-period (2.4 s in a fast lab), while a node that starts as a replica links at once.
// The file is edited losslessly (only the replicaof line) and written atomically, mode and
// owner kept; no backup, as for Sentinel's own rewrite. A node that cannot be edited is
// simply restarted: Sentinel converts it then, as it always did.
import { readConfFile } from '../conf/conf-file'
import { setDirective } from '../conf/conf-edit'
import { RedisConfDocument } from '../conf/redis-doc'
import { writeFileAtomic } from '../conf/atomic-write'

/** Point `conf` at `host`:`masterPort` (the master's linkHost); answers why not when it could not. */
export function pointAtNewMaster(conf: string, masterPort: number, host = '127.0.0.1'): string | null {
  try {
    const disk = readConfFile(conf)
    const doc = RedisConfDocument.parse(disk.text)
    setDirective(doc, 'redis', 'replicaof', [host, String(masterPort)])
    const text = doc.text()
    if (text !== disk.text) writeFileAtomic(conf, text, disk.mode, disk)
    return null
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
}
