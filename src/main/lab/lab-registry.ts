// Every lab the app knows: the lab folders under labsRoot() (run here, run by another
// process, or stopped) and the deployments it is attached to. Several labs run side by
// side, each on its own ports. At start-up the folders are read again: a lab that a
// previous run of the app left running (its engine died, its processes did not) is
// cleanly restarted here; a lab that `sentinel-lab up` runs in a terminal is listed as
// running elsewhere and can be attached.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join, resolve, sep } from 'node:path'
import type { AttachTarget, LabListing, LabStatus } from '../../shared/model'
import { APP_LAB_TIMERS, type LabSpecInput, specErrorText, validateSpec } from '../../shared/lab-spec'
import { ApiError } from '../../shared/errors'
import { type RunState, RunStateFile, ownerAlive, stopSurvivors, survivors } from '../supervisor/recovery'
import { AttachedLab, type AttachSource, addressSource } from './attached-lab'
import { labsRoot, readLab } from './blueprint'
import type { Lab } from './layout'
import { OwnedLab } from './owned-lab'
import { liveOwner } from './owner'

type Controller = OwnedLab | AttachedLab

export class LabRegistry {
  private readonly labs = new Map<string, Controller>()
  private attachCount = 0
  private readonly attaching = new Map<string, Promise<LabStatus>>()

  constructor(
    private readonly emitLab: (status: LabStatus) => void,
    private readonly emitList: (list: LabListing[]) => void,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get root(): string {
    return labsRoot(this.env)
  }

  /** Read the labs folder; restart the labs a previous run of the app left running. */
  async discover(): Promise<void> {
    const restarts: Promise<unknown>[] = []
    for (const id of this.folderIds()) {
      if (this.labs.has(id)) continue
      const dir = join(this.root, id)
      if (leftRunning(dir)) {
        const lab = this.owned(dir)
        lab.note('restart', 'this lab was left running by a previous run of the app: restarted cleanly')
        restarts.push(lab.run(null))
      }
    }
    this.changed()
    await Promise.all(restarts)
  }

  list(): LabListing[] {
    const out: LabListing[] = []
    const seen = new Set<string>()
    for (const c of this.labs.values()) {
      out.push(c.listing())
      seen.add(c.id)
    }
    for (const id of this.folderIds()) {
      if (seen.has(id)) continue
      const dir = join(this.root, id)
      const owner = liveOwner(dir)
      let name = id
      try {
        name = readLab(dir).spec.name
      } catch {
        // An unreadable lab.json still lists (it can be destroyed); startLab says what is wrong.
      }
      out.push({ id, kind: 'owned', name, dir, state: owner ? 'healthy' : 'stopped', runningElsewhere: owner ? { pid: owner.pid } : null, createdAt: null })
    }
    for (const l of out) if (l.dir && l.createdAt === null) l.createdAt = createdAt(l.dir)
    return out.sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0) || a.id.localeCompare(b.id))
  }

  get(id: string): LabStatus {
    const c = this.labs.get(id)
    if (c) return c.status()
    // A look, not a claim: the folder may be run by `sentinel-lab up` elsewhere.
    return new OwnedLab(this.folder(id), () => {}).status()
  }

  async create(spec: LabSpecInput): Promise<LabStatus> {
    // Unnamed labs get a name no other lab has (lab, lab-2, ...): the list and dialogs name them.
    const taken = new Set(this.list().map((l) => l.name))
    let name = spec.name ?? 'lab'
    for (let i = 2; spec.name === undefined && taken.has(name); i++) name = `lab-${i}`
    const full = { ...spec, name, timers: spec.timers ?? APP_LAB_TIMERS }
    const errors = validateSpec(full)
    if (errors.length > 0) throw new ApiError(specErrorText(errors), 'invalid-argument')
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')
    const dir = join(this.root, `${full.name}-${stamp}-${Math.random().toString(36).slice(2, 6)}`)
    const lab = this.owned(dir)
    this.changed()
    return lab.run(full)
  }

  async start(id: string): Promise<LabStatus> {
    const dir = this.folder(id)
    const owner = liveOwner(dir)
    if (owner && owner.pid !== process.pid) {
      throw new ApiError(`${id} is running under another process (pid ${owner.pid}, sentinel-lab up): attach to it, or stop it there first`, 'failed')
    }
    return this.owned(dir).run(null)
  }

  async stop(id: string): Promise<LabStatus> {
    const c = this.require(id)
    const status = await c.stop()
    if (c instanceof AttachedLab) {
      await c.shutdown()
      this.labs.delete(id)
    }
    this.changed()
    return status
  }

  /**
   * Stop the lab and delete its folder (only a lab folder inside labsRoot, holding
   * lab.json). Refused while another process runs it; what a dead engine left running is
   * stopped first, so no process outlives its folder.
   */
  async destroy(id: string): Promise<void> {
    const dir = this.folder(id)
    const owner = liveOwner(dir)
    if (owner && owner.pid !== process.pid) throw new ApiError(`${id} is running under another process (pid ${owner.pid}): stop it there first`, 'failed')
    const engine = otherEngine(dir)
    if (engine) throw new ApiError(`${id} is running under another Sentinel Lab (pid ${engine}): stop it there first`, 'failed')
    try {
      const c = this.labs.get(id)
      if (c) {
        await c.shutdown()
        this.labs.delete(id)
      }
      await stopLeftovers(dir)
      if (!existsSync(join(dir, 'lab.json'))) return // never written (a create that failed early): nothing to delete
      // Rename first: the folder leaves the list at once, even if deleting a large one takes a while.
      const doomed = join(this.root, `.destroying-${id}-${process.pid}`)
      renameSync(dir, doomed)
      rmSync(doomed, { recursive: true, force: true })
    } finally {
      this.changed()
    }
  }

  async attach(target: AttachTarget): Promise<LabStatus> {
    const source = target.kind === 'folder' ? this.folderSource(target.id) : addressSource(`attached-${++this.attachCount}`, target)
    const existing = this.labs.get(source.id)
    if (existing instanceof AttachedLab) return existing.status()
    if (existing && !existing.idle) throw new ApiError(`${source.id} is running here already`, 'failed')
    // Two attaches at once (two windows) share one watcher.
    const pending = this.attaching.get(source.id)
    if (pending) return pending
    const lab = new AttachedLab(source, this.emitLab, () => this.changed())
    const run = lab.attach().then(
      (status) => {
        // An idle view of the folder (a lab the app ran before) gives way to the attached one.
        this.labs.set(source.id, lab)
        this.changed()
        return status
      },
      async (e: unknown) => {
        await lab.shutdown()
        throw e
      },
    )
    this.attaching.set(source.id, run)
    try {
      return await run
    } finally {
      this.attaching.delete(source.id)
    }
  }

  /**
   * The lab whose folder holds `path`, found without reading any lab folder: a lab run or
   * attached here first (an attached lab folder answers as the attached lab), else the
   * folder of the labs root the path lies in. Null: no lab's.
   */
  labOfPath(path: string): string | null {
    const abs = resolve(path)
    for (const c of this.labs.values()) {
      const dir = c.listing().dir
      if (dir && abs.startsWith(resolve(dir) + sep)) return c.id
    }
    const root = resolve(this.root) + sep
    if (!abs.startsWith(root)) return null
    const id = abs.slice(root.length).split(sep)[0]
    return id && existsSync(join(root, id, 'lab.json')) ? id : null
  }

  /**
   * Whether a member's process runs now: supervised here, or answering (an attached lab).
   * A lab neither run nor attached here runs nothing this app can act on.
   */
  memberRunning(id: string, member: string): boolean {
    const c = this.labs.get(id)
    if (!c) return false
    const status = c.status()
    const m = [...status.nodes, ...status.sentinels].find((x) => x.name === member)
    // STARTING too: a lab is healthy before its processes have stayed up startsecs.
    return !!m && (m.processState === 'RUNNING' || m.processState === 'STARTING' || (m.processState === null && m.reachable))
  }

  /** The lab folder's layout (owned labs, and attached lab folders). */
  layout(id: string): Lab {
    const c = this.labs.get(id)
    const known = c instanceof OwnedLab ? c.layout : c instanceof AttachedLab ? c.folderLab : null
    return known ?? readLab(this.folder(id))
  }

  owned(dir: string): OwnedLab {
    const id = dir.slice(dir.lastIndexOf(sep) + 1)
    const existing = this.labs.get(id)
    if (existing instanceof OwnedLab) return existing
    if (existing) throw new ApiError(`${id} is attached, not run by the app`, 'failed')
    const lab = new OwnedLab(dir, this.emitLab, () => this.changed())
    this.labs.set(id, lab)
    return lab
  }

  /** The lab run or attached here, or null (a lab folder that is not running). */
  find(id: string): OwnedLab | AttachedLab | null {
    return this.labs.get(id) ?? null
  }

  require(id: string): Controller {
    const c = this.labs.get(id)
    if (!c) {
      this.folder(id)
      throw new ApiError(`the lab ${id} is not running`, 'failed')
    }
    return c
  }

  requireOwned(id: string): OwnedLab {
    const c = this.require(id)
    if (!(c instanceof OwnedLab)) throw new ApiError(`${id} is attached (monitor only): the app does not run its processes`, 'failed')
    return c
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.labs.values()].map((c) => c.shutdown()))
  }

  private changed(): void {
    this.emitList(this.list())
  }

  /** The folder of an owned lab; not-found when there is no such lab. */
  private folder(id: string): string {
    const dir = resolve(this.root, id)
    if (!dir.startsWith(this.root + sep) || !existsSync(join(dir, 'lab.json'))) {
      if (!this.labs.has(id)) throw new ApiError(`no lab ${id} in ${this.root}`, 'not-found')
    }
    return dir
  }

  private folderIds(): string[] {
    try {
      return readdirSync(this.root, { withFileTypes: true })
        .filter((d) => d.isDirectory() && !d.name.startsWith('.') && existsSync(join(this.root, d.name, 'lab.json')))
        .map((d) => d.name)
    } catch {
      return []
    }
  }

  private folderSource(id: string): AttachSource {
    const dir = this.folder(id)
    const owner = liveOwner(dir)
    if (!owner) throw new ApiError(`${id} is not running anywhere: start it instead`, 'failed')
    const lab = readLab(dir)
    return {
      id, name: lab.spec.name, origin: `sentinel-lab up, pid ${owner.pid}`, lab,
      sentinels: lab.sentinels.map((s) => ({ host: s.linkHost, port: s.port })), masterName: lab.masterName, password: lab.password,
    }
  }
}

/** The supervisor run-state files of a lab folder (one per engine that ran it). */
function runStates(dir: string): RunState[] {
  const stateDir = join(dir, 'state')
  try {
    return readdirSync(stateDir).filter((f) => f.endsWith('.json'))
      .map((f) => new RunStateFile(join(stateDir, f)).read())
      .filter((x): x is RunState => x !== null)
  } catch {
    return []
  }
}

/** Processes recorded by an engine that is gone: the app that ran this lab died. */
function leftRunning(dir: string): boolean {
  return runStates(dir).some((s) => !ownerAlive(s) && s.enginePid !== process.pid && survivors(s).length > 0)
}

/** The pid of another live engine (an app, `serve`, `up`) that runs this lab, if any. */
function otherEngine(dir: string): number | null {
  return runStates(dir).find((s) => ownerAlive(s) && survivors(s).length > 0)?.enginePid ?? null
}

/** Stop what a dead engine left running in this lab (checked by pid and start time). */
async function stopLeftovers(dir: string): Promise<void> {
  const left = runStates(dir).filter((s) => !ownerAlive(s)).flatMap((s) => survivors(s))
  if (left.length > 0) await stopSurvivors(left, 5000)
}

function createdAt(dir: string): number | null {
  try {
    return statSync(join(dir, 'lab.json')).birthtimeMs || statSync(join(dir, 'lab.json')).mtimeMs
  } catch {
    return null
  }
}
