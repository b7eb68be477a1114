// The lab's files in a membership change. lab.json and lab.ini are rewritten atomically; if
// the supervisor update fails they are put back. lab.ini comes here edited section by section
// (lab-ini-splice.ts), never re-rendered: the programs already running keep their sections
// byte for byte, so `update` touches only the member that comes or goes. A new member gets a
// private folder of its own; a removed member's folder moves to
// <lab>/removed/<name>-<timestamp>, and its log stays in logs/.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { UpdateResult } from '../../shared/model'
import { writeFileAtomic } from '../conf/atomic-write'
import { readLabFile, renderLabJson } from './blueprint'
import type { Lab } from './layout'
import { MembershipError, type Op } from './membership-op'
import { PRIVATE_DIR, SECRET, createPrivateLog } from './private-files'
import { CLIENT_ZONE } from '../links/link-rules'

export { SECRET }

/**
 * lab.json + lab.ini for `next`, runtime.lab = next, update; all put back if the update
 * fails. Returns how to undo it later (files and runtime.lab back, update again).
 */
export async function commit(op: Op, next: Lab, ini: string, name: string, onFailure: (() => void) | null): Promise<() => Promise<void>> {
  op.checkAbort()
  const lab = op.rt.lab
  const oldJson = readFileSync(lab.labJson, 'utf8')
  const oldIni = readFileSync(lab.ini, 'utf8')
  const iniMode = statSync(lab.ini).mode & 0o777
  const putBack = (): void => {
    writeFileAtomic(lab.labJson, oldJson, SECRET)
    writeFileAtomic(lab.ini, oldIni, iniMode)
    op.rt.lab = lab
  }
  let result: UpdateResult
  try {
    writeFileAtomic(lab.labJson, renderLabJson(next, readLabFile(lab.dir).createdAt), SECRET)
    writeFileAtomic(lab.ini, ini, iniMode)
    op.rt.lab = next
    // A new member's front stands before it starts: the others reach it only there.
    for (const m of [...next.nodes, ...next.sentinels]) await op.rt.links?.add({ name: m.name, host: m.linkHost, port: m.port })
    result = await op.rt.supervisor.update()
    const names = new Set([...next.nodes, ...next.sentinels].map((m) => m.name))
    for (const zone of op.rt.links?.zones() ?? []) if (zone !== CLIENT_ZONE && !names.has(zone)) await op.rt.links!.remove(zone)
  } catch (e) {
    putBack()
    onFailure?.()
    throw new MembershipError(`${name}: the supervisor update failed, lab.json and lab.ini are as they were: ${(e as Error).message}`)
  }
  const what = [
    result.added.length ? `started ${result.added.join(', ')}` : '',
    result.removed.length ? `removed ${result.removed.join(', ')}` : '',
    result.changed.length ? `restarted ${result.changed.join(', ')} (changed in lab.ini)` : '',
  ].filter(Boolean).join(', ')
  op.step(`lab.json and lab.ini rewritten; supervisor update: ${what || 'nothing to do'}`)
  return async () => {
    putBack()
    try {
      await op.rt.supervisor.update()
    } finally {
      onFailure?.()
    }
  }
}

/** lab.ini alone (lab.json unchanged), then update; put back if the update fails. */
export async function writeIni(op: Op, ini: string, old: string): Promise<void> {
  op.checkAbort()
  const path = op.rt.lab.ini
  const mode = statSync(path).mode & 0o777
  writeFileAtomic(path, ini, mode)
  try {
    await op.rt.supervisor.update()
  } catch (e) {
    writeFileAtomic(path, old, mode)
    throw new MembershipError(`the supervisor update failed, lab.ini is as it was: ${(e as Error).message}`)
  }
}

/** A new member's private folder, and its log. */
export function createMemberFiles(member: { dir: string; log: string }): void {
  if (existsSync(member.dir)) throw new MembershipError(`${member.dir} exists already: move it away first`)
  mkdirSync(member.dir, { mode: PRIVATE_DIR })
  createPrivateLog(member.log)
}

/** A removed member's folder, kept out of the way: to <lab>/removed/<name>-<timestamp>. */
export function moveToRemoved(op: Op, lab: Lab, name: string, dir: string): void {
  const removedDir = join(lab.dir, 'removed')
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const to = join(removedDir, `${name}-${stamp}`)
  try {
    mkdirSync(removedDir, { recursive: true, mode: PRIVATE_DIR })
    renameSync(dir, to)
    op.step(`moved its folder to removed/${name}-${stamp}; its log stays in logs/${name}.log`)
  } catch (e) {
    op.step(`its folder stays in ${dir}: ${(e as Error).message}`)
  }
}

/** The highest epoch a sentinel's conf records (Sentinel writes current-epoch when it changes). */
export function fileEpoch(conf: string): number {
  try {
    const text = readFileSync(conf, 'utf8')
    return Math.max(0, ...[...text.matchAll(/^sentinel (?:current-epoch|config-epoch \S+) (\d+)\s*$/gm)].map((m) => Number(m[1])))
  } catch {
    return 0
  }
}
