// The config editors' state. A ConfWorkspace (one for the app) holds the directive schema,
// one ConfEditor per open file (kept while it has unsaved edits, so switching files loses
// nothing), routes the 'conf' events (a file changed on disk) to its editor, and the doctor's
// findings per lab. A ConfEditor holds a file's text as on disk (base, version) and as edited,
// the checks of the edited text (debounced checkConf) and the review before a save; what to
// do about an external change (reload quietly when there is nothing to lose, else merge) is
// its ExternalChanges' (conf-external).
import { SvelteMap } from 'svelte/reactivity'
import type { ApplyOutcome, ConfChangedEvent, ConfCheck, ConfDiagnostic, ConfFileRef, ConfFileView, ConfSchema, DoctorFinding, DoctorFix } from '../../shared/conf'
import { type ConflictChoice, describeChanges } from './text-diff'
import type { LabStatus } from '../../shared/model'
import { ApiError, type ApiClient } from './api-client'
import { type EditedFile, type ExternalChange, ExternalChanges } from './conf-external.svelte'
import { toasts } from './toasts.svelte'

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e))
const CHECK_DELAY_MS = 250

export type { ExternalChange }

/** The review before a save: the diff, what saving applies, and the save in flight. */
export interface SaveReview {
  check: ConfCheck | null
  error: string | null
  saving: 'save' | 'apply' | null
}

interface SaveOutcome {
  applied: ApplyOutcome[]
  backup: string | null
  apply: boolean
  at: number
}

export class ConfEditor implements EditedFile {
  view = $state.raw<ConfFileView | null>(null)
  /** The text on disk the edits are based on, and its version. */
  base = $state('')
  version = $state('')
  /** The editor's text. */
  text = $state('')
  dirty = $derived(this.view !== null && this.text !== this.base)
  loading = $state(true)
  loadError = $state<string | null>(null)
  /** The last checks of the edited text (or of the file as opened). */
  check = $state.raw<ConfCheck | null>(null)
  checkError = $state<string | null>(null)
  checking = $state(false)
  review = $state.raw<SaveReview | null>(null)
  lastSave = $state.raw<SaveOutcome | null>(null)

  diagnostics = $derived<ConfDiagnostic[]>(this.check?.diagnostics ?? this.view?.diagnostics ?? [])
  findings = $derived<DoctorFinding[]>(this.check?.findings ?? this.view?.findings ?? [])
  errors = $derived(this.diagnostics.filter((d) => d.severity === 'error'))
  /** Why the text cannot go to the review now, or null. */
  saveBlocked = $derived(
    this.external?.kind === 'diverged'
      ? 'The file changed on disk: resolve that first (in the banner above), then review and save.'
      : this.rebasing
        ? 'Merging what you typed during the save onto the saved file…'
        : null,
  )

  private checkTimer: ReturnType<typeof setTimeout> | undefined
  private checkSeq = 0
  private closed = false
  /** The file changed on disk: the banner's state, merging, rebasing. */
  private readonly changes: ExternalChanges

  constructor(
    readonly ref: ConfFileRef,
    private readonly client: ApiClient,
  ) {
    this.changes = new ExternalChanges(this, client)
  }

  get path(): string {
    return this.ref.path
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** The file changed on disk under the editor (the banner), or null. */
  get external(): ExternalChange | null {
    return this.changes.current
  }

  /** Edits typed during a save are being merged onto what was saved: until then base and version disagree. */
  get rebasing(): boolean {
    return this.changes.rebasing
  }

  async open(): Promise<void> {
    this.loading = true
    this.loadError = null
    try {
      const v = await this.client.api.openConfFile(this.path)
      if (this.closed) return
      this.view = v
      this.base = this.text = v.text
      this.version = v.version
      this.check = { diagnostics: v.diagnostics, findings: v.findings, plan: { member: v.owner?.member ?? null, steps: [], restart: false } }
    } catch (e) {
      this.loadError = message(e)
    } finally {
      this.loading = false
    }
  }

  /** The user (the text, or the form) changed the text: check it after a pause. */
  edit(text: string): void {
    if (text === this.text) return
    this.text = text
    this.changes.edited()
    this.scheduleCheck()
  }

  private scheduleCheck(): void {
    clearTimeout(this.checkTimer)
    this.checkTimer = setTimeout(() => void this.runCheck(), CHECK_DELAY_MS)
  }

  async runCheck(): Promise<ConfCheck | null> {
    clearTimeout(this.checkTimer)
    const seq = ++this.checkSeq
    const text = this.text
    this.checking = true
    try {
      const c = await this.client.api.checkConf(this.path, text)
      if (seq === this.checkSeq) {
        this.check = c
        this.checkError = null
      }
      return c
    } catch (e) {
      if (seq === this.checkSeq) this.checkError = message(e)
      return null
    } finally {
      if (seq === this.checkSeq) this.checking = false
    }
  }

  /** Undo every unsaved edit. */
  revert(): void {
    this.edit(this.base)
  }

  // ---- saving ----------------------------------------------------------------------------

  /** Open the review: the diff, and what saving would apply (checked now, against the disk). */
  async startReview(): Promise<void> {
    if (!this.view || this.review || this.saveBlocked) return
    this.review = { check: null, error: null, saving: null }
    const c = await this.runCheck()
    if (!this.review) return
    this.review = { check: c, error: c ? null : (this.checkError ?? 'could not check the text'), saving: null }
  }

  closeReview(): void {
    if (this.review?.saving) return
    this.review = null
  }

  async save(apply: boolean): Promise<boolean> {
    const r = this.review
    if (!r || r.saving) return false
    this.review = { ...r, saving: apply ? 'apply' : 'save', error: null }
    const text = this.text
    try {
      const res = await this.client.api.saveConfFile(this.path, text, this.version, apply)
      this.view = res.view
      this.version = res.view.version
      const typed = this.text !== text
      // Typed meanwhile, and the file was rewritten after the save: my edits are based on the
      // text sent until they are merged onto the file (below; a change on disk meanwhile merges
      // from there too).
      this.base = typed && res.view.text !== text ? text : res.view.text
      if (!typed) this.text = res.view.text
      this.check = { diagnostics: res.view.diagnostics, findings: res.view.findings, plan: { member: res.view.owner?.member ?? null, steps: [], restart: false } }
      this.lastSave = { applied: res.applied, backup: res.backup, apply, at: Date.now() }
      this.changes.current = null
      this.review = null
      // The editor's note says what was saved and applied; a failure is worth a toast too.
      const failed = res.applied.filter((a) => !a.ok)
      if (failed.length) toasts.show(`conf:${this.path}`, [{ text: `Saved ${this.ref.label}, but ${failed.map((a) => a.message).join('; ')}`, tone: 'error' }])
      // What was typed while the save ran stays an edit, on top of the file as saved: that
      // may differ from the text sent (Sentinel rewrote it after a SENTINEL SET), and the
      // typed copy must not take those lines back at the next save.
      if (typed && res.view.text !== text) await this.changes.rebase(text, res.view.text, res.view.version)
      return true
    } catch (e) {
      if (e instanceof ApiError && e.code === 'conflict') {
        this.review = null
        await this.changes.reread()
        return false
      }
      this.review = { ...r, saving: null, error: message(e) }
      return false
    }
  }

  // ---- the file changed on disk (conf-external) ---------------------------------------------

  /** Read the file again (`rewatch`: after a reconnect, the open is a new watch). */
  reread(rewatch = false): Promise<void> {
    return this.changes.reread(rewatch)
  }

  /** `cause`: what changed it, when the app knows (a doctor's fix). */
  onDisk(ev: ConfChangedEvent, cause: string | null = null): Promise<void> {
    return this.changes.onDisk(ev, cause)
  }

  keepMine(): Promise<void> {
    return this.changes.keepMine()
  }

  resolve(choices: ConflictChoice[]): void {
    this.changes.resolve(choices)
  }

  editMarkers(): void {
    this.changes.editMarkers()
  }

  takeDisk(): void {
    this.changes.takeDisk()
  }

  dismissNote(): void {
    this.changes.dismissNote()
  }

  forgetLastSave(): void {
    this.lastSave = null
  }

  /** The lab of the file's owner changed state: whether the owner runs, as the main process judges it. */
  ownerState(lab: LabStatus): void {
    const o = this.view?.owner
    if (!o || o.labId !== lab.id) return
    const m = [...lab.nodes, ...lab.sentinels].find((x) => x.name === o.member)
    const running = m ? m.processState === 'RUNNING' || m.processState === 'STARTING' || (m.processState === null && m.reachable) : false
    if (running !== o.running) this.view = { ...this.view!, owner: { ...o, running } }
  }

  close(): void {
    this.closed = true
    clearTimeout(this.checkTimer)
    void this.client.api.closeConfFile(this.path).catch(() => {})
  }
}

/** The doctor's findings over one lab's files (and live state). */
class DoctorReport {
  findings = $state.raw<DoctorFinding[]>([])
  running = $state(false)
  error = $state<string | null>(null)
  ran = $state(false)
  /** The fix in flight, by its label. */
  fixing = $state<string | null>(null)

  constructor(
    readonly labId: string,
    private readonly client: ApiClient,
  ) {}

  private seq = 0

  /** Run it again; only the newest run's answer counts. */
  async run(): Promise<void> {
    const seq = ++this.seq
    this.running = true
    try {
      const findings = await this.client.api.runDoctor(this.labId)
      if (seq !== this.seq) return
      this.findings = findings
      this.error = null
      this.ran = true
    } catch (e) {
      if (seq === this.seq) this.error = message(e)
    } finally {
      if (seq === this.seq) this.running = false
    }
  }
}

export class ConfWorkspace {
  schema = $state.raw<ConfSchema | null>(null)
  schemaError = $state<string | null>(null)
  /** Open editors, by path. */
  readonly editors = new SvelteMap<string, ConfEditor>()
  private readonly doctors = new Map<string, DoctorReport>()
  /** The file last shown for each lab ('' for the supervisor configuration), to come back to it. */
  readonly lastShown = new Map<string, string>()
  /** The "Edit config" requests already carried out: shown again, a Files tab keeps the user's own choice since. */
  readonly handledRequests = new WeakSet<object>()
  private schemaLoading: Promise<void> | null = null

  constructor(private readonly client: ApiClient) {}

  start(): () => void {
    const offs = [
      this.client.on('conf', (ev) => void this.editors.get(ev.path)?.onDisk(ev)),
      // A lab started or stopped: "read by x (running)" follows.
      this.client.on('lab', (lab) => {
        for (const e of this.editors.values()) e.ownerState(lab)
      }),
      this.client.onReconnect(() => {
        // Events may have been missed: read every open file again.
        for (const e of this.editors.values()) void e.reread(true)
      }),
    ]
    return () => offs.forEach((off) => off())
  }

  loadSchema(): Promise<void> {
    if (this.schema) return Promise.resolve()
    this.schemaLoading ??= (async () => {
      try {
        this.schema = await this.client.api.getConfSchema()
        this.schemaError = null
      } catch (e) {
        this.schemaError = message(e)
      } finally {
        this.schemaLoading = null
      }
    })()
    return this.schemaLoading
  }

  async list(labId: string | null): Promise<ConfFileRef[]> {
    return this.client.api.listConfFiles(labId)
  }

  /** The editor of a file: the open one, or a new one (opened). */
  editor(ref: ConfFileRef): ConfEditor {
    let e = this.editors.get(ref.path)
    if (!e) {
      e = new ConfEditor(ref, this.client)
      this.editors.set(ref.path, e)
      void e.open()
    }
    return e
  }

  /** An editor is no longer shown: closed unless it holds unsaved edits. */
  release(path: string): void {
    const e = this.editors.get(path)
    if (!e || e.dirty) return
    e.close()
    this.editors.delete(path)
  }

  isDirty(path: string): boolean {
    return this.editors.get(path)?.dirty ?? false
  }

  doctor(labId: string): DoctorReport {
    let d = this.doctors.get(labId)
    if (!d) this.doctors.set(labId, (d = new DoctorReport(labId, this.client)))
    return d
  }

  /** Carry out a doctor's fix; open editors take the new files like any change on disk. */
  async applyFix(fix: DoctorFix, report: DoctorReport | null): Promise<boolean> {
    if (report) report.fixing = fix.label
    try {
      const views = await this.client.api.applyConfEdits(fix.edits)
      for (const v of views) await this.editors.get(v.path)?.onDisk({ path: v.path, text: v.text, version: v.version }, `The doctor's fix (${fix.label}) changed the file`)
      // An open editor says it in its note; a fix to files no editor shows gets a toast.
      if (!views.some((v) => this.editors.has(v.path))) toasts.show('conf:fix', [{ text: `Fixed: ${fix.label}`, tone: 'ok' }])
      return true
    } catch (e) {
      toasts.show('conf:fix', [{ text: `Could not fix (${fix.label}): ${message(e)}`, tone: 'error' }])
      return false
    } finally {
      if (report) {
        report.fixing = null
        await report.run()
      }
    }
  }
}

export { describeChanges }
