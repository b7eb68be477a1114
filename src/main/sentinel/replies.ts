// Redis / Sentinel reply shapes -> plain records. Pure.

/** INFO text -> { field: value } (section headers and blank lines skipped). */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':')
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1)
  }
  return out
}

/** A flat [k1, v1, k2, v2, ...] reply (SENTINEL MASTER, each of SENTINEL REPLICAS) -> record. */
export function pairs(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (Array.isArray(reply)) for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1])
  return out
}

/** A master's "slaveN:ip=..,port=..,state=online,offset=..,lag=.." lines. */
interface InfoReplica {
  host: string
  port: number
  state: string
  offset: number
  lag: number
}

export function infoReplicas(info: Record<string, string>): InfoReplica[] {
  const out: InfoReplica[] = []
  for (const [k, v] of Object.entries(info)) {
    if (!/^slave\d+$/.test(k)) continue
    const f: Record<string, string> = {}
    for (const part of v.split(',')) {
      const i = part.indexOf('=')
      if (i > 0) f[part.slice(0, i)] = part.slice(i + 1)
    }
    if (f.ip && f.port) out.push({ host: f.ip, port: Number(f.port), state: f.state ?? '', offset: Number(f.offset ?? 0), lag: Number(f.lag ?? 0) })
  }
  return out
}

/** A number field, or null when absent / not a number. */
export function num(v: string | undefined): number | null {
  if (v === undefined || v === '') return null
  const n = Number(v)
  return Number.isFinite(n) ? n : null
}

/** Best short reason for a failed call. */
export function reason(e: unknown): string {
  const err = e as { code?: string; message?: string }
  if (err?.code === 'ECONNREFUSED') return 'connection refused'
  return err?.message ?? String(e)
}
