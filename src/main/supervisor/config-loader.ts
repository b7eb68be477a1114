// Turns supervisord .ini files into process configurations, following supervisord 4.2's
// options.py: the same defaults, the same expansions (in the same order, which decides
// which names are available where), the same [include] and [group:x] rules. Every error
// names its file, line, section and key; a bad file yields no configuration at all.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { hostname, homedir, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { globSync } from 'tinyglobby'
import type { ConfigIssue } from '../../shared/model'
import { PROGRAM_KEYS as PROGRAM_KEY_INFO } from './ini-schema'
import {
  autoRestart,
  boolean,
  byteSize,
  exitCodes,
  integer,
  keyValuePairs,
  listOfStrings,
  processOrGroupName,
  signalName,
} from './datatypes'
import { ConfigError, issue } from './config-error'
import { checkDependencies } from './depends-on'
import { IniDocument, IniSyntaxError } from './ini-parser'
import type { GroupConfig, LogConfig, ProcessConfig } from './program-config'

export { ConfigError, formatIssue } from './config-error'
import { type Expansions, KeyMissingError, pyFormat } from './py-format'

export interface SupervisorConfig {
  /** The file or folder that was opened. */
  root: string
  files: string[]
  groups: GroupConfig[]
  /** Warnings and infos; errors are thrown as ConfigError instead. */
  issues: ConfigIssue[]
}

interface LoadOptions {
  /** Where AUTO log files go when [supervisord] childlogdir is not set. */
  logDir?: string
  env?: NodeJS.ProcessEnv
  /** The text of the file at `path`, as an editor holds it (not saved yet); its includes are read from disk. */
  text?: string
}

// supervisord 4.2's [program:x] keys and Sentinel Lab's two (supervisord ignores keys it does not know).
const PROGRAM_KEYS = new Set(PROGRAM_KEY_INFO.map((k) => k.name))
const IGNORED_SECTIONS = /^(supervisord|unix_http_server|inet_http_server|supervisorctl|include|rpcinterface:.*|ctlplugin:.*)$/

/** Load a supervisord .ini file, or every *.ini / *.conf in a folder. */
export function loadSupervisorConfig(path: string, options: LoadOptions = {}): SupervisorConfig {
  const root = resolve(path)
  const env = options.env ?? process.env
  const issues: ConfigIssue[] = []
  const doc = new IniDocument()
  const files: string[] = []
  /** Read one file into the document; every option remembers its file, for %(here)s and errors. */
  const readFile = (file: string): void => {
    let text: string
    try {
      text = file === root && options.text !== undefined ? options.text : readFileSync(file, 'utf8')
    } catch (e) {
      throw new ConfigError(issue('error', file, 0, null, null, `could not read config file: ${(e as Error).message}`))
    }
    try {
      doc.read(text, file)
    } catch (e) {
      if (e instanceof IniSyntaxError) throw new ConfigError(issue('error', e.file, e.line, null, null, e.message))
      throw e
    }
    files.push(file)
  }

  if (options.text === undefined && !existsSync(root)) throw new ConfigError(issue('error', root, 0, null, null, 'no such file or folder'))
  const isFolder = options.text === undefined && statSync(root).isDirectory()
  if (isFolder) {
    const found = globSync(['*.ini', '*.conf'], { cwd: root, absolute: true, onlyFiles: true }).sort()
    if (found.length === 0) {
      throw new ConfigError(issue('error', root, 0, null, null, 'the folder holds no *.ini or *.conf file'))
    }
    for (const f of found) readFile(f)
  } else {
    readFile(root)
  }

  const here = isFolder ? root : dirname(root)
  const envExpansions: Expansions = {}
  for (const [k, v] of Object.entries(env)) if (v !== undefined) envExpansions[`ENV_${k}`] = v

  // [include] files= : globs relative to the including file, matches read in sorted order.
  const include = doc.sections.get('include')
  if (include) {
    const filesOpt = include.options.get('files')
    if (!filesOpt) {
      throw new ConfigError(issue('error', include.file, include.line, 'include', 'files',
        '[include] section has no "files" setting'))
    }
    const patterns = expandOption(filesOpt.value, { here, host_node_name: hostname(), ...envExpansions },
      filesOpt.file, filesOpt.line, 'include', 'files').split(/\s+/).filter(Boolean)
    const base = dirname(filesOpt.file)
    for (const pattern of patterns) {
      const abs = resolve(base, pattern.replace(/^~(?=\/|$)/, homedir()))
      const matches = globSync(abs, { absolute: true, onlyFiles: true, expandDirectories: false }).sort()
      if (matches.length === 0) {
        issues.push(issue('warning', filesOpt.file, filesOpt.line, 'include', 'files', `no file matches via include "${abs}"`))
        continue
      }
      for (const m of matches) readFile(m)
    }
  }

  const sv = doc.sections.get('supervisord')
  const globalEnv: Record<string, string> = {}
  let childlogdir = options.logDir ?? tmpdir()
  if (sv) {
    const envOpt = doc.get('supervisord', 'environment')
    if (envOpt) {
      const expanded = expandOption(envOpt.value, { here: dirname(envOpt.file), host_node_name: hostname(), ...envExpansions },
        envOpt.file, envOpt.line, 'supervisord', 'environment')
      Object.assign(globalEnv, located(() => keyValuePairs(expanded), envOpt.file, envOpt.line, 'supervisord', 'environment'))
      for (const [k, v] of Object.entries(globalEnv)) envExpansions[`ENV_${k}`] = v
    }
    const umaskOpt = doc.get('supervisord', 'umask')
    if (umaskOpt) located(() => octal(umaskOpt.value), umaskOpt.file, umaskOpt.line, 'supervisord', 'umask')
    const logdirOpt = doc.get('supervisord', 'childlogdir')
    if (logdirOpt) {
      childlogdir = expandOption(logdirOpt.value, { here: dirname(logdirOpt.file), ...envExpansions },
        logdirOpt.file, logdirOpt.line, 'supervisord', 'childlogdir')
      // supervisord's existing_directory: a typo must not silently make folders.
      const dir = childlogdir.replace(/^~(?=$|\/)/, homedir())
      if (!isDirectory(dir)) {
        throw new ConfigError(issue('error', logdirOpt.file, logdirOpt.line, 'supervisord', 'childlogdir', `${childlogdir} is not an existing directory`))
      }
      childlogdir = dir
    }
  }

  const ctx: Context = { doc, envExpansions, globalEnv, childlogdir, issues }
  const groups: GroupConfig[] = []
  const inHeterogeneousGroup = new Set<string>()

  for (const section of doc.sectionNames()) {
    if (!section.startsWith('group:')) continue
    const sec = doc.sections.get(section)!
    const name = located(() => processOrGroupName(section.slice(6)), sec.file, sec.line, section, null)
    const programsOpt = doc.get(section, 'programs')
    // supervisord reads a missing programs= as none: the group is empty.
    const programs = programsOpt ? listOfStrings(expandGet(ctx, section, 'programs', '', {})) : []
    const priority = located(() => integer(expandGet(ctx, section, 'priority', '999', {})), ...where(ctx, section, 'priority'))
    const processes: ProcessConfig[] = []
    for (const program of programs) {
      const programSection = `program:${program}`
      if (!doc.sections.has(programSection)) {
        throw new ConfigError(issue('error', programsOpt!.file, programsOpt!.line, section, 'programs',
          `[${section}] names unknown program ${program}`))
      }
      inHeterogeneousGroup.add(programSection)
      processes.push(...processesFromSection(ctx, programSection, name))
    }
    // Members keep the order of programs= (supervisord starts them in that order).
    groups.push({ name, priority, processes, file: sec.file, line: sec.line })
  }

  for (const section of doc.sectionNames()) {
    const sec = doc.sections.get(section)!
    if (section.startsWith('program:')) {
      if (inHeterogeneousGroup.has(section)) continue
      const name = located(() => processOrGroupName(section.slice(8)), sec.file, sec.line, section, null)
      const priority = located(() => integer(expandGet(ctx, section, 'priority', '999', {})), ...where(ctx, section, 'priority'))
      groups.push({ name, priority, processes: processesFromSection(ctx, section, name), file: sec.file, line: sec.line })
    } else if (section.startsWith('eventlistener:') || section.startsWith('fcgi-program:')) {
      issues.push(issue('info', sec.file, sec.line, section, null,
        `[${section.split(':')[0]}:x] sections are read but not run by Sentinel Lab`))
    } else if (!section.startsWith('group:') && !IGNORED_SECTIONS.test(section)) {
      issues.push(issue('warning', sec.file, sec.line, section, null, `unknown section [${section}] (supervisord ignores it too)`))
    }
  }
  groups.sort(byPriorityThenName)
  checkDependencies(groups)
  return { root, files, groups, issues }
}

interface Context {
  doc: IniDocument
  envExpansions: Expansions
  globalEnv: Record<string, string>
  childlogdir: string
  issues: ConfigIssue[]
}

function processesFromSection(ctx: Context, section: string, groupName: string): ProcessConfig[] {
  const { doc } = ctx
  const sec = doc.sections.get(section)!
  const program = located(() => processOrGroupName(section.slice(section.indexOf(':') + 1)), sec.file, sec.line, section, null)
  for (const key of doc.keys(section)) {
    if (!PROGRAM_KEYS.has(key)) {
      const opt = doc.get(section, key)!
      ctx.issues.push(issue('warning', opt.file, opt.line, section, key, `unknown key "${key}" (supervisord ignores it; a typo?)`))
    }
  }
  // These are read before the per-process loop, as supervisord does: %(process_num)d and
  // %(numprocs)d are not available to them.
  const common: Expansions = { program_name: program, host_node_name: hostname(), group_name: groupName }
  const get = (key: string, dflt: string, exp: Expansions = common): string => expandGet(ctx, section, key, dflt, exp)
  const typed = <T>(key: string, dflt: string, convert: (s: string) => T, exp?: Expansions): T =>
    located(() => convert(get(key, dflt, exp)), ...where(ctx, section, key))

  const priority = typed('priority', '999', integer)
  const autostart = typed('autostart', 'true', boolean)
  const autorestart = typed('autorestart', 'unexpected', autoRestart)
  const startsecs = typed('startsecs', '1', integer)
  const startretries = typed('startretries', '3', integer)
  const stopsignal = typed('stopsignal', 'TERM', signalName)
  const stopwaitsecs = typed('stopwaitsecs', '10', integer)
  const stopasgroup = typed('stopasgroup', 'false', boolean)
  const killasgroup = typed('killasgroup', String(stopasgroup), boolean)
  const exitcodes = typed('exitcodes', '0', exitCodes)
  const redirectStderr = typed('redirect_stderr', 'false', boolean)
  const numprocs = typed('numprocs', '1', integer)
  const numprocsStart = typed('numprocs_start', '0', integer)
  const environmentRaw = doc.get(section, 'environment')?.value ?? ''
  const umaskRaw = doc.get(section, 'umask') ? get('umask', '') : null
  const umask = umaskRaw === null ? null : located(() => octal(umaskRaw), ...where(ctx, section, 'umask'))
  const processNameTemplate = located(() => processOrGroupName(doc.get(section, 'process_name')?.value ?? '%(program_name)s'),
    ...where(ctx, section, 'process_name'))
  const dependsOn = listOfStrings(get('depends_on', '')).filter(Boolean)
  const readyPortRaw = get('ready_port', '')
  const readyPort = readyPortRaw === '' ? null : typed('ready_port', '', port)
  const user = doc.get(section, 'user')
  if (user) ctx.issues.push(issue('info', user.file, user.line, section, 'user', 'user= is ignored: processes run as the user running Sentinel Lab'))

  if (numprocs > 1 && !processNameTemplate.includes('%(process_num)')) {
    throw locatedError(ctx, section, 'process_name', '%(process_num) must be present within process_name when numprocs > 1')
  }
  if (stopasgroup && !killasgroup) {
    throw locatedError(ctx, section, 'killasgroup', 'cannot set stopasgroup=true and killasgroup=false')
  }
  if (!doc.get(section, 'command')) {
    throw new ConfigError(issue('error', sec.file, sec.line, section, 'command', `program section ${section} does not specify a command`))
  }

  const result: ProcessConfig[] = []
  for (let num = numprocsStart; num < numprocsStart + numprocs; num++) {
    const exp: Expansions = { ...common, process_num: num, numprocs, ...ctx.envExpansions }
    const envWhere = where(ctx, section, 'environment')
    const ownEnv = located(() => keyValuePairs(expandOption(environmentRaw, exp, ...envWhere)), ...envWhere)
    for (const [k, v] of Object.entries(ownEnv)) exp[`ENV_${k}`] = v
    const name = expandOption(processNameTemplate, exp, ...where(ctx, section, 'process_name'))
    const directory = doc.get(section, 'directory') ? get('directory', '', exp) : null
    const stdout = logConfig(ctx, section, 'stdout', exp, name, groupName)
    let stderr = logConfig(ctx, section, 'stderr', exp, name, groupName)
    if (redirectStderr) {
      const opt = doc.get(section, 'stderr_logfile')
      if (opt && stderr.file !== null && !/^auto$/i.test(opt.value)) {
        ctx.issues.push(issue('warning', opt.file, opt.line, section, 'stderr_logfile',
          'redirect_stderr=true but stderr_logfile is also set: the filename is ignored'))
      }
      stderr = { ...stderr, file: null }
    }
    result.push({
      name, group: groupName, program,
      command: get('command', '', exp),
      directory, environment: { ...ctx.globalEnv, ...ownEnv },
      priority, autostart, autorestart, startsecs, startretries, exitcodes, stopsignal, stopwaitsecs,
      stopasgroup, killasgroup, redirectStderr, umask, stdout, stderr, dependsOn, readyPort,
      file: sec.file, line: sec.line,
      keyLines: Object.fromEntries(doc.keys(section).map((k) => [k, doc.get(section, k)!.line])),
    })
  }
  return result.sort(byPriorityThenName)
}

function logConfig(ctx: Context, section: string, channel: 'stdout' | 'stderr', exp: Expansions,
  name: string, group: string): LogConfig {
  const key = `${channel}_logfile`
  const raw = expandGet(ctx, section, key, 'AUTO', exp)
  const backups = located(() => integer(expandGet(ctx, section, `${key}_backups`, '10', exp)), ...where(ctx, section, `${key}_backups`))
  const maxbytes = located(() => byteSize(expandGet(ctx, section, `${key}_maxbytes`, '50MB', exp)), ...where(ctx, section, `${key}_maxbytes`))
  const lower = raw.toLowerCase()
  let file: string | null
  if (lower === 'none' || lower === 'off') file = null
  else if (lower === 'syslog') {
    ctx.issues.push(issue('info', ...where(ctx, section, key), 'syslog logging is not supported: output is discarded'))
    file = null
  } else if (lower === 'auto') {
    const prefix = group === name ? name : `${group}_${name}`
    file = join(ctx.childlogdir, `${prefix}-${channel}.log`)
  } else {
    file = raw.replace(/^~(?=\/|$)/, homedir())
    const dir = dirname(file)
    if (dir !== '.' && !existsSync(dir)) {
      throw locatedError(ctx, section, key, `the directory named as part of the path ${file} does not exist`)
    }
    file = resolve(file)
  }
  return { file, maxbytes, backups }
}

/** Option value, expanded; the default (also expanded) when the key is absent. */
function expandGet(ctx: Context, section: string, key: string, dflt: string, exp: Expansions): string {
  const opt = ctx.doc.get(section, key)
  const [file, line] = where(ctx, section, key)
  const here = dirname(opt?.file ?? ctx.doc.sections.get(section)!.file)
  return expandOption(opt?.value ?? dflt, { ...ctx.envExpansions, here, ...exp, }, file, line, section, key)
}

function expandOption(value: string, exp: Expansions, file: string, line: number, section: string | null, key: string | null): string {
  try {
    return pyFormat(value, exp)
  } catch (e) {
    const name = `${section}.${key}`
    const message = e instanceof KeyMissingError
      ? `format string '${value}' for '${name}' contains names ('${e.key}') which cannot be expanded. Available names: ${Object.keys(exp).filter((k) => !k.startsWith('ENV_')).sort().join(', ')}, ENV_*`
      : `format string '${value}' for '${name}' is badly formatted: ${(e as Error).message}`
    throw new ConfigError(issue('error', file, line, section, key, message))
  }
}

/** File and line of a key, or of its section when the key is absent. */
function where(ctx: Context, section: string, key: string): [string, number, string, string] {
  const opt = ctx.doc.get(section, key)
  const sec = ctx.doc.sections.get(section)!
  return [opt?.file ?? sec.file, opt?.line ?? sec.line, section, key]
}

function located<T>(fn: () => T, file: string, line: number, section: string | null, key: string | null): T {
  try {
    return fn()
  } catch (e) {
    if (e instanceof ConfigError) throw e
    throw new ConfigError(issue('error', file, line, section, key, (e as Error).message))
  }
}

function locatedError(ctx: Context, section: string, key: string, message: string): ConfigError {
  return new ConfigError(issue('error', ...where(ctx, section, key), message))
}

/** supervisord's Config ordering: priority, then name (so ties are broken by name). */
function byPriorityThenName(a: { priority: number; name: string }, b: { priority: number; name: string }): number {
  if (a.priority !== b.priority) return a.priority - b.priority
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

function octal(s: string): number {
  if (!/^[0-7]+$/.test(s.trim())) throw new Error(`${s} can not be converted to an octal type`)
  return Number.parseInt(s.trim(), 8)
}

function port(s: string): number {
  const n = integer(s)
  if (n < 1 || n > 65535) throw new Error(`not a TCP port: ${s} (1-65535)`)
  return n
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
