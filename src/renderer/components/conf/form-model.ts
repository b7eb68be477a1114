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

export interface FormGroup {
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
export const perMaster = (d: DirectiveInfo): boolean => d.name.startsWith('sentinel ') && d.name !== 'sentinel monitor' && (d.args[0]?.type === 'name' || d.args[0]?.name === 'master-name')

/** The masters a sentinel.conf monitors, in file order. */
export function monitoredMasters(lines: ConfLine[]): { name: string; line: number }[] {
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
    if (a.variadic || (i === f.args.length - 1 && /\s/.test(v.trim()) && f.args.length > 1)) return v.split(/\s+/).filter(Boolean)
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

const BYTES = /^\d+(?:[kmg]b?)?$/i
const WHOLE = /^-?\d+$/

/** What is wrong with one value, in a sentence; null when it looks right. */
export function checkArg(arg: Pick<ArgInfo, 'name' | 'type' | 'values' | 'min' | 'max' | 'optional'>, value: string): string | null {
  const v = value.trim()
  if (v === '') return arg.optional ? null : `${arg.name} is required`
  const range = (n: number, unit = ''): string | null => {
    if (arg.min !== undefined && n < arg.min) return `${arg.name} must be at least ${arg.min}${unit}`
    if (arg.max !== undefined && n > arg.max) return `${arg.name} must be at most ${arg.max}${unit}`
    return null
  }
  switch (arg.type) {
    case 'int':
      return WHOLE.test(v) ? range(Number(v)) : `${arg.name} takes a whole number, not '${v}'`
    case 'ms':
      return /^\d+$/.test(v) ? range(Number(v), ' ms') : `${arg.name} takes a whole number of milliseconds, not '${v}'`
    case 'seconds':
      return /^\d+$/.test(v) ? range(Number(v), ' s') : `${arg.name} takes a whole number of seconds, not '${v}'`
    case 'port':
      return /^\d+$/.test(v) && Number(v) <= 65535 ? range(Number(v)) : `${arg.name} takes a port number (0 to 65535), not '${v}'`
    case 'bytes':
      return BYTES.test(v) ? null : `${arg.name} takes a size: bytes, or with a unit (100mb, 1gb), not '${v}'`
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
