// Who runs a lab: `sentinel-lab up` records its pid and start time (and, once the lab is up,
// its children's) in <lab>/up.json, so that `down` in another terminal can find it and
// signal it. A pid is trusted only while the process still has the recorded start time
// (as src/main/supervisor/recovery.ts does), so a reused pid is never signalled.
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { processStartTime, stillRuns } from '../platform/process-identity'
import { writeFileAtomic } from '../conf/atomic-write'

interface OwnedProcess {
  name: string
  pid: number
  startTime: string
}

interface LabOwner {
  pid: number
  startTime: string
  /** ms since epoch. */
  startedAt: number
  /** The lab's processes, recorded once it is HEALTHY (empty before). */
  processes: OwnedProcess[]
}

function ownerFile(labDir: string): string {
  return join(labDir, 'up.json')
}

export function readOwner(labDir: string): LabOwner | null {
  try {
    const o = JSON.parse(readFileSync(ownerFile(labDir), 'utf8')) as LabOwner
    return typeof o.pid === 'number' && typeof o.startTime === 'string' ? { ...o, processes: o.processes ?? [] } : null
  } catch {
    return null
  }
}

/** The recorded owner, if it still runs. */
export function liveOwner(labDir: string): LabOwner | null {
  const o = readOwner(labDir)
  return o && stillRuns(o.pid, o.startTime) ? o : null
}

/** Record this process as the lab's owner (with its processes, when known). */
export function writeOwner(labDir: string, processes: { name: string; pid: number }[] = []): void {
  const owner: LabOwner = {
    pid: process.pid,
    startTime: processStartTime(process.pid) ?? '',
    startedAt: Date.now(),
    processes: processes
      .filter((p) => p.pid > 0)
      .map((p) => ({ name: p.name, pid: p.pid, startTime: processStartTime(p.pid) ?? '' }))
      .filter((p) => p.startTime !== ''),
  }
  const previous = readOwner(labDir)
  if (previous && previous.pid === owner.pid && previous.startTime === owner.startTime) owner.startedAt = previous.startedAt
  writeFileAtomic(ownerFile(labDir), `${JSON.stringify(owner, null, 2)}\n`, 0o644)
}

/** Remove the record, if it is this process's. */
export function clearOwner(labDir: string): void {
  const o = readOwner(labDir)
  if (o && o.pid === process.pid) rmSync(ownerFile(labDir), { force: true })
}
