// Fast timers for 'fast' labs: SENTINEL DEBUG lowers Sentinel's periods at run time (not
// a config directive: it is lost on restart, so it is applied again at every sentinel
// start). Not lower than this: on Redis 7.0.15 Sentinel treats a replica as usable for
// promotion only if its INFO is younger than 5 x ping-period while it refreshes replicas'
// INFO only once a second during a failover: with ping-period 100 every failover aborted
// (-failover-abort-no-good-slave); with 300 they work (DESIGN.md).
// publish-period not lower than 600: a sentinel that sees a replica answer role:master for
// 4 x publish-period while its master looks sane converts it back (+convert-to-slave). In a
// manual failover the leader notices its own promotion only at the next 1 s INFO and tells
// the others with its next hello, so with 200 (an 800 ms wait) a sentinel converted the
// freshly promoted replica back under load, and the sentinels then failed over a second
// time (seen in 1 of 12 runs). 4 x 600 = 2.4 s leaves a margin over 1 s + one hello.
import { failFastClient } from '../sentinel/redis-pool'
import type { ProcessInfo } from '../../shared/model'
import type { Lab } from './layout'

export const FAST_TIMERS: Readonly<Record<string, number>> = Object.freeze({
  'info-period': 200,
  'ping-period': 300,
  'publish-period': 600,
})

/** The timers a sentinel runs with now (SENTINEL DEBUG without arguments), keys lower-case. */
export async function readTimers(port: number): Promise<Record<string, number>> {
  const c = failFastClient(port)
  try {
    await c.connect()
    const reply = (await c.call('SENTINEL', 'DEBUG')) as unknown[]
    const out: Record<string, number> = {}
    for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i]).toLowerCase()] = Number(reply[i + 1])
    return out
  } finally {
    c.disconnect()
  }
}

/**
 * Apply FAST_TIMERS to the sentinel on `port`, retrying while it does not accept yet,
 * until `timeoutMs` or `stillWanted()` turns false. Throws if Sentinel refuses them.
 */
export async function applyFastTimers(port: number, options: { timeoutMs?: number; stillWanted?: () => boolean } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 5000)
  const args = Object.entries(FAST_TIMERS).flatMap(([k, v]) => [k, String(v)])
  for (;;) {
    const c = failFastClient(port)
    try {
      try {
        await c.connect()
      } catch {
        // Not listening yet (a refused connection ends the client: no retries are configured).
        if (Date.now() >= deadline || options.stillWanted?.() === false) {
          throw new Error(`sentinel on port ${port} did not accept connections in time: fast timers not applied`)
        }
        await new Promise((r) => setTimeout(r, 10))
        continue
      }
      const reply = await c.call('SENTINEL', 'DEBUG', ...args)
      if (reply !== 'OK') throw new Error(`SENTINEL DEBUG on port ${port} answered ${String(reply)}`)
      return
    } catch (e) {
      const message = (e as Error).message
      throw new Error(message.includes('fast timers not applied') ? message : `could not apply fast timers on sentinel port ${port}: ${message}`)
    } finally {
      c.disconnect()
    }
  }
}

/** What fast timers need from the supervisor: the 'process' event on every spawn. */
interface SpawnSource {
  on(event: 'process', listener: (info: ProcessInfo) => void): unknown
  off(event: 'process', listener: (info: ProcessInfo) => void): unknown
}

/**
 * Apply fast timers to each sentinel of the lab every time it is spawned. Returns a function
 * that stops watching. Errors go to onError (the lab keeps running with default timers).
 * Pass a getter when the lab can grow while it runs: it is read at every spawn, so a
 * sentinel added later gets fast timers too.
 */
export function keepFastTimers(source: SpawnSource, lab: Lab | (() => Lab), hooks: { onApplied?: (name: string) => void; onError?: (name: string, e: Error) => void } = {}): () => void {
  const getLab = typeof lab === 'function' ? lab : () => lab
  const seen = new Map<string, number>()
  const listener = (info: ProcessInfo): void => {
    const s = getLab().sentinels.find((x) => x.name === info.program)
    if (!s || info.pid <= 0 || seen.get(s.name) === info.pid) return
    seen.set(s.name, info.pid)
    const pid = info.pid
    applyFastTimers(s.port, { stillWanted: () => seen.get(s.name) === pid })
      .then(() => hooks.onApplied?.(s.name), (e: Error) => hooks.onError?.(s.name, e))
  }
  source.on('process', listener)
  return () => void source.off('process', listener)
}

