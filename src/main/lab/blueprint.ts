// Spec -> a lab folder: ports chosen (free ones, or from the base port), a myid per
// sentinel, one folder per node and sentinel, every file written atomically; files that
// hold the password are 0600 and the folders 0700. lab.json records the spec (password
// included, 0600), the ports and the myids, so the lab can be found and read again.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { dataDir } from '../paths'
import { writeFileAtomic } from './atomic-write'
import { type RedisBinaries, findRedisBinaries } from './binaries'
import { type Lab, type LabPorts, layoutLab, portsFromBase } from './layout'
import { busyPorts, freePorts } from './ports'
import { renderLabIni, renderRedisConf, renderSentinelConf, renderSupervisordConf } from './render'
import { type LabSpec, type LabSpecInput, SENTINEL_PORT_OFFSET, resolveSpec, validateSpec, SpecError } from './spec'

const SECRET = 0o600
const PRIVATE_DIR = 0o700
const LAB_FORMAT = 'sentinel-lab/lab@1'

interface LabFile {
  format: typeof LAB_FORMAT
  createdAt: string
  spec: LabSpec
  ports: LabPorts
  myids: string[]
  binaries: RedisBinaries
}

export interface BuildOptions {
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

/** Write every file of a lab described by `lab` (folders included). */
export function writeLabFiles(lab: Lab): void {
  for (const d of [lab.dir, lab.logsDir, lab.supervisordDir, ...lab.nodes.map((n) => n.dir), ...lab.sentinels.map((s) => s.dir)]) {
    mkdirSync(d, { recursive: true, mode: PRIVATE_DIR })
  }
  const file: LabFile = {
    format: LAB_FORMAT, createdAt: new Date().toISOString(), spec: lab.spec, ports: lab.ports,
    myids: lab.sentinels.map((s) => s.myid), binaries: lab.binaries,
  }
  writeFileAtomic(lab.labJson, `${JSON.stringify(file, null, 2)}\n`, SECRET)
  for (const n of lab.nodes) writeFileAtomic(n.conf, renderRedisConf(lab, n), SECRET)
  for (const s of lab.sentinels) writeFileAtomic(s.conf, renderSentinelConf(lab, s), SECRET)
  writeFileAtomic(lab.ini, renderLabIni(lab), 0o644)
  writeFileAtomic(lab.supervisordConf, renderSupervisordConf(lab), 0o644)
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

/** Read a lab back from its folder (its lab.json). */
export function readLab(dir: string): Lab {
  const path = join(dir, 'lab.json')
  let file: LabFile
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as LabFile
  } catch (e) {
    throw new Error(`${path}: not a readable lab file: ${(e as Error).message}`)
  }
  if (file.format !== LAB_FORMAT) throw new Error(`${path}: unknown format ${JSON.stringify(file.format)} (expected ${LAB_FORMAT})`)
  const errors = validateSpec(file.spec)
  if (errors.length > 0) throw new Error(`${path}: ${new SpecError(errors).message}`)
  return layoutLab(dir, file.spec, file.ports, file.myids, file.binaries)
}
