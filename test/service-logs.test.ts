// Logs through the service, as the panes use them: a lab sentinel's log tailed and then
// followed live through a failover (+switch-master arrives in a 'log' event), a program's
// stdout followed, sources without a log refused plainly, and a page that closes its
// WebSocket stops following (no follower is left behind).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { ApiEventMessage } from '../src/shared/api'
import type { LabStatus, LogBatch } from '../src/shared/model'
import type { AppService as AppServiceType } from '../src/main/app/app-service'
import type { WebBridge } from '../src/main/transport/web-bridge'
import { ApiError } from '../src/shared/errors'
import { waitFor } from './helpers/wait'

let home: string
let service: AppServiceType
let bridge: WebBridge
let lab: LabStatus
const batches: LogBatch[] = []
const follows = (): number => (service.logs as unknown as { follows: Map<number, unknown> }).follows.size

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'sentinel-lab-logs-'))
  process.env['SENTINEL_LAB_HOME'] = home
  const { AppService } = await import('../src/main/app/app-service')
  const { startWebBridge } = await import('../src/main/transport/web-bridge')
  service = new AppService({ transport: 'web', version: 'test' })
  service.events.on('event', (m: ApiEventMessage) => void (m.event === 'log' && batches.push(m.payload as LogBatch)))
  bridge = await startWebBridge({ service, rendererDir: resolve(__dirname, '..', 'out', 'renderer'), port: 0 })
  lab = await service.createLab({ replicas: 1, sentinels: 3, timers: 'fast' })
  expect(lab.state).toBe('healthy')
}, 30_000)

afterAll(async () => {
  await service?.shutdown()
  await bridge?.close()
  if (home) rmSync(home, { recursive: true, force: true })
}, 30_000)

const linesOf = (id: number): string[] => batches.filter((b) => b.id === id).flatMap((b) => b.lines)

describe('logs through the service', () => {
  it("tails a sentinel's log, then follows it live through a failover", async () => {
    const f = await service.followLog({ kind: 'lab', lab: lab.id, member: 'sentinel-1' }, 500)
    expect(f.path).toBe(join(lab.dir!, 'logs', 'sentinel-1.log'))
    expect(f.lines.some((l) => /# Sentinel ID is|\+monitor master mymaster/.test(l))).toBe(true)
    await service.failoverLab(lab.id)
    await waitFor(() => linesOf(f.id).some((l) => l.includes('+switch-master mymaster')), '+switch-master in a log batch', 15_000)
    await service.unfollowLog(f.id)
    expect(follows()).toBe(0)
  }, 30_000)

  it("follows a program's stdout, and refuses sources without a log", async () => {
    const ini = join(home, 'echo.ini')
    writeFileSync(ini, `[program:ticker]\ncommand=sh -c "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.05; done"\nstartsecs=0\n`)
    await service.openConfig(ini)
    const f = await service.followLog({ kind: 'program', name: 'ticker', channel: 'stdout' }, 10)
    await waitFor(() => linesOf(f.id).some((l) => /^tick \d+$/.test(l)), 'a tick line', 5000)
    const nums = linesOf(f.id).map((l) => Number(l.split(' ')[1]))
    expect(nums).toEqual([...nums].sort((a, b) => a - b)) // in order
    await service.unfollowLog(f.id)

    const missing = await service.followLog({ kind: 'lab', lab: lab.id, member: 'sentinel-9' }, 10).catch((e: ApiError) => e)
    expect((missing as ApiError).code).toBe('not-found')
    expect((missing as ApiError).message).toMatch(/sentinel-9: no such node or sentinel/)
    // The web bridge has no file manager to show it in: the renderer offers the path instead.
    expect(await service.revealLog({ kind: 'lab', lab: lab.id, member: 'sentinel-1' })).toBe(false)
    // A log that is a terminal or a device would block the reader or read the user's typing.
    writeFileSync(ini, '[program:tty]\ncommand=sleep 1000\nstdout_logfile=/dev/null\nautostart=false\n')
    await service.openConfig(ini)
    const device = await service.followLog({ kind: 'program', name: 'tty', channel: 'stdout' }, 10).catch((e: ApiError) => e)
    expect((device as ApiError).message).toMatch(/\/dev\/null is not a regular file/)
    const noProgram = await service.followLog({ kind: 'program', name: 'nope', channel: 'stdout' }, 10).catch((e: ApiError) => e)
    expect((noProgram as ApiError).message).toMatch(/no program nope/)
  }, 20_000)

  it("sends each page only the lines of the logs it follows (another tab's log is not its traffic)", async () => {
    const page = async (): Promise<{ ws: WebSocket; call: (id: number, method: string, args: unknown[]) => Promise<{ result?: { id: number } }>; logIds: Set<number>; events: Set<string> }> => {
      const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/api?token=${bridge.token}`, { headers: { origin: `http://127.0.0.1:${bridge.port}` } })
      await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)))
      const logIds = new Set<number>()
      const events = new Set<string>()
      const replies = new Map<number, (m: { result?: { id: number } }) => void>()
      ws.on('message', (raw) => {
        const m = JSON.parse(String(raw)) as { id?: number; event?: string; payload?: LogBatch; result?: { id: number } }
        if (m.event) events.add(m.event)
        if (m.event === 'log') logIds.add(m.payload!.id)
        if (m.id !== undefined) replies.get(m.id)?.(m)
      })
      const call = (id: number, method: string, args: unknown[]): Promise<{ result?: { id: number } }> =>
        new Promise((r) => {
          replies.set(id, r)
          ws.send(JSON.stringify({ id, method, args }))
        })
      return { ws, call, logIds, events }
    }
    const [a, b] = [await page(), await page()]
    try {
      const fa = (await a.call(1, 'followLog', [{ kind: 'lab', lab: lab.id, member: 'sentinel-1' }, 5])).result!.id
      const fb = (await b.call(1, 'followLog', [{ kind: 'lab', lab: lab.id, member: 'sentinel-2' }, 5])).result!.id
      // Sentinels log at every failover: both follows get lines.
      await service.failoverLab(lab.id)
      await waitFor(() => a.logIds.has(fa) && b.logIds.has(fb), 'both pages to get their own lines', 15_000)
      expect([...a.logIds]).toEqual([fa])
      expect([...b.logIds]).toEqual([fb])
      // Other events still reach every page.
      expect(a.events.has('lab') && b.events.has('lab')).toBe(true)
    } finally {
      a.ws.close()
      b.ws.close()
      await waitFor(() => follows() === 0, 'the follows to end with their pages', 5000)
    }
  }, 30_000)

  it('stops following when the page that asked goes away', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/api?token=${bridge.token}`, { headers: { origin: `http://127.0.0.1:${bridge.port}` } })
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)))
    const reply = new Promise<{ result?: { id: number } }>((r) => ws.on('message', (m) => {
      const msg = JSON.parse(String(m)) as { id?: number; result?: { id: number } }
      if (msg.id === 1) r(msg)
    }))
    ws.send(JSON.stringify({ id: 1, method: 'followLog', args: [{ kind: 'lab', lab: lab.id, member: 'redis-master' }, 20] }))
    expect((await reply).result?.id).toBeGreaterThan(0)
    expect(follows()).toBe(1)
    ws.close()
    await waitFor(() => follows() === 0, 'the follow to end with its page', 5000)
  })

  it("ends an Electron window's follows and open files with its page (IPC adapter), also for a call still running when the page left", async () => {
    const { IpcPages } = await import('../src/main/transport/ipc-pages')
    const pages = new IpcPages(service)
    const source = { kind: 'lab', lab: lab.id, member: 'sentinel-1' }
    const conf = (await service.listConfFiles(lab.id)).find((f) => f.member === 'sentinel-1')!.path
    const opened = await pages.call(7, 'followLog', [source, 5])
    expect(opened.error).toBeUndefined()
    expect(follows()).toBe(1)
    expect((await pages.call(7, 'openConfFile', [conf])).error).toBeUndefined()
    expect(service.conf.isOpen(conf)).toBe(true)
    // Another window is not sent this page's lines; the page itself is.
    const line = { event: 'log', payload: { id: (opened.result as { id: number }).id, lines: [] } } as unknown as ApiEventMessage
    expect([pages.wants(7, line), pages.wants(8, line)]).toEqual([true, false])
    pages.pageGone(7) // a reload or a closed window
    expect(follows()).toBe(0)
    expect(service.conf.isOpen(conf)).toBe(false)
    // The page leaves while its follow is starting: the follow ends as soon as it exists.
    const late = pages.call(9, 'followLog', [source, 5])
    pages.pageGone(9)
    expect((await late).error).toBeUndefined()
    expect(follows()).toBe(0)
    // Malformed calls are answered as errors, never thrown.
    expect((await pages.call(9, 'followLog', ['nope'])).error?.code).toBe('invalid-argument')
  })
})
