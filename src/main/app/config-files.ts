// The config-editing half of the API: which files can be edited (a known lab's lab.ini,
// redis.conf and sentinel.conf files; the open supervisor configuration's files: nothing
// else), reading them for an editor and watching them, checking a text as it is typed,
// saving (validated, conflict-checked, atomic, backed up) and applying, and the doctor.
import { dirname, relative, resolve } from 'node:path'
import type {
  ApplyOutcome,
  ConfChangedEvent,
  ConfCheck,
  ConfDiagnostic,
  ConfEdit,
  ConfFileRef,
  ConfFileView,
  ConfSaveResult,
  ConfSchema,
  DoctorFinding,
  MergeResult,
} from '../../shared/conf'
import { ApiError } from '../../shared/errors'
import type { LabRegistry } from '../lab/lab-registry'
import type { Lab } from '../lab/layout'
import { type DoctorFile, diagnoseFiles, diagnoseLive } from '../doctor'
import type { Supervisor } from '../supervisor/supervisor'
import { carryOut } from '../conf/apply-live'
import { type PlannedApply, planApply, publicPlan } from '../conf/apply-plan'
import { type ConfFileOnDisk, ConflictError, NotTextError, readConfFile, saveConfFile } from '../conf/conf-file'
import { ConfFileWatch } from '../conf/file-watch'
import { EditError, applyEdits, fileDiagnostics } from '../conf/file-edits'
import { PROGRAM_KEYS } from '../supervisor/ini-schema'
import { merge3 } from '../conf/merge3'
import { RedisConfDocument } from '../conf/redis-doc'
import { REDIS_DIRECTIVES, SENTINEL_DIRECTIVES } from '../conf/schema'
import { releaseForFile } from '../lab/server-version'

/** A file the API may touch, and what reads it. */
interface Located {
  ref: ConfFileRef
  /** The files the doctor reads with it: its lab's, or the open configuration's. */
  group: ConfFileRef[]
  lab: { id: string; layout: Lab } | null
}

export class ConfService {
  private readonly watch: ConfFileWatch

  constructor(
    private readonly labs: LabRegistry,
    private readonly supervisor: Supervisor,
    emit: (event: ConfChangedEvent) => void,
  ) {
    this.watch = new ConfFileWatch(emit)
  }

  listConfFiles(labId: string | null): ConfFileRef[] {
    if (labId === null) return this.supervisorFiles()
    const layout = this.layoutOf(labId)
    return layout ? labFiles(layout) : []
  }

  openConfFile(path: string): ConfFileView {
    const at = this.locate(path)
    const first = this.read(at)
    this.watch.open(at.ref.path, first.version)
    // A change between the read and the watch's start would go unseen: read again.
    const disk = this.read(at)
    if (disk.version !== first.version) this.watch.own(at.ref.path, disk.version)
    return this.view(at, disk)
  }

  closeConfFile(path: string): void {
    this.watch.close(resolve(path))
  }

  checkConf(path: string, text: string): ConfCheck {
    const at = this.locate(path)
    const disk = this.tryRead(at.ref.path)
    return {
      diagnostics: diagnose(at, text),
      findings: this.findings(at, text),
      plan: publicPlan(this.plan(at, disk?.text ?? '', text)),
    }
  }

  async saveConfFile(path: string, text: string, baseVersion: string, apply: boolean): Promise<ConfSaveResult> {
    const at = this.locate(path)
    refuseErrors(at, text)
    const file = at.ref.path
    return this.watch.quietly(file, async () => {
      const disk = this.tryRead(file)
      if (!disk) throw new ApiError(`${at.ref.label} was deleted on disk after it was opened: nothing saved`, 'conflict')
      // The same text on both sides (the change made twice) is no conflict: nothing to write.
      if (disk.version !== baseVersion && disk.text !== text) throw conflict(at.ref)
      const planned = this.plan(at, disk.text, text)
      let saved: { version: string; backup: string | null }
      try {
        saved = saveConfFile(file, text, disk.version)
      } catch (e) {
        if (e instanceof ConflictError) throw conflict(at.ref)
        throw e
      }
      this.watch.own(file, saved.version)
      const applied: ApplyOutcome[] = apply ? await this.apply(at, planned, disk.text) : []
      // Sentinel's own flush (after SENTINEL SET) rewrites the file: answer what the disk holds now.
      const now = this.read(at)
      return { result: { view: this.view(at, now), backup: saved.backup, applied }, version: now.version }
    })
  }

  mergeConf(base: string, mine: string, theirs: string): MergeResult {
    return merge3(base, mine, theirs)
  }

  getConfSchema(): ConfSchema {
    return { redis: [...REDIS_DIRECTIVES], sentinel: [...SENTINEL_DIRECTIVES], program: [...PROGRAM_KEYS] }
  }

  async runDoctor(labId: string): Promise<DoctorFinding[]> {
    const layout = this.layoutOf(labId)
    if (!layout) return []
    const files = this.doctorFiles(labFiles(layout))
    const state = this.labs.get(labId).state
    return state === 'healthy' || state === 'degraded' ? diagnoseLive(files) : diagnoseFiles(files)
  }

  /**
   * A doctor fix: every file's edits made on a fresh read and checked before any file is
   * written, so a rejected edit changes nothing.
   */
  async applyConfEdits(edits: ConfEdit[]): Promise<ConfFileView[]> {
    const perFile = new Map<string, { at: Located; edits: ConfEdit[] }>()
    for (const e of edits) {
      const at = this.locate(e.file)
      const entry = perFile.get(at.ref.path) ?? { at, edits: [] }
      entry.edits.push(e)
      perFile.set(at.ref.path, entry)
    }
    const writes = [...perFile.values()].map(({ at, edits: mine }) => {
      const disk = this.read(at)
      const text = edited(at.ref, disk.text, mine)
      refuseErrors(at, text)
      return { at, disk, text }
    })
    const views: ConfFileView[] = []
    for (const w of writes) {
      const r = await this.saveConfFile(w.at.ref.path, w.text, w.disk.version, false)
      views.push(r.view)
    }
    return views
  }

  /** Whether some editor holds `path` open (and so it is watched). */
  isOpen(path: string): boolean {
    return this.watch.isOpen(resolve(path))
  }

  /** The editors went away (the app quits). */
  close(): void {
    this.watch.closeAll()
  }

  /** A lab's folder layout; null for a deployment attached by address (its files are on its own machines). */
  private layoutOf(labId: string): Lab | null {
    const listing = this.labs.list().find((l) => l.id === labId)
    if (listing && !listing.dir) return null
    return this.labs.layout(labId)
  }

  /**
   * Only a file listConfFiles would list; anything else is not-found. Runs on every check
   * as the user types: it reads the one lab folder the path lies in, not every lab's.
   */
  private locate(path: string): Located {
    const abs = resolve(path)
    const supervisor = this.supervisorFiles()
    const own = supervisor.find((f) => f.path === abs)
    if (own) return { ref: own, group: supervisor, lab: null }
    const id = this.labs.labOfPath(abs)
    let layout: Lab | null = null
    try {
      layout = id === null ? null : this.labs.layout(id)
    } catch {
      // an unreadable lab.json: its files are not offered
    }
    const files = layout ? labFiles(layout) : []
    const ref = files.find((f) => f.path === abs)
    if (ref && layout) return { ref, group: files, lab: { id: id!, layout } }
    throw new ApiError(`${path.slice(0, 512)} is not a config file of a lab or of the open configuration`, 'not-found')
  }

  private supervisorFiles(): ConfFileRef[] {
    const snap = this.supervisor.snapshot()
    if (!snap.configPath) return []
    const base = snap.files.length === 1 && resolve(snap.files[0]) === resolve(snap.configPath) ? dirname(snap.configPath) : snap.configPath
    return snap.files.map((f) => {
      const path = resolve(f)
      return { path, kind: 'supervisor', label: relative(base, path) || path, secret: false }
    })
  }

  private read(at: Located): ConfFileOnDisk {
    const disk = this.tryRead(at.ref.path)
    if (!disk) throw new ApiError(`${at.ref.label} does not exist on disk (${at.ref.path})`, 'not-found')
    return disk
  }

  private tryRead(path: string): ConfFileOnDisk | null {
    try {
      return readConfFile(path)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
      if (e instanceof NotTextError) throw new ApiError(e.message, 'invalid-argument')
      throw new ApiError(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`, 'failed')
    }
  }

  private view(at: Located, disk: ConfFileOnDisk): ConfFileView {
    const member = at.ref.member
    return {
      ...at.ref,
      text: disk.text,
      version: disk.version,
      mode: disk.mode,
      diagnostics: diagnose(at, disk.text),
      findings: this.findings(at, disk.text),
      ...(at.lab && member ? { owner: { labId: at.lab.id, member, running: this.running(at.lab.id, member) } } : {}),
      ...(at.ref.kind === 'supervisor' ? {} : { checkedAgainst: releaseOf(at).checkedAgainst }),
    }
  }

  /** The doctor's findings about this file, its text being `text`, read with the rest of its group. */
  private findings(at: Located, text: string): DoctorFinding[] {
    const files = this.doctorFiles(at.group, at.ref.path, text)
    try {
      return diagnoseFiles(files).filter((f) => f.file === at.ref.path)
    } catch (e) {
      // A fault in a rule must not stop the user from editing the file.
      return [{ id: 'doctor-failed', severity: 'info', file: at.ref.path, title: 'The doctor could not check this file', explanation: e instanceof Error ? e.message : String(e) }]
    }
  }

  private doctorFiles(refs: ConfFileRef[], editing?: string, text?: string): DoctorFile[] {
    const out: DoctorFile[] = []
    for (const r of refs) {
      const t = r.path === editing ? text : this.tryRead(r.path)?.text
      if (t !== undefined) out.push({ path: r.path, kind: r.kind, text: t })
    }
    return out
  }

  private running(labId: string, member: string): boolean {
    return this.labs.memberRunning(labId, member)
  }

  private plan(at: Located, disk: string, text: string): PlannedApply {
    const member = at.ref.member ?? null
    const running = at.lab !== null && member !== null && this.running(at.lab.id, member)
    const planned = planApply(disk, text, { kind: at.ref.kind, member, running, labIni: at.lab !== null && at.ref.kind === 'supervisor' })
    // A restart that would lose data is not done by a save (it cannot be confirmed there): say so before.
    const warning = running && member ? this.restartWarning(at.lab!.id, member) : null
    if (!warning) return planned
    const steps = planned.steps.map((s) => (s.step.how === 'restart' ? { ...s, step: { ...s.step, why: `${s.step.why ? `${s.step.why}. ` : ''}Not restarted by a save: ${warning} Restart it from the lab view to confirm` } } : s))
    return { ...planned, steps }
  }

  private restartWarning(labId: string, member: string): string | null {
    try {
      return this.labs.requireOwned(labId).dataLossWarning(member, 'restart')
    } catch {
      return null // an attached lab: restarts are not ours
    }
  }

  private async apply(at: Located, planned: PlannedApply, runningText: string): Promise<ApplyOutcome[]> {
    const lab = at.lab
    const name = planned.member
    const layout = lab?.layout
    const node = layout?.nodes.find((n) => n.name === name)
    const sentinel = layout?.sentinels.find((s) => s.name === name)
    if (!lab || !layout || (!node && !sentinel)) return carryOut(planned, { port: 0, restart: async () => {} })
    return carryOut(planned, {
      port: (node ?? sentinel)!.port,
      // The password the process runs with: its file's before this save (a lab's sentinels have none).
      password: requirepassOf(runningText) ?? (node ? layout.password : undefined),
      restart: async () => {
        await this.labs.requireOwned(lab.id).nodeAction(name!, 'restart', false)
      },
    })
  }
}

/** The files of a lab folder, as the editor lists them. */
function labFiles(lab: Lab): ConfFileRef[] {
  return [
    { path: lab.ini, kind: 'supervisor', label: 'lab.ini', secret: false },
    ...lab.nodes.map((n): ConfFileRef => ({ path: n.conf, kind: 'redis', label: `${n.name}/redis.conf`, member: n.name, secret: true })),
    ...lab.sentinels.map((s): ConfFileRef => ({ path: s.conf, kind: 'sentinel', label: `${s.name}/sentinel.conf`, member: s.name, secret: true })),
  ]
}

/** The release that reads a redis.conf / sentinel.conf: its lab's binaries', else the installed one's. */
function releaseOf(at: Located): ReturnType<typeof releaseForFile> {
  return releaseForFile(at.ref.kind === 'sentinel' ? 'sentinel' : 'redis', at.lab?.layout.binaries ?? null)
}

function diagnose(at: Located, text: string): ConfDiagnostic[] {
  const { ref, lab } = at
  const member = lab && [...lab.layout.nodes, ...lab.layout.sentinels].find((m) => m.name === ref.member)
  const release = ref.kind === 'supervisor' ? undefined : releaseOf(at).release
  return fileDiagnostics(ref.path, ref.kind, text, member ? { member, labName: lab.layout.spec.name } : null, release)
}

/** A text with errors is never saved: the first one is named, located. */
function refuseErrors(at: Located, text: string): void {
  const ref = at.ref
  const first = diagnose(at, text).find((d) => d.severity === 'error')
  if (first) throw new ApiError(`${ref.label}:${first.line}:${first.column}: ${first.directive ? `${first.directive}: ` : ''}${first.message} (nothing saved)`, 'invalid-argument')
}

function conflict(ref: ConfFileRef): ApiError {
  return new ApiError(`${ref.label} changed on disk since it was opened: merge the change, then save again`, 'conflict')
}

/** `text` with `edits` made, losslessly; a value the schema rejects is 'invalid-argument'. */
function edited(ref: ConfFileRef, text: string, edits: ConfEdit[]): string {
  try {
    return applyEdits(ref.kind, text, edits).text
  } catch (e) {
    if (e instanceof EditError) throw new ApiError(`${ref.label}: ${e.message}`, 'invalid-argument')
    throw e
  }
}

function requirepassOf(text: string): string | undefined {
  const lines = RedisConfDocument.parse(text).find(['requirepass'])
  const last = lines[lines.length - 1]
  return last ? RedisConfDocument.args(last.line)[0] : undefined
}
