// Readiness for depends_on: a dependency that declares ready_port counts as ready once
// that port accepts a TCP connection, which for a server is the moment it can serve,
// usually long before startsecs has passed.
import { connect } from 'node:net'

/** Polls until the port accepts or `stillWanted` turns false. Resolves true when ready. */
export async function waitForPort(port: number, stillWanted: () => boolean, intervalMs = 10): Promise<boolean> {
  while (stillWanted()) {
    if (await accepts(port)) return stillWanted()
    await new Promise((r) => setTimeout(r, intervalMs))
  }
  return false
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
