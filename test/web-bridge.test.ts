// The headless web bridge, in-process, through real HTTP and WebSocket clients: where it
// listens, what it serves, whom it refuses, how it answers malformed calls, and that the
// service's events reach a connected client.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { type IncomingHttpHeaders, request } from 'node:http'
import { connect } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { AppService as AppServiceType } from '../src/main/app/app-service'
import type { WebBridge } from '../src/main/transport/web-bridge'
import type { ApiEventMessage, AppEnvironment, WireResponse } from '../src/shared/api'
import type { SupervisorSnapshot, TransitionEvent } from '../src/shared/model'
import { waitFor } from './helpers/wait'

const root = resolve(__dirname, '..')
const rendererDir = join(root, 'out', 'renderer')
const PKG_MARKER = '"name": "sentinel-lab"'

let home: string
let service: AppServiceType
let bridge: WebBridge
const sockets: WebSocket[] = []

beforeAll(async () => {
  try {
    readFileSync(join(rendererDir, 'index.html'))
  } catch {
    throw new Error(`${rendererDir}/index.html is missing: build the app first (\`npx electron-vite build\`, or \`npm test\`)`)
  }
  // Before the service module is loaded: every file the service writes goes here.
  home = mkdtempSync(join(tmpdir(), 'sentinel-lab-web-bridge-'))
  process.env['SENTINEL_LAB_HOME'] = home
  const { AppService } = await import('../src/main/app/app-service')
  const { startWebBridge } = await import('../src/main/transport/web-bridge')
  service = new AppService({ transport: 'web', version: 'test' })
  bridge = await startWebBridge({ service, rendererDir, port: 0 })
})

afterAll(async () => {
  for (const ws of sockets) ws.terminate()
  await service?.shutdown()
  await bridge?.close()
  if (home) rmSync(home, { recursive: true, force: true })
})

// ---------------------------------------------------------------- HTTP helpers

interface HttpReply {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

function get(path: string, headers: Record<string, string> = {}, host = '127.0.0.1'): Promise<HttpReply> {
  return new Promise((resolvePromise, reject) => {
    const req = request({ host, port: bridge.port, path, method: 'GET', headers, timeout: 5_000 }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (body += d))
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)))
    req.on('error', reject)
    req.end()
  })
}

/** Whether a TCP connection to host:port succeeds. */
function tcpConnects(host: string, port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const s = connect({ host, port, timeout: 2_000 })
    s.once('connect', () => {
      s.destroy()
      resolvePromise(true)
    })
    s.once('timeout', () => {
      s.destroy()
      resolvePromise(false)
    })
    s.once('error', () => resolvePromise(false))
  })
}

// ---------------------------------------------------------------- WebSocket helpers

type Attempt = { ok: true; ws: WebSocket } | { ok: false; status: number | null; error: string }

function tryConnect(opts: { token?: string | null; origin?: string | null; path?: string }): Promise<Attempt> {
  const params = opts.token === null || opts.token === undefined ? '' : `?token=${encodeURIComponent(opts.token)}`
  const url = `ws://127.0.0.1:${bridge.port}${opts.path ?? '/api'}${params}`
  const ws = new WebSocket(url, opts.origin ? { origin: opts.origin, handshakeTimeout: 5_000 } : { handshakeTimeout: 5_000 })
  sockets.push(ws)
  return new Promise((resolvePromise) => {
    ws.once('open', () => resolvePromise({ ok: true, ws }))
    ws.once('unexpected-response', (_req, res) => {
      resolvePromise({ ok: false, status: res.statusCode ?? null, error: `HTTP ${res.statusCode}` })
      ws.terminate()
    })
    ws.once('error', (e) => resolvePromise({ ok: false, status: null, error: e.message }))
  })
}

const goodOrigin = (): string => `http://127.0.0.1:${bridge.port}`

/** A connected client that records every frame and close. */
class Client {
  readonly frames: unknown[] = []
  closed: { code: number; reason: string } | null = null
  private nextId = 1000

  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      try {
        this.frames.push(JSON.parse(String(d)))
      } catch {
        this.frames.push({ unparsable: String(d) })
      }
    })
    ws.on('close', (code, reason) => (this.closed = { code, reason: String(reason) }))
  }

  static async open(): Promise<Client> {
    const a = await tryConnect({ token: bridge.token, origin: goodOrigin() })
    if (!a.ok) throw new Error(`could not connect with the right token and origin: ${a.error}`)
    return new Client(a.ws)
  }

  replyTo(id: number): WireResponse | undefined {
    return this.frames.find((f): f is WireResponse => typeof f === 'object' && f !== null && (f as WireResponse).id === id && !('event' in f))
  }

  events<K extends ApiEventMessage['event']>(name: K): ApiEventMessage<K>['payload'][] {
    return this.frames
      .filter((f): f is ApiEventMessage<K> => typeof f === 'object' && f !== null && (f as ApiEventMessage).event === name)
      .map((f) => f.payload)
  }

  /** Send a raw frame; resolve with the reply to `id`, or the close. */
  async sendRaw(frame: string, id: number, timeoutMs = 3_000): Promise<{ reply?: WireResponse; closed?: { code: number; reason: string } }> {
    this.ws.send(frame)
    return waitFor(
      () => {
        const reply = this.replyTo(id)
        if (reply) return { reply }
        if (this.closed) return { closed: this.closed }
        return undefined
      },
      `a reply to ${frame.slice(0, 80)} (or a close)`,
      timeoutMs,
    )
  }

  async call<T = unknown>(method: string, args: unknown[], timeoutMs?: number): Promise<WireResponse & { result?: T }> {
    const id = this.nextId++
    const { reply, closed } = await this.sendRaw(JSON.stringify({ id, method, args }), id, timeoutMs)
    if (!reply) throw new Error(`the server closed the connection (${closed?.code} ${closed?.reason}) instead of answering ${method}`)
    return reply as WireResponse & { result?: T }
  }
}

async function serverStillAnswers(): Promise<void> {
  const c = await Client.open()
  const r = await c.call<AppEnvironment>('getEnvironment', [])
  expect(r.error).toBeUndefined()
  expect(r.result?.transport).toBe('web')
  c.ws.close()
}

// ---------------------------------------------------------------- tests

describe('web bridge: listening socket', () => {
  it('binds 127.0.0.1 only', async () => {
    expect(bridge.port).toBeGreaterThan(0)
    expect(new URL(bridge.url).hostname).toBe('127.0.0.1')
    expect(await tcpConnects('127.0.0.1', bridge.port)).toBe(true)

    if (process.platform === 'linux') {
      // /proc/net/tcp{,6}: local address of every socket; state 0A is LISTEN.
      const hex = bridge.port.toString(16).toUpperCase().padStart(4, '0')
      const listening = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((f) => {
        let text = ''
        try {
          text = readFileSync(f, 'utf8')
        } catch {
          return []
        }
        return text
          .split('\n')
          .slice(1)
          .map((l) => l.trim().split(/\s+/))
          .filter((cols) => cols.length > 3 && cols[1]!.endsWith(`:${hex}`) && cols[3] === '0A')
          .map((cols) => cols[1]!)
      })
      expect(listening, 'exactly one listening socket, on 127.0.0.1').toEqual([`0100007F:${hex}`])
    }

    // Not reachable on any other address of this machine.
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal && i.family === 'IPv4')
      .map((i) => i!.address)
    for (const addr of [...others, '::1']) {
      expect(await tcpConnects(addr, bridge.port), `${addr}:${bridge.port} must not accept connections`).toBe(false)
    }
  })
})

describe('web bridge: HTTP', () => {
  it('serves index.html at / with a content-security-policy', async () => {
    const r = await get('/')
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toMatch(/^text\/html/)
    expect(r.body).toBe(readFileSync(join(rendererDir, 'index.html'), 'utf8'))
    const csp = String(r.headers['content-security-policy'] ?? '')
    expect(csp).toMatch(/default-src 'self'/)
    expect(csp).not.toMatch(/unsafe-eval/)
    expect(csp).toMatch(/frame-ancestors 'none'/)
  })

  it('refuses a request for another host (DNS rebinding) with 421', async () => {
    const r = await get('/', { Host: 'evil.example' })
    expect(r.status).toBe(421)
    expect(r.body).not.toContain('<html')
    const r2 = await get('/', { Host: `evil.example:${bridge.port}` })
    expect(r2.status).toBe(421)
  })

  it.each([
    '/../package.json',
    '/%2e%2e/package.json',
    '/..%2f..%2fpackage.json',
    '/%2e%2e%2f%2e%2e%2fpackage.json',
    '/assets/..%2f..%2f..%2fpackage.json',
    '/..%5c..%5cpackage.json',
    '/%2e%2e/%2e%2e/package.json',
  ])('refuses path traversal: %s', async (path) => {
    const r = await get(path)
    expect([400, 403, 404], `status for ${path}`).toContain(r.status)
    expect(r.body).not.toContain(PKG_MARKER)
  })

  it('refuses methods other than GET and HEAD', async () => {
    const status = await new Promise<number>((resolvePromise, reject) => {
      const req = request({ host: '127.0.0.1', port: bridge.port, path: '/', method: 'POST' }, (res) => {
        res.resume()
        resolvePromise(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end('x')
    })
    expect(status).toBe(405)
  })
})

describe('web bridge: WebSocket handshake', () => {
  it('refuses a connection without a token', async () => {
    const a = await tryConnect({ token: null, origin: goodOrigin() })
    expect(a.ok).toBe(false)
  })

  it('refuses a connection with a wrong token', async () => {
    expect((await tryConnect({ token: 'wrong', origin: goodOrigin() })).ok).toBe(false)
    // Same length, different content (the comparison must not stop at the length check).
    const sameLength = bridge.token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))
    expect((await tryConnect({ token: sameLength, origin: goodOrigin() })).ok).toBe(false)
    expect((await tryConnect({ token: '', origin: goodOrigin() })).ok).toBe(false)
  })

  it('refuses the right token from another origin', async () => {
    const a = await tryConnect({ token: bridge.token, origin: 'http://evil.example' })
    expect(a.ok).toBe(false)
    const b = await tryConnect({ token: bridge.token, origin: `http://evil.example:${bridge.port}` })
    expect(b.ok).toBe(false)
  })

  it('refuses the right token without an Origin header', async () => {
    const a = await tryConnect({ token: bridge.token, origin: null })
    expect(a.ok).toBe(false)
  })

  it('refuses the right token and origin on another path', async () => {
    const a = await tryConnect({ token: bridge.token, origin: goodOrigin(), path: '/other' })
    expect(a.ok).toBe(false)
  })

  it('accepts the right token from its own origin and answers getEnvironment', async () => {
    const a = await tryConnect({ token: bridge.token, origin: goodOrigin() })
    expect(a.ok, a.ok ? '' : a.error).toBe(true)
    const c = new Client((a as { ws: WebSocket }).ws)
    const { reply } = await c.sendRaw(JSON.stringify({ id: 1, method: 'getEnvironment', args: [] }), 1)
    expect(reply?.error).toBeUndefined()
    const env = reply?.result as AppEnvironment
    expect(env.transport).toBe('web')
    expect(env.version).toBe('test')
    c.ws.close()
  })
})

describe('web bridge: malformed calls', () => {
  it.each([
    ['an unknown method', { method: 'nope', args: [] }],
    ['a method from the object prototype', { method: 'constructor', args: [] }],
    ['__proto__ as a method', { method: '__proto__', args: [] }],
    ['too many arguments', { method: 'getEnvironment', args: [1] }],
    ['too few arguments', { method: 'openConfig', args: [] }],
    ['arguments that are not an array', { method: 'getEnvironment', args: 'x' }],
    ['missing arguments', { method: 'getSnapshot' }],
    ['a process target without a name', { method: 'start', args: [{ kind: 'process' }] }],
    ['a target of an unknown kind', { method: 'stop', args: [{ kind: 'everything' }] }],
    ['a target that is not an object', { method: 'restart', args: ['all'] }],
    ['a bad signal name', { method: 'signal', args: [{ kind: 'all' }, 'HUP; rm -rf /'] }],
    ['a path with a NUL byte', { method: 'openConfig', args: ['/tmp/a\0b.ini'] }],
    ['a bad dialog kind', { method: 'pickConfigPath', args: ['anything'] }],
  ])('answers %s with invalid-argument and stays up', async (_what, body) => {
    const c = await Client.open()
    const id = 7
    const { reply, closed } = await c.sendRaw(JSON.stringify({ id, ...body }), id)
    expect(closed, 'the server should answer, not close').toBeUndefined()
    expect(reply?.result).toBeUndefined()
    expect(reply?.error?.code).toBe('invalid-argument')
    expect(reply?.error?.message).toMatch(/\S/)
    // The same connection still works.
    const ok = await c.call<AppEnvironment>('getEnvironment', [])
    expect(ok.result?.transport).toBe('web')
    c.ws.close()
  })

  it('closes the connection on a frame that is not JSON, and stays up', async () => {
    const c = await Client.open()
    c.ws.send('this is { not json')
    const closed = await waitFor(() => c.closed, 'the server to close the connection')
    expect(closed.code).toBe(1003)
    await serverStillAnswers()
  })

  it.each(['null', '42', '"getEnvironment"', '[]', 'true'])(
    'answers (or closes on) a JSON frame that is not an object: %s, and stays up',
    async (frame) => {
      const rejections: unknown[] = []
      const onRejection = (e: unknown): void => void rejections.push(e)
      process.on('unhandledRejection', onRejection)
      try {
        const c = await Client.open()
        let outcome: Awaited<ReturnType<Client['sendRaw']>> | undefined
        let failure: unknown
        try {
          // Such a frame has no id: the reply, if any, carries id -1.
          outcome = await c.sendRaw(frame, -1, 2_000)
        } catch (e) {
          failure = e
        }
        // Give a rejection from the server's message handler its turn to surface.
        await new Promise((r) => setImmediate(r))
        expect(
          rejections.map((e) => String((e as Error)?.stack ?? e)),
          `the server's message handler threw on ${frame} (an unhandled rejection, which ends \`sentinel-lab serve\`)`,
        ).toEqual([])
        expect(failure, `no reply and no close for ${frame}`).toBeUndefined()
        if (outcome?.reply) expect(outcome.reply.error?.code).toBe('invalid-argument')
        c.ws.terminate()
        await serverStillAnswers()
      } finally {
        process.off('unhandledRejection', onRejection)
      }
    },
  )
})

describe('web bridge: never dies of bad input', () => {
  it.each(['/%ff', '/%', '/%E0%A4%A'])('answers a malformed URL with 400 (no token needed to send one), and stays up: %s', async (path) => {
    const r = await get(path)
    expect(r.status).toBe(400)
    await serverStillAnswers()
  })

  // Raw frames on the socket of an accepted connection: each breaks the protocol its own way.
  const mask = [1, 2, 3, 4]
  it.each([
    ['invalid UTF-8 in a text frame', Buffer.from([0x81, 0x82, ...mask, 0xff ^ 1, 0xfe ^ 2]), 1007],
    ['RSV1 set without an extension', Buffer.from([0xc1, 0x80, ...mask]), 1002],
    ['an unknown opcode', Buffer.from([0x83, 0x80, ...mask]), 1002],
    ['an unmasked client frame', Buffer.from([0x81, 0x00]), 1002],
    ['a frame over the payload limit', Buffer.from([0x82, 0xff, 0, 0, 0, 1, 0, 0, 0, 0, ...mask]), 1009],
  ] as const)('closes the connection on %s with its close code, touching no other page', async (_what, frame, code) => {
    const other = await Client.open()
    const c = await Client.open()
    const raw = (c.ws as unknown as { _socket: import('node:net').Socket })._socket
    const closedBy = new Promise<number>((resolve) => raw.once('data', (d: Buffer) => resolve(d.length >= 4 && (d[0] & 0x0f) === 8 ? d.readUInt16BE(2) : -1)))
    raw.write(frame)
    expect(await closedBy).toBe(code)
    const r = await other.call<AppEnvironment>('getEnvironment', [])
    expect(r.error).toBeUndefined()
    other.ws.close()
    await serverStillAnswers()
  })

  it('a frame fits every call the API accepts: mergeConf with three texts of the largest size', async () => {
    const { MAX_CONF_TEXT } = await import('../src/shared/api-args')
    const c = await Client.open()
    const text = '\u0001'.repeat(MAX_CONF_TEXT) // each character JSON-escaped to 6 bytes
    const r = await c.call<{ text: string }>('mergeConf', [text, text, text], 60_000)
    expect(r.error).toBeUndefined()
    c.ws.close()
  }, 90_000)

  it("refuses lab spec keys that exist only on Object.prototype's side", async () => {
    const c = await Client.open()
    for (const key of ['toString', 'constructor', 'hasOwnProperty']) {
      const r = await c.call('createLab', [JSON.parse(`{"${key}": 1}`)])
      expect(r.error?.code).toBe('invalid-argument')
      expect(r.error?.message).toMatch(new RegExp(`${key}: unknown lab spec field`))
    }
    c.ws.close()
  })
})

describe('web bridge: events', () => {
  it("forwards transitions and snapshots of a config opened through the socket", async () => {
    const dir = mkdtempSync(join(home, 'config-'))
    const file = join(dir, 'lab.ini')
    writeFileSync(file, '[program:s]\ncommand=sleep 100\nstartsecs=0\nautostart=true\n')
    const c = await Client.open()

    const opened = await c.call<SupervisorSnapshot>('openConfig', [file])
    expect(opened.error).toBeUndefined()
    expect(opened.result?.configPath).toBe(file)
    expect(opened.result?.issues.filter((i) => i.severity === 'error')).toEqual([])
    expect(opened.result?.processes.map((p) => p.name)).toEqual(['s'])

    const transitions = await waitFor(
      () => {
        const t = c.events('transition').filter((e) => e.name === 's') as TransitionEvent[]
        return t.some((e) => e.to === 'RUNNING') ? t : undefined
      },
      "a transition of 's' to RUNNING",
      10_000,
    )
    expect(transitions.map((t) => `${t.from}->${t.to}`)).toEqual(['STOPPED->STARTING', 'STARTING->RUNNING'])
    const running = transitions.at(-1)!
    expect(running.pid).toBeGreaterThan(0)

    const snapshots = await waitFor(
      () => {
        const s = c.events('snapshot') as SupervisorSnapshot[]
        return s.length > 0 ? s : undefined
      },
      'a snapshot event',
    )
    expect(snapshots.some((s) => s.configPath === file)).toBe(true)

    // The environment now remembers the file.
    const env = await c.call<AppEnvironment>('getEnvironment', [])
    expect(env.result?.recent[0]).toBe(file)

    // Stop it through the socket: the process ends, and the transition is forwarded.
    const stopped = await c.call<{ name: string; ok: boolean }[]>('stop', [{ kind: 'process', name: 's' }])
    expect(stopped.result).toEqual([expect.objectContaining({ name: 's', ok: true })])
    await waitFor(
      () => c.events('transition').some((e) => e.name === 's' && e.to === 'STOPPED'),
      "a transition of 's' to STOPPED",
      10_000,
    )
    await waitFor(() => {
      try {
        process.kill(running.pid, 0)
        return false
      } catch {
        return true
      }
    }, `pid ${running.pid} to exit`)
    c.ws.close()
  })
})
