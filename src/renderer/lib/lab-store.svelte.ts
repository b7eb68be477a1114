// The renderer's picture of the labs: the list ('labs' events), the last LabStatus of each
// lab ('lab' events, each carrying its id), which pane is shown (a lab, the create form,
// the attach form), the forms' values, what is in flight, and the confirmation asked for.
// Every action reports through the toasts (in flight, then done or why not).
import type { AttachTarget, ComposeExportResult, LabListing, LabNodeAction, LabStatus } from '../../shared/model'
import { ApiError, type ApiClient } from './api-client'
import type { LinkChange } from '../../shared/links'
import { type BusyRecord, runAction } from './action-runner'
import { ACTION_WORDS, type MemberAction } from './lab-actions'
import { AttachForm, NewLabForm } from './lab-forms.svelte'
import { toasts } from './toasts.svelte'

/** What the main pane shows. */
type Pane = { kind: 'lab'; id: string } | { kind: 'new' } | { kind: 'attach' }

/** A question the confirmation dialog puts to the user. */
interface Confirmation {
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
  readonly newLab = new NewLabForm()
  readonly attachForm = new AttachForm()
  creating = $state(false)
  attaching = $state(false)
  /** Why a lab's status could not be read, by id. */
  loadErrors = $state<Record<string, string>>({})
  /** The lab-level action in flight, by lab id. */
  busy = $state<BusyRecord<LabBusy>>({})
  /** The member action in flight, by lab id and member name. */
  memberBusy = $state<BusyRecord<MemberAction>>({})
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
    const spec = this.newLab.spec()
    this.creating = true
    this.newLab.error = null
    this.idsBeforeCreate = new Set(this.labs.map((l) => l.id))
    try {
      await runAction({
        toast: 'lab:create',
        pending: `Creating ${spec.name ?? 'a lab'}…`,
        done: (s: LabStatus) => s.state === 'failed'
          ? [{ text: `${s.name} did not start: ${s.error ?? 'unknown error'}`, tone: 'error' }]
          : `${s.name} is ${s.state.toUpperCase()}${s.healthyMs !== null ? ` (in ${s.healthyMs} ms)` : ''}`,
        failed: (e) => `Could not create the lab: ${(this.newLab.error = message(e))}`,
      }, async () => {
        const s = await this.client.api.createLab(spec)
        this.put(s)
        this.select(s.id)
        return s
      })
    } finally {
      this.creating = false
      this.idsBeforeCreate = null
    }
  }

  async attach(): Promise<void> {
    if (this.attaching) return
    const typed = this.attachForm.target()
    if ('invalid' in typed) return void (this.attachForm.error = typed.invalid)
    if (await this.doAttach(typed.target, typed.what)) this.attachForm.reset()
  }

  /** Watch a lab folder that `sentinel-lab up` runs in a terminal. */
  attachFolder(id: string): Promise<boolean> {
    return this.doAttach({ kind: 'folder', id }, id)
  }

  private async doAttach(target: AttachTarget, what: string): Promise<boolean> {
    this.attaching = true
    this.attachForm.error = null
    try {
      const s = await runAction({
        toast: 'lab:attach',
        pending: `Attaching to ${what}…`,
        done: (s: LabStatus) => `Attached to ${s.name} (monitor only)`,
        failed: (e) => `Could not attach: ${(this.attachForm.error = message(e))}`,
      }, () => this.client.api.attachLab(target))
      if (!s) return false
      this.put(s)
      this.select(s.id)
      return true
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

  /** Safe: the switch-over that loses no acknowledged write; else Sentinel's own SENTINEL FAILOVER. */
  failover(id: string, safe = true): Promise<void> {
    return this.labAction(id, 'failover', safe ? 'Switching over safely…' : 'SENTINEL FAILOVER…', () => this.client.api.failoverLab(id, safe), (s) => {
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
    const r = await runAction({
      toast: `lab:${id}`,
      busy: { record: this.busy, key: id, value: 'export' as LabBusy },
      pending: 'Writing a docker compose folder…',
      done: (r: ComposeExportResult) => `Docker compose written to ${r.dir}`,
      failed: (e) => `Could not export docker compose: ${message(e)}`,
    }, () => this.client.api.exportLabCompose(id))
    if (r) this.exported[id] = r
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
    await runAction({
      toast: `lab:${id}`,
      busy: { record: this.busy, key: id, value: 'destroy' as LabBusy },
      pending: `Destroying ${id}…`,
      done: () => `Destroyed ${id}${dir ? ` (deleted ${dir})` : ''}`,
      failed: (e) => `Could not destroy ${id}: ${message(e)}`,
    }, async () => {
      await this.client.api.destroyLab(id)
      this.forget(id)
    })
  }

  private async labAction(id: string, what: LabBusy, pending: string, fn: () => Promise<LabStatus>, done: (s: LabStatus) => string | null): Promise<void> {
    await runAction({
      toast: `lab:${id}`,
      busy: { record: this.busy, key: id, value: what },
      pending,
      done: (s: LabStatus) => done(s) ?? [{ text: `${s.name}: ${s.error ?? 'failed'}`, tone: 'error' }],
      failed: (e) => `${pending.replace(/…$/, '')} failed: ${message(e)}`,
    }, async () => {
      const s = await fn()
      this.put(s)
      return s
    })
  }

  /** Cut, slow, partition, heal or reset links (labs with link faults); `what` says it in the toast. */
  async changeLinks(id: string, change: LinkChange, what: string): Promise<void> {
    await runAction({
      toast: `links:${id}`,
      pending: `${what}…`,
      done: () => what,
      failed: (e) => `Could not ${what.charAt(0).toLowerCase()}${what.slice(1)}: ${message(e)}`,
    }, async () => this.put(await this.client.api.changeLinks(id, change)))
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
    const w = ACTION_WORDS[action]
    let question: string | null = null
    await runAction({
      toast: `node:${k}`,
      busy: { record: this.memberBusy, key: k, value: action as MemberAction },
      pending: `${w.pending} ${node}…`,
      done: () => `${w.past} ${node}`,
      failed: (e) => {
        // The service asks first for what would lose data: the question replaces the toast.
        if (e instanceof ApiError && e.code === 'needs-confirmation' && !confirmed) {
          question = e.message
          return null
        }
        return `Could not ${w.base} ${node}: ${message(e)}`
      },
    }, async () => this.put(await this.client.api.labNodeAction(id, node, action, confirmed)))
    return question
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
    await runAction({
      toast: `node:${k}`,
      busy: { record: this.memberBusy, key: k, value: 'remove' as MemberAction },
      pending: `Removing ${name}…`,
      done: () => `Removed ${name}`,
      failed: (e) => `Could not remove ${name}: ${message(e)}`,
    }, async () => this.put(await this.client.api.removeLabMember(id, name)))
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
