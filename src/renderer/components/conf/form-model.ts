// The form's picture of a file: which known directives (or [program:x] keys) it sets, on
// which line, with which values; grouped as the schema groups them. Plus the quick checks
// a field makes as the user types (the main process's checkConf stays the authority).
import type { ArgInfo, ConfKind, ConfSchema, DirectiveInfo, IniKeyInfo } from '../../../shared/conf'
import { type ConfLine, confLines, findAllDirective, findDirective, iniSections, removeLine, setDirectiveLine, setIniKey } from './conf-lines'

/** One field of the form: a directive (for one master, for sentinel per-master options). */
export interface DirectiveField {
  kind: 'directive'
  /** Unique in the form: the directive and its fixed arguments. */
  key: string
  info: DirectiveInfo
  /** The directive's words ('sentinel', 'down-after-milliseconds'). */
  nameWords: string[]
  /** Fixed leading arguments (the master's name). */
  fixed: string[]
  /** The arguments the field edits. */
  args: ArgInfo[]
  /** The current values (one per arg; a variadic last arg joins the rest), or null when not set. */
  values: string[] | null
  line: number | null
  /** How many lines set it (directives that may repeat). */
  count: number
  readOnly: string | null
}

export interface IniField {
  kind: 'ini'
  key: string
  section: string
  info: IniKeyInfo
  value: string | null
  line: number | null
  readOnly: null
}

export type FormField = DirectiveField | IniField

interface FormGroup {
  name: string
  /** Fields the file sets. */
  set: FormField[]
  /** Known fields it does not set. */
  unset: FormField[]
}

const GROUP_ORDER = ['Sentinel', 'Network', 'Security', 'Replication', 'Persistence', 'Memory', 'Logging', 'General']
const groupRank = (g: string): number => {
  const i = GROUP_ORDER.indexOf(g)
  return i < 0 ? GROUP_ORDER.length : i
}

/** A sentinel option that names a master first ('sentinel down-after-milliseconds <master> <ms>'). */
const perMaster = (d: DirectiveInfo): boolean => d.name.startsWith('sentinel ') && d.name !== 'sentinel monitor' && (d.args[0]?.type === 'name' || d.args[0]?.name === 'master-name')

/** The masters a sentinel.conf monitors, in file order. */
function monitoredMasters(lines: ConfLine[]): { name: string; line: number }[] {
  return findAllDirective(lines, ['sentinel', 'monitor']).flatMap((l) => (l.words[2] ? [{ name: l.words[2], line: l.line }] : []))
}

export function buildForm(text: string, kind: ConfKind, schema: ConfSchema): FormGroup[] {
  return kind === 'supervisor' ? buildIniForm(text, schema) : buildConfForm(text, kind, schema)
}

function buildConfForm(text: string, kind: 'redis' | 'sentinel', schema: ConfSchema): FormGroup[] {
  const lines = confLines(text)
  const infos = (kind === 'redis' ? schema.redis : schema.sentinel).filter((d) => d.file === kind || d.file === 'both')
  const masters = kind === 'sentinel' ? monitoredMasters(lines) : []
  const groups = new Map<string, FormGroup>()
  const add = (group: string, f: DirectiveField): void => {
    let g = groups.get(group)
    if (!g) groups.set(group, (g = { name: group, set: [], unset: [] }))
    ;(f.values ? g.set : g.unset).push(f)
  }
  for (const info of infos) {
    const nameWords = info.name.split(' ')
    const aliases = info.aliases.map((a) => a.split(' '))
    if (perMaster(info)) {
      for (const m of masters) {
        add(`Master ${m.name}`, field(lines, info, nameWords, aliases, [m.name], info.args.slice(1)))
      }
      continue
    }
    if (info.name === 'sentinel monitor') {
      for (const m of masters) add(`Master ${m.name}`, field(lines, info, nameWords, aliases, [m.name], info.args.slice(1)))
      continue
    }
    add(info.group, field(lines, info, nameWords, aliases, [], info.args))
  }
  return [...groups.values()].sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name))
}

const rank = (name: string): number => (name.startsWith('Master ') ? -1 : groupRank(name))

function field(lines: ConfLine[], info: DirectiveInfo, nameWords: string[], aliases: string[][], fixed: string[], args: ArgInfo[]): DirectiveField {
  const all = findAllDirective(lines, nameWords, aliases).filter((l) => fixed.every((w, i) => l.words[nameWords.length + i] === w))
  const at = findDirective(lines, [...nameWords, ...fixed], nameWords.length, aliases)
  const rest = at ? at.words.slice(nameWords.length + fixed.length) : null
  let values: string[] | null = null
  if (rest) {
    values = args.map((a, i) => (a.variadic || i === args.length - 1 ? rest.slice(i).join(' ') : (rest[i] ?? '')))
    if (!args.length) values = [rest.join(' ')]
  }
  const readOnly = info.managed ? 'Sentinel writes this itself' : info.multiple && all.length > 1 ? `${all.length} lines: edit them in the text` : null
  return {
    kind: 'directive',
    key: [...nameWords, ...fixed].join(' '),
    info,
    nameWords,
    fixed,
    args,
    values,
    line: at?.line ?? null,
    count: all.length,
    readOnly,
  }
}

function buildIniForm(text: string, schema: ConfSchema): FormGroup[] {
  return iniSections(text)
    .filter((s) => s.name.startsWith('program:'))
    .map((s) => {
      const g: FormGroup = { name: s.name, set: [], unset: [] }
      for (const info of schema.program) {
        const k = [...s.keys].reverse().find((x) => x.key === info.name)
        const f: IniField = { kind: 'ini', key: `${s.name}.${info.name}`, section: s.name, info, value: k ? k.value : null, line: k?.line ?? null, readOnly: null }
        ;(k ? g.set : g.unset).push(f)
      }
      return g
    })
}

/** The text with a field set to these values (one per editable argument). */
export function setField(text: string, f: FormField, values: string[]): string {
  if (f.kind === 'ini') {
    const section = iniSections(text).find((s) => s.name === f.section)
    return section ? setIniKey(text, section, f.info.name, values[0] ?? '') : text
  }
  const lines = confLines(text)
  const aliases = f.info.aliases.map((a) => a.split(' '))
  const at = findDirective(lines, [...f.nameWords, ...f.fixed], f.nameWords.length, aliases)
  const words = f.args.flatMap((a, i) => {
    const v = values[i] ?? ''
    if (a.variadic || (i === f.args.length - 1 && /\s/.test(v.trim()) && f.args.length > 1)) {
      const split = v.split(/\s+/).filter(Boolean)
      // An emptied list is written as "" (save "": no snapshots), not as a directive with no words.
      return split.length ? split : ['']
    }
    return [v]
  })
  // Trailing empty optional arguments are left out.
  while (words.length && words[words.length - 1] === '' && f.args[words.length - 1]?.optional) words.pop()
  // A sentinel per-master option goes after its master's `sentinel monitor` line.
  const after = f.fixed.length ? (monitoredMasters(lines).find((m) => m.name === f.fixed[0])?.line ?? null) : null
  return setDirectiveLine(text, at, [...f.nameWords, ...f.fixed], words, after)
}

/** The text without the field's line (the last one that sets it). */
export function unsetField(text: string, f: FormField): string {
  return f.line === null ? text : removeLine(text, f.line)
}

// ---- quick checks as the user types --------------------------------------------------------
// The same rules as the main process's arg-rules.ts (Redis's string2ll / memtoull and the
// schema's ranges) for what one field can tell on its own; validate.ts stays the authority
// (rules that need the rest of the file, such as sentinel resolve-hostnames, are left to it).

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n
/** Redis's string2ll: an optional minus, no leading zeros, no plus, no blanks. */
const STRICT_INT = /^(-?[1-9][0-9]*|0)$/
const SIZE = /^([0-9]+)(b|k|kb|m|mb|g|gb)?$/i
const SIZE_UNITS: Record<string, bigint> = { '': 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000n ** 2n, mb: 1024n ** 2n, g: 1000n ** 3n, gb: 1024n ** 3n }
/** Types for which "" is a value Redis takes (logfile "", requirepass "", an empty announce address). */
const EMPTY_OK = new Set<ArgInfo['type']>(['string', 'path', 'password', 'host'])

type CheckedArg = Pick<ArgInfo, 'name' | 'type' | 'values' | 'min' | 'max' | 'optional' | 'variadic'>

/**
 * What is wrong with one value, in a sentence; null when it looks right. The value is checked
 * as the form writes it (a variadic argument word by word). `directive` (the schema name)
 * enables the rules of single directives: unixsocketperm's octal mode, maxmemory-clients'
 * percent, maxmemory's unsigned range.
 */
export function checkArg(arg: CheckedArg, value: string, directive?: string): string | null {
  if (arg.variadic) {
    const words = value.split(/\s+/).filter(Boolean)
    if (!words.length) return arg.optional || arg.type === 'string' ? null : `${arg.name} is required`
    for (const w of words) {
      const problem = checkOne(arg, w, directive)
      if (problem) return problem
    }
    return null
  }
  return checkOne(arg, value, directive)
}

function checkOne(arg: CheckedArg, v: string, directive: string | undefined): string | null {
  if (v === '') return arg.optional || EMPTY_OK.has(arg.type) ? null : `${arg.name} is required`
  const range = (n: bigint, fallbackMax: bigint, unit = ''): string | null => {
    const min = arg.min !== undefined ? BigInt(arg.min) : INT64_MIN
    // A schema max of MAX_SAFE_INTEGER or more means "no max but Redis's own".
    const max = arg.max !== undefined && arg.max < Number.MAX_SAFE_INTEGER ? BigInt(arg.max) : fallbackMax
    if (n < min) return `${arg.name} must be at least ${min}${unit}`
    if (n > max) return `${arg.name} must be at most ${max}${unit}`
    return null
  }
  switch (arg.type) {
    case 'int':
      if (directive === 'unixsocketperm') return /^[0-7]{1,4}$/.test(v) && parseInt(v, 8) <= 0o777 ? null : `${arg.name} takes an octal file mode up to 777 (e.g. 700), not '${v}'`
      return STRICT_INT.test(v) ? range(BigInt(v), INT64_MAX) : `${arg.name} takes a whole number (no leading zeros), not '${v}'`
    case 'ms':
      return STRICT_INT.test(v) ? range(BigInt(v), INT64_MAX, ' ms') : `${arg.name} takes a whole number of milliseconds, not '${v}'`
    case 'seconds':
      return STRICT_INT.test(v) ? range(BigInt(v), INT64_MAX, ' s') : `${arg.name} takes a whole number of seconds, not '${v}'`
    case 'port':
      return STRICT_INT.test(v) && BigInt(v) >= 0n && BigInt(v) <= 65535n ? range(BigInt(v), INT64_MAX) : `${arg.name} takes a port number (0 to 65535), not '${v}'`
    case 'bytes': {
      if (directive === 'maxmemory-clients' && /^[0-9]+%$/.test(v)) return Number(v.slice(0, -1)) <= 100 ? null : `${arg.name} takes a percent from 0% to 100%, not '${v}'`
      const m = SIZE.exec(v)
      const n = m ? BigInt(m[1]!) * SIZE_UNITS[(m[2] ?? '').toLowerCase()]! : STRICT_INT.test(v) ? BigInt(v) : null
      if (n === null || n > UINT64_MAX) return `${arg.name} takes a size: bytes, or with a unit (100mb, 1gb), not '${v}'`
      return range(n, directive === 'maxmemory' ? UINT64_MAX : INT64_MAX, ' bytes')
    }
    case 'bool':
      return /^(yes|no)$/i.test(v) ? null : `${arg.name} takes yes or no, not '${v}'`
    case 'enum':
      return !arg.values || arg.values.some((x) => x.toLowerCase() === v.toLowerCase()) ? null : `${arg.name} takes one of ${arg.values.join(', ')}, not '${v}'`
    case 'host':
    case 'name':
      return /\s/.test(v) ? `${arg.name} cannot hold spaces` : null
    case 'runid':
      return /^[0-9a-f]{40}$/i.test(v) ? null : `${arg.name} takes 40 hexadecimal characters`
    default:
      return null
  }
}

export function checkIni(info: IniKeyInfo, value: string): string | null {
  const v = value.trim()
  switch (info.type) {
    case 'bool':
      return /^(true|false|yes|no|on|off|1|0)$/i.test(v) ? null : `${info.name} takes true or false, not '${v}'`
    case 'int':
      return /^\d+$/.test(v) ? null : `${info.name} takes a whole number, not '${v}'`
    case 'enum':
      // autorestart also takes supervisord's other spellings of true and false (yes, on, 1...).
      if (info.name === 'autorestart' && /^(true|false|yes|no|on|off|1|0)$/i.test(v)) return null
      return !info.values || info.values.some((x) => x.toLowerCase() === v.toLowerCase()) ? null : `${info.name} takes one of ${info.values.join(', ')}, not '${v}'`
    case 'bytes':
      return /^\d+(?:[kmg]b)?$/i.test(v) ? null : `${info.name} takes a size (50MB, 1GB), not '${v}'`
    default:
      return null
  }
}

/** What follows an input: its unit. */
export function unitOf(type: ArgInfo['type'] | IniKeyInfo['type']): string | null {
  switch (type) {
    case 'ms':
      return 'ms'
    case 'seconds':
      return 's'
    case 'bytes':
      return 'bytes, or 100mb, 1gb'
    default:
      return null
  }
}
