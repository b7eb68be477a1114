// The lab spec's rules, in one place for every way in (the API's guard, `sentinel-lab up`,
// a lab folder's lab.json, the renderer's form): the fields, their limits and defaults, and
// validation that names the field that is wrong. Defaults follow the tutorial in
// shared/seed/: 1 master, 2 replicas, 3 sentinels, quorum 2, down-after 1500 ms.
// No Node here: the renderer uses the limits and defaults too.

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
  /**
   * Link faults: every member known to the others by its own loopback address, behind a
   * proxy that can cut, slow or reset each link (partitions without root). Linux only.
   */
  links: boolean
}

/** What a caller may pass: any field may be left out (defaults apply). */
export type LabSpecInput = Partial<LabSpec>

/** The fields a page may send (createLab): no password (it never crosses the API), no ports. */
export const API_LAB_FIELDS = ['name', 'replicas', 'sentinels', 'quorum', 'downAfterMs', 'timers', 'persistence', 'links'] as const

export interface FieldError {
  /** The field, as a path: "quorum", "ports.basePort". */
  field: string
  message: string
}

/** Sentinel's ports sit this far above the node ports when a base port is given. */
export const SENTINEL_PORT_OFFSET = 20000

/** The range of each whole-number field. */
export const LAB_LIMITS = {
  replicas: { min: 0, max: 16 },
  sentinels: { min: 1, max: 15 },
  quorum: { min: 1, max: 15 },
  downAfterMs: { min: 100, max: 86_400_000 },
  failoverTimeoutMs: { min: 1000, max: 86_400_000 },
  parallelSyncs: { min: 1, max: 16 },
} as const satisfies Record<string, { min: number; max: number }>

export const LAB_DEFAULTS: Readonly<Omit<LabSpec, 'password' | 'ports'>> = Object.freeze({
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
  links: false,
})

/**
 * A lab made in the app runs Sentinel's timers fast (a failover in seconds, for watching it);
 * `sentinel-lab up` keeps Sentinel's own unless asked (--fast).
 */
export const APP_LAB_TIMERS: Timers = 'fast'

const PERSISTENCE: readonly Persistence[] = ['none', 'rdb', 'aof']
const TIMERS: readonly Timers[] = ['realistic', 'fast']
const NAME = /^[A-Za-z0-9._-]+$/
/** Printable ASCII without quotes, backslash or space: safe unquoted in every file a lab writes. */
const PASSWORD = /^[\x21\x23-\x26\x28-\x5b\x5d-\x7e]+$/
const ALL_FIELDS: readonly string[] = ['name', 'masterName', 'replicas', 'sentinels', 'quorum', 'downAfterMs', 'failoverTimeoutMs',
  'parallelSyncs', 'persistence', 'ports', 'password', 'timers', 'links']

/**
 * Every problem of an input spec, each with its field. Empty when the input is good.
 * `fields`: the fields this way in accepts (the API accepts API_LAB_FIELDS only).
 */
export function validateSpec(input: unknown, fields: readonly string[] = ALL_FIELDS): FieldError[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [{ field: '', message: 'a lab spec must be an object' }]
  }
  const raw = input as Record<string, unknown>
  const errors: FieldError[] = []
  const err = (field: string, message: string): void => void errors.push({ field, message })
  for (const [k, v] of Object.entries(raw)) if (v !== undefined && !fields.includes(k)) err(k.slice(0, 32), 'unknown lab spec field')

  const str = (field: string, dflt: string, re: RegExp, what: string, max = 64): string => {
    const v = raw[field] ?? dflt
    if (typeof v !== 'string') err(field, `must be a string, got ${typeof v}`)
    else if (v.length === 0 || v.length > max) err(field, `must be 1 to ${max} characters long`)
    else if (!re.test(v)) err(field, `"${v}" ${what}`)
    return typeof v === 'string' ? v : dflt
  }
  const int = (field: keyof typeof LAB_LIMITS, dflt: number, max: number = LAB_LIMITS[field].max, unit = ''): number => {
    const v = raw[field] ?? dflt
    const { min } = LAB_LIMITS[field]
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      err(field, `must be a whole number between ${min} and ${max}${unit}, got ${JSON.stringify(v)}`)
      return dflt
    }
    if (v < min || v > max) err(field, `must be a whole number between ${min} and ${max}${unit}, got ${v}`)
    return v
  }
  const oneOf = <T extends string>(field: string, dflt: T, values: readonly T[]): void => {
    const v = raw[field] ?? dflt
    const words = values.map((x) => `'${x}'`)
    if (!values.includes(v as T)) err(field, `must be ${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}, got ${JSON.stringify(v)}`)
  }

  const name = str('name', LAB_DEFAULTS.name, NAME, 'may only hold letters, digits, ".", "-" and "_"')
  if (NAME.test(name) && name.startsWith('.')) err('name', 'must not start with "."')
  str('masterName', LAB_DEFAULTS.masterName, NAME, 'is not a valid Sentinel master name: only letters, digits, ".", "-" and "_"')
  const replicas = int('replicas', LAB_DEFAULTS.replicas)
  const sentinels = int('sentinels', LAB_DEFAULTS.sentinels)
  const quorum = int('quorum', Math.min(LAB_DEFAULTS.quorum, sentinels))
  if (quorum > sentinels) err('quorum', `must not exceed the number of sentinels (${sentinels}), got ${quorum}: the master could never be marked ODOWN`)
  int('downAfterMs', LAB_DEFAULTS.downAfterMs, undefined, ' ms')
  int('failoverTimeoutMs', LAB_DEFAULTS.failoverTimeoutMs, undefined, ' ms')
  int('parallelSyncs', LAB_DEFAULTS.parallelSyncs)
  oneOf('persistence', LAB_DEFAULTS.persistence, PERSISTENCE)
  oneOf('timers', LAB_DEFAULTS.timers, TIMERS)
  if (raw.links !== undefined && typeof raw.links !== 'boolean') err('links', `must be true or false, got ${JSON.stringify(raw.links)}`)
  if (raw.password !== undefined) {
    str('password', '', PASSWORD, 'may not hold spaces, quotes or backslashes', 512)
  }

  const ports = raw.ports ?? {}
  if (typeof ports !== 'object' || ports === null || Array.isArray(ports)) err('ports', 'must be an object: {} or { basePort }')
  else {
    for (const k of Object.keys(ports)) if (k !== 'basePort') err(`ports.${k}`, 'unknown lab spec field')
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

/** The errors as one line: "quorum: must not exceed ...; name: ...". */
export function specErrorText(errors: readonly FieldError[]): string {
  return errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ')
}
