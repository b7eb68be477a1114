// Where everything of a lab lives: given its folder, spec and members (each node's and
// sentinel's name and port, each sentinel's myid), the paths of every node's config, data
// dir and log, and of the lab's own files. Pure. Members keep their names for life: after
// a membership change the others keep theirs (redis-replica-2 stays redis-replica-2).
import { join, resolve } from 'node:path'
import type { LabSpec } from '../../shared/lab-spec'
import { frontHost } from '../links/lab-links'
import type { RedisBinaries } from './binaries'

export interface LabNode {
  /** Program name in lab.ini and folder name: redis-master, redis-replica-1, ... (kept for life). */
  name: string
  /** The role it was created with; Sentinel may change it on failover. */
  initialRole: 'master' | 'replica'
  port: number
  /**
   * The address the other members (and applications) know it by: 127.0.0.1, or with link
   * faults its own (frontHost), where its front proxy stands. The app's own tools use
   * 127.0.0.1, past the links.
   */
  linkHost: string
  dir: string
  conf: string
  log: string
}

export interface LabSentinel {
  name: string
  port: number
  /** As LabNode.linkHost. */
  linkHost: string
  /** 40 hex characters, distinct per sentinel. */
  myid: string
  dir: string
  conf: string
  log: string
}

export interface LabPorts {
  master: number
  replicas: number[]
  sentinels: number[]
}

export interface Lab {
  dir: string
  spec: LabSpec
  ports: LabPorts
  binaries: RedisBinaries
  /**
   * The lab's master program: the node it was built around (the initial master). Not
   * necessarily the master now: ask the sentinels for that (Sentinel fails over).
   */
  master: LabNode
  replicas: LabNode[]
  /** The master program, then the replicas. */
  nodes: LabNode[]
  sentinels: LabSentinel[]
  /** The spec (with the password), the members (names, ports, myids); 0600. */
  labJson: string
  /** The supervisor file that runs the lab. */
  ini: string
  /** A supervisord.conf that [include]s the ini, for real supervisord. */
  supervisordConf: string
  /** supervisord's own pidfile, log and socket go here. */
  supervisordDir: string
  logsDir: string
  masterName: string
  password: string
}

/** One node as lab.json records it (its folder, conf and log follow from the name). */
export interface NodeMember {
  name: string
  port: number
  initialRole: LabNode['initialRole']
}

/** One sentinel as lab.json records it. */
export interface SentinelMember {
  name: string
  port: number
  myid: string
}

/**
 * Who is in a lab, by name. nodes[0] is the lab's master program (lab.master: the node
 * the lab was built around, whatever Sentinel has made of it since), then the replicas.
 */
export interface LabMembers {
  nodes: NodeMember[]
  sentinels: SentinelMember[]
}

/** Names as a lab built from ports gets them: redis-master, redis-replica-N, sentinel-N. */
export function defaultMembers(ports: LabPorts, myids: string[]): LabMembers {
  return {
    nodes: [
      { name: 'redis-master', port: ports.master, initialRole: 'master' },
      ...ports.replicas.map((port, i): NodeMember => ({ name: `redis-replica-${i + 1}`, port, initialRole: 'replica' })),
    ],
    sentinels: ports.sentinels.map((port, i) => ({ name: `sentinel-${i + 1}`, port, myid: myids[i] })),
  }
}

/** The members of a laid-out lab (what lab.json records of them). */
export function membersOf(lab: Lab): LabMembers {
  return {
    nodes: lab.nodes.map((n) => ({ name: n.name, port: n.port, initialRole: n.initialRole })),
    sentinels: lab.sentinels.map((s) => ({ name: s.name, port: s.port, myid: s.myid })),
  }
}

const MEMBER_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/
/** Names of the lab's own files and folders: a member may not take one. */
const RESERVED_NAMES = new Set(['logs', 'state', 'supervisord', 'removed'])

/** What is wrong with a member list (empty when nothing is). */
export function membersProblems(members: LabMembers): string[] {
  const problems: string[] = []
  if (members.nodes.length === 0) problems.push('a lab needs at least one node')
  if (members.sentinels.length === 0) problems.push('a lab needs at least one sentinel')
  const names = new Set<string>()
  const ports = new Set<number>()
  const myids = new Set<string>()
  for (const m of [...members.nodes, ...members.sentinels]) {
    if (typeof m.name !== 'string' || !MEMBER_NAME.test(m.name) || RESERVED_NAMES.has(m.name)) problems.push(`bad member name ${JSON.stringify(m.name)}`)
    else if (names.has(m.name)) problems.push(`two members are named ${m.name}`)
    names.add(m.name)
    if (!Number.isInteger(m.port) || m.port < 1 || m.port > 65535) problems.push(`${m.name}: bad port ${JSON.stringify(m.port)}`)
    else if (ports.has(m.port)) problems.push(`${m.name}: port ${m.port} is used twice`)
    ports.add(m.port)
  }
  for (const n of members.nodes) {
    if (n.initialRole !== 'master' && n.initialRole !== 'replica') problems.push(`${n.name}: bad initialRole ${JSON.stringify(n.initialRole)}`)
  }
  for (const s of members.sentinels) {
    if (typeof s.myid !== 'string' || !/^[0-9a-f]{40}$/.test(s.myid)) problems.push(`${s.name}: bad myid ${JSON.stringify(s.myid)}`)
    else if (myids.has(s.myid)) problems.push(`${s.name}: myid ${s.myid} is used twice`)
    myids.add(s.myid)
  }
  return problems
}

/** A lab built from ports and myids, its members named as defaultMembers names them. */
export function layoutLab(dir: string, spec: LabSpec, ports: LabPorts, myids: string[], binaries: RedisBinaries): Lab {
  return layoutMembers(dir, spec, defaultMembers(ports, myids), binaries)
}

/**
 * A lab from its members by name. spec.replicas / spec.sentinels are set to the real
 * counts, and lab.ports follows the members, so the two can never disagree.
 */
export function layoutMembers(dir: string, spec: LabSpec, members: LabMembers, binaries: RedisBinaries): Lab {
  const root = resolve(dir)
  const logsDir = join(root, 'logs')
  const hostOf = (port: number): string => (spec.links ? frontHost(port) : '127.0.0.1')
  const node = (m: NodeMember): LabNode => ({
    name: m.name, initialRole: m.initialRole, port: m.port, linkHost: hostOf(m.port),
    dir: join(root, m.name), conf: join(root, m.name, 'redis.conf'), log: join(logsDir, `${m.name}.log`),
  })
  const [master, ...replicas] = members.nodes.map(node)
  const sentinels = members.sentinels.map((m): LabSentinel => ({
    name: m.name, port: m.port, linkHost: hostOf(m.port), myid: m.myid, dir: join(root, m.name), conf: join(root, m.name, 'sentinel.conf'), log: join(logsDir, `${m.name}.log`),
  }))
  const ports: LabPorts = { master: master.port, replicas: replicas.map((r) => r.port), sentinels: sentinels.map((s) => s.port) }
  const fullSpec: LabSpec = { ...spec, replicas: replicas.length, sentinels: sentinels.length }
  return {
    dir: root, spec: fullSpec, ports, binaries, master, replicas, nodes: [master, ...replicas], sentinels,
    labJson: join(root, 'lab.json'),
    ini: join(root, 'lab.ini'),
    supervisordConf: join(root, 'supervisord.conf'),
    supervisordDir: join(root, 'supervisord'),
    logsDir,
    masterName: fullSpec.masterName,
    password: fullSpec.password,
  }
}

/** The ports a base port implies (the tutorial's scheme: 6380, 6381.., 26380..). */
export function portsFromBase(base: number, replicas: number, sentinels: number, sentinelOffset: number): LabPorts {
  return {
    master: base,
    replicas: Array.from({ length: replicas }, (_, i) => base + 1 + i),
    sentinels: Array.from({ length: sentinels }, (_, i) => base + sentinelOffset + i),
  }
}
