// Where everything of a lab lives: given its folder, spec, ports and sentinel ids, the
// paths of every node's config, data dir and log, and of the lab's own files. Pure.
import { join, resolve } from 'node:path'
import type { LabSpec } from './spec'
import type { RedisBinaries } from './binaries'

export interface LabNode {
  /** Program name in lab.ini: redis-master, redis-replica-1, ... (the role it started with). */
  name: string
  /** The role it was created with; Sentinel may change it on failover. */
  initialRole: 'master' | 'replica'
  port: number
  dir: string
  conf: string
  log: string
}

export interface LabSentinel {
  name: string
  port: number
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
  master: LabNode
  replicas: LabNode[]
  /** The master, then the replicas. */
  nodes: LabNode[]
  sentinels: LabSentinel[]
  /** The spec (with the password), ports and myids; 0600. */
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

export function layoutLab(dir: string, spec: LabSpec, ports: LabPorts, myids: string[], binaries: RedisBinaries): Lab {
  const root = resolve(dir)
  const logsDir = join(root, 'logs')
  const node = (name: string, initialRole: LabNode['initialRole'], port: number): LabNode => ({
    name, initialRole, port, dir: join(root, name), conf: join(root, name, 'redis.conf'), log: join(logsDir, `${name}.log`),
  })
  const master = node('redis-master', 'master', ports.master)
  const replicas = ports.replicas.map((p, i) => node(`redis-replica-${i + 1}`, 'replica', p))
  const sentinels = ports.sentinels.map((port, i): LabSentinel => {
    const name = `sentinel-${i + 1}`
    return { name, port, myid: myids[i], dir: join(root, name), conf: join(root, name, 'sentinel.conf'), log: join(logsDir, `${name}.log`) }
  })
  return {
    dir: root, spec, ports, binaries, master, replicas, nodes: [master, ...replicas], sentinels,
    labJson: join(root, 'lab.json'),
    ini: join(root, 'lab.ini'),
    supervisordConf: join(root, 'supervisord.conf'),
    supervisordDir: join(root, 'supervisord'),
    logsDir,
    masterName: spec.masterName,
    password: spec.password,
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
