// Saving with apply against a real running lab: maxmemory in a replica's redis.conf goes
// live (CONFIG GET shows it, and the file is exactly the text saved: no CONFIG REWRITE); a sentinel's
// down-after-milliseconds goes live on that sentinel only (SENTINEL MASTER); a directive
// read only at start restarts that one process through the lab; and the lab's own rule
// holds: the master (no persistence) is not restarted without a confirmation, which a save
// cannot give, so it says so and leaves the master running.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Redis from 'ioredis'
import { beforeAll, describe, expect, it } from 'vitest'
import type { LabStatus } from '../../src/shared/model'
import { waitFor } from '../helpers/wait'
import { serviceWithLabs } from '../helpers/service-with-labs'

const { service, home, confEvents: events, remember } = await serviceWithLabs('sl-apply-live-', () => clients.forEach((c) => c.disconnect()))
let lab: LabStatus
let password: string
const clients: Redis[] = []

function client(port: number, pass?: string): Redis {
  const c = new Redis({ host: '127.0.0.1', port, password: pass, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  c.on('error', () => {})
  clients.push(c)
  return c
}
const member = (name: string) => [...lab.nodes, ...lab.sentinels].find((m) => m.name === name)!
/** SENTINEL MASTER's reply as a record. */
async function sentinelMaster(port: number): Promise<Record<string, string>> {
  const flat = (await client(port).call('SENTINEL', 'MASTER', 'mymaster')) as string[]
  const out: Record<string, string> = {}
  for (let i = 0; i < flat.length; i += 2) out[flat[i]] = flat[i + 1]
  return out
}

beforeAll(async () => {
  lab = await service.createLab({ replicas: 1, sentinels: 3, timers: 'fast' })
  expect(lab.state).toBe('healthy')
  remember(lab)
  password = service.labs.layout(lab.id).password
}, 30_000)


describe('applying a saved config to the running lab', () => {
  it("sets a replica's maxmemory live, and the file holds it", async () => {
    const path = join(lab.dir!, 'redis-replica-1', 'redis.conf')
    const view = await service.openConfFile(path)
    expect(view.text).not.toMatch(/^maxmemory /m)
    const text = `${view.text}maxmemory 100mb\n`
    const saved = await service.saveConfFile(path, text, view.version, true)
    expect(saved.applied).toEqual([{ directive: 'maxmemory', how: 'live', ok: true, message: 'CONFIG SET maxmemory 100mb: OK' }])
    expect(await client(member('redis-replica-1').port, password).config('GET', 'maxmemory')).toEqual(['maxmemory', String(100 * 1024 * 1024)])
    const disk = readFileSync(path, 'utf8')
    expect(disk).toBe(text)
    // The answer is what the disk holds, and the app's own save is not reported as someone else's change.
    expect(saved.view.text).toBe(disk)
    expect(events.filter((e) => e.path === path)).toEqual([])
    // The master was not touched.
    expect(await client(member('redis-master').port, password).config('GET', 'maxmemory')).toEqual(['maxmemory', '0'])
    await service.closeConfFile(path)
  })

  it("sets one sentinel's down-after-milliseconds live: SENTINEL MASTER on that sentinel reports it", async () => {
    const path = join(lab.dir!, 'sentinel-2', 'sentinel.conf')
    const view = await service.openConfFile(path)
    const before = Number((await sentinelMaster(member('sentinel-2').port))['down-after-milliseconds'])
    const next = before + 777
    const text = view.text.replace(/^sentinel down-after-milliseconds mymaster \d+$/m, `sentinel down-after-milliseconds mymaster ${next}`)
    expect(text).not.toBe(view.text)
    const saved = await service.saveConfFile(path, text, view.version, true)
    expect(saved.applied).toEqual([{
      directive: 'sentinel down-after-milliseconds mymaster', how: 'live', ok: true,
      message: `SENTINEL SET mymaster down-after-milliseconds ${next}: OK`,
    }])
    expect((await sentinelMaster(member('sentinel-2').port))['down-after-milliseconds']).toBe(String(next))
    expect((await sentinelMaster(member('sentinel-1').port))['down-after-milliseconds']).toBe(String(before))
    // Sentinel rewrote its file itself; it holds the new value, and so does the answer.
    const disk = readFileSync(path, 'utf8')
    expect(disk).toMatch(new RegExp(`^sentinel down-after-milliseconds mymaster ${next}$`, 'm'))
    expect(saved.view.text).toBe(disk)
    await service.closeConfFile(path)
  })

  it("says a sentinel's port change needs a restart, before anything happens", async () => {
    const path = join(lab.dir!, 'sentinel-3', 'sentinel.conf')
    const view = await service.openConfFile(path)
    const port = member('sentinel-3').port
    const check = await service.checkConf(path, view.text.replace(new RegExp(`^port ${port}$`, 'm'), `port ${port + 1}`))
    expect(check.plan).toEqual({
      member: 'sentinel-3', restart: true,
      steps: [{ directive: 'port', how: 'restart', commands: [], why: 'port cannot change at run time (Sentinel reads it only at start)' }],
    })
    // Checking changed nothing.
    expect(readFileSync(path, 'utf8')).toBe(view.text)
    await service.closeConfFile(path)
  })

  it('restarts just that replica for a directive read only at start', async () => {
    const path = join(lab.dir!, 'redis-replica-1', 'redis.conf')
    const view = await service.openConfFile(path)
    const oldPid = service.labs.get(lab.id).nodes.find((n) => n.name === 'redis-replica-1')!.pid
    const others = service.labs.get(lab.id).nodes.filter((n) => n.name !== 'redis-replica-1').map((n) => n.pid)
    const saved = await service.saveConfFile(path, `${view.text}databases 32\n`, view.version, true)
    expect(saved.applied).toEqual([{ directive: 'databases', how: 'restart', ok: true, message: 'restarted redis-replica-1: it read the saved file' }])
    const now = service.labs.get(lab.id)
    remember(now)
    expect(now.nodes.find((n) => n.name === 'redis-replica-1')!.pid).not.toBe(oldPid)
    expect(now.nodes.filter((n) => n.name !== 'redis-replica-1').map((n) => n.pid)).toEqual(others)
    expect(await client(member('redis-replica-1').port, password).config('GET', 'databases')).toEqual(['databases', '32'])
    await service.closeConfFile(path)
  }, 20_000)

  it('does not restart the master without persistence: it says why, and the file is saved', async () => {
    await waitFor(() => service.labs.get(lab.id).state === 'healthy', 'the lab healthy again', 15_000)
    const path = join(lab.dir!, 'redis-master', 'redis.conf')
    const view = await service.openConfFile(path)
    const pid = service.labs.get(lab.id).nodes.find((n) => n.name === 'redis-master')!.pid
    // Said before the save, in the plan the review shows.
    const check = await service.checkConf(path, `${view.text}databases 8\n`)
    expect(check.plan.steps).toEqual([expect.objectContaining({ directive: 'databases', how: 'restart', why: expect.stringMatching(/Not restarted by a save: .*ALL data is lost.*Restart it from the lab view/) })])
    const saved = await service.saveConfFile(path, `${view.text}databases 8\n`, view.version, true)
    expect(saved.applied).toHaveLength(1)
    expect(saved.applied[0]).toMatchObject({ directive: 'databases', how: 'restart', ok: false })
    expect(saved.applied[0].message).toMatch(/redis-master was not restarted: .*ALL data is lost.*The file is saved/)
    expect(readFileSync(path, 'utf8')).toMatch(/^databases 8$/m)
    expect(service.labs.get(lab.id).nodes.find((n) => n.name === 'redis-master')!.pid).toBe(pid)
    await service.closeConfFile(path)
  }, 20_000)
})
