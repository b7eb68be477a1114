// Free TCP ports on 127.0.0.1, found at run time: bind port 0, read what the kernel chose,
// close. All N are held open together, so they are distinct; Redis's well-known ports
// (6379, 26379) are never handed out, so a lab cannot collide with a system Redis.
import { type Server, createServer } from 'node:net'

const RESERVED = new Set([6379, 26379])

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(server))
  })
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}

/** N distinct ports that were free a moment ago (another process may still take one). */
export async function freePorts(n: number, exclude: Iterable<number> = []): Promise<number[]> {
  const avoid = new Set([...RESERVED, ...exclude])
  const held: Server[] = []
  const ports: number[] = []
  try {
    for (let tries = 0; ports.length < n; tries++) {
      if (tries > n + 100) throw new Error(`could not find ${n} free ports on 127.0.0.1`)
      const server = await listen(0)
      held.push(server)
      const port = (server.address() as { port: number }).port
      if (!avoid.has(port)) ports.push(port)
    }
    return ports
  } finally {
    await Promise.all(held.map(close))
  }
}

/** The ports of `ports` that cannot be bound on 127.0.0.1 right now. */
export async function busyPorts(ports: number[]): Promise<number[]> {
  const busy: number[] = []
  for (const port of ports) {
    try {
      await close(await listen(port))
    } catch {
      busy.push(port)
    }
  }
  return busy
}
