// A lab folder run by `sentinel-lab up` in another process, as a drill drives it: faults are
// signals to its processes (up's restart policy does the rest, as after a real crash), a
// failover goes through its sentinels.
import { requestFailover } from '../lab/failover'
import type { Lab } from '../lab/layout'
import { type NodeSignal, killNode } from '../lab/node-control'
import { safeSwitchover } from '../lab/safe-switchover'
import { type LinksReply, askLinks } from '../links/links-control'
import { type DrillLab, type ProcessAction, membersOfLab } from './drill-lab'

const SIGNALS: Partial<Record<ProcessAction, NodeSignal>> = { kill: 'KILL', pause: 'STOP', resume: 'CONT', restart: 'KILL' }

export function signalledLab(lab: Lab, id: string = lab.dir): DrillLab {
  return {
    id,
    ...membersOfLab(lab),
    canControlProcesses: true,
    act: async (member, action) => {
      const signal = SIGNALS[action]
      if (!signal) throw new Error(`${action}: a lab run by 'sentinel-lab up' can be killed, paused, resumed or restarted (by kill -9: up restarts it), not ${action}ed`)
      return (await killNode(lab, member, signal)).text
    },
    links: lab.spec.links
      ? {
          partition: async (side) => linksOk(await askLinks(lab.dir, { op: 'partition', side })),
          heal: async () => linksOk(await askLinks(lab.dir, { op: 'heal' })),
        }
      : null,
    failover: async (safe) => {
      const r = safe ? await safeSwitchover(lab) : await requestFailover(lab)
      return `failover 127.0.0.1:${r.from} -> 127.0.0.1:${r.to}`
    },
  }
}

function linksOk(r: LinksReply): void {
  if (!r.ok) throw new Error(r.error)
}
