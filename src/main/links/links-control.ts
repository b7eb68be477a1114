// The links of a lab, from another process: the process that runs the lab (`sentinel-lab up`,
// the app) answers on 127.0.0.1 with a random token, both written to state/links.json (0600)
// in the lab folder; `sentinel-lab link|partition|heal` read it and ask. One JSON line each way.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { type AddressInfo, type Server, connect, createServer } from 'node:net'
import { join } from 'node:path'
import { writeFileAtomic } from '../conf/atomic-write'
import type { LinkChange } from '../../shared/links'
import type { LabLinks, LinksSnapshot } from './lab-links'

export type LinksRequest = { op: 'snapshot' } | LinkChange

export type LinksReply = { ok: true; snapshot: LinksSnapshot; reset?: number } | { ok: false; error: string }

const controlFile = (labDir: string): string => join(labDir, 'state', 'links.json')

/** Carry out one request on the links (the same for the control socket and the app's API). */
export function applyLinks(links: LabLinks, r: LinksRequest): LinksReply {
  try {
    let reset: number | undefined
    if (r.op === 'set') links.set(r.a, r.b, r.change, r.oneway)
    else if (r.op === 'partition') links.partition(r.side)
    else if (r.op === 'heal') links.heal(r.a, r.b)
    else if (r.op === 'reset') reset = links.reset(r.a, r.b)
    else if (r.op !== 'snapshot') throw new Error(`unknown op ${String((r as { op: unknown }).op)}`)
    return { ok: true, snapshot: links.snapshot(), ...(reset !== undefined ? { reset } : {}) }
  } catch (e) {
    return { ok: false, error: (e as Error).message }
  }
}

export async function serveLinks(labDir: string, links: LabLinks): Promise<{ close(): Promise<void> }> {
  const token = randomBytes(24).toString('base64url')
  const server: Server = createServer((socket) => {
    socket.setEncoding('utf8')
    socket.on('error', () => {})
    let buf = ''
    socket.on('data', (d: string) => {
      buf += d
      if (buf.length > 65536) return void socket.destroy()
      const nl = buf.indexOf('\n')
      if (nl < 0) return
      let reply: LinksReply
      try {
        const msg = JSON.parse(buf.slice(0, nl)) as { token?: string; request?: LinksRequest }
        const given = Buffer.from(String(msg.token ?? ''))
        const ok = given.length === Buffer.byteLength(token) && timingSafeEqual(given, Buffer.from(token))
        reply = ok && msg.request ? applyLinks(links, msg.request) : { ok: false, error: 'refused: wrong token' }
      } catch (e) {
        reply = { ok: false, error: `not a request: ${(e as Error).message}` }
      }
      socket.end(JSON.stringify(reply) + '\n')
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  mkdirSync(join(labDir, 'state'), { recursive: true, mode: 0o700 })
  writeFileAtomic(controlFile(labDir), JSON.stringify({ port, token, pid: process.pid }) + '\n', 0o600)
  return {
    close: async () => {
      rmSync(controlFile(labDir), { force: true })
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

/** Ask the process that runs the lab in `labDir`. */
export async function askLinks(labDir: string, request: LinksRequest, timeoutMs = 3000): Promise<LinksReply> {
  const file = controlFile(labDir)
  if (!existsSync(file)) throw new Error(`no link control in ${labDir}: the lab is not running, or runs without link faults (start it with 'sentinel-lab up --links')`)
  const { port, token } = JSON.parse(readFileSync(file, 'utf8')) as { port: number; token: string }
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.setEncoding('utf8')
    let buf = ''
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`no answer from the lab's process within ${timeoutMs} ms`))), timeoutMs)
    socket.on('error', (e) => (clearTimeout(timer), reject(new Error(`the lab's process does not answer (${e.message}): is it still running?`))))
    socket.on('data', (d: string) => (buf += d))
    socket.on('end', () => {
      clearTimeout(timer)
      try {
        resolve(JSON.parse(buf) as LinksReply)
      } catch (e) {
        reject(new Error(`a bad answer from the lab's process: ${(e as Error).message}`))
      }
    })
    socket.write(JSON.stringify({ token, request }) + '\n')
  })
}
