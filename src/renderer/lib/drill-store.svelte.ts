// The Drills screen's state, per lab: the form (scenario, clients, rate, ...), the drill
// under way ('drill' events), the report shown (the last one run, or one opened from the
// list) and another to compare it with, and the reports kept.
import type { CustomClient, DrillProgress, DrillReport, DrillReportSummary, DrillRequest, LabConnection, Scenario } from '../../shared/drill'
import type { ApiClient } from './api-client'
import { toasts } from './toasts.svelte'

export interface DrillForm {
  scenario: string
  /** Both presets side by side (the default), one of them, the user's own settings, or those beside the defaults. */
  clients: 'both' | 'default' | 'detector' | 'custom' | 'default+custom'
  /** The 'custom' client: ioredis's defaults changed (commandTimeoutMs 0: none). */
  custom: { failoverDetector: boolean; commandTimeoutMs: number; enableOfflineQueue: boolean; maxRetriesPerRequest: number }
  rate: number
  pauseSeconds: number
  safe: boolean
  minReplicas: number
  waitReplicas: number
}

export const DRILL_FORM_DEFAULTS: DrillForm = {
  scenario: 'pause-master', clients: 'both', rate: 200, pauseSeconds: 20, safe: true, minReplicas: 0, waitReplicas: 0,
  custom: { failoverDetector: true, commandTimeoutMs: 1000, enableOfflineQueue: true, maxRetriesPerRequest: 20 },
}

const CLIENTS: Record<DrillForm['clients'], DrillRequest['clients']> = {
  both: ['default', 'detector'], default: ['default'], detector: ['detector'], custom: ['custom'], 'default+custom': ['default', 'custom'],
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/** The form as the API takes it. */
export function requestOf(f: DrillForm): DrillRequest {
  const r: DrillRequest = { scenario: f.scenario, clients: CLIENTS[f.clients], rate: f.rate }
  if (r.clients.includes('custom')) {
    const c = f.custom
    r.custom = { failoverDetector: c.failoverDetector, enableOfflineQueue: c.enableOfflineQueue, commandTimeoutMs: c.commandTimeoutMs > 0 ? c.commandTimeoutMs : null, maxRetriesPerRequest: c.maxRetriesPerRequest } satisfies CustomClient
  }
  if (f.scenario === 'pause-master' || f.scenario.startsWith('partition-')) r.pauseSeconds = f.pauseSeconds
  if (f.scenario === 'failover') r.safe = f.safe
  if (f.minReplicas > 0) r.minReplicas = f.minReplicas
  if (f.waitReplicas > 0) r.waitReplicas = f.waitReplicas
  return r
}

/** A request as the form shows it (a re-run from a piece of advice). */
export function formOf(r: DrillRequest): DrillForm {
  return {
    scenario: r.scenario,
    clients: (Object.keys(CLIENTS) as DrillForm['clients'][]).find((k) => CLIENTS[k].join() === r.clients.join()) ?? 'both',
    custom: {
      failoverDetector: r.custom?.failoverDetector ?? DRILL_FORM_DEFAULTS.custom.failoverDetector,
      commandTimeoutMs: r.custom?.commandTimeoutMs ?? 0,
      enableOfflineQueue: r.custom?.enableOfflineQueue ?? true,
      maxRetriesPerRequest: r.custom?.maxRetriesPerRequest ?? 20,
    },
    rate: r.rate ?? DRILL_FORM_DEFAULTS.rate,
    pauseSeconds: r.pauseSeconds ?? DRILL_FORM_DEFAULTS.pauseSeconds,
    safe: r.safe ?? true,
    minReplicas: r.minReplicas ?? 0,
    waitReplicas: r.waitReplicas ?? 0,
  }
}

export class DrillStore {
  scenarios = $state.raw<Scenario[]>([])
  forms = $state<Record<string, DrillForm>>({})
  progress = $state.raw<Record<string, DrillProgress>>({})
  reports = $state.raw<Record<string, DrillReport>>({})
  compared = $state.raw<Record<string, DrillReport | null>>({})
  kept = $state.raw<Record<string, DrillReportSummary[]>>({})
  connections = $state.raw<Record<string, LabConnection>>({})
  errors = $state<Record<string, string | null>>({})

  constructor(private readonly client: ApiClient) {}

  start(): () => void {
    const off = this.client.on('drill', (p) => this.onProgress(p))
    void this.client.api.listDrillScenarios().then((s) => (this.scenarios = s), () => {})
    return off
  }

  /** The lab's form, made with the defaults the first time (call from an effect, not while rendering). */
  ensureForm(labId: string): void {
    this.forms[labId] ??= { ...DRILL_FORM_DEFAULTS }
  }

  running(labId: string): boolean {
    return this.progress[labId]?.state === 'running'
  }

  /** Read the lab's kept reports and its connection. Reads no state before its first await: an effect calling it must not depend on what it writes. */
  async load(labId: string): Promise<void> {
    try {
      const list = await this.client.api.listDrillReports(labId)
      this.kept = { ...this.kept, [labId]: list }
    } catch {
      // A lab folder without a readable lab.json: no reports to list.
    }
    this.client.api.getLabConnection(labId).then((c) => (this.connections = { ...this.connections, [labId]: c }), () => {})
  }

  async run(labId: string, request: DrillRequest = requestOf(this.forms[labId] ?? DRILL_FORM_DEFAULTS)): Promise<void> {
    this.errors[labId] = null
    try {
      const { id } = await this.client.api.startDrill(labId, request)
      // Its first events may have come before the answer: do not put an ended drill back to running.
      if (this.progress[labId]?.id !== id) this.progress = { ...this.progress, [labId]: { labId, id, state: 'running', text: 'starting', fraction: 0 } }
    } catch (e) {
      this.errors[labId] = message(e)
    }
  }

  /** A piece of advice's re-run: the form shows what changed, and it runs. */
  rerun(labId: string, request: DrillRequest): Promise<void> {
    this.forms[labId] = formOf(request)
    return this.run(labId, request)
  }

  async cancel(labId: string): Promise<void> {
    await this.client.api.cancelDrill(labId).catch((e: unknown) => toasts.push(`Could not stop the drill: ${message(e)}`, 'error', `drill:${labId}`))
  }

  async open(labId: string, id: string): Promise<void> {
    try {
      this.reports = { ...this.reports, [labId]: await this.client.api.getDrillReport(labId, id) }
      this.compared = { ...this.compared, [labId]: null }
    } catch (e) {
      toasts.push(`Could not open the drill report: ${message(e)}`, 'error', `drill:${labId}`)
    }
  }

  async compare(labId: string, id: string | null): Promise<void> {
    if (id === null) return void (this.compared = { ...this.compared, [labId]: null })
    try {
      this.compared = { ...this.compared, [labId]: await this.client.api.getDrillReport(labId, id) }
    } catch (e) {
      toasts.push(`Could not open the drill report: ${message(e)}`, 'error', `drill:${labId}`)
    }
  }

  private onProgress(p: DrillProgress): void {
    this.progress = { ...this.progress, [p.labId]: p }
    if (p.state === 'done' && p.report) {
      this.reports = { ...this.reports, [p.labId]: p.report }
      this.compared = { ...this.compared, [p.labId]: null }
      const lost = p.report.runs.map((r) => r.verdict.lostAcked)
      toasts.push(`Drill ${p.report.scenario.name} done: ${lost.join(' / ')} acknowledged write${lost.length === 1 && lost[0] === 1 ? '' : 's'} lost`, lost.some((n) => n > 0) ? 'warn' : 'ok', `drill:${p.labId}`)
      void this.load(p.labId)
    } else if (p.state === 'failed') {
      this.errors[p.labId] = p.text
      toasts.push(`The drill could not finish: ${p.text}`, 'error', `drill:${p.labId}`)
    }
  }
}
