// The files read together, understood as deployments: each redis.conf / sentinel.conf with
// the supervisor program that runs it (if any), and groups of them that form one
// replicated set: nodes linked by replicaof, sentinels that monitor the same master (by
// name and address) or list each other, and the nodes those sentinels watch. Ports are
// compared without hosts: the doctor is for labs and hand-built sets on one machine.
import { existsSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import type { ConfKind } from '../../shared/conf'
import { ConfView, type Written } from './conf-view'
import { type RedisProgram, redisPrograms } from './programs'

/** One config file as the doctor reads it. */
export interface DoctorFile {
  path: string
  kind: ConfKind
  text: string
}

export interface Member {
  file: DoctorFile
  conf: ConfView
  /** The supervisor program whose command names this file. */
  program?: RedisProgram
  port: number
  /** A Sentinel Lab folder holds it (lab.json beside its folder): the lab's supervisor runs it. */
  inLabFolder: boolean
}

export interface Monitor {
  sentinel: Member
  /** The master name. */
  name: string
  host: string
  port: number
  quorum: number
  at: Written
}

export interface Deployment {
  /** The master name its sentinels use, or null when no sentinel is in it. */
  name: string | null
  nodes: Member[]
  monitors: Monitor[]
}

export interface FileSet {
  nodes: Member[]
  sentinels: Member[]
  programs: RedisProgram[]
  deployments: Deployment[]
}

function sameFile(a: string, b: string): boolean {
  return resolve(a) === resolve(b)
}

/** The last two parts of a path ('redis_6380/redis.conf'): files copied elsewhere keep them. */
function tail(path: string): string {
  return `${basename(dirname(resolve(path)))}/${basename(path)}`
}

/** The program that runs `file`: by its path, else by its folder and name when only one file has them. */
function programFor(file: DoctorFile, files: readonly DoctorFile[], programs: readonly RedisProgram[]): RedisProgram | undefined {
  const exact = programs.find((p) => p.conf !== null && sameFile(p.conf, file.path))
  if (exact) return exact
  const t = tail(file.path)
  if (files.filter((f) => f.kind !== 'supervisor' && tail(f.path) === t).length !== 1) return undefined
  const byTail = programs.filter((p) => p.conf !== null && tail(p.conf) === t)
  return byTail.length === 1 ? byTail[0] : undefined
}

function inLabFolder(path: string): boolean {
  const dir = dirname(resolve(path))
  return existsSync(join(dir, 'lab.json')) || existsSync(join(dirname(dir), 'lab.json'))
}

export function readFileSet(files: readonly DoctorFile[]): FileSet {
  const programs = files.filter((f) => f.kind === 'supervisor').flatMap((f) => redisPrograms(f.path, f.text))
  const nodes: Member[] = []
  const sentinels: Member[] = []
  for (const file of files) {
    if (file.kind === 'supervisor') continue
    const program = programFor(file, files, programs)
    const kind = program?.runs ?? file.kind
    const conf = new ConfView(file.path, kind, file.text, program?.overrides ?? [])
    const member: Member = { file, conf, program, port: conf.port(), inLabFolder: inLabFolder(file.path) }
    ;(kind === 'sentinel' ? sentinels : nodes).push(member)
  }
  return { nodes, sentinels, programs, deployments: group(nodes, sentinels) }
}

function monitorsOf(s: Member): Monitor[] {
  return s.conf.sentinel('monitor').filter((l) => l.args.length >= 5).map((l) => ({
    sentinel: s, name: l.args[1], host: l.args[2], port: Number(l.args[3]), quorum: Number(l.args[4]), at: l,
  }))
}

/** Union-find over nodes and monitors; each component is a deployment. */
function group(nodes: Member[], sentinels: Member[]): Deployment[] {
  const monitors = sentinels.flatMap(monitorsOf)
  const items: (Member | Monitor)[] = [...nodes, ...monitors]
  const parent = items.map((_, i) => i)
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])))
  const link = (a: number, b: number): void => {
    parent[find(a)] = find(b)
  }
  const nodesOnPort = (port: number): number[] => nodes.flatMap((n, i) => (n.port === port ? [i] : []))
  nodes.forEach((n, i) => {
    const r = n.conf.replicaof()
    if (r) for (const j of nodesOnPort(r.port)) link(i, j)
  })
  monitors.forEach((m, k) => {
    const i = nodes.length + k
    for (const j of nodesOnPort(m.port)) link(i, j)
    for (const r of m.sentinel.conf.sentinelFor('known-replica', m.name)) for (const j of nodesOnPort(Number(r.args[3]))) link(i, j)
    monitors.forEach((other, l) => {
      if (other.name !== m.name) return
      const listed = m.sentinel.conf.sentinelFor('known-sentinel', m.name).some((ks) => Number(ks.args[3]) === other.sentinel.port)
      if (other.port === m.port || listed) link(i, nodes.length + l)
    })
  })
  const byRoot = new Map<number, Deployment>()
  items.forEach((item, i) => {
    const root = find(i)
    let d = byRoot.get(root)
    if (!d) byRoot.set(root, (d = { name: null, nodes: [], monitors: [] }))
    if (i < nodes.length) d.nodes.push(item as Member)
    else {
      const m = item as Monitor
      d.monitors.push(m)
      d.name ??= m.name
    }
  })
  return [...byRoot.values()]
}

/** The master names the deployment's sentinels use (usually one). */
export function masterNames(d: Deployment): string[] {
  return [...new Set(d.monitors.map((m) => m.name))]
}

/**
 * How many sentinels watch master `name` (Sentinel counts per master): the sentinel files
 * that monitor it, plus the ones they list (known-sentinel with a real port) that are not
 * among the files.
 */
/**
 * Whether the files tell how many sentinels watch `name`: several sentinel files given
 * together (a deployment's folder), one that lists its peers (known-sentinel), or a lab's.
 * A lone sentinel.conf that lists none (Debian's stock file, a template) says nothing: its
 * peers are found at run time, maybe on other machines.
 */
export function sentinelCountKnown(set: FileSet, d: Deployment, name: string): boolean {
  if (set.sentinels.length > 1) return true
  const monitors = d.monitors.filter((m) => m.name === name)
  return monitors.some((m) => m.sentinel.inLabFolder || m.sentinel.conf.sentinelFor('known-sentinel', m.name).length > 0)
}

export function sentinelCount(d: Deployment, name: string): number {
  const monitors = d.monitors.filter((m) => m.name === name)
  const files = [...new Set(monitors.map((m) => m.sentinel))]
  const ports = new Set(files.map((s) => s.port))
  const ids = new Set(files.map((s) => s.conf.sentinel('myid')[0]?.args[1]).filter((x): x is string => !!x))
  const extra = new Set<string>()
  for (const m of monitors) {
    for (const ks of m.sentinel.conf.sentinelFor('known-sentinel', m.name)) {
      const port = Number(ks.args[3])
      const id = ks.args[4] ?? ''
      if (port > 0 && !ports.has(port) && !ids.has(id)) extra.add(id || String(port))
    }
  }
  return files.length + extra.size
}

/** The requirepass most nodes of the deployment share (null: none, or no majority). */
export function commonRequirepass(d: Deployment): { value: string | null; agreed: boolean } {
  const counts = new Map<string | null, number>()
  for (const n of d.nodes) counts.set(n.conf.requirepass(), (counts.get(n.conf.requirepass()) ?? 0) + 1)
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1])
  if (sorted.length === 0) return { value: null, agreed: true }
  const tie = sorted.length > 1 && sorted[0][1] === sorted[1][1]
  return { value: tie ? null : sorted[0][0], agreed: sorted.length === 1 }
}
