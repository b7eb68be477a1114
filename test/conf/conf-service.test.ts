// Config editing through the service, on a real lab (redis-server / redis-sentinel): which
// files are offered (a lab's, the open supervisor configuration's) and that nothing else can
// be read or written through the API; checking a text (located diagnostics, the plan: live,
// restart or next start); saving (errors refused, a stale version refused as a conflict, a
// backup kept); doctor-style edits; and the watch, which reports changes made by others and
// never the app's own saves. The plan's rules are also checked on texts alone.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { ConfChangedEvent } from '../../src/shared/conf'
import type { LabStatus } from '../../src/shared/model'
import { ApiError } from '../../src/shared/errors'
import { planApply, publicPlan } from '../../src/main/conf/apply-plan'
import { confVersion, listBackups } from '../../src/main/conf/conf-file'
import { waitFor } from '../helpers/wait'
import { serviceWithLabs } from '../helpers/service-with-labs'

const { service, home, confEvents: events, remember } = await serviceWithLabs('sl-conf-service-')
let lab: LabStatus

const failure = async (p: Promise<unknown>): Promise<ApiError> => {
  const e = await p.then(() => null, (x: unknown) => x)
  expect(e).toBeInstanceOf(ApiError)
  return e as ApiError
}
const confOf = (member: string, file = 'redis.conf'): string => join(lab.dir!, member, file)

beforeAll(async () => {
  lab = remember(await service.createLab({ replicas: 1, sentinels: 3, timers: 'fast' }))
  expect(lab.state).toBe('healthy')
}, 30_000)

describe('which files the API offers', () => {
  it("lists a lab's lab.ini, each node's redis.conf and each sentinel's sentinel.conf", async () => {
    const files = await service.listConfFiles(lab.id)
    expect(files.map((f) => [f.label, f.kind, f.member ?? null, f.secret])).toEqual([
      ['lab.ini', 'supervisor', null, false],
      ['redis-master/redis.conf', 'redis', 'redis-master', true],
      ['redis-replica-1/redis.conf', 'redis', 'redis-replica-1', true],
      ['sentinel-1/sentinel.conf', 'sentinel', 'sentinel-1', true],
      ['sentinel-2/sentinel.conf', 'sentinel', 'sentinel-2', true],
      ['sentinel-3/sentinel.conf', 'sentinel', 'sentinel-3', true],
    ])
    expect(files[2].path).toBe(confOf('redis-replica-1'))
    expect(await service.listConfFiles(null)).toEqual([])
    expect((await failure(service.listConfFiles('no-such-lab'))).code).toBe('not-found')
  })

  it('opens a file: its text, version and mode, diagnostics, and who reads it', async () => {
    const path = confOf('redis-replica-1')
    const view = await service.openConfFile(path)
    const disk = readFileSync(path, 'utf8')
    expect(view.text).toBe(disk)
    expect(view.version).toBe(confVersion(disk))
    expect(view.mode).toBe(statSync(path).mode & 0o777)
    expect(view.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(view.owner).toEqual({ labId: lab.id, member: 'redis-replica-1', running: true })
    await service.closeConfFile(path)
  })

  it('refuses every other path: system files, lab.json (it holds the password), a way around by ..', async () => {
    const others = ['/etc/passwd', join(lab.dir!, 'lab.json'), join(lab.dir!, 'redis-master', '..', 'lab.json'), join(home, 'nowhere.conf')]
    for (const p of others) {
      expect((await failure(service.openConfFile(p))).code).toBe('not-found')
      expect((await failure(service.checkConf(p, 'port 1\n'))).code).toBe('not-found')
      expect((await failure(service.saveConfFile(p, 'x', '0000000000000000', false))).code).toBe('not-found')
      expect((await failure(service.applyConfEdits([{ file: p, op: 'set', directive: 'port', args: ['1'] }]))).code).toBe('not-found')
    }
    expect(readFileSync('/etc/passwd', 'utf8')).toMatch(/root/)
  })

  it("offers the open supervisor configuration's files too", async () => {
    const dir = join(home, 'programs')
    mkdirSync(dir)
    writeFileSync(join(dir, 'a.ini'), '[program:a]\ncommand=sleep 1000\nautostart=false\n')
    writeFileSync(join(dir, 'b.ini'), '[program:b]\ncommand=sleep 1000\nautostart=false\n')
    await service.openConfig(dir)
    const files = await service.listConfFiles(null)
    expect(files.map((f) => [f.label, f.kind])).toEqual([['a.ini', 'supervisor'], ['b.ini', 'supervisor']])
    const view = await service.openConfFile(join(dir, 'a.ini'))
    expect(view.owner).toBeUndefined()
    await service.closeConfFile(join(dir, 'a.ini'))
  })
})

describe('checking a text as it is typed', () => {
  it('locates errors, and plans live CONFIG SET for maxmemory but a restart for databases', async () => {
    const path = confOf('redis-replica-1')
    const disk = readFileSync(path, 'utf8')
    const bad = await service.checkConf(path, `${disk}maxmemory lots\n`)
    const error = bad.diagnostics.find((d) => d.severity === 'error')
    expect(error).toMatchObject({ file: path, line: disk.split('\n').length, directive: 'maxmemory' })

    const live = await service.checkConf(path, `${disk}maxmemory 100mb\n`)
    expect(live.plan).toEqual({
      member: 'redis-replica-1', restart: false,
      steps: [{ directive: 'maxmemory', how: 'live', commands: ['CONFIG SET maxmemory 100mb'] }],
    })
    // Redis 7 rebinds on CONFIG SET port; the number of databases is fixed at start.
    const restart = await service.checkConf(path, `${disk}databases 32\n`)
    expect(restart.plan.restart).toBe(true)
    expect(restart.plan.steps).toEqual([{ directive: 'databases', how: 'restart', commands: [], why: 'databases cannot change at run time' }])
  })

  it('masks passwords in the commands it announces', async () => {
    const path = confOf('redis-replica-1')
    const disk = readFileSync(path, 'utf8')
    const check = await service.checkConf(path, disk.replace(/^requirepass .*$/m, 'requirepass "n3w secret"'))
    expect(check.plan.steps).toEqual([{ directive: 'requirepass', how: 'live', commands: ['CONFIG SET requirepass ********'] }])
    expect(JSON.stringify(check)).not.toContain('n3w secret')
  })

  it("plans SENTINEL SET for a sentinel's per-master option, and a restart for a line Sentinel manages", async () => {
    const path = confOf('sentinel-2', 'sentinel.conf')
    const disk = readFileSync(path, 'utf8')
    const changed = disk.replace(/^sentinel down-after-milliseconds mymaster \d+$/m, 'sentinel down-after-milliseconds mymaster 4321')
    expect(changed).not.toBe(disk)
    expect((await service.checkConf(path, changed)).plan.steps).toEqual([
      { directive: 'sentinel down-after-milliseconds mymaster', how: 'live', commands: ['SENTINEL SET mymaster down-after-milliseconds 4321'] },
    ])
    // With a restart needed anyway, the restart applies the live change too.
    const both = await service.checkConf(path, changed.replace(/^sentinel myid [0-9a-f]+$/m, `sentinel myid ${'a'.repeat(40)}`))
    expect(both.plan.restart).toBe(true)
    expect(both.plan.steps.map((s) => [s.directive, s.how])).toEqual([
      ['sentinel myid', 'restart'],
      ['sentinel down-after-milliseconds mymaster', 'restart'],
    ])
    expect(both.plan.steps[1].why).toBe('the restart that sentinel myid needs applies it too')
  })
})

describe('saving', () => {
  it('refuses a text with errors, naming the line, and changes nothing', async () => {
    const path = confOf('redis-master')
    const view = await service.openConfFile(path)
    const e = await failure(service.saveConfFile(path, `${view.text}maxmemory-policy sometimes\n`, view.version, false))
    expect(e.code).toBe('invalid-argument')
    expect(e.message).toContain(`redis-master/redis.conf:${view.text.split('\n').length}:`)
    expect(readFileSync(path, 'utf8')).toBe(view.text)
    await service.closeConfFile(path)
  })

  it("refuses another port for a lab member, located on its port line: the lab's other files name the old one", async () => {
    const path = confOf('redis-replica-1')
    const view = await service.openConfFile(path)
    const port = lab.nodes.find((n) => n.name === 'redis-replica-1')!.port
    const lines = view.text.split('\n')
    const at = lines.findIndex((l) => l.startsWith('port '))
    expect(at).toBeGreaterThanOrEqual(0)
    const moved = view.text.replace(`port ${port}\n`, `port ${port + 1}\n`)
    const check = await service.checkConf(path, moved)
    expect(check.diagnostics.filter((d) => d.code === 'lab-port')).toEqual([
      expect.objectContaining({ line: at + 1, column: 6, severity: 'error', directive: 'port', message: expect.stringContaining(`runs on port ${port}`) }),
    ])
    const e = await failure(service.saveConfFile(path, moved, view.version, true))
    expect(e.code).toBe('invalid-argument')
    expect(readFileSync(path, 'utf8')).toBe(view.text)
    expect((await service.checkConf(path, view.text)).diagnostics.filter((d) => d.code === 'lab-port')).toEqual([])
    await service.closeConfFile(path)
  })

  it('refuses a save based on a version the disk no longer holds, then saves with a backup', async () => {
    const path = confOf('redis-master')
    const view = await service.openConfFile(path)
    const mine = `${view.text}# a note of mine\n`
    const e = await failure(service.saveConfFile(path, mine, confVersion('something else'), false))
    expect(e.code).toBe('conflict')
    expect(readFileSync(path, 'utf8')).toBe(view.text)

    const saved = await service.saveConfFile(path, mine, view.version, false)
    expect(readFileSync(path, 'utf8')).toBe(mine)
    expect(saved.view.text).toBe(mine)
    expect(saved.view.version).toBe(confVersion(mine))
    expect(saved.view.mode).toBe(view.mode)
    expect(saved.applied).toEqual([])
    expect(saved.backup).not.toBeNull()
    expect(readFileSync(saved.backup!, 'utf8')).toBe(view.text)
    expect(listBackups(path)).toContain(saved.backup)
    // The old version is gone from the disk: saving on it again is a conflict, unless the
    // text is what the disk holds already (the same change made on both sides).
    expect((await failure(service.saveConfFile(path, view.text, view.version, false))).code).toBe('conflict')
    const again = await service.saveConfFile(path, mine, view.version, false)
    expect([again.backup, again.view.version]).toEqual([null, confVersion(mine)])
    await service.closeConfFile(path)
  })

  it('applies edits (a doctor fix) to fresh reads, and a rejected value changes no file', async () => {
    const replica = confOf('redis-replica-1')
    const master = confOf('redis-master')
    const before = readFileSync(master, 'utf8')
    const e = await failure(service.applyConfEdits([
      { file: replica, op: 'set', directive: 'maxmemory', args: ['64mb'] },
      { file: master, op: 'set', directive: 'maxmemory', args: ['lots'] },
    ]))
    expect(e.code).toBe('invalid-argument')
    expect(readFileSync(replica, 'utf8')).not.toMatch(/^maxmemory /m)
    expect(readFileSync(master, 'utf8')).toBe(before)

    const views = await service.applyConfEdits([{ file: replica, op: 'set', directive: 'maxmemory', args: ['64mb'] }])
    expect(views.map((v) => v.path)).toEqual([replica])
    expect(readFileSync(replica, 'utf8')).toMatch(/^maxmemory 64mb$/m)
    expect(views[0].text).toBe(readFileSync(replica, 'utf8'))
    await service.applyConfEdits([{ file: replica, op: 'unset', directive: 'maxmemory' }])
    expect(readFileSync(replica, 'utf8')).not.toMatch(/^maxmemory /m)
  })
})

describe('watching open files', () => {
  it("reports another writer's change once, never the app's own saves, and nothing after close", async () => {
    const dir = join(home, 'programs')
    const [a, b] = [join(dir, 'a.ini'), join(dir, 'b.ini')]
    const va = await service.openConfFile(a)
    await service.openConfFile(b)
    const ofA = (): ConfChangedEvent[] => events.filter((e) => e.path === a)
    const ofB = (): ConfChangedEvent[] => events.filter((e) => e.path === b)

    await service.saveConfFile(a, `${va.text}startsecs=0\n`, va.version, false)
    // b changes after a's save: once b's change is reported, a's save was looked at too.
    writeFileSync(b, '[program:b]\ncommand=sleep 999\n')
    await waitFor(() => ofB().length === 1, "b.ini's change")
    expect(ofB()[0]).toEqual({ path: b, text: '[program:b]\ncommand=sleep 999\n', version: confVersion('[program:b]\ncommand=sleep 999\n') })
    expect(ofA()).toEqual([])

    writeFileSync(a, '[program:a]\ncommand=true\n')
    await waitFor(() => ofA().length === 1, "a.ini's change")
    expect(ofA()[0].text).toBe('[program:a]\ncommand=true\n')
    // The same bytes written again: no change.
    writeFileSync(a, '[program:a]\ncommand=true\n')
    rmSync(b)
    await waitFor(() => ofB().length === 2, "b.ini's deletion")
    expect(ofB()[1]).toEqual({ path: b, text: null, version: null })
    expect(ofA()).toHaveLength(1)

    await service.closeConfFile(a)
    writeFileSync(a, '[program:a]\ncommand=false\n')
    writeFileSync(b, '[program:b]\ncommand=true\n')
    await waitFor(() => ofB().length === 3, "b.ini's re-creation")
    expect(ofA()).toHaveLength(1)
    await service.closeConfFile(b)
  })
})

describe('the schema', () => {
  it('describes the directives of both files and the [program:x] keys, for the forms', async () => {
    const schema = await service.getConfSchema()
    expect(schema.redis.find((d) => d.name === 'maxmemory')).toMatchObject({ apply: 'live', group: 'Memory' })
    expect(schema.sentinel.find((d) => d.name === 'sentinel down-after-milliseconds')).toMatchObject({ apply: 'live' })
    expect(schema.program.map((k) => k.name)).toEqual(expect.arrayContaining(['command', 'autostart', 'autorestart', 'startsecs']))
  })
})

describe('the doctor', () => {
  it("finds nothing wrong in a fresh lab, and reports a file's problem while it is being edited", async () => {
    const findings = await service.runDoctor(lab.id)
    expect(findings.filter((f) => f.severity === 'error')).toEqual([])
    const path = confOf('redis-replica-1')
    const disk = readFileSync(path, 'utf8')
    const check = await service.checkConf(path, disk.replace(/^masterauth .*\n/m, ''))
    expect(check.findings.map((f) => f.id)).toContain('masterauth-missing')
    // Only this file's findings: the others' are shown with them.
    expect(check.findings.every((f) => f.file === path)).toBe(true)
    expect((await service.checkConf(path, disk)).findings.filter((f) => f.severity === 'error')).toEqual([])
  })
})

describe('a page that goes away', () => {
  it('closes the files it held open (web bridge)', async () => {
    const { startWebBridge } = await import('../../src/main/transport/web-bridge')
    const bridge = await startWebBridge({ service, rendererDir: home, port: 0 })
    try {
      const path = confOf('sentinel-1', 'sentinel.conf')
      const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/api?token=${bridge.token}`, { headers: { origin: `http://127.0.0.1:${bridge.port}` } })
      await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)))
      const replies: { id: number; result?: unknown; error?: unknown }[] = []
      ws.on('message', (m) => {
        // Events ('lab', 'snapshot'...) come on the same socket: keep the replies.
        const msg = JSON.parse(String(m)) as { id?: number }
        if (typeof msg.id === 'number') replies.push(msg as { id: number })
      })
      ws.send(JSON.stringify({ id: 1, method: 'openConfFile', args: [path] }))
      ws.send(JSON.stringify({ id: 2, method: 'openConfFile', args: [path] }))
      await waitFor(() => replies.length === 2, 'both opens answered')
      expect(replies.every((r) => r.error === undefined)).toBe(true)
      expect(service.conf.isOpen(path)).toBe(true)
      ws.close()
      await waitFor(() => !service.conf.isOpen(path), 'the watch to end with its page')
    } finally {
      await bridge.close()
    }
  })
})

describe('a stopped lab', () => {
  it('plans every change for the next start, and saves with apply do nothing live', async () => {
    await service.stopLab(lab.id)
    const path = confOf('redis-replica-1')
    const view = await service.openConfFile(path)
    expect(view.owner?.running).toBe(false)
    const text = `${view.text}maxmemory 32mb\n`
    const check = await service.checkConf(path, text)
    expect(check.plan).toEqual({
      member: null, restart: false,
      steps: [{ directive: 'maxmemory', how: 'next-start', commands: [], why: 'redis-replica-1 is not running: it reads the file when it starts' }],
    })
    const saved = await service.saveConfFile(path, text, view.version, true)
    expect(saved.applied).toEqual([{ directive: 'maxmemory', how: 'next-start', ok: true, message: 'redis-replica-1 is not running: it reads the file when it starts' }])
    expect(existsSync(saved.backup!)).toBe(true)
    await service.closeConfFile(path)
  }, 20_000)
})

describe('the plan, from texts alone', () => {
  const running = { kind: 'redis' as const, member: 'n', running: true }
  const plan = (a: string, b: string, ctx: Parameters<typeof planApply>[2] = running) => publicPlan(planApply(a, b, ctx))

  it("brings a removed directive back to its default live, and joins a directive's lines into one value", () => {
    expect(plan('maxmemory 1gb\n', '').steps).toEqual([{ directive: 'maxmemory', how: 'live', commands: ['CONFIG SET maxmemory 0'] }])
    expect(plan('save 900 1\n', 'save 900 1\nsave 300 10\n').steps[0].commands[0]).toBe('CONFIG SET save "900 1 300 10"')
    // Unchanged words, respelled: nothing to do.
    expect(plan('maxmemory "1gb"\n', "maxmemory '1gb'  \n").steps).toEqual([])
  })

  it('uses REPLICAOF for replicaof (slaveof too), and a restart for what Redis reads only at start', () => {
    expect(plan('slaveof 127.0.0.1 6380\n', 'replicaof 127.0.0.1 6390\n').steps[0].commands).toEqual(['REPLICAOF 127.0.0.1 6390'])
    expect(plan('replicaof 127.0.0.1 6380\n', '').steps[0].commands).toEqual(['REPLICAOF NO ONE'])
    expect(plan('', 'databases 32\n').steps).toEqual([{ directive: 'databases', how: 'restart', commands: [], why: 'databases cannot change at run time' }])
    expect(plan('', 'frobnicate yes\n').steps[0]).toMatchObject({ how: 'restart', why: expect.stringMatching(/not a directive this app knows/) })
  })

  it("changes a sentinel's quorum live and its master's address at a restart", () => {
    const ctx = { kind: 'sentinel' as const, member: 's', running: true }
    const base = 'sentinel monitor mymaster 127.0.0.1 6380 2\n'
    expect(plan(base, 'sentinel monitor mymaster 127.0.0.1 6380 1\n', ctx).steps[0].commands).toEqual(['SENTINEL SET mymaster quorum 1'])
    expect(plan(base, 'sentinel monitor mymaster 127.0.0.1 6390 2\n', ctx).steps[0].how).toBe('restart')
    expect(plan('', 'sentinel auth-pass mymaster s3cret\n', ctx).steps[0].commands).toEqual(['SENTINEL SET mymaster auth-pass ********'])
    expect(plan('sentinel auth-pass mymaster s3cret\n', '', ctx).steps[0].commands).toEqual(['SENTINEL SET mymaster auth-pass ""'])
    expect(plan('', 'sentinel resolve-hostnames yes\n', ctx).steps[0].commands).toEqual(['SENTINEL CONFIG SET resolve-hostnames yes'])
    expect(plan('', 'loglevel verbose\n', ctx).steps[0].how).toBe('restart')
  })

  it('says next start when nothing runs the file, and for a supervisor .ini', () => {
    expect(plan('', 'maxmemory 1mb\n', { kind: 'redis', member: 'n', running: false })).toEqual({
      member: null, restart: false, steps: [{ directive: 'maxmemory', how: 'next-start', commands: [], why: 'n is not running: it reads the file when it starts' }],
    })
    const ini = plan('[program:x]\ncommand=a\n', '[program:x]\ncommand=b\nautostart=false\n', { kind: 'supervisor', member: null, running: false, labIni: true })
    expect(ini.steps.map((s) => [s.directive, s.how])).toEqual([['program:x.command', 'next-start'], ['program:x.autostart', 'next-start']])
    expect(ini.steps[0].why).toMatch(/stop and start the lab/)
  })
})
