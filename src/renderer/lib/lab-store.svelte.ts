// The renderer's picture of the labs: the list ('labs' events), the last LabStatus of each
// lab ('lab' events, each carrying its id), which pane is shown (a lab, the create form,
// the attach form), the forms' values, what is in flight, and the confirmation asked for.
// Every action reports through the toasts (in flight, then done or why not).
import type { AttachTarget, ComposeExportResult, LabListing, LabNodeAction, LabStatus } from '../../shared/model'
import { APP_LAB_TIMERS, type API_LAB_FIELDS, LAB_DEFAULTS, type LabSpecInput } from '../../shared/lab-spec'
import { ApiError, type ApiClient } from './api-client'
import { ACTION_WORDS, type MemberAction, parseAddresses } from './lab-actions'
import { toasts } from './toasts.svelte'

export type LabSpecForm = Required<Pick<LabSpecInput, (typeof API_LAB_FIELDS)[number]>>

/** The form starts from the spec's own defaults; a lab made in the app runs fast timers. */
export const LAB_FORM_DEFAULTS: LabSpecForm = {
  name: '',
  replicas: LAB_DEFAULTS.replicas,
  sentinels: LAB_DEFAULTS.sentinels,
  quorum: LAB_DEFAULTS.quorum,
  downAfterMs: LAB_DEFAULTS.downAfterMs,
  timers: APP_LAB_TIMERS,
  persistence: LAB_DEFAULTS.persistence,
}

export interface AttachForm {
  sentinels: string
  masterName: string
  password: string
  sentinelPassword: string
  name: string
}

const ATTACH_DEFAULTS: AttachForm = { sentinels: '', masterName: 'mymaster', password: '', sentinelPassword: '', name: '' }

/** What the main pane shows. */
export type Pane = { kind: 'lab'; id: string } | { kind: 'new' } | { kind: 'attach' }

/** A question the confirmation dialog puts to the user. */
export interface Confirmation {
  title: string
  message: string
  /** Shown in monospace under the message (a folder path). */
  detail: string | null
  confirmLabel: string
  danger: boolean
  resolve(ok: boolean): void
}

/** Lab-level actions; one at a time per lab. */
export type LabBusy = 'start' | 'stop' | 'detach' | 'destroy' | 'failover' | 'add-replica' | 'add-sentinel' | 'export'

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e))
const nodeKey = (id: string, node: string): string => `${id}\u0000${node}`

export class LabStore {
  labs = $state.raw<LabListing[]>([])
  /** The last status of each lab, by id. */
  statuses = $state.raw<Record<string, LabStatus>>({})
  /** The first list arrived. */
  loaded = $state(false)
  pane = $state<Pane>({ kind: 'new' })
  spec = $state<LabSpecForm>({ ...LAB_FORM_DEFAULTS })
  attachForm = $state<AttachForm>({ ...ATTACH_DEFAULTS })
  creating = $state(false)
  createError = $state<string | null>(null)
  attaching = $state(false)
  attachError = $state<string | null>(null)
  /** Why a lab's status could not be read, by id. */
  loadErrors = $state<Record<string, string>>({})
  /** The lab-level action in flight, by lab id. */
  busy = $state<Record<string, LabBusy>>({})
  /** The member action in flight, by lab id and member name. */
  memberBusy = $state<Record<string, MemberAction>>({})
  /** The last compose export of each lab. */
  exported = $state<Record<string, ComposeExportResult>>({})
  confirmation = $state<Confirmation | null>(null)
  /** A timeline entry to scroll to and highlight (asked from a sentinel's log); its timeline takes it. */
  highlight = $state<{ lab: string; id: number; n: number } | null>(null)

  selectedId = $derived(this.pane.kind === 'lab' ? this.pane.id : null)
  selected = $derived(this.selectedId === null ? null : (this.labs.find((l) => l.id === this.selectedId) ?? null))

  /** The ids known when a create began: the first new one is the lab being created. */
  private idsBeforeCreate: Set<string> | null = null
  /** The pane to go back to when a form is cancelled. */
  private lastLab: string | null = null

  constructor(private readonly client: ApiClient) {}

  /** Subscribe and read the first list. Returns the teardown. */
  start(): () => void {
    const offs = [
      this.client.on('lab', (s) => this.put(s)),
      this.client.on('labs', (list) => this.setList(list)),
      this.client.onReconnect(() => void this.refresh()),
    ]
    void this.refresh()
    return () => offs.forEach((off) => off())
  }

  async refresh(): Promise<void> {
    try {
      this.setList(await this.client.api.listLabs())
      if (this.selectedId && this.readable(this.selectedId)) await this.load(this.selectedId)
    } catch {
      // Not connected yet: the reconnect brings it.
    }
  }

  status(id: string | null): LabStatus | null {
    return id === null ? null : (this.statuses[id] ?? null)
  }

  /** The freshest state of a lab: its status's (moves with every event) or the list's. */
  stateOf(l: LabListing): LabStatus['state'] {
    return this.statuses[l.id]?.state ?? l.state
  }

  memberBusyFor(id: string, node: string): MemberAction | null {
    return this.memberBusy[nodeKey(id, node)] ?? null
  }

  select(id: string): void {
    this.pane = { kind: 'lab', id }
    this.lastLab = id
    if (this.readable(id)) void this.load(id)
  }

  /** Show this lab, and in its timeline this entry, highlighted for a moment. */
  showEvent(id: string, entryId: number): void {
    if (this.selectedId !== id) this.select(id)
    this.highlight = { lab: id, id: entryId, n: (this.highlight?.n ?? 0) + 1 }
  }

  /**
   * Whether getLab may be asked about this lab. Not for a folder another process runs
   * (`sentinel-lab up`): reading it as a lab of the app's would take it for a stopped one;
   * it is attached instead.
   */
  private readable(id: string): boolean {
    const l = this.labs.find((x) => x.id === id)
    return Boolean(l) && !(l!.kind === 'owned' && l!.runningElsewhere)
  }

  showForm(kind: 'new' | 'attach'): void {
    if (this.pane.kind === 'lab') this.lastLab = this.pane.id
    this.pane = { kind }
  }

  /** Leave a form: back to the lab shown before, if it is still there. */
  closeForm(): void {
    const back = this.lastLab && this.labs.some((l) => l.id === this.lastLab) ? this.lastLab : (this.labs[0]?.id ?? null)
    if (back) this.select(back)
    else this.pane = { kind: 'new' }
  }

  async load(id: string): Promise<void> {
    try {
      this.put(await this.client.api.getLab(id))
      if (this.loadErrors[id]) delete this.loadErrors[id]
    } catch (e) {
      this.loadErrors[id] = message(e)
    }
  }

  // ---- create, attach ------------------------------------------------------------------

  async create(): Promise<void> {
    if (this.creating) return
    const f = this.spec
    const spec: LabSpecInput = { timers: f.timers, persistence: f.persistence }
    for (const k of ['replicas', 'sentinels', 'quorum', 'downAfterMs'] as const) {
      const v = f[k] as number | null
      if (typeof v === 'number' && Number.isFinite(v)) spec[k] = v
    }
    if (f.name.trim()) spec.name = f.name.trim()
    this.creating = true
    this.createError = null
    this.idsBeforeCreate = new Set(this.labs.map((l) => l.id))
    toasts.show('lab:create', [{ text: `Creating ${spec.name ?? 'a lab'}…`, tone: 'busy' }])
    try {
      const s = await this.client.api.createLab(spec)
      this.put(s)
      this.select(s.id)
      if (s.state === 'failed') toasts.show('lab:create', [{ text: `${s.name} did not start: ${s.error ?? 'unknown error'}`, tone: 'error' }])
      else toasts.show('lab:create', [{ text: `${s.name} is ${s.state.toUpperCase()}${s.healthyMs !== null ? ` (in ${s.healthyMs} ms)` : ''}`, tone: 'ok' }])
    } catch (e) {
      this.createError = message(e)
      toasts.show('lab:create', [{ text: `Could not create the lab: ${message(e)}`, tone: 'error' }])
    } finally {
      this.creating = false
      this.idsBeforeCreate = null
    }
  }

  async attach(): Promise<void> {
    if (this.attaching) return
    const f = this.attachForm
    const { addresses, bad } = parseAddresses(f.sentinels)
    if (addresses.length === 0) return void (this.attachError = 'Give at least one sentinel address (host:port).')
    if (bad.length) return void (this.attachError = `Not host:port: ${bad.join(', ')}`)
    const masterName = f.masterName.trim() || 'mymaster'
    const target: AttachTarget = { kind: 'addresses', sentinels: addresses, masterName }
    if (f.password) target.password = f.password
    if (f.sentinelPassword) target.sentinelPassword = f.sentinelPassword
    if (f.name.trim()) target.name = f.name.trim()
    if (await this.doAttach(target, `${masterName} via ${addresses[0]}`)) this.attachForm = { ...ATTACH_DEFAULTS }
  }

  /** Watch a lab folder that `sentinel-lab up` runs in a terminal. */
  attachFolder(id: string): Promise<boolean> {
    return this.doAttach({ kind: 'folder', id }, id)
  }

  private async doAttach(target: AttachTarget, what: string): Promise<boolean> {
    this.attaching = true
    this.attachError = null
    toasts.show('lab:attach', [{ text: `Attaching to ${what}…`, tone: 'busy' }])
    try {
      const s = await this.client.api.attachLab(target)
      this.put(s)
      this.select(s.id)
      toasts.show('lab:attach', [{ text: `Attached to ${s.name} (monitor only)`, tone: 'ok' }])
      return true
    } catch (e) {
      this.attachError = message(e)
      toasts.show('lab:attach', [{ text: `Could not attach: ${message(e)}`, tone: 'error' }])
      return false
    } finally {
      this.attaching = false
    }
  }

  // ---- lab-level actions ---------------------------------------------------------------

  startLab(id: string): Promise<void> {
    return this.labAction(id, 'start', `Starting ${id}…`, () => this.client.api.startLab(id), (s) =>
      s.state === 'failed' ? null : `${s.name} is ${s.state.toUpperCase()}${s.healthyMs !== null ? ` (in ${s.healthyMs} ms)` : ''}`,
    )
  }

  stopLab(id: string): Promise<void> {
    const attached = this.statuses[id]?.kind === 'attached' || this.labs.find((l) => l.id === id)?.kind === 'attached'
    return attached
      ? this.labAction(id, 'detach', `Detaching from ${id}…`, () => this.client.api.stopLab(id), (s) => `Detached from ${s.name}`)
      : this.labAction(id, 'stop', `Stopping ${id}…`, () => this.client.api.stopLab(id), (s) => `Stopped ${s.name}`)
  }

  failover(id: string): Promise<void> {
    return this.labAction(id, 'failover', 'Failing over…', () => this.client.api.failoverLab(id), (s) => {
      const m = s.nodes.find((n) => n.role === 'master')
      return m ? `Failed over: the master is now ${m.name} (:${m.port})` : 'Failed over'
    })
  }

  addMember(id: string, kind: 'replica' | 'sentinel'): Promise<void> {
    const before = new Set([...(this.statuses[id]?.nodes ?? []), ...(this.statuses[id]?.sentinels ?? [])].map((m) => m.name))
    return this.labAction(id, kind === 'replica' ? 'add-replica' : 'add-sentinel', `Adding a ${kind}…`, () => this.client.api.addLabMember(id, kind), (s) => {
      const added = [...s.nodes, ...s.sentinels].filter((m) => !before.has(m.name))
      return added.length ? `Added ${added.map((m) => `${m.name} (:${m.port})`).join(', ')}` : `Added a ${kind}`
    })
  }

  async exportCompose(id: string): Promise<void> {
    if (this.busy[id]) return
    this.busy[id] = 'export'
    const key = `lab:${id}`
    toasts.show(key, [{ text: 'Writing a docker compose folder…', tone: 'busy' }])
    try {
      const r = await this.client.api.exportLabCompose(id)
      this.exported[id] = r
      toasts.show(key, [{ text: `Docker compose written to ${r.dir}`, tone: 'ok' }])
    } catch (e) {
      toasts.show(key, [{ text: `Could not export docker compose: ${message(e)}`, tone: 'error' }])
    } finally {
      delete this.busy[id]
    }
  }

  async destroy(id: string): Promise<void> {
    const s = this.statuses[id]
    const l = this.labs.find((x) => x.id === id)
    const dir = s?.dir ?? l?.dir ?? null
    const running = l ? !['stopped', 'failed'].includes(this.stateOf(l)) : false
    const ok = await this.ask({
      title: `Destroy ${s?.name ?? l?.name ?? id}?`,
      message:
        `${running ? 'This stops every process of the lab and deletes' : 'This deletes'} its folder with everything in it: ` +
        'the Redis data, the logs and the configuration files. It cannot be undone.',
      detail: dir,
      confirmLabel: 'Destroy',
      danger: true,
    })
    if (!ok) return
    if (this.busy[id]) return
    this.busy[id] = 'destroy'
    const key = `lab:${id}`
    toasts.show(key, [{ text: `Destroying ${id}…`, tone: 'busy' }])
    try {
      await this.client.api.destroyLab(id)
      this.forget(id)
      toasts.show(key, [{ text: `Destroyed ${id}${dir ? ` (deleted ${dir})` : ''}`, tone: 'ok' }])
    } catch (e) {
      toasts.show(key, [{ text: `Could not destroy ${id}: ${message(e)}`, tone: 'error' }])
    } finally {
      delete this.busy[id]
    }
  }

  private async labAction(id: string, what: LabBusy, pending: string, fn: () => Promise<LabStatus>, done: (s: LabStatus) => string | null): Promise<void> {
    if (this.busy[id]) return
    this.busy[id] = what
    const key = `lab:${id}`
    toasts.show(key, [{ text: pending, tone: 'busy' }])
    try {
      const s = await fn()
      this.put(s)
      const text = done(s)
      if (text) toasts.show(key, [{ text, tone: 'ok' }])
      else toasts.show(key, [{ text: `${s.name}: ${s.error ?? 'failed'}`, tone: 'error' }])
    } catch (e) {
      toasts.show(key, [{ text: `${pending.replace(/…$/, '')} failed: ${message(e)}`, tone: 'error' }])
    } finally {
      delete this.busy[id]
    }
  }

  // ---- member actions --------------------------------------------------------------------

  /** Act on one node or sentinel; an action that would lose data is confirmed first. */
  async memberAction(id: string, node: string, action: MemberAction): Promise<void> {
    if (action === 'remove') return this.removeMember(id, node)
    let confirmed = false
    for (;;) {
      const outcome = await this.runMemberAction(id, node, action, confirmed)
      if (outcome === null) return
      const w = ACTION_WORDS[action]
      const ok = await this.ask({
        title: `${cap(w.base)} ${node}?`,
        message: outcome,
        detail: null,
        confirmLabel: `${cap(w.base)} anyway`,
        danger: true,
      })
      if (!ok) return void toasts.show(`node:${nodeKey(id, node)}`, [{ text: `${cap(w.base)} ${node}: cancelled, nothing was done`, tone: 'info' }])
      confirmed = true
    }
  }

  /** Runs the action; answers the confirmation message when the service asks for one, else null. */
  private async runMemberAction(id: string, node: string, action: LabNodeAction, confirmed: boolean): Promise<string | null> {
    const k = nodeKey(id, node)
    if (this.memberBusy[k]) return null
    const w = ACTION_WORDS[action]
    const key = `node:${k}`
    this.memberBusy[k] = action
    toasts.show(key, [{ text: `${w.pending} ${node}…`, tone: 'busy' }])
    try {
      this.put(await this.client.api.labNodeAction(id, node, action, confirmed))
      toasts.show(key, [{ text: `${w.past} ${node}`, tone: 'ok' }])
      return null
    } catch (e) {
      if (e instanceof ApiError && e.code === 'needs-confirmation' && !confirmed) {
        toasts.clear(key)
        return e.message
      }
      toasts.show(key, [{ text: `Could not ${w.base} ${node}: ${message(e)}`, tone: 'error' }])
      return null
    } finally {
      delete this.memberBusy[k]
    }
  }

  private async removeMember(id: string, name: string): Promise<void> {
    const isSentinel = this.statuses[id]?.sentinels.some((s) => s.name === name) ?? false
    const ok = await this.ask({
      title: `Remove ${name}?`,
      message: isSentinel
        ? `${name} is stopped and taken out of the lab; the other sentinels forget it (SENTINEL RESET).`
        : `${name} is stopped and taken out of the lab; the sentinels forget it (SENTINEL RESET). Its data and log files stay in the lab folder.`,
      detail: null,
      confirmLabel: 'Remove',
      danger: true,
    })
    if (!ok) return
    const k = nodeKey(id, name)
    if (this.memberBusy[k]) return
    this.memberBusy[k] = 'remove'
    const key = `node:${k}`
    toasts.show(key, [{ text: `Removing ${name}…`, tone: 'busy' }])
    try {
      this.put(await this.client.api.removeLabMember(id, name))
      toasts.show(key, [{ text: `Removed ${name}`, tone: 'ok' }])
    } catch (e) {
      toasts.show(key, [{ text: `Could not remove ${name}: ${message(e)}`, tone: 'error' }])
    } finally {
      delete this.memberBusy[k]
    }
  }

  // ---- confirmation ----------------------------------------------------------------------

  /** Ask the user; resolves true when confirmed. A newer question cancels an open one. */
  ask(q: Omit<Confirmation, 'resolve'>): Promise<boolean> {
    this.confirmation?.resolve(false)
    return new Promise((resolve) => {
      this.confirmation = {
        ...q,
        resolve: (ok) => {
          this.confirmation = null
          resolve(ok)
        },
      }
    })
  }

  // ---- events ----------------------------------------------------------------------------

  private put(s: LabStatus): void {
    // A status that arrives for a lab no longer listed (destroyed meanwhile) is dropped.
    if (this.loaded && !this.labs.some((l) => l.id === s.id) && !this.creating && !this.attaching) return
    this.statuses = { ...this.statuses, [s.id]: s }
  }

  private setList(list: LabListing[]): void {
    const first = !this.loaded
    this.labs = list
    this.loaded = true
    const ids = new Set(list.map((l) => l.id))
    const gone = Object.keys(this.statuses).filter((id) => !ids.has(id))
    if (gone.length) {
      const next = { ...this.statuses }
      for (const id of gone) delete next[id]
      this.statuses = next
    }
    // The lab being created shows from its first progress line.
    if (this.creating && this.idsBeforeCreate && this.pane.kind === 'new') {
      const fresh = list.find((l) => l.kind === 'owned' && !this.idsBeforeCreate!.has(l.id))
      if (fresh) {
        this.idsBeforeCreate = null
        this.select(fresh.id)
        return
      }
    }
    if (this.pane.kind === 'lab' && !ids.has(this.pane.id)) {
      const next = list[0]
      if (next) this.select(next.id)
      else this.pane = { kind: 'new' }
    } else if (first && this.pane.kind === 'new' && list.length) {
      const running = list.find((l) => l.state !== 'stopped' && l.state !== 'failed' && !l.runningElsewhere)
      this.select((running ?? list[0]!).id)
    }
  }

  private forget(id: string): void {
    this.setList(this.labs.filter((l) => l.id !== id))
  }
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)
