// Drills for the app's labs: the lab's own actions as a drill drives them (a lab the app
// runs, a lab folder run by `sentinel-lab up` elsewhere, a deployment attached by address),
// one drill per lab at a time, progress and the report as 'drill' events, the reports kept.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { DrillProgress, DrillReport, DrillReportSummary, DrillRequest, LabConnection, Scenario } from '../../shared/drill'
import { ApiError } from '../../shared/errors'
import { type DrillLab, membersOfLab } from '../drill/drill-lab'
import { signalledLab } from '../drill/folder-lab'
import { listReports, readReport } from '../drill/reports'
import { runDrill } from '../drill/run-drill'
import { builtInScenarios, findScenario } from '../drill/scenarios'
import { AttachedLab } from '../lab/attached-lab'
import type { LabRegistry } from '../lab/lab-registry'
import { OwnedLab } from '../lab/owned-lab'
import { dataDir } from '../platform/paths'

export class DrillService {
  private readonly running = new Map<string, { id: string; abort: AbortController; done: Promise<void> }>()

  constructor(
    private readonly labs: LabRegistry,
    private readonly emit: (progress: DrillProgress) => void,
    private readonly env?: NodeJS.ProcessEnv,
  ) {}

  scenarios(): Scenario[] {
    return builtInScenarios()
  }

  start(labId: string, request: DrillRequest): { id: string } {
    if (this.running.has(labId)) throw new ApiError(`a drill is already running on ${labId}: wait for it, or cancel it`, 'failed')
    const scenario = findScenario(request.scenario, request)
    if (!scenario) throw new ApiError(`${request.scenario}: no such scenario (${builtInScenarios().map((s) => s.name).join(', ')})`, 'not-found')
    const lab = this.drillLab(labId)
    if (scenario.needsProcessControl && !lab.canControlProcesses) {
      throw new ApiError(`${scenario.name} kills or pauses processes, which an attached deployment does not let the app do: run 'failover' against it`, 'failed')
    }
    const abort = new AbortController()
    const id = `${labId}:${Date.now()}`
    const send = (p: Omit<DrillProgress, 'labId' | 'id'>): void => this.emit({ labId, id, ...p })
    send({ state: 'running', text: 'starting', fraction: 0 })
    const done = runDrill(lab, scenario, request, { signal: abort.signal, progress: (text, fraction) => send({ state: 'running', text, fraction }) })
      .then(
        (report) => send({ state: 'done', text: 'done', fraction: 1, report }),
        (e: unknown) => send({ state: 'failed', text: e instanceof Error ? e.message : String(e), fraction: 1 }),
      )
      .finally(() => this.running.delete(labId))
    this.running.set(labId, { id, abort, done })
    return { id }
  }

  /** The writer stops at once; the lab is left to settle as its policy has it. */
  async cancel(labId: string): Promise<void> {
    const r = this.running.get(labId)
    if (!r) return
    r.abort.abort()
    await r.done
  }

  list(labId: string): DrillReportSummary[] {
    return listReports(this.reportsDir(labId), labId)
  }

  get(labId: string, id: string): DrillReport {
    try {
      return readReport(this.reportsDir(labId), id)
    } catch (e) {
      throw new ApiError(`${id}: no such drill report for ${labId} (${(e as Error).message})`, 'not-found')
    }
  }

  connection(labId: string): LabConnection {
    const c = this.labs.find(labId)
    if (!c || c instanceof OwnedLab) {
      const lab = c?.layout ?? this.labs.layout(labId)
      return { masterName: lab.masterName, sentinels: lab.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })), password: lab.password, sentinelPassword: null }
    }
    const x = (c as AttachedLab).connection
    return { masterName: x.masterName, sentinels: x.sentinels, password: x.password ?? null, sentinelPassword: x.sentinelPassword ?? null }
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.cancel(id)))
  }

  /** A lab folder's drills/ (running or not); an attached deployment's go in the app's own folder. */
  private reportsDir(labId: string): string {
    const c = this.labs.find(labId)
    if (!c) return join(this.labs.layout(labId).dir, 'drills')
    if (c instanceof AttachedLab && !c.folderLab) {
      const x = c.connection
      const root = join(dataDir(this.env), 'drills')
      mkdirSync(root, { recursive: true, mode: 0o700 })
      return join(root, `${x.masterName}@${x.sentinels[0]!.host}-${x.sentinels[0]!.port}`)
    }
    const lab = c instanceof AttachedLab ? c.folderLab! : (c.layout ?? this.labs.layout(labId))
    return join(lab.dir, 'drills')
  }

  private drillLab(labId: string): DrillLab {
    const c = this.labs.require(labId)
    if (c instanceof OwnedLab) {
      const lab = c.layout
      if (!lab || !c.running) throw new ApiError(`${labId} is not running: start it first`, 'failed')
      return {
        id: labId,
        ...membersOfLab(lab),
        canControlProcesses: true,
        act: async (member, action) => {
          await c.nodeAction(member, action, true)
          return `${action} ${member}`
        },
        failover: async (safe) => {
          await c.failover(safe)
          return safe ? 'safe switch-over' : 'SENTINEL FAILOVER'
        },
        links: c.links
          ? {
              partition: async (side) => {
                c.links!.partition(side)
                c.note('partition', `partition: ${side.join(', ')} | the rest`)
              },
              heal: async () => {
                c.links!.heal()
                c.note('heal', 'every link healed')
              },
            }
          : null,
        note: (text) => c.note('drill', text),
      }
    }
    const attached = c as AttachedLab
    if (attached.folderLab) return { ...signalledLab(attached.folderLab, labId), note: undefined }
    const x = attached.connection
    const status = attached.status()
    return {
      id: labId,
      reportsDir: this.reportsDir(labId),
      masterName: x.masterName,
      password: x.password,
      sentinelPassword: x.sentinelPassword,
      quorum: Math.floor(x.sentinels.length / 2) + 1,
      sentinels: x.sentinels.map((s) => ({ name: `${s.host}:${s.port}`, host: s.host, port: s.port })),
      nodes: status.nodes.map((n) => ({ name: n.name, host: n.name.includes(':') ? n.name.slice(0, n.name.lastIndexOf(':')) : '127.0.0.1', port: n.port })),
      canControlProcesses: false,
      links: null,
      act: async () => {
        throw new Error('the app does not run this deployment: it cannot kill or pause its processes')
      },
      failover: async (safe) => {
        await attached.failover(safe)
        return safe ? 'safe switch-over' : 'SENTINEL FAILOVER'
      },
    }
  }
}
