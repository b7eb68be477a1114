// The headless web bridge: the same API as Electron's IPC, over a WebSocket on loopback,
// plus the built renderer over HTTP. It binds 127.0.0.1 only, requires a random token,
// and refuses WebSocket connections from other origins and requests for other hosts (a
// web page the user visits cannot drive it, not even through DNS rebinding).
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'
import { WebSocket, WebSocketServer } from 'ws'
import { type ApiEventMessage, WS_PATH, type WireRequest, type WireResponse } from '../../shared/api'
import { MAX_CONF_TEXT } from '../../shared/api-args'
import { toErrorData } from './api-guard'
import { PageSession } from './page-session'
import type { AppService } from '../app/app-service'

/**
 * The largest frame a page may send: mergeConf's three texts of MAX_CONF_TEXT characters,
 * each character at most 6 bytes once JSON-escaped (\u00XX), and room for the rest: every
 * call the API accepts fits in one frame.
 */
const MAX_FRAME = 3 * 6 * MAX_CONF_TEXT + 64 * 1024

interface WebBridgeOptions {
  service: AppService
  /** The built renderer (out/renderer). */
  rendererDir: string
  /** 0 picks a free port. */
  port?: number
  token?: string
}

export interface WebBridge {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

export async function startWebBridge(options: WebBridgeOptions): Promise<WebBridge> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  let port = 0
  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`]
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`)

  const server = createServer((req, res) => {
    if (!allowedHosts().includes(req.headers.host ?? '')) return deny(res, 421, 'wrong host')
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'method not allowed')
    void serveStatic(options.rendererDir, req, res, port)
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const ok =
      url.pathname === WS_PATH &&
      allowedHosts().includes(req.headers.host ?? '') &&
      allowedOrigins().includes(req.headers.origin ?? '') &&
      sameSecret(url.searchParams.get('token') ?? '', token)
    if (!ok) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  const sessions = new WeakMap<WebSocket, PageSession>()
  const forward = (message: ApiEventMessage): void => {
    const data = JSON.stringify(message)
    for (const client of wss.clients) {
      if (client.readyState === WebSocket.OPEN && sessions.get(client)?.wants(message)) client.send(data)
    }
  }
  options.service.events.on('event', forward)

  wss.on('connection', (ws) => {
    const page = new PageSession(options.service)
    sessions.set(ws, page)
    ws.on('close', () => page.close())
    // A frame that breaks the protocol (bad UTF-8, RSV bits, an unknown opcode, too big) ends
    // this page's connection with the right close code; the bridge and the other pages go on.
    ws.on('error', () => {})
    ws.on('message', async (raw) => {
      let req: Partial<WireRequest>
      try {
        const parsed: unknown = JSON.parse(String(raw))
        // Only a plain object is a request; anything else ends the connection.
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object')
        req = parsed as Partial<WireRequest>
      } catch {
        return ws.close(1003, 'expected a JSON request object')
      }
      const reply: WireResponse = { id: typeof req.id === 'number' ? req.id : -1 }
      try {
        reply.result = await page.call(req.method, req.args)
      } catch (e) {
        reply.error = toErrorData(e)
      }
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(reply))
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      options.service.events.off('event', forward)
      for (const c of wss.clients) c.terminate()
      wss.close()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function deny(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' }).end(text)
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, port: number): Promise<void> {
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname)
  } catch {
    return deny(res, 400, 'bad request: malformed URL') // /%ff, /%: any page the user visits can send these
  }
  const rel = normalize(pathname === '/' ? '/index.html' : pathname).replace(/^([/\\])+/, '')
  const file = join(root, rel)
  if (!file.startsWith(root + sep) || rel.split(sep).includes('..')) return deny(res, 403, 'forbidden')
  let body: Buffer
  try {
    body = await readFile(file)
  } catch {
    return deny(res, 404, 'not found')
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy':
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; ` +
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
  })
  res.end(req.method === 'HEAD' ? undefined : body)
}
