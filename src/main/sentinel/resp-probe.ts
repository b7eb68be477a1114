// Asks whatever listens on a port a few Redis commands over one plain socket, and tells
// apart "nothing listens" (null), "something listens but does not speak Redis"
// (NotRedisError) and Redis's own replies, errors included (NOAUTH, WRONGPASS). A client
// library would hide these differences behind reconnects and auth handling.
import { Socket } from 'node:net'

export type Reply = string | number | null | { error: string } | Reply[]

export class NotRedisError extends Error {
  /** Accepted the connection but said nothing: a paused (SIGSTOP) or stuck process, or a server that waits for its own protocol. */
  constructor(message: string, readonly silent = false) {
    super(message)
  }
}

type Parsed = { value: Reply; next: number } | 'incomplete' | 'invalid'

function lineAt(buf: Buffer, from: number): { text: string; next: number } | null {
  const end = buf.indexOf('\r\n', from)
  return end === -1 ? null : { text: buf.toString('utf8', from, end), next: end + 2 }
}

function parse(buf: Buffer, at: number): Parsed {
  if (at >= buf.length) return 'incomplete'
  const type = String.fromCharCode(buf[at])
  const line = lineAt(buf, at + 1)
  if (!line) return buf.length - at > 64 * 1024 ? 'invalid' : 'incomplete'
  switch (type) {
    case '+': return { value: line.text, next: line.next }
    case '-': return { value: { error: line.text }, next: line.next }
    case ':': return /^-?\d+$/.test(line.text) ? { value: Number(line.text), next: line.next } : 'invalid'
    case '$': {
      const len = Number(line.text)
      if (!Number.isInteger(len) || len < -1) return 'invalid'
      if (len === -1) return { value: null, next: line.next }
      if (buf.length < line.next + len + 2) return 'incomplete'
      return { value: buf.toString('utf8', line.next, line.next + len), next: line.next + len + 2 }
    }
    case '*': {
      const n = Number(line.text)
      if (!Number.isInteger(n) || n < -1) return 'invalid'
      if (n === -1) return { value: null, next: line.next }
      const items: Reply[] = []
      let next = line.next
      for (let i = 0; i < n; i++) {
        const item = parse(buf, next)
        if (typeof item === 'string') return item
        items.push(item.value)
        next = item.next
      }
      return { value: items, next }
    }
    default: return 'invalid'
  }
}

function encode(command: readonly string[]): string {
  return `*${command.length}\r\n${command.map((w) => `$${Buffer.byteLength(w)}\r\n${w}\r\n`).join('')}`
}

/**
 * Send `commands` to host:port and answer their replies, in order. null: connection refused
 * (nothing listens). Throws NotRedisError when what answers is not Redis, or nothing answers
 * within `timeoutMs` (a stopped process, another kind of server).
 */
export function ask(port: number, commands: readonly (readonly string[])[], host = '127.0.0.1', timeoutMs = 1500): Promise<Reply[] | null> {
  return new Promise((resolve, reject) => {
    const socket = new Socket()
    let buf = Buffer.alloc(0)
    const replies: Reply[] = []
    let done = false
    const finish = (fn: () => void): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      fn()
    }
    const timer = setTimeout(() => finish(() => reject(new NotRedisError(`no reply within ${timeoutMs} ms`, buf.length === 0))), timeoutMs)
    socket.on('error', (e: NodeJS.ErrnoException) => finish(() => (e.code === 'ECONNREFUSED' ? resolve(null) : reject(new NotRedisError(e.message)))))
    socket.on('close', () => finish(() => reject(new NotRedisError('the connection was closed without a Redis reply'))))
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      for (;;) {
        const p = parse(buf, 0)
        if (p === 'incomplete') return
        if (p === 'invalid') return finish(() => reject(new NotRedisError(`the reply is not Redis's protocol: ${JSON.stringify(buf.toString('latin1', 0, 40))}`)))
        replies.push(p.value)
        buf = buf.subarray(p.next)
        if (replies.length === commands.length) return finish(() => resolve(replies))
      }
    })
    socket.connect(port, host, () => socket.write(commands.map(encode).join('')))
  })
}

export function isError(r: Reply | undefined): r is { error: string } {
  return typeof r === 'object' && r !== null && !Array.isArray(r)
}

/** INFO's "key:value" lines as a map. */
export function infoFields(r: Reply | undefined): Map<string, string> {
  const out = new Map<string, string>()
  if (typeof r !== 'string') return out
  for (const line of r.split(/\r?\n/)) {
    const i = line.indexOf(':')
    if (i > 0 && !line.startsWith('#')) out.set(line.slice(0, i), line.slice(i + 1))
  }
  return out
}
