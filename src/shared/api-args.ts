// The argument checks of the API's calls: every call that crosses a transport (Electron
// IPC, the WebSocket bridge) is checked against these before it reaches the service, as the
// renderer is not trusted to send well-formed data. Each check names the argument or field.
import { CLIENT_PRESETS } from './drill'
import { ApiError } from './errors'
import { API_LAB_FIELDS, specErrorText, validateSpec } from './lab-spec'
import { LAB_NODE_ACTIONS, type Target } from './model'

export type ArgCheck = (args: unknown[]) => void

export const target = (v: unknown, i: number): void => {
  const t = v as Target
  if (typeof t !== 'object' || t === null) throw invalid(i, 'a target object')
  if (t.kind === 'all') return
  if ((t.kind === 'group' || t.kind === 'process') && typeof t.name === 'string' && t.name.length > 0 && t.name.length < 256) return
  throw invalid(i, "{kind: 'all'} or {kind: 'group' | 'process', name}")
}
export const path = (v: unknown, i: number): void => {
  if (typeof v !== 'string' || v.length === 0 || v.length > 4096 || v.includes('\0')) throw invalid(i, 'a file path')
}

/** A lab spec as the API takes it: the spec's own rules (src/shared/lab-spec.ts), API fields only. */
export const labSpec = (v: unknown, i: number): void => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(i, 'a lab spec object')
  const errors = validateSpec(v, API_LAB_FIELDS)
  if (errors.length > 0) throw new ApiError(specErrorText(errors), 'invalid-argument')
}

/** A lab id or a node name: a short name without path separators. */
export const labName = (v: unknown, i: number): void => {
  if (typeof v !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9._:-]{0,127}$/.test(v)) throw invalid(i, 'a lab or node name')
}
const shortText = (v: unknown, field: string, max = 256): void => {
  if (typeof v !== 'string' || v.length === 0 || v.length > max || /[\0\r\n]/.test(v)) {
    throw new ApiError(`${field}: must be 1 to ${max} characters on one line`, 'invalid-argument')
  }
}
const ADDRESS = /^[A-Za-z0-9.-]{1,253}:(\d{1,5})$|^\[[0-9A-Fa-f:.]{2,45}\]:(\d{1,5})$/
export const attachTarget = (v: unknown, i: number): void => {
  const t = v as Record<string, unknown>
  if (typeof t !== 'object' || t === null || Array.isArray(t)) throw invalid(i, 'an attach target object')
  if (t.kind === 'folder') return labName(t.id, i)
  if (t.kind !== 'addresses') throw invalid(i, "{kind: 'addresses' | 'folder', ...}")
  const list = t.sentinels
  if (!Array.isArray(list) || list.length === 0 || list.length > 32) throw new ApiError('sentinels: give 1 to 32 host:port addresses', 'invalid-argument')
  for (const a of list) {
    const m = typeof a === 'string' ? ADDRESS.exec(a) : null
    const port = m ? Number(m[1] ?? m[2]) : 0
    if (!m || port < 1 || port > 65535) throw new ApiError(`sentinels: '${String(a).slice(0, 64)}' is not host:port`, 'invalid-argument')
  }
  if (typeof t.masterName !== 'string' || !/^[A-Za-z0-9._-]{1,128}$/.test(t.masterName)) {
    throw new ApiError('masterName: letters, digits, ".", "-" or "_" (Sentinel\'s master name)', 'invalid-argument')
  }
  for (const k of ['password', 'sentinelPassword', 'name'] as const) if (t[k] !== undefined) shortText(t[k], k)
  for (const k of Object.keys(t)) {
    if (!['kind', 'sentinels', 'masterName', 'password', 'sentinelPassword', 'name'].includes(k)) throw new ApiError(`${k.slice(0, 32)}: unknown attach field`, 'invalid-argument')
  }
}
export const logSource = (v: unknown, i: number): void => {
  const t = v as Record<string, unknown>
  if (typeof t !== 'object' || t === null || Array.isArray(t)) throw invalid(i, 'a log source object')
  if (t.kind === 'program') {
    if (typeof t.name !== 'string' || t.name.length === 0 || t.name.length > 255) throw invalid(i, 'a program name')
    if (t.channel !== 'stdout' && t.channel !== 'stderr') throw invalid(i, "channel 'stdout' or 'stderr'")
    return
  }
  if (t.kind !== 'lab') throw invalid(i, "{kind: 'program' | 'lab', ...}")
  labName(t.lab, i)
  labName(t.member, i)
}
/** Lines a pane may ask for up front. */
const MAX_TAIL = 100_000

/** The largest config text an editor may send (Debian's redis.conf is about 110 KB). */
export const MAX_CONF_TEXT = 4 * 1024 * 1024
export const confText = (v: unknown, i: number): void => {
  if (typeof v !== 'string') throw invalid(i, 'the text of a config file')
  if (v.length > MAX_CONF_TEXT) throw new ApiError(`argument ${i + 1}: a config text of at most ${MAX_CONF_TEXT} characters (this one has ${v.length})`, 'invalid-argument')
  if (v.includes('\0')) throw new ApiError(`argument ${i + 1}: a config text cannot hold a NUL character`, 'invalid-argument')
}
/** A version is a hash of the content (conf-file.ts confVersion). */
export const confVersion = (v: unknown, i: number): void => {
  if (typeof v !== 'string' || !/^[A-Za-z0-9:+/=_-]{1,128}$/.test(v)) throw invalid(i, 'a file version (as openConfFile answered it)')
}
/** Edits one doctor fix may carry, and words one edit may set. */
const MAX_EDITS = 256
const MAX_EDIT_ARGS = 64
const EDIT_FIELDS = ['file', 'op', 'directive', 'args']
export const confEdits = (v: unknown, i: number): void => {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_EDITS) throw invalid(i, `an array of 1 to ${MAX_EDITS} edits`)
  v.forEach((e: unknown, n) => {
    const at = `edit ${n + 1}`
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new ApiError(`${at}: must be {file, op, directive, args?}`, 'invalid-argument')
    const edit = e as Record<string, unknown>
    for (const k of Object.keys(edit)) if (!EDIT_FIELDS.includes(k)) throw new ApiError(`${at}: ${k.slice(0, 32)} is not an edit field`, 'invalid-argument')
    path(edit.file, i)
    if (edit.op !== 'set' && edit.op !== 'unset') throw new ApiError(`${at}: op must be 'set' or 'unset'`, 'invalid-argument')
    shortText(edit.directive, `${at}: directive`)
    if (edit.op === 'unset') {
      if (edit.args !== undefined) throw new ApiError(`${at}: an unset takes no args`, 'invalid-argument')
      return
    }
    const args = edit.args
    if (!Array.isArray(args) || args.length > MAX_EDIT_ARGS) throw new ApiError(`${at}: a set needs args, an array of at most ${MAX_EDIT_ARGS} words`, 'invalid-argument')
    for (const a of args) {
      if (typeof a !== 'string' || a.length > 4096 || a.includes('\0')) throw new ApiError(`${at}: every arg must be a string of at most 4096 characters, without NUL`, 'invalid-argument')
    }
  })
}

function expectCount(args: unknown[], n: number): void {
  if (args.length !== n) throw new ApiError(`expected ${n} argument(s), got ${args.length}`, 'invalid-argument')
}

function invalid(i: number, what: string): ApiError {
  return new ApiError(`argument ${i + 1} must be ${what}`, 'invalid-argument')
}

/** One check per argument, in order; the count must match. */
export function args(...each: readonly ((v: unknown, i: number) => void)[]): ArgCheck {
  return (a) => {
    expectCount(a, each.length)
    each.forEach((check, i) => check(a[i], i))
  }
}

export const signalName = (v: unknown, i: number): void => {
  if (typeof v !== 'string' || !/^(SIG)?[A-Z0-9]{1,10}$/i.test(v)) throw invalid(i, 'a signal name such as HUP')
}
export const nodeAction = (v: unknown, i: number): void => {
  if (!(LAB_NODE_ACTIONS as readonly unknown[]).includes(v)) throw invalid(i, `one of ${LAB_NODE_ACTIONS.join(', ')}`)
}
/** true or false, saying what it means: flag('confirmed'). */
export const flag = (meaning: string) => (v: unknown, i: number): void => {
  if (typeof v !== 'boolean') throw invalid(i, `true or false (${meaning})`)
}
/** One of a few words: oneOf('replica', 'sentinel'). */
export const oneOf = (...words: readonly string[]) => (v: unknown, i: number): void => {
  if (!words.includes(v as string)) throw invalid(i, words.map((w) => `'${w}'`).join(' or '))
}
export const tailLines = (v: unknown, i: number): void => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_TAIL) throw invalid(i, `a whole number of lines from 0 to ${MAX_TAIL}`)
}
export const followId = (v: unknown, i: number): void => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw invalid(i, 'a follow id')
}
/** A lab id, or null for the open supervisor configuration. */
export const labOrNone = (v: unknown, i: number): void => {
  if (v !== null) labName(v, i)
}


/** A drill request: a scenario name, one or both client presets, and bounded numbers. */
export const drillRequest = (v: unknown, i: number): void => {
  const r = v as Record<string, unknown>
  if (typeof r !== 'object' || r === null || Array.isArray(r)) throw invalid(i, 'a drill request object')
  for (const k of Object.keys(r)) {
    if (!['scenario', 'clients', 'custom', 'rate', 'pauseSeconds', 'safe', 'minReplicas', 'waitReplicas'].includes(k)) throw new ApiError(`${k.slice(0, 32)}: unknown drill field`, 'invalid-argument')
  }
  if (typeof r.scenario !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(r.scenario)) throw new ApiError('scenario: a scenario name such as kill-master', 'invalid-argument')
  const c = r.clients
  if (!Array.isArray(c) || c.length < 1 || c.length > 2 || new Set(c).size !== c.length || !c.every((x) => (CLIENT_PRESETS as readonly unknown[]).includes(x))) {
    throw new ApiError(`clients: one or two of ${CLIENT_PRESETS.join(', ')}`, 'invalid-argument')
  }
  if (r.custom !== undefined) customClient(r.custom)
  const whole = (k: string, min: number, max: number): void => {
    const x = r[k]
    if (x !== undefined && (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max)) throw new ApiError(`${k}: a whole number from ${min} to ${max}`, 'invalid-argument')
  }
  whole('rate', 1, 5000)
  whole('pauseSeconds', 1, 300)
  whole('minReplicas', 0, 16)
  whole('waitReplicas', 0, 16)
  if (r.safe !== undefined && typeof r.safe !== 'boolean') throw new ApiError('safe: true or false', 'invalid-argument')
}

function customClient(v: unknown): void {
  const c = v as Record<string, unknown>
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new ApiError('custom: an object of client settings', 'invalid-argument')
  for (const [k, x] of Object.entries(c)) {
    const ok =
      k === 'failoverDetector' || k === 'enableOfflineQueue' ? typeof x === 'boolean'
      : k === 'commandTimeoutMs' ? x === null || (typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= 600_000)
      : k === 'maxRetriesPerRequest' ? x === null || (typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 1000)
      : false
    if (!ok) throw new ApiError(`custom.${k.slice(0, 32)}: failoverDetector and enableOfflineQueue take true or false, commandTimeoutMs 1-600000 or null, maxRetriesPerRequest 0-1000 or null`, 'invalid-argument')
  }
}

/** A drill report's id: its folder name. */
export const reportId = (v: unknown, i: number): void => {
  if (typeof v !== 'string' || !/^[A-Za-z0-9._-]{1,128}$/.test(v) || v.startsWith('.')) throw invalid(i, 'a drill report id')
}

/** A change of a lab's links: zones are member names or 'client'; numbers bounded. */
export const linkChange = (v: unknown, i: number): void => {
  const c = v as Record<string, unknown>
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw invalid(i, 'a link change object')
  const zone = (x: unknown, field: string): void => {
    if (typeof x !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/.test(x)) throw new ApiError(`${field}: a member's name or 'client'`, 'invalid-argument')
  }
  const only = (keys: string[]): void => {
    for (const k of Object.keys(c)) if (!keys.includes(k)) throw new ApiError(`${k.slice(0, 32)}: unknown field of a '${String(c.op)}' link change`, 'invalid-argument')
  }
  if (c.op === 'partition') {
    only(['op', 'side'])
    if (!Array.isArray(c.side) || c.side.length === 0 || c.side.length > 64) throw new ApiError('side: the members on one side (1 to 64)', 'invalid-argument')
    c.side.forEach((z, n) => zone(z, `side[${n}]`))
  } else if (c.op === 'heal') {
    only(['op', 'a', 'b'])
    if ((c.a === undefined) !== (c.b === undefined)) throw new ApiError('heal: both a and b, or neither (every link)', 'invalid-argument')
    if (c.a !== undefined) (zone(c.a, 'a'), zone(c.b, 'b'))
  } else if (c.op === 'reset' || c.op === 'set') {
    only(c.op === 'reset' ? ['op', 'a', 'b'] : ['op', 'a', 'b', 'change', 'oneway'])
    zone(c.a, 'a')
    zone(c.b, 'b')
    if (c.op === 'set') {
      if (c.oneway !== undefined && typeof c.oneway !== 'boolean') throw new ApiError('oneway: true or false', 'invalid-argument')
      const f = c.change as Record<string, unknown>
      if (typeof f !== 'object' || f === null || Array.isArray(f)) throw new ApiError('change: {cut?, latencyMs?, jitterMs?, bytesPerSecond?}', 'invalid-argument')
      for (const [k, x] of Object.entries(f)) {
        const ok = k === 'cut' ? typeof x === 'boolean'
          : k === 'latencyMs' || k === 'jitterMs' ? typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 600_000
          : k === 'bytesPerSecond' ? x === null || (typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= 10_000_000_000)
          : false
        if (!ok) throw new ApiError(`change.${k.slice(0, 32)}: cut takes true or false, latencyMs and jitterMs 0-600000, bytesPerSecond a positive number or null`, 'invalid-argument')
      }
    }
  } else throw new ApiError("op: 'set', 'partition', 'heal' or 'reset'", 'invalid-argument')
}
