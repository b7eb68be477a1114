// Watches the config files open in editors and says when one changed on disk. Sentinel
// (its config flush) and CONFIG REWRITE replace a file by renaming a temp file over it,
// which ends a watch on the file itself: so the folder is watched, and a change is the
// content's version changing (a touch, or a rewrite to the same bytes, is no change).
// The app's own saves are announced (own / quietly) and never reported back.
import { type FSWatcher, watch } from 'node:fs'
import { basename, dirname } from 'node:path'
import type { ConfChangedEvent } from '../../shared/conf'
import { readConfFile } from './conf-file'

interface Watched {
  /** How many editors hold it open (two windows may open the same file). */
  refs: number
  /** The version last reported (or opened, or saved by the app); null: absent. */
  version: string | null
  timer: NodeJS.Timeout | null
  /** Inside quietly(): changes are the app's own until it ends. */
  quiet: number
}

export class ConfFileWatch {
  private readonly files = new Map<string, Watched>()
  private readonly folders = new Map<string, FSWatcher>()

  constructor(
    private readonly emit: (event: ConfChangedEvent) => void,
    /** Renames and writes come in bursts: look once they settle. */
    private readonly debounceMs = 40,
  ) {}

  /** Start (or keep) watching `path`, whose content is `version` now. */
  open(path: string, version: string | null): void {
    const w = this.files.get(path)
    if (w) {
      w.refs++
      return
    }
    this.files.set(path, { refs: 1, version, timer: null, quiet: 0 })
    this.watchFolder(dirname(path))
  }

  /** One editor closed it; the watch ends with the last one. */
  close(path: string): void {
    const w = this.files.get(path)
    if (!w || --w.refs > 0) return
    if (w.timer) clearTimeout(w.timer)
    this.files.delete(path)
    const folder = dirname(path)
    if (![...this.files.keys()].some((p) => dirname(p) === folder)) {
      this.folders.get(folder)?.close()
      this.folders.delete(folder)
    }
  }

  isOpen(path: string): boolean {
    return this.files.has(path)
  }

  /** The app itself wrote `version`: not an external change. */
  own(path: string, version: string): void {
    const w = this.files.get(path)
    if (w) w.version = version
  }

  /**
   * Run `fn` (a save, and applying it: CONFIG REWRITE and Sentinel rewrite the file too)
   * without reporting what it does to `path`; `fn` answers the version it left on disk.
   * A change made by someone else meanwhile is in that version, and so in what the caller
   * answers its editor.
   */
  async quietly<T>(path: string, fn: () => Promise<{ result: T; version: string | null }>): Promise<T> {
    const w = this.files.get(path)
    if (!w) return (await fn()).result
    w.quiet++
    try {
      const { result, version } = await fn()
      w.version = version
      return result
    } catch (e) {
      // Nothing was saved: a change made by someone else meanwhile is still to report.
      this.touched(dirname(path), basename(path))
      throw e
    } finally {
      w.quiet--
    }
  }

  closeAll(): void {
    for (const w of this.files.values()) if (w.timer) clearTimeout(w.timer)
    for (const f of this.folders.values()) f.close()
    this.files.clear()
    this.folders.clear()
  }

  private watchFolder(folder: string): void {
    if (this.folders.has(folder)) return
    let watcher: FSWatcher
    try {
      watcher = watch(folder, { persistent: false }, (_event, name) => this.touched(folder, name === null ? null : String(name)))
    } catch {
      return // the folder is gone: the file reads as deleted when checked
    }
    watcher.on('error', () => {
      // The folder went away (a lab destroyed): its open files are deleted now.
      watcher.close()
      this.folders.delete(folder)
      this.touched(folder, null)
    })
    this.folders.set(folder, watcher)
  }

  /** Something changed in `folder` (`name`: which entry, when the platform says). */
  private touched(folder: string, name: string | null): void {
    for (const [path, w] of this.files) {
      if (dirname(path) !== folder || (name !== null && basename(path) !== name)) continue
      if (w.timer) clearTimeout(w.timer)
      w.timer = setTimeout(() => this.check(path), this.debounceMs)
    }
  }

  private check(path: string): void {
    const w = this.files.get(path)
    if (!w) return
    w.timer = null
    if (w.quiet > 0) return // quietly() records what it left on disk
    let text: string | null = null
    let version: string | null = null
    try {
      ;({ text, version } = readConfFile(path))
    } catch {
      // Absent (or unreadable): reported as deleted.
    }
    if (version === w.version) return
    w.version = version
    this.emit({ path, text, version })
  }
}
