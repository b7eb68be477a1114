// The scenario: a sentinel.conf is open in an editor with an unsaved edit (held here,
// as the renderer holds it) when a real failover makes Sentinel rewrite the file. A 'conf'
// event brings the new text; merging base / mine / theirs keeps the user's edit and takes
// Sentinel's changes; a save based on the old version is refused as a conflict, and one
// based on the new version succeeds and is applied live.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Redis from 'ioredis'
import { beforeAll, describe, expect, it } from 'vitest'
import type { ConfChangedEvent, ConfSaveResult } from '../../src/shared/conf'
import type { LabStatus } from '../../src/shared/model'
import { ApiError } from '../../src/shared/errors'
import { confVersion } from '../../src/main/conf/conf-file'
import { waitFor } from '../helpers/wait'
import { serviceWithLabs } from '../helpers/service-with-labs'

const { service, home, confEvents: events, remember } = await serviceWithLabs('sl-external-change-')
let lab: LabStatus

beforeAll(async () => {
  lab = remember(await service.createLab({ replicas: 1, sentinels: 3, timers: 'fast' }))
  expect(lab.state).toBe('healthy')
}, 30_000)

describe('an open sentinel.conf rewritten by Sentinel during a failover', () => {
  it("keeps the user's unsaved edit, takes Sentinel's changes, and never saves over them blindly", async () => {
    const path = join(lab.dir!, 'sentinel-1', 'sentinel.conf')
    const opened = await service.openConfFile(path)
    const base = opened.text
    const mine = base.replace(/^sentinel down-after-milliseconds mymaster \d+$/m, 'sentinel down-after-milliseconds mymaster 2500')
    expect(mine).not.toBe(base)
    const oldMaster = lab.nodes.find((n) => n.role === 'master')!.port
    expect(base).toContain(`sentinel monitor mymaster 127.0.0.1 ${oldMaster} `)

    await service.failoverLab(lab.id)
    // One replica: it is the only node the failover can promote.
    const newMaster = lab.nodes.find((n) => n.port !== oldMaster)!.port
    await waitFor(() => service.labs.get(lab.id).sentinels.every((s) => s.masterPort === newMaster), 'every sentinel to report the new master', 10_000)
    // Sentinel flushes its file several times during a failover; the epochs come last.
    const rewritten = (): ConfChangedEvent | undefined => {
      const last = events.filter((e) => e.path === path).at(-1)
      return last?.text?.includes(`sentinel monitor mymaster 127.0.0.1 ${newMaster} `) && /^sentinel current-epoch [1-9]/m.test(last.text) ? last : undefined
    }
    let theirs = await waitFor(rewritten, "a 'conf' event with Sentinel's rewrite", 15_000)
    expect(theirs.version).toBe(confVersion(theirs.text!))

    // A save based on what the editor opened would overwrite Sentinel's rewrite: refused.
    const stale = await service.saveConfFile(path, mine, opened.version, true).then(() => null, (e: unknown) => e)
    expect(stale).toBeInstanceOf(ApiError)
    expect((stale as ApiError).code).toBe('conflict')
    expect(readFileSync(path, 'utf8')).toContain(`sentinel monitor mymaster 127.0.0.1 ${newMaster} `)

    // Merged, then saved on the new version. Should Sentinel flush once more in between, the
    // save is refused again and merged again, as the editor would.
    let saved: ConfSaveResult | null = null
    for (let attempt = 0; saved === null; attempt++) {
      const merged = await service.mergeConf(base, mine, theirs.text!)
      expect(merged.conflicts).toEqual([])
      expect(merged.text).toMatch(/^sentinel down-after-milliseconds mymaster 2500$/m)
      expect(merged.text).toContain(`sentinel monitor mymaster 127.0.0.1 ${newMaster} `)
      expect(merged.text).not.toContain(`sentinel monitor mymaster 127.0.0.1 ${oldMaster} `)
      expect(merged.text).toMatch(/^sentinel current-epoch [1-9]/m)
      try {
        saved = await service.saveConfFile(path, merged.text, theirs.version!, true)
      } catch (e) {
        if (!(e instanceof ApiError) || e.code !== 'conflict' || attempt >= 3) throw e
        const seen = theirs
        theirs = await waitFor(() => (rewritten() !== seen ? rewritten() : undefined), 'the newer rewrite', 5_000)
      }
    }
    expect(saved.applied).toEqual([{
      directive: 'sentinel down-after-milliseconds mymaster', how: 'live', ok: true, message: 'SENTINEL SET mymaster down-after-milliseconds 2500: OK',
    }])
    const disk = readFileSync(path, 'utf8')
    expect(saved.view.text).toBe(disk)
    expect(disk).toMatch(/^sentinel down-after-milliseconds mymaster 2500$/m)
    expect(disk).toContain(`sentinel monitor mymaster 127.0.0.1 ${newMaster} `)

    const sentinel = new Redis({ host: '127.0.0.1', port: lab.sentinels[0].port, lazyConnect: true, maxRetriesPerRequest: 0 })
    try {
      const flat = (await sentinel.call('SENTINEL', 'MASTER', 'mymaster')) as string[]
      expect(flat[flat.indexOf('down-after-milliseconds') + 1]).toBe('2500')
      expect(flat[flat.indexOf('port') + 1]).toBe(String(newMaster))
    } finally {
      sentinel.disconnect()
    }
    await service.closeConfFile(path)
  }, 40_000)
})
