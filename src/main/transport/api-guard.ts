// Every call that crosses a transport (Electron IPC, the WebSocket bridge) is checked here
// before it reaches the service: the renderer is not trusted to send well-formed data.
import { API_METHODS, type ApiErrorData, type ApiMethod, type SentinelLabApi } from '../../shared/api'
import { ApiError } from '../../shared/errors'
import { LAB_NODE_ACTIONS, type Target } from '../../shared/model'

type Check = (args: unknown[]) => void

const none: Check = (args) => expectCount(args, 0)
const target = (v: unknown, i: number): void => {
  const t = v as Target
  if (typeof t !== 'object' || t === null) throw invalid(i, 'a target object')
  if (t.kind === 'all') return
  if ((t.kind === 'group' || t.kind === 'process') && typeof t.name === 'string' && t.name.length > 0 && t.name.length < 256) return
  throw invalid(i, "{kind: 'all'} or {kind: 'group' | 'process', name}")
}
const path = (v: unknown, i: number): void => {
  if (typeof v !== 'string' || v.length === 0 || v.length > 4096 || v.includes('\0')) throw invalid(i, 'a file path')
}

/** Range of each numeric lab field (the spec's own limits; spec.ts validates again). */
const LAB_NUMBERS: Record<string, [number, number]> = {
  replicas: [0, 16],
  sentinels: [1, 15],
  quorum: [1, 15],
  downAfterMs: [100, 86_400_000],
}
const labSpec = (v: unknown, i: number): void => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(i, 'a lab spec object')
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === undefined) continue
    const range = LAB_NUMBERS[k]
    if (range) {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < range[0] || x > range[1]) {
        throw new ApiError(`${k}: must be a whole number between ${range[0]} and ${range[1]}`, 'invalid-argument')
      }
    } else if (k === 'timers') {
      if (x !== 'fast' && x !== 'realistic') throw new ApiError(`timers: must be 'fast' or 'realistic'`, 'invalid-argument')
    } else if (k === 'persistence') {
      if (x !== 'none' && x !== 'rdb' && x !== 'aof') throw new ApiError(`persistence: must be 'none', 'rdb' or 'aof'`, 'invalid-argument')
    } else if (k === 'name') {
      if (typeof x !== 'string' || !/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/.test(x)) {
        throw new ApiError('name: 1 to 64 letters, digits, ".", "-" or "_", not starting with "."', 'invalid-argument')
      }
    } else throw new ApiError(`${k.slice(0, 32)}: unknown lab spec field`, 'invalid-argument')
  }
}

/** A lab id or a node name: a short name without path separators. */
const labName = (v: unknown, i: number): void => {
  if (typeof v !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9._:-]{0,127}$/.test(v)) throw invalid(i, 'a lab or node name')
}
const shortText = (v: unknown, field: string, max = 256): void => {
  if (typeof v !== 'string' || v.length === 0 || v.length > max || /[\0\r\n]/.test(v)) {
    throw new ApiError(`${field}: must be 1 to ${max} characters on one line`, 'invalid-argument')
  }
}
const ADDRESS = /^[A-Za-z0-9.-]{1,253}:(\d{1,5})$|^\[[0-9A-Fa-f:.]{2,45}\]:(\d{1,5})$/
const attachTarget = (v: unknown, i: number): void => {
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
const labId: Check = (a) => (expectCount(a, 1), labName(a[0], 0))
const logSource = (v: unknown, i: number): void => {
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
const confText = (v: unknown, i: number): void => {
  if (typeof v !== 'string') throw invalid(i, 'the text of a config file')
  if (v.length > MAX_CONF_TEXT) throw new ApiError(`argument ${i + 1}: a config text of at most ${MAX_CONF_TEXT} characters (this one has ${v.length})`, 'invalid-argument')
  if (v.includes('\0')) throw new ApiError(`argument ${i + 1}: a config text cannot hold a NUL character`, 'invalid-argument')
}
/** A version is a hash of the content (conf-file.ts confVersion). */
const confVersion = (v: unknown, i: number): void => {
  if (typeof v !== 'string' || !/^[A-Za-z0-9:+/=_-]{1,128}$/.test(v)) throw invalid(i, 'a file version (as openConfFile answered it)')
}
/** Edits one doctor fix may carry, and words one edit may set. */
const MAX_EDITS = 256
const MAX_EDIT_ARGS = 64
const EDIT_FIELDS = ['file', 'op', 'directive', 'args']
const confEdits = (v: unknown, i: number): void => {
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

const CHECKS: Record<ApiMethod, Check> = {
  getSnapshot: none,
  getEnvironment: none,
  update: none,
  openConfig: (a) => (expectCount(a, 1), path(a[0], 0)),
  start: (a) => (expectCount(a, 1), target(a[0], 0)),
  stop: (a) => (expectCount(a, 1), target(a[0], 0)),
  restart: (a) => (expectCount(a, 1), target(a[0], 0)),
  signal: (a) => {
    expectCount(a, 2)
    target(a[0], 0)
    if (typeof a[1] !== 'string' || !/^(SIG)?[A-Z0-9]{1,10}$/i.test(a[1])) throw invalid(1, 'a signal name such as HUP')
  },
  listLabs: none,
  getLab: labId,
  createLab: (a) => (expectCount(a, 1), labSpec(a[0], 0)),
  startLab: labId,
  stopLab: labId,
  destroyLab: labId,
  attachLab: (a) => (expectCount(a, 1), attachTarget(a[0], 0)),
  failoverLab: labId,
  labNodeAction: (a) => {
    expectCount(a, 4)
    labName(a[0], 0)
    labName(a[1], 1)
    if (!(LAB_NODE_ACTIONS as readonly unknown[]).includes(a[2])) throw invalid(2, `one of ${LAB_NODE_ACTIONS.join(', ')}`)
    if (typeof a[3] !== 'boolean') throw invalid(3, 'true or false (confirmed)')
  },
  addLabMember: (a) => {
    expectCount(a, 2)
    labName(a[0], 0)
    if (a[1] !== 'replica' && a[1] !== 'sentinel') throw invalid(1, "'replica' or 'sentinel'")
  },
  removeLabMember: (a) => (expectCount(a, 2), labName(a[0], 0), labName(a[1], 1)),
  exportLabCompose: labId,
  followLog: (a) => {
    expectCount(a, 2)
    logSource(a[0], 0)
    if (typeof a[1] !== 'number' || !Number.isInteger(a[1]) || a[1] < 0 || a[1] > MAX_TAIL) throw invalid(1, `a whole number of lines from 0 to ${MAX_TAIL}`)
  },
  revealLog: (a) => (expectCount(a, 1), logSource(a[0], 0)),
  unfollowLog: (a) => {
    expectCount(a, 1)
    if (typeof a[0] !== 'number' || !Number.isInteger(a[0]) || a[0] < 1) throw invalid(0, 'a follow id')
  },
  listConfFiles: (a) => {
    expectCount(a, 1)
    if (a[0] !== null) labName(a[0], 0)
  },
  openConfFile: (a) => (expectCount(a, 1), path(a[0], 0)),
  closeConfFile: (a) => (expectCount(a, 1), path(a[0], 0)),
  checkConf: (a) => (expectCount(a, 2), path(a[0], 0), confText(a[1], 1)),
  saveConfFile: (a) => {
    expectCount(a, 4)
    path(a[0], 0)
    confText(a[1], 1)
    confVersion(a[2], 2)
    if (typeof a[3] !== 'boolean') throw invalid(3, 'true or false (apply)')
  },
  mergeConf: (a) => (expectCount(a, 3), confText(a[0], 0), confText(a[1], 1), confText(a[2], 2)),
  getConfSchema: none,
  runDoctor: labId,
  applyConfEdits: (a) => (expectCount(a, 1), confEdits(a[0], 0)),
  pickConfigPath: (a) => {
    expectCount(a, 1)
    if (a[0] !== 'file' && a[0] !== 'folder') throw invalid(0, "'file' or 'folder'")
  },
}

function expectCount(args: unknown[], n: number): void {
  if (args.length !== n) throw new ApiError(`expected ${n} argument(s), got ${args.length}`, 'invalid-argument')
}

function invalid(i: number, what: string): ApiError {
  return new ApiError(`argument ${i + 1} must be ${what}`, 'invalid-argument')
}

/** Validate and run one call. Throws ApiError for anything malformed. */
export async function dispatch(api: SentinelLabApi, method: unknown, args: unknown): Promise<unknown> {
  if (typeof method !== 'string' || !(API_METHODS as readonly string[]).includes(method)) {
    throw new ApiError(`unknown method: ${String(method).slice(0, 64)}`, 'invalid-argument')
  }
  if (!Array.isArray(args)) throw new ApiError('arguments must be an array', 'invalid-argument')
  CHECKS[method as ApiMethod](args)
  const fn = api[method as ApiMethod] as (...a: unknown[]) => Promise<unknown>
  return fn.apply(api, args)
}

/** What an error looks like on the wire. */
export function toErrorData(e: unknown): ApiErrorData {
  if (e instanceof ApiError) return { message: e.message, code: e.code }
  return { message: e instanceof Error ? e.message : String(e), code: 'failed' }
}
