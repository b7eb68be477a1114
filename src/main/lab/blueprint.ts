// Spec -> a lab folder: ports chosen (free ones, or from the base port), a myid per
// sentinel, one folder per node and sentinel, every file written atomically; files that
// hold the password are 0600 and the folders 0700. lab.json records the spec (password
// included, 0600) and every member by name (node: name, port, initial role; sentinel: name,
// port, myid), so the lab can be found and read again after members came and went. Older
// lab.json files without names (only ports and myids) still read: names are derived.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { dataDir } from '../platform/paths'
import { writeFileAtomic } from '../conf/atomic-write'
import { type RedisBinaries, findRedisBinaries } from './binaries'
import {
  type Lab, type LabMembers, type LabPorts, type NodeMember, type SentinelMember,
  defaultMembers, layoutLab, layoutMembers, membersOf, membersProblems, portsFromBase,
} from './layout'
import { busyPorts, freePorts } from './ports'
import { PRIVATE_DIR, SECRET, createPrivateLog } from './private-files'
import { renderLabIni, renderRedisConf, renderSentinelConf, renderSupervisordConf } from './render'
import { type LabSpec, type LabSpecInput, SENTINEL_PORT_OFFSET, validateSpec } from '../../shared/lab-spec'
import { resolveSpec, SpecError } from './spec'

const LAB_FORMAT = 'sentinel-lab/lab@1'

/** lab.json. */
interface LabFile {
  format: typeof LAB_FORMAT
  createdAt: string
  /** Set by membership changes. */
  updatedAt?: string
  spec: LabSpec
  /** Kept beside `nodes` / `sentinels` for readers that predate them (same ports, same order). */
  ports: LabPorts
  myids: string[]
  binaries: RedisBinaries
  /** The lab's master program first. Absent in older files: derived from `ports`. */
  nodes?: NodeMember[]
  /** Absent in older files: derived from `ports.sentinels` and `myids`. */
  sentinels?: SentinelMember[]
}

interface BuildOptions {
  /** The lab folder; default: <data dir>/labs/<name>. Must not hold a lab already. */
  dir?: string
  /** redis-server / redis-sentinel to use; default: found on PATH or in the usual places. */
  binaries?: Partial<RedisBinaries>
}

export function labsRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'labs')
}

/** A fresh Sentinel myid: 40 random hex characters. */
export function randomMyid(): string {
  return randomBytes(20).toString('hex')
}

async function choosePorts(spec: LabSpec): Promise<LabPorts> {
  const base = spec.ports.basePort
  if (base !== undefined) {
    const ports = portsFromBase(base, spec.replicas, spec.sentinels, SENTINEL_PORT_OFFSET)
    const busy = await busyPorts([ports.master, ...ports.replicas, ...ports.sentinels])
    if (busy.length > 0) {
      throw new SpecError([{ field: 'ports.basePort', message: `port(s) ${busy.join(', ')} on 127.0.0.1 are in use: choose another base port or let the lab pick free ports` }])
    }
    return ports
  }
  const all = await freePorts(1 + spec.replicas + spec.sentinels)
  return { master: all[0], replicas: all.slice(1, 1 + spec.replicas), sentinels: all.slice(1 + spec.replicas) }
}

function distinctMyids(n: number): string[] {
  const ids = new Set<string>()
  while (ids.size < n) ids.add(randomMyid())
  return [...ids]
}

/**
 * The text of lab.json for `lab`. `createdAt` is kept when given (a rewrite after a
 * membership change); `updatedAt` is set then.
 */
export function renderLabJson(lab: Lab, createdAt?: string): string {
  const members = membersOf(lab)
  const now = new Date().toISOString()
  const file: LabFile = {
    format: LAB_FORMAT, createdAt: createdAt ?? now, ...(createdAt ? { updatedAt: now } : {}),
    spec: lab.spec, ports: lab.ports, myids: lab.sentinels.map((s) => s.myid), binaries: lab.binaries,
    nodes: members.nodes, sentinels: members.sentinels,
  }
  return `${JSON.stringify(file, null, 2)}\n`
}

/** Write every file of a lab described by `lab` (folders included). */
export function writeLabFiles(lab: Lab): void {
  for (const d of [lab.dir, lab.logsDir, lab.supervisordDir, ...lab.nodes.map((n) => n.dir), ...lab.sentinels.map((s) => s.dir)]) {
    mkdirSync(d, { recursive: true, mode: PRIVATE_DIR })
  }
  writeFileAtomic(lab.labJson, renderLabJson(lab), SECRET)
  for (const n of lab.nodes) writeFileAtomic(n.conf, renderRedisConf(lab, n), SECRET)
  for (const s of lab.sentinels) writeFileAtomic(s.conf, renderSentinelConf(lab, s), SECRET)
  writeFileAtomic(lab.ini, renderLabIni(lab), 0o644)
  writeFileAtomic(lab.supervisordConf, renderSupervisordConf(lab), 0o644)
  for (const m of [...lab.nodes, ...lab.sentinels]) createPrivateLog(m.log)
}

/** Build a new lab: validate, choose ports and myids, write the folder. */
export async function buildLab(input: LabSpecInput = {}, options: BuildOptions = {}): Promise<Lab> {
  const spec = resolveSpec(input)
  const dir = options.dir ?? join(labsRoot(), spec.name)
  if (existsSync(join(dir, 'lab.json'))) throw new Error(`a lab already exists in ${dir}: open it, or destroy it first`)
  const binaries = findRedisBinaries(options.binaries)
  const ports = await choosePorts(spec)
  const lab = layoutLab(dir, spec, ports, distinctMyids(spec.sentinels), binaries)
  writeLabFiles(lab)
  return lab
}

/** lab.json of the lab in `dir`, parsed and checked for its format (not for its contents). */
export function readLabFile(dir: string): LabFile {
  const path = join(dir, 'lab.json')
  let file: LabFile
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as LabFile
  } catch (e) {
    throw new Error(`${path}: not a readable lab file: ${(e as Error).message}`)
  }
  if (typeof file !== 'object' || file === null) throw new Error(`${path}: not a readable lab file: not an object`)
  if (file.format !== LAB_FORMAT) throw new Error(`${path}: unknown format ${JSON.stringify(file.format)} (expected ${LAB_FORMAT})`)
  return file
}

/** The members lab.json records: by name when it has them, else as older labs named them. */
function membersFromFile(file: LabFile, path: string): LabMembers {
  if (file.nodes !== undefined || file.sentinels !== undefined) {
    if (!Array.isArray(file.nodes) || !Array.isArray(file.sentinels)) throw new Error(`${path}: "nodes" and "sentinels" must both be lists`)
    return { nodes: file.nodes, sentinels: file.sentinels }
  }
  const ports = file.ports
  if (typeof ports !== 'object' || ports === null || !Array.isArray(ports.replicas) || !Array.isArray(ports.sentinels)) {
    throw new Error(`${path}: "ports" must be { master, replicas: [...], sentinels: [...] }`)
  }
  if (!Array.isArray(file.myids) || file.myids.length !== ports.sentinels.length) {
    throw new Error(`${path}: "myids" must hold one myid per sentinel (${ports.sentinels.length})`)
  }
  return defaultMembers(ports, file.myids)
}

/** Read a lab back from its folder (its lab.json). */
export function readLab(dir: string): Lab {
  const path = join(dir, 'lab.json')
  const file = readLabFile(dir)
  const members = membersFromFile(file, path)
  const problems = membersProblems(members)
  if (problems.length > 0) throw new Error(`${path}: ${problems.join('; ')}`)
  // The member lists are the truth; the spec's counts follow them (older files agree anyway).
  const spec = { ...file.spec, replicas: members.nodes.length - 1, sentinels: members.sentinels.length }
  const errors = validateSpec(spec)
  if (errors.length > 0) throw new Error(`${path}: ${new SpecError(errors).message}`)
  return layoutMembers(dir, spec, members, file.binaries)
}
