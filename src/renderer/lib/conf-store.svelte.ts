// The config editors' state. A ConfWorkspace (one for the app) holds the directive schema,
// one ConfEditor per open file (kept while it has unsaved edits, so switching files loses
// nothing), routes the 'conf' events (a file changed on disk) to its editor, and the doctor's
// findings per lab. A ConfEditor holds a file's text as on disk (base, version) and as edited,
// the checks of the edited text (debounced checkConf), the review before a save, and what to
// do about an external change: reload quietly when there is nothing to lose, else merge.
import { SvelteMap } from 'svelte/reactivity'
import type {
  ApplyOutcome,
  ConfChangedEvent,
  ConfCheck,
  ConfDiagnostic,
  ConfFileRef,
  ConfFileView,
  ConfSchema,
  DoctorFinding,
  DoctorFix,
  MergeResult,
} from '../../shared/conf'
import { changedLines, type ConflictChoice, describeChanges, type LineChange, resolveConflicts } from '../components/conf/text-diff'
import type { LabStatus } from '../../shared/model'
import { ApiError, type ApiClient } from './api-client'
import { toasts } from './toasts.svelte'

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e))
const CHECK_DELAY_MS = 250

/** The file changed on disk under the editor. */
export type ExternalChange =
  /** Nothing was unsaved: the editor shows the new file; a short note says so. */
  | { kind: 'reloaded'; changes: LineChange[]; at: number; cause: string | null }
  /** Unsaved edits and a new file on disk: merged (clean or with conflicts), or merging. */
  | { kind: 'diverged'; theirs: string; version: string; changes: LineChange[]; merge: MergeResult | null; error: string | null }
  | { kind: 'deleted' }

/** The review before a save: the diff, what saving applies, and the save in flight. */
export interface SaveReview {
  check: ConfCheck | null
  error: string | null
  saving: 'save' | 'apply' | null
}

export interface SaveOutcome {
  applied: ApplyOutcome[]
  backup: string | null
  apply: boolean
  at: number
}

export class ConfEditor {
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
  external = $state.raw<ExternalChange | null>(null)
  review = $state.raw<SaveReview | null>(null)
  lastSave = $state.raw<SaveOutcome | null>(null)

  diagnostics = $derived<ConfDiagnostic[]>(this.check?.diagnostics ?? this.view?.diagnostics ?? [])
  findings = $derived<DoctorFinding[]>(this.check?.findings ?? this.view?.findings ?? [])
  errors = $derived(this.diagnostics.filter((d) => d.severity === 'error'))
  /** Why the text cannot go to the review now, or null. */
  /** Edits typed during a save are being merged onto what was saved: until then base and version disagree. */
  rebasing = $state(false)
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

  constructor(
    readonly ref: ConfFileRef,
    private readonly client: ApiClient,
  ) {}

  get path(): string {
    return this.ref.path
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
    if (this.external?.kind === 'reloaded') this.external = null
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
      this.external = null
      this.review = null
      // The editor's note says what was saved and applied; a failure is worth a toast too.
      const failed = res.applied.filter((a) => !a.ok)
      if (failed.length) toasts.show(`conf:${this.path}`, [{ text: `Saved ${this.ref.label}, but ${failed.map((a) => a.message).join('; ')}`, tone: 'error' }])
      // What was typed while the save ran stays an edit, on top of the file as saved: that
      // may differ from the text sent (Sentinel rewrote it after a SENTINEL SET), and the
      // typed copy must not take those lines back at the next save.
      if (typed && res.view.text !== text) await this.rebase(text, res.view.text, res.view.version)
      return true
    } catch (e) {
      if (e instanceof ApiError && e.code === 'conflict') {
        this.review = null
        await this.reread()
        return false
      }
      this.review = { ...r, saving: null, error: message(e) }
      return false
    }
  }

  // ---- the file changed on disk ------------------------------------------------------------

  /**
   * My edits were made on `sent`, and the disk now holds `saved` (my save, then rewritten):
   * merged on top of it, quietly when they touch different lines, else the conflicts are
   * put to the user as for any change on disk.
   */
  private async rebase(sent: string, saved: string, version: string): Promise<void> {
    this.rebasing = true
    try {
      let mine: string
      let merge: MergeResult
      // Typed again while merging: merge again, with that.
      do {
        mine = this.text
        merge = await this.client.api.mergeConf(sent, mine, saved)
        if (this.closed || this.version !== version || this.external?.kind === 'diverged') return
      } while (this.text !== mine)
      if (!merge.conflicts.length) {
        this.base = saved
        this.text = merge.text
        void this.runCheck()
        return
      }
      this.external = { kind: 'diverged', theirs: saved, version, changes: changedLines(sent, saved), merge, error: null }
    } catch (e) {
      if (this.closed || this.version !== version || this.external?.kind === 'diverged') return
      this.external = { kind: 'diverged', theirs: saved, version, changes: changedLines(sent, saved), merge: null, error: message(e) }
    } finally {
      this.rebasing = false
    }
  }

  /**
   * Read the file again. After a reconnect (`rewatch`) the page's watches are gone: the
   * open is a new watch, kept. Else (a save refused as based on an old version) the file is
   * still watched: the extra reference the open takes is given back at once.
   */
  async reread(rewatch = false): Promise<void> {
    try {
      const v = await this.client.api.openConfFile(this.path)
      if (!rewatch || this.closed) void this.client.api.closeConfFile(this.path).catch(() => {})
      await this.onDisk({ path: this.path, text: v.text, version: v.version })
    } catch (e) {
      this.loadError = message(e)
    }
  }

  /** `cause`: what changed it, when the app knows (a doctor's fix). */
  async onDisk(ev: ConfChangedEvent, cause: string | null = null): Promise<void> {
    if (!this.view) return
    if (ev.text === null || ev.version === null) {
      this.external = { kind: 'deleted' }
      return
    }
    if (ev.version === this.version) return
    const changes = changedLines(this.base, ev.text)
    if (!this.dirty) {
      this.adopt(ev.text, ev.version)
      this.text = ev.text
      this.external = { kind: 'reloaded', changes, at: Date.now(), cause }
      if (cause) this.lastSave = null
      void this.runCheck()
      return
    }
    const theirs = ev.text
    const version = ev.version
    this.external = { kind: 'diverged', theirs, version, changes, merge: null, error: null }
    try {
      const merge = await this.client.api.mergeConf(this.base, this.text, theirs)
      if (this.external?.kind === 'diverged' && this.external.version === version) this.external = { ...this.external, merge }
    } catch (e) {
      if (this.external?.kind === 'diverged' && this.external.version === version) this.external = { ...this.external, error: message(e) }
    }
  }

  private adopt(text: string, version: string): void {
    this.base = text
    this.version = version
    if (this.view) this.view = { ...this.view, text, version }
  }

  /** Clean merge: the new file with my edits on top (merged again now, with what I typed since). */
  async keepMine(): Promise<void> {
    const x = this.external
    if (x?.kind !== 'diverged') return
    try {
      const merge = await this.client.api.mergeConf(this.base, this.text, x.theirs)
      if (merge.conflicts.length) {
        this.external = { ...x, merge }
        return
      }
      this.adopt(x.theirs, x.version)
      this.text = merge.text
      this.external = null
      void this.runCheck()
    } catch (e) {
      this.external = { ...x, error: message(e) }
    }
  }

  /** Conflicts: each resolved by the side chosen (mine, the disk's, or both). */
  resolve(choices: ConflictChoice[]): void {
    const x = this.external
    if (x?.kind !== 'diverged' || !x.merge) return
    this.adopt(x.theirs, x.version)
    this.text = resolveConflicts(x.merge.text, choices)
    this.external = null
    void this.runCheck()
  }

  /** Conflicts: the merged text with its markers, to sort out by hand in the text. */
  editMarkers(): void {
    const x = this.external
    if (x?.kind !== 'diverged' || !x.merge) return
    this.adopt(x.theirs, x.version)
    this.text = x.merge.text
    this.external = null
    void this.runCheck()
  }

  /** Drop my edits: show the file as it is on disk now. */
  takeDisk(): void {
    const x = this.external
    if (x?.kind !== 'diverged') return
    this.adopt(x.theirs, x.version)
    this.text = x.theirs
    this.external = null
    void this.runCheck()
  }

  /** The lab of the file's owner changed state: whether the owner runs, as the main process judges it. */
  ownerState(lab: LabStatus): void {
    const o = this.view?.owner
    if (!o || o.labId !== lab.id) return
    const m = [...lab.nodes, ...lab.sentinels].find((x) => x.name === o.member)
    const running = m ? m.processState === 'RUNNING' || m.processState === 'STARTING' || (m.processState === null && m.reachable) : false
    if (running !== o.running) this.view = { ...this.view!, owner: { ...o, running } }
  }

  dismissNote(): void {
    if (this.external?.kind === 'reloaded' || this.external?.kind === 'deleted') this.external = null
  }

  close(): void {
    this.closed = true
    clearTimeout(this.checkTimer)
    void this.client.api.closeConfFile(this.path).catch(() => {})
  }
}

/** The doctor's findings over one lab's files (and live state). */
export class DoctorReport {
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
