// The log dock: one pane per followed log (a program's stdout or stderr, a lab member's
// log), shown as tabs. Each pane follows its file through followLog / 'log' events and
// keeps at most LINE_CAP entries (the oldest go; they stay in the file). Its search and
// level filter apply as lines arrive. After the web bridge reconnects every pane follows
// again, joining the re-read tail onto what it showed.
import type { LogBatch, LogFollowStart, LogSource } from '../../shared/model'
import { ApiError, type ApiClient } from './api-client'
import {
  appendCapped,
  compileQuery,
  type CompiledQuery,
  IncrementalFilter,
  LINE_CAP,
  type LogEntry,
  markerText,
  mergeTail,
  toEntries,
} from './log-view'

/** Lines asked for when a pane opens (and again after a reconnect). */
const TAIL_LINES = 2000
/** Lines remembered to find where to go on after a reconnect. */
const RECENT = 40
const HEIGHT_KEY = 'sentinel-lab:log-dock-height'
export const MIN_HEIGHT = 140

type PaneStatus = 'starting' | 'following' | 'disconnected' | 'error'

const message = (e: unknown): string => (e instanceof ApiError ? e.message : e instanceof Error ? e.message : String(e))

function sourceKey(s: LogSource): string {
  return s.kind === 'program' ? `program\u0000${s.name}\u0000${s.channel}` : `lab\u0000${s.lab}\u0000${s.member}`
}

let panes = 0

export class LogPane {
  readonly key: string
  /** For element ids. */
  readonly uid = ++panes
  /** The tab's name: the program or the member. */
  readonly title: string
  /** What else tells it apart: "stdout" / "stderr", the lab's name. */
  readonly detail: string

  status = $state<PaneStatus>('starting')
  error = $state<string | null>(null)
  path = $state<string | null>(null)
  entries = $state.raw<LogEntry[]>([])
  /** The file held lines before the first ones shown. */
  truncatedHead = $state(false)
  /** Entries dropped from the view to keep it at LINE_CAP. */
  dropped = $state(0)
  /** The view was cleared at least once (the file was not). */
  cleared = $state(false)
  /** Some lines are in Redis's format: the level filter applies. */
  redis = $state(false)
  /** Lines that came in 'log' batches (not the tail read on opening), and lines the main
   *  process skipped for this pane (back-pressure): on the pane's element for bench/logflood. */
  linesReceived = $state(0)
  linesSkipped = $state(0)

  // What is shown.
  query = $state('')
  regex = $state(false)
  matchCase = $state(false)
  /** true: only the matching lines; false: every line, the matches highlighted. */
  onlyMatching = $state(true)
  /** Lowest Redis level shown (0 debug .. 3 warning); -1: every line. */
  minLevel = $state(-1)
  wrap = $state(true)
  /** Sticks to the newest line; false while the user reads further up. */
  following = $state(true)
  /** The seq of the last entry seen when following stopped. */
  pausedAt = $state(-1)
  /** A line to scroll to and highlight (a timeline entry's, asked from the Lab screen); the view takes it. */
  revealRequest = $state<{ seq: number; n: number } | null>(null)

  compiled: CompiledQuery = $derived(compileQuery({ text: this.query, regex: this.regex, matchCase: this.matchCase }))
  matcher = $derived(this.compiled.ok ? this.compiled.matcher : null)

  private readonly shownFilter = new IncrementalFilter()
  private readonly matchFilter = new IncrementalFilter()

  /** The entries on screen: markers always, lines by level and (if only matching) by search. */
  shown: LogEntry[] = $derived.by(() => {
    const m = this.matcher
    const min = this.minLevel
    const filterText = this.onlyMatching && m !== null
    if (!filterText && min < 0) return this.entries
    const key = `${min}|${filterText ? m.key : ''}`
    return this.shownFilter.update(this.entries, key, (e) => e.kind !== 'line' || ((min < 0 || e.level < 0 || e.level >= min) && (!filterText || m.test(e.text))))
  })

  /** The lines that match the search (within the level filter). */
  matches: LogEntry[] = $derived.by(() => {
    const m = this.matcher
    if (!m) return []
    const min = this.minLevel
    return this.matchFilter.update(this.entries, `${min}|${m.key}`, (e) => e.kind === 'line' && (min < 0 || e.level < 0 || e.level >= min) && m.test(e.text))
  })

  followId: number | null = null
  private seq = 0
  /** The last lines received (even if cleared since), to join a re-read tail onto. */
  private recent: string[] = []
  private generation = 0
  private closed = false
  /** Who waits for the first lines (or the error). */
  private waiters: (() => void)[] = []

  readonly source: LogSource

  /** The desktop app can show the file in the file manager; a browser cannot (the path is offered to copy). */
  get canReveal(): boolean {
    return this.dock.client.transport === 'electron'
  }

  /** Show the file in its folder (Electron). */
  revealFile(): Promise<boolean> {
    return this.dock.client.api.revealLog(this.source)
  }

  constructor(
    source: LogSource,
    private readonly dock: LogDock,
    labName?: string,
  ) {
    this.source = { ...source }
    this.key = sourceKey(source)
    if (source.kind === 'program') {
      this.title = source.name
      this.detail = source.channel
    } else {
      this.title = source.member
      this.detail = labName ?? source.lab
    }
  }

  /** Start (or start again) following the file. */
  async follow(again: boolean): Promise<void> {
    const gen = ++this.generation
    this.dock.forget(this)
    this.followId = null
    this.status = 'starting'
    this.error = null
    let r: LogFollowStart
    try {
      r = await this.dock.client.api.followLog(this.source, TAIL_LINES)
    } catch (e) {
      if (gen !== this.generation || this.closed) return
      this.status = 'error'
      this.error = message(e)
      this.settle()
      return
    }
    if (gen !== this.generation || this.closed) {
      void this.dock.client.api.unfollowLog(r.id).catch(() => {})
      return
    }
    this.followId = r.id
    this.path = r.path
    if (again && this.recent.length) {
      const { fresh, overlap } = mergeTail(this.recent, r.lines)
      this.push([{ kind: 'reconnected', text: markerText('reconnected', overlap ? fresh.length : 0) }], fresh)
    } else {
      this.truncatedHead = r.truncated
      this.push([], r.lines)
    }
    this.status = 'following'
    this.dock.register(r.id, this)
    this.settle()
  }

  /** Resolves once the pane shows the lines it read (or could not follow the file). */
  loaded(): Promise<void> {
    if (this.status === 'following' || this.status === 'error' || this.closed) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  private settle(): void {
    const w = this.waiters
    this.waiters = []
    w.forEach((f) => f())
  }

  /** Ask the view to scroll to this entry and highlight it. */
  reveal(seq: number): void {
    this.revealRequest = { seq, n: (this.revealRequest?.n ?? 0) + 1 }
  }

  /** New lines of the followed file. */
  apply(b: LogBatch): void {
    const markers: { kind: 'rotated' | 'skipped'; text: string }[] = []
    if (b.rotated) markers.push({ kind: 'rotated', text: markerText('rotated') })
    if (b.skipped > 0) markers.push({ kind: 'skipped', text: markerText('skipped', b.skipped) })
    this.linesReceived += b.lines.length
    this.linesSkipped += b.skipped
    this.push(markers, b.lines)
  }

  private push(markers: { kind: Exclude<LogEntry['kind'], 'line'>; text: string }[], lines: readonly string[]): void {
    if (markers.length === 0 && lines.length === 0) return
    const added: LogEntry[] = markers.map((m) => ({ seq: this.seq++, kind: m.kind, text: m.text, level: -1 }))
    const fresh = toEntries(lines, this.seq)
    this.seq += fresh.length
    added.push(...fresh)
    if (!this.redis && fresh.some((e) => e.level >= 0)) this.redis = true
    const { entries, dropped } = appendCapped(this.entries, added, LINE_CAP)
    this.entries = entries
    if (dropped) this.dropped += dropped
    if (lines.length) this.recent = this.recent.concat(lines.slice(-RECENT)).slice(-RECENT)
  }

  /** Empty the view; the file is not touched and what it writes next shows. */
  clear(): void {
    this.dropped += this.entries.length
    this.entries = []
    this.cleared = true
    this.following = true
  }

  pause(): void {
    if (!this.following) return
    this.following = false
    this.pausedAt = this.shown[this.shown.length - 1]?.seq ?? -1
  }

  resume(): void {
    this.following = true
  }

  /** The connection went away: this follow is gone with it. */
  disconnected(): void {
    // The bridge ends a page's follows when its connection goes: this id is dead.
    this.dock.forget(this)
    this.followId = null
    if (this.status === 'following' || this.status === 'starting') this.status = 'disconnected'
  }

  close(): void {
    this.closed = true
    this.settle()
    this.generation++
    this.dock.forget(this)
    if (this.followId !== null) void this.dock.client.api.unfollowLog(this.followId).catch(() => {})
    this.followId = null
  }
}

interface Stashed {
  at: number
  batch: LogBatch
}

export class LogDock {
  panes = $state.raw<LogPane[]>([])
  activeKey = $state<string | null>(null)
  height = $state(readHeight())
  collapsed = $state(false)
  /** Bumped to ask the dock to move the focus to the active tab. */
  focusRequest = $state(0)

  active = $derived(this.panes.find((p) => p.key === this.activeKey) ?? null)

  private readonly byId = new Map<number, LogPane>()
  /** Batches that came before their followLog answered (the transports may reorder them). */
  private stash: Stashed[] = []

  constructor(readonly client: ApiClient) {}

  /** Subscribe. Returns the teardown (which unfollows every pane). */
  start(): () => void {
    let wasOpen = false
    const offs = [
      this.client.on('log', (b) => this.onBatch(b)),
      this.client.onStatus((s) => {
        if (s.state === 'reconnecting' && wasOpen) for (const p of this.panes) p.disconnected()
        wasOpen = s.state === 'open'
      }),
      this.client.onReconnect(() => {
        for (const p of this.panes) void p.follow(true)
      }),
    ]
    return () => {
      offs.forEach((off) => off())
      for (const p of this.panes) p.close()
    }
  }

  /** Open a pane for this source, or bring its tab forward if it is open already. `labName` names a lab's tab. */
  open(source: LogSource, labName?: string): void {
    const key = sourceKey(source)
    let pane = this.panes.find((p) => p.key === key)
    if (!pane) {
      pane = new LogPane(source, this, labName)
      this.panes = [...this.panes, pane]
      void pane.follow(false)
    }
    this.activeKey = key
    this.collapsed = false
    this.focusRequest++
  }

  /**
   * Open (or bring forward) this source's pane and, once its lines are read, scroll to the
   * entry `find` picks and highlight it. A line written a moment ago may not have come yet:
   * it is looked for again for a little while. Answers the pane, and whether it was found.
   */
  async reveal(source: LogSource, labName: string | undefined, find: (entries: readonly LogEntry[]) => LogEntry | null, waitMs = 1500): Promise<{ pane: LogPane; found: boolean }> {
    this.open(source, labName)
    const pane = this.panes.find((p) => p.key === sourceKey(source))!
    await pane.loaded()
    const until = Date.now() + waitMs
    for (;;) {
      const hit = pane.status === 'following' ? find(pane.entries) : null
      if (hit) {
        pane.reveal(hit.seq)
        return { pane, found: true }
      }
      if (Date.now() >= until || pane.status === 'error' || !this.panes.includes(pane)) return { pane, found: false }
      await new Promise((r) => setTimeout(r, 250))
    }
  }

  isOpen(source: LogSource): boolean {
    const key = sourceKey(source)
    return this.panes.some((p) => p.key === key)
  }

  select(key: string): void {
    this.activeKey = key
    this.collapsed = false
  }

  close(key: string): void {
    const i = this.panes.findIndex((p) => p.key === key)
    if (i < 0) return
    this.panes[i]!.close()
    const rest = this.panes.filter((p) => p.key !== key)
    this.panes = rest
    if (this.activeKey === key) this.activeKey = (rest[i] ?? rest[i - 1])?.key ?? null
  }

  setHeight(h: number): void {
    this.height = Math.max(MIN_HEIGHT, Math.round(h))
    try {
      localStorage.setItem(HEIGHT_KEY, String(this.height))
    } catch {
      // Not kept; fine.
    }
  }

  register(id: number, pane: LogPane): void {
    this.byId.set(id, pane)
    const mine = this.stash.filter((s) => s.batch.id === id)
    if (mine.length) {
      this.stash = this.stash.filter((s) => s.batch.id !== id)
      for (const s of mine) pane.apply(s.batch)
    }
  }

  forget(pane: LogPane): void {
    if (pane.followId !== null && this.byId.get(pane.followId) === pane) this.byId.delete(pane.followId)
  }

  private onBatch(b: LogBatch): void {
    const pane = this.byId.get(b.id)
    if (pane) return pane.apply(b)
    // Not known (yet): keep it a little while, in case its followLog is still answering.
    const now = Date.now()
    this.stash = this.stash.filter((s) => now - s.at < 10_000).slice(-200)
    this.stash.push({ at: now, batch: b })
  }
}

function readHeight(): number {
  try {
    const v = Number(localStorage.getItem(HEIGHT_KEY))
    if (Number.isFinite(v) && v >= MIN_HEIGHT) return v
  } catch {
    // No storage: the default.
  }
  return 300
}
