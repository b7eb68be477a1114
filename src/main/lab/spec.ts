// The lab spec: what a user asks for (topology, Sentinel settings, persistence, ports,
// password, timers), its defaults, and validation that names the field that is wrong.
// Defaults follow the tutorial in shared/seed/: 1 master, 2 replicas, 3 sentinels,
// quorum 2, down-after 1500 ms, failover-timeout 10000 ms.
import { randomBytes } from 'node:crypto'

export type Persistence = 'none' | 'rdb' | 'aof'
export type Timers = 'realistic' | 'fast'

export interface LabSpec {
  /** The lab's name; also its folder name. */
  name: string
  /** The name Sentinel monitors the master under (SENTINEL MASTER <masterName>). */
  masterName: string
  replicas: number
  sentinels: number
  quorum: number
  downAfterMs: number
  failoverTimeoutMs: number
  parallelSyncs: number
  persistence: Persistence
  /**
   * basePort set: master = basePort, replica i = basePort + i, sentinel j = basePort + 20000 + j - 1
   * (the tutorial's 6380 / 6381-6382 / 26380-26382). Unset: free ports are found at build time.
   */
  ports: { basePort?: number }
  /** requirepass / masterauth / sentinel auth-pass of every node. */
  password: string
  timers: Timers
}

/** What a caller may pass: any field may be left out. */
export type LabSpecInput = Partial<LabSpec>

export interface FieldError {
  /** The field, as a path: "quorum", "ports.basePort". */
  field: string
  message: string
}

export const MAX_REPLICAS = 16
export const MAX_SENTINELS = 15
/** Sentinel's ports sit this far above the node ports when a base port is given. */
export const SENTINEL_PORT_OFFSET = 20000

export const DEFAULTS: Readonly<Omit<LabSpec, 'password' | 'ports'>> = Object.freeze({
  name: 'lab',
  masterName: 'mymaster',
  replicas: 2,
  sentinels: 3,
  quorum: 2,
  downAfterMs: 1500,
  failoverTimeoutMs: 10000,
  parallelSyncs: 1,
  persistence: 'none',
  timers: 'realistic',
})

const NAME = /^[A-Za-z0-9._-]+$/
/** Printable ASCII without quotes, backslash or space: safe unquoted in every file a lab writes. */
const PASSWORD = /^[\x21\x23-\x26\x28-\x5b\x5d-\x7e]+$/

/** A random password: 24 bytes from crypto.randomBytes, url-safe base64 (32 characters). */
export function randomPassword(): string {
  return randomBytes(24).toString('base64url')
}

export class SpecError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '))
    this.name = 'SpecError'
  }
}

/** Every problem of an input spec, each with its field. Empty when the input is good. */
export function validateSpec(input: unknown): FieldError[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [{ field: '', message: 'a lab spec must be an object' }]
  }
  const raw = input as Record<string, unknown>
  const errors: FieldError[] = []
  const err = (field: string, message: string): void => void errors.push({ field, message })
  const known = new Set(['name', 'masterName', 'replicas', 'sentinels', 'quorum', 'downAfterMs', 'failoverTimeoutMs',
    'parallelSyncs', 'persistence', 'ports', 'password', 'timers'])
  for (const k of Object.keys(raw)) if (!known.has(k)) err(k, `unknown field "${k}"`)

  const str = (field: string, dflt: string, re: RegExp, what: string, max = 64): string => {
    const v = raw[field] ?? dflt
    if (typeof v !== 'string') err(field, `must be a string, got ${typeof v}`)
    else if (v.length === 0 || v.length > max) err(field, `must be 1 to ${max} characters long`)
    else if (!re.test(v)) err(field, `"${v}" ${what}`)
    return typeof v === 'string' ? v : dflt
  }
  const int = (field: string, dflt: number, min: number, max: number, unit = ''): number => {
    const v = raw[field] ?? dflt
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      err(field, `must be a whole number, got ${JSON.stringify(v)}`)
      return dflt
    }
    if (v < min || v > max) err(field, `must be between ${min} and ${max}${unit}, got ${v}`)
    return v
  }
  const oneOf = <T extends string>(field: string, dflt: T, values: readonly T[]): void => {
    const v = raw[field] ?? dflt
    if (!values.includes(v as T)) err(field, `must be one of ${values.map((x) => `"${x}"`).join(', ')}, got ${JSON.stringify(v)}`)
  }

  const name = str('name', DEFAULTS.name, NAME, 'may only hold letters, digits, ".", "-" and "_"')
  if (NAME.test(name) && name.startsWith('.')) err('name', 'must not start with "."')
  str('masterName', DEFAULTS.masterName, NAME, 'is not a valid Sentinel master name: only letters, digits, ".", "-" and "_"')
  const replicas = int('replicas', DEFAULTS.replicas, 0, MAX_REPLICAS)
  const sentinels = int('sentinels', DEFAULTS.sentinels, 1, MAX_SENTINELS)
  const quorum = int('quorum', Math.min(DEFAULTS.quorum, sentinels), 1, MAX_SENTINELS)
  if (quorum > sentinels) err('quorum', `must not exceed the number of sentinels (${sentinels}), got ${quorum}: the master could never be marked ODOWN`)
  int('downAfterMs', DEFAULTS.downAfterMs, 100, 86_400_000, ' ms')
  int('failoverTimeoutMs', DEFAULTS.failoverTimeoutMs, 1000, 86_400_000, ' ms')
  int('parallelSyncs', DEFAULTS.parallelSyncs, 1, Math.max(1, MAX_REPLICAS))
  oneOf('persistence', DEFAULTS.persistence, ['none', 'rdb', 'aof'])
  oneOf('timers', DEFAULTS.timers, ['realistic', 'fast'])
  if (raw.password !== undefined) {
    str('password', '', PASSWORD, 'may not hold spaces, quotes or backslashes', 512)
  }

  const ports = raw.ports ?? {}
  if (typeof ports !== 'object' || ports === null || Array.isArray(ports)) err('ports', 'must be an object: {} or { basePort }')
  else {
    for (const k of Object.keys(ports)) if (k !== 'basePort') err(`ports.${k}`, `unknown field "${k}"`)
    const base = (ports as Record<string, unknown>).basePort
    if (base !== undefined) {
      const top = 65535 - SENTINEL_PORT_OFFSET - (sentinels - 1)
      if (typeof base !== 'number' || !Number.isInteger(base)) err('ports.basePort', `must be a whole number, got ${JSON.stringify(base)}`)
      else if (base < 1024 || base > top) {
        err('ports.basePort', `must be between 1024 and ${top}, got ${base}: the nodes use ${base}-${base + replicas}` +
          ` and the sentinels ${base + SENTINEL_PORT_OFFSET}-${base + SENTINEL_PORT_OFFSET + sentinels - 1}`)
      }
    }
  }
  return errors
}

/** The full spec: input validated, defaults filled in, a random password if none was given. */
export function resolveSpec(input: LabSpecInput = {}): LabSpec {
  const errors = validateSpec(input)
  if (errors.length > 0) throw new SpecError(errors)
  return {
    ...DEFAULTS,
    ...input,
    quorum: input.quorum ?? Math.min(DEFAULTS.quorum, input.sentinels ?? DEFAULTS.sentinels),
    ports: { ...(input.ports ?? {}) },
    password: input.password ?? randomPassword(),
  }
}
