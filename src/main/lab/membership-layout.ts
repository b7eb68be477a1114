// The next lab of a membership change: the new member's name (numbers are never reused:
// removed/ counts), its port, and the layout with it added or taken out, validated.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Lab, type LabMembers, type LabNode, layoutMembers } from './layout'
import { MembershipError } from './membership-op'
import { busyPorts, freePorts } from './ports'
import { validateSpec } from '../../shared/lab-spec'
import { SpecError } from './spec'

/** One more than the highest number any member with this prefix has or had (removed/ counts). */
export function nextNumber(lab: Lab, prefix: 'redis-replica-' | 'sentinel-'): number {
  const names = [...lab.nodes, ...lab.sentinels].map((m) => m.name)
  for (const d of [lab.dir, join(lab.dir, 'removed')]) {
    try {
      names.push(...readdirSync(d))
    } catch {
      // no such folder yet
    }
  }
  const re = new RegExp(`^${prefix}(\\d+)(?:-|$)`)
  return Math.max(0, ...names.map((n) => Number(re.exec(n)?.[1] ?? 0))) + 1
}

/** The base-port scheme's port when it is free, else a free port; never one of the lab's. */
export async function choosePort(lab: Lab, preferred: number | null): Promise<number> {
  const used = [...lab.nodes.map((n) => n.port), ...lab.sentinels.map((s) => s.port)]
  if (preferred !== null && preferred <= 65535 && !used.includes(preferred) && (await busyPorts([preferred])).length === 0) return preferred
  return (await freePorts(1, used))[0]
}

export function newLayout(lab: Lab, members: LabMembers, what: string): Lab {
  const next = layoutMembers(lab.dir, lab.spec, members, lab.binaries)
  const errors = validateSpec(next.spec)
  if (errors.length > 0) throw new MembershipError(`cannot ${what}: ${new SpecError(errors).message}`)
  return next
}

/** The lab as it stands now, for rendering a new member's conf: `master` is the master, every other node a replica. */
export function currentView(lab: Lab, master: LabNode): Lab {
  return { ...lab, master, replicas: lab.nodes.filter((n) => n !== master) }
}
