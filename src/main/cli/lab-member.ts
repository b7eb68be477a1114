// Which lab member reads a config file: its folder sits in a lab folder (lab.json beside
// it). The conf and doctor commands judge such a file by its lab (port rule, binaries).
import { existsSync, realpathSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { readLab } from '../lab/blueprint'
import type { RedisBinaries } from '../lab/binaries'

export interface LabMember {
  name: string
  port: number
  /** The lab's name. */
  lab: string
  kind: 'redis' | 'sentinel'
  /** The lab's redis-server and redis-sentinel: their release judges the file. */
  binaries: RedisBinaries
}

/** The path with its links resolved, or as given when it does not exist. */
export function real(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return resolve(path)
  }
}

/** The lab member whose file this is: its folder sits in a lab folder (lab.json beside it). */
export function labMemberOf(path: string): LabMember | null {
  const labDir = dirname(dirname(resolve(path)))
  if (!existsSync(join(labDir, 'lab.json'))) return null
  let lab
  try {
    lab = readLab(labDir)
  } catch {
    return null // not a lab this version reads: treated as any file
  }
  const file = real(path)
  const node = lab.nodes.find((n) => real(n.conf) === file)
  if (node) return { name: node.name, port: node.port, lab: lab.spec.name, kind: 'redis', binaries: lab.binaries }
  const sentinel = lab.sentinels.find((s) => real(s.conf) === file)
  return sentinel ? { name: sentinel.name, port: sentinel.port, lab: lab.spec.name, kind: 'sentinel', binaries: lab.binaries } : null
}

