// The renderer's picture of the supervisor: the last snapshot, patched live by
// 'transition' events, replaced by 'snapshot' events, plus a clock for uptimes.
import type { AppEnvironment } from '../../shared/api'
import type { ProcessInfo, SupervisorSnapshot, Target, TransitionEvent } from '../../shared/model'
import { ApiError, createApi, type ApiClient, type ConnectionStatus } from './api-client'
import { summarize } from './format'
import { toasts } from './toasts.svelte'

export type Action = 'start' | 'stop' | 'restart'
const VERBS: Record<Action, string> = { start: 'Started', stop: 'Stopped', restart: 'Restarted' }

export class SupervisorStore {
  snapshot = $state<SupervisorSnapshot | null>(null)
  env = $state<AppEnvironment | null>(null)
  connection = $state<ConnectionStatus>({ state: 'connecting' })
  /** The main process's clock, estimated: ticks once a second for uptimes. */
  now = $state(Date.now())
  /** Actions in flight, by target key, to show progress and avoid double clicks. */
  busy = $state<Record<string, boolean>>({})
  loadError = $state<string | null>(null)
  opening = $state(false)

  processes = $derived(this.snapshot?.processes ?? [])
  errors = $derived((this.snapshot?.issues ?? []).filter((i) => i.severity === 'error'))

  private client: ApiClient
  private clockOffset = 0
  private lastEventAt = 0
  private refreshTimer: ReturnType<typeof setTimeout> | undefined
  private tick: ReturnType<typeof setInterval> | undefined

  constructor(client: ApiClient = createApi()) {
    this.client = client
  }

  get api() {
    return this.client.api
  }

  /** Subscribe, read the first snapshot, start the clock. Returns the teardown. */
  start(): () => void {
    const offs = [
      this.client.onStatus((s) => (this.connection = s)),
      this.client.on('transition', (e) => this.applyTransition(e)),
      this.client.on('snapshot', (s) => this.applySnapshot(s)),
      this.client.on('process', (info) => this.applyProcess(info)),
      this.client.onReconnect(() => void this.refresh()),
    ]
    this.tick = setInterval(() => (this.now = Date.now() + this.clockOffset), 1000)
    void this.refresh()
    void this.client.api.getEnvironment().then((env) => (this.env = env), (e) => this.fail('Reading the environment', e))
    return () => {
      offs.forEach((off) => off())
      clearInterval(this.tick)
      clearTimeout(this.refreshTimer)
      this.client.close()
    }
  }

  async refresh(): Promise<void> {
    try {
      this.applySnapshot(await this.client.api.getSnapshot())
    } catch (e) {
      this.fail('Reading the state', e)
    }
  }

  applySnapshot(s: SupervisorSnapshot): void {
    this.clockOffset = s.takenAt - Date.now()
    this.now = s.takenAt
    // A snapshot taken before the last transition we applied would undo it: ask again.
    if (s.takenAt < this.lastEventAt) return this.scheduleRefresh()
    this.snapshot = s
  }

  /** A transition carries the whole process after the change: patch that one row. */
  applyTransition(e: TransitionEvent): void {
    this.lastEventAt = Math.max(this.lastEventAt, e.t)
    this.applyProcess(e.process)
  }

  applyProcess(info: ProcessInfo): void {
    const processes = this.snapshot?.processes
    const i = processes?.findIndex((q) => q.name === info.name) ?? -1
    if (processes && i !== -1) processes[i] = info
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer)
    this.refreshTimer = setTimeout(() => void this.refresh(), 150)
  }

  async act(action: Action, target: Target): Promise<void> {
    await this.run(keyOf(target), VERBS[action], () => this.client.api[action](target))
  }

  async signal(target: Target, signal: string): Promise<void> {
    await this.run(keyOf(target), `Sent SIG${signal} to`, () => this.client.api.signal(target, signal))
  }

  /** Re-read the configuration files, like `supervisorctl update`. */
  async update(): Promise<void> {
    this.busy = { ...this.busy, update: true }
    try {
      const r = await this.client.api.update()
      const errors = r.issues.filter((i) => i.severity === 'error')
      const parts = [
        r.added.length && `added ${r.added.join(', ')}`,
        r.changed.length && `changed ${r.changed.join(', ')}`,
        r.removed.length && `removed ${r.removed.join(', ')}`,
      ].filter(Boolean)
      if (errors.length) toasts.push(`Update not applied: ${errors[0]!.message}`, 'error')
      else toasts.push(parts.length ? `Updated: ${parts.join(' · ')}` : 'Update: no changes', 'ok')
      await this.refresh()
    } catch (e) {
      this.fail('Update', e)
    } finally {
      this.busy = { ...this.busy, update: false }
    }
  }

  /** Open a file or folder. Located errors arrive in the snapshot's issues, not as a throw. */
  async open(path: string): Promise<boolean> {
    this.opening = true
    this.loadError = null
    try {
      const s = await this.client.api.openConfig(path.trim())
      this.lastEventAt = 0
      this.applySnapshot(s)
      void this.client.api.getEnvironment().then((env) => (this.env = env), () => {})
      return !s.issues.some((i) => i.severity === 'error')
    } catch (e) {
      this.loadError = e instanceof Error ? e.message : String(e)
      return false
    } finally {
      this.opening = false
    }
  }

  isBusy(target: Target): boolean {
    return this.busy[keyOf(target)] === true
  }

  private async run(key: string, verb: string, fn: () => Promise<{ name: string; ok: boolean; message: string | null }[]>): Promise<void> {
    this.busy = { ...this.busy, [key]: true }
    try {
      const { text, tone } = summarize(verb, await fn())
      toasts.push(text, tone)
    } catch (e) {
      this.fail(verb, e)
    } finally {
      this.busy = { ...this.busy, [key]: false }
    }
  }

  private fail(what: string, e: unknown): void {
    const msg = e instanceof ApiError ? `${e.message}${e.code === 'disconnected' ? '' : ` (${e.code})`}` : String(e)
    toasts.push(`${what} failed: ${msg}`, 'error')
  }
}

export function keyOf(t: Target): string {
  return t.kind === 'all' ? 'all' : `${t.kind}:${t.name}`
}

export function byName(processes: ProcessInfo[], name: string | null): ProcessInfo | undefined {
  return name === null ? undefined : processes.find((p) => p.name === name)
}
