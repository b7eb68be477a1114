// What a drill needs of a lab: where its sentinels and nodes are, and its own actions (kill,
// pause, failover, ...). The app's labs, `sentinel-lab up`'s labs in another terminal and
// attached deployments each provide one; the drill itself knows none of them.
import { join } from 'node:path'
import type { Lab } from '../lab/layout'

export interface DrillMember {
  name: string
  /** Where applications reach it (with link faults: its front, through the links). */
  host: string
  port: number
  /** Where the drill itself observes it, past any link fault (127.0.0.1); absent: host. */
  direct?: { host: string; port: number }
}

/** The address the drill's own checks use: never cut off by a partition it made. */
export function observed(m: DrillMember): { host: string; port: number } {
  return m.direct ?? m
}

export type ProcessAction = 'kill' | 'pause' | 'resume' | 'stop' | 'start' | 'restart'

export interface DrillLab {
  id: string
  /** Where reports are kept; null: nowhere (they are still returned). */
  reportsDir: string | null
  masterName: string
  /** The nodes' requirepass. */
  password?: string
  sentinelPassword?: string
  /** Sentinels that must announce +switch-master for the failover to count as done. */
  quorum: number
  sentinels: readonly DrillMember[]
  nodes: readonly DrillMember[]
  /** Whether act() can reach the processes (not for a deployment attached by address). */
  canControlProcesses: boolean
  /** Do it to one member; answers what was done, in words. */
  act(member: string, action: ProcessAction): Promise<string>
  /** Link faults, when the lab runs with them (spec.links): members by name, and 'client'. */
  links: { partition(side: string[]): Promise<void>; heal(): Promise<void> } | null
  /** A planned switch-over: safe (no acknowledged write lost) or Sentinel's own. */
  failover(safe: boolean): Promise<string>
  /** Tell the lab's timeline (optional). */
  note?(text: string): void
}

/** A lab folder's members as a drill sees them (its reports go in the folder's drills/). */
export function membersOfLab(lab: Lab): Pick<DrillLab, 'reportsDir' | 'masterName' | 'password' | 'quorum' | 'sentinels' | 'nodes'> {
  return {
    reportsDir: join(lab.dir, 'drills'),
    masterName: lab.masterName,
    password: lab.password,
    quorum: lab.spec.quorum,
    sentinels: lab.sentinels.map((s) => ({ name: s.name, host: s.linkHost, port: s.port, direct: { host: '127.0.0.1', port: s.port } })),
    nodes: lab.nodes.map((n) => ({ name: n.name, host: n.linkHost, port: n.port, direct: { host: '127.0.0.1', port: n.port } })),
  }
}
