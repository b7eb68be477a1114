// A config editor's file changed on disk under it (a 'conf' event, a doctor's fix, a save
// refused as based on an old version, a reconnect): reload quietly when there is nothing to
// lose, else merge the edits onto the new file, the conflicts put to the user in the banner.
// Also the rebase after a save the disk rewrote (Sentinel's SENTINEL SET) while the user typed.
// The state is the banner's (`current`); the text, base and version are the editor's.
import type { ConfChangedEvent, ConfFileView, MergeResult } from '../../shared/conf'
import { changedLines, type ConflictChoice, type LineChange, resolveConflicts } from './text-diff'
import type { ApiClient } from './api-client'

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/** The file changed on disk under the editor. */
export type ExternalChange =
  /** Nothing was unsaved: the editor shows the new file; a short note says so. */
  | { kind: 'reloaded'; changes: LineChange[]; at: number; cause: string | null }
  /** Unsaved edits and a new file on disk: merged (clean or with conflicts), or merging. */
  | { kind: 'diverged'; theirs: string; version: string; changes: LineChange[]; merge: MergeResult | null; error: string | null }
  | { kind: 'deleted' }

/** What the handling reads and writes of its editor. */
export interface EditedFile {
  readonly path: string
  view: ConfFileView | null
  /** The text on disk the edits are based on, and its version. */
  base: string
  version: string
  /** The editor's text. */
  text: string
  readonly dirty: boolean
  loadError: string | null
  /** The editor was closed: late answers are dropped. */
  readonly isClosed: boolean
  /** A doctor's fix changed the file: the note of the last save is gone. */
  forgetLastSave(): void
  runCheck(): Promise<unknown>
}

export class ExternalChanges {
  /** What the banner shows, or null. */
  current = $state.raw<ExternalChange | null>(null)
  /** Edits typed during a save are being merged onto what was saved: until then base and version disagree. */
  rebasing = $state(false)

  constructor(
    private readonly file: EditedFile,
    private readonly client: ApiClient,
  ) {}

  /** The user typed: a "reloaded" note is done with. */
  edited(): void {
    if (this.current?.kind === 'reloaded') this.current = null
  }

  /**
   * My edits were made on `sent`, and the disk now holds `saved` (my save, then rewritten):
   * merged on top of it, quietly when they touch different lines, else the conflicts are
   * put to the user as for any change on disk.
   */
  async rebase(sent: string, saved: string, version: string): Promise<void> {
    const f = this.file
    this.rebasing = true
    try {
      let mine: string
      let merge: MergeResult
      // Typed again while merging: merge again, with that.
      do {
        mine = f.text
        merge = await this.client.api.mergeConf(sent, mine, saved)
        if (f.isClosed || f.version !== version || this.current?.kind === 'diverged') return
      } while (f.text !== mine)
      if (!merge.conflicts.length) {
        f.base = saved
        f.text = merge.text
        void f.runCheck()
        return
      }
      this.current = { kind: 'diverged', theirs: saved, version, changes: changedLines(sent, saved), merge, error: null }
    } catch (e) {
      if (f.isClosed || f.version !== version || this.current?.kind === 'diverged') return
      this.current = { kind: 'diverged', theirs: saved, version, changes: changedLines(sent, saved), merge: null, error: message(e) }
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
    const f = this.file
    try {
      const v = await this.client.api.openConfFile(f.path)
      if (!rewatch || f.isClosed) void this.client.api.closeConfFile(f.path).catch(() => {})
      await this.onDisk({ path: f.path, text: v.text, version: v.version })
    } catch (e) {
      f.loadError = message(e)
    }
  }

  /** `cause`: what changed it, when the app knows (a doctor's fix). */
  async onDisk(ev: ConfChangedEvent, cause: string | null = null): Promise<void> {
    const f = this.file
    if (!f.view) return
    if (ev.text === null || ev.version === null) {
      this.current = { kind: 'deleted' }
      return
    }
    if (ev.version === f.version) return
    const changes = changedLines(f.base, ev.text)
    if (!f.dirty) {
      this.adopt(ev.text, ev.version)
      f.text = ev.text
      this.current = { kind: 'reloaded', changes, at: Date.now(), cause }
      if (cause) f.forgetLastSave()
      void f.runCheck()
      return
    }
    const theirs = ev.text
    const version = ev.version
    this.current = { kind: 'diverged', theirs, version, changes, merge: null, error: null }
    try {
      const merge = await this.client.api.mergeConf(f.base, f.text, theirs)
      if (this.current?.kind === 'diverged' && this.current.version === version) this.current = { ...this.current, merge }
    } catch (e) {
      if (this.current?.kind === 'diverged' && this.current.version === version) this.current = { ...this.current, error: message(e) }
    }
  }

  private adopt(text: string, version: string): void {
    const f = this.file
    f.base = text
    f.version = version
    if (f.view) f.view = { ...f.view, text, version }
  }

  /** Take the disk's file as the base, `text` as the editor's, and close the banner. */
  private settle(x: Extract<ExternalChange, { kind: 'diverged' }>, text: string): void {
    this.adopt(x.theirs, x.version)
    this.file.text = text
    this.current = null
    void this.file.runCheck()
  }

  /** Clean merge: the new file with my edits on top (merged again now, with what I typed since). */
  async keepMine(): Promise<void> {
    const x = this.current
    if (x?.kind !== 'diverged') return
    try {
      const merge = await this.client.api.mergeConf(this.file.base, this.file.text, x.theirs)
      if (merge.conflicts.length) {
        this.current = { ...x, merge }
        return
      }
      this.settle(x, merge.text)
    } catch (e) {
      this.current = { ...x, error: message(e) }
    }
  }

  /** Conflicts: each resolved by the side chosen (mine, the disk's, or both). */
  resolve(choices: ConflictChoice[]): void {
    const x = this.current
    if (x?.kind !== 'diverged' || !x.merge) return
    this.settle(x, resolveConflicts(x.merge.text, choices))
  }

  /** Conflicts: the merged text with its markers, to sort out by hand in the text. */
  editMarkers(): void {
    const x = this.current
    if (x?.kind !== 'diverged' || !x.merge) return
    this.settle(x, x.merge.text)
  }

  /** Drop my edits: show the file as it is on disk now. */
  takeDisk(): void {
    const x = this.current
    if (x?.kind !== 'diverged') return
    this.settle(x, x.theirs)
  }

  /** Close a note (reloaded, deleted); a divergence stays until resolved. */
  dismissNote(): void {
    if (this.current?.kind === 'reloaded' || this.current?.kind === 'deleted') this.current = null
  }
}
