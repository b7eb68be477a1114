// The renderer's picture of the supervisor: the last snapshot, patched live by
// 'transition' events, replaced by 'snapshot' events, plus a clock for uptimes.
import type { AppEnvironment } from '../../shared/api'
import type { ActionOutcome, ProcessInfo, SupervisorSnapshot, Target, TransitionEvent, UpdateResult } from '../../shared/model'
import { ApiError, type ApiClient, type ConnectionStatus } from './api-client'
import { runAction } from './action-runner'
import { report, type Verb } from './format'
import { toasts } from './toasts.svelte'

export type Action = 'start' | 'stop' | 'restart'
/** What is in flight for a target: an action, a signal, or an update. */
export type Busy = Action | 'signal' | 'update'
const VERBS: Record<Action, Verb> = {
  start: { past: 'Started', base: 'start', pending: 'Starting' },
  stop: { past: 'Stopped', base: 'stop', pending: 'Stopping' },
  restart: { past: 'Restarted', base: 'restart', pending: 'Restarting' },
}
/** A call that answers quicker than this shows no "Starting worker…" toast. */
const PENDING_TOAST_MS = 300
/** Toast key of everything about opening and updating the configuration. */
const CONFIG = 'config'

export class SupervisorStore {
  snapshot = $state<SupervisorSnapshot | null>(null)
  env = $state<AppEnvironment | null>(null)
  connection = $state<ConnectionStatus>({ state: 'connecting' })
  /** The main process's clock, estimated: ticks once a second for uptimes. */
  now = $state(Date.now())
  /** Actions in flight, by target key, to show progress and avoid double clicks. */
  busy = $state<Record<string, Busy | undefined>>({})
  loadError = $state<string | null>(null)
  opening = $state(false)

  processes = $derived(this.snapshot?.processes ?? [])
  errors = $derived((this.snapshot?.issues ?? []).filter((i) => i.severity === 'error'))

  readonly client: ApiClient
  private clockOffset = 0
  private lastEventAt = 0
  private refreshTimer: ReturnType<typeof setTimeout> | undefined
  private tick: ReturnType<typeof setInterval> | undefined

  constructor(client: ApiClient) {
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
    void this.client.api.getEnvironment().then((env) => (this.env = env), (e) => this.fail('Reading the environment', e, 'env'))
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
      this.fail('Reading the state', e, 'state')
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
    await this.run(target, action, VERBS[action], () => this.client.api[action](target))
  }

  async signal(target: Target, signal: string): Promise<void> {
    const verb = { past: `Sent SIG${signal} to`, base: `send SIG${signal} to`, pending: `Sending SIG${signal} to` }
    await this.run(target, 'signal', verb, () => this.client.api.signal(target, signal))
  }

  /** Re-read the configuration files, like `supervisorctl update`. */
  async update(): Promise<void> {
    await runAction({
      toast: CONFIG,
      busy: { record: this.busy, key: 'update', value: 'update' as Busy },
      pending: 'Updating…',
      pendingAfterMs: PENDING_TOAST_MS,
      done: (r: UpdateResult) => {
        const errors = r.issues.filter((i) => i.severity === 'error')
        const parts = [
          r.added.length && `added ${r.added.join(', ')}`,
          r.changed.length && `changed ${r.changed.join(', ')}`,
          r.removed.length && `removed ${r.removed.join(', ')}`,
        ].filter(Boolean)
        if (errors.length) return [{ text: `Update not applied: ${errors[0]!.message}`, tone: 'error' }]
        return parts.length ? `Updated: ${parts.join(' · ')}` : 'Update: no changes'
      },
      failed: (e) => failure('Update', e),
    }, async () => {
      const r = await this.client.api.update()
      await this.refresh()
      return r
    })
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
      const ok = !s.issues.some((i) => i.severity === 'error')
      // A located error shows in the error panel; a toast about an earlier attempt is stale.
      if (ok) toasts.push(`Opened ${path.trim()}`, 'ok', CONFIG)
      else toasts.clear(CONFIG)
      return ok
    } catch (e) {
      this.loadError = e instanceof Error ? e.message : String(e)
      return false
    } finally {
      this.opening = false
    }
  }

  isBusy(target: Target): boolean {
    return this.busy[keyOf(target)] !== undefined
  }

  /** What is in flight for this target, if anything. */
  busyWith(target: Target): Busy | undefined {
    return this.busy[keyOf(target)]
  }

  /**
   * Start / restart answer only once each process settled (up to startsecs): the target
   * shows busy meanwhile, and a slow call says so in a toast that its result replaces.
   */
  private async run(target: Target, busy: Busy, verb: Verb, fn: () => Promise<ActionOutcome[]>): Promise<void> {
    const key = keyOf(target)
    const what = target.kind === 'all' ? 'all processes' : target.kind === 'group' ? `group ${target.name}` : target.name
    await runAction({
      toast: key,
      busy: { record: this.busy, key, value: busy },
      pending: `${verb.pending} ${what}…`,
      pendingAfterMs: PENDING_TOAST_MS,
      done: (outcomes: ActionOutcome[]) => report(verb, outcomes),
      failed: (e) => failure(`${verb.pending} ${what}`, e),
    }, fn)
  }

  private fail(what: string, e: unknown, key: string): void {
    toasts.push(failure(what, e), 'error', key)
  }
}

function failure(what: string, e: unknown): string {
  const msg = e instanceof ApiError ? `${e.message}${e.code === 'disconnected' ? '' : ` (${e.code})`}` : String(e)
  return `${what} failed: ${msg}`
}

function keyOf(t: Target): string {
  return t.kind === 'all' ? 'all' : `${t.kind}:${t.name}`
}

export function byName(processes: ProcessInfo[], name: string | null): ProcessInfo | undefined {
  return name === null ? undefined : processes.find((p) => p.name === name)
}
