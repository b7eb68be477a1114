// `sentinel-lab conf get|set|unset`: config files from scripts, with the editor's rules.
// Edits are lossless (only the lines of the directive change), validated (an edit that the
// schema refuses, or that adds an error to the file, changes nothing and says why) and saved
// like the editor saves (atomic, a backup of the replaced version, the file's mode kept).
// A lab member's file keeps its port (as in the app), and a file a running process reads
// gets a warning after the save: the process keeps its value until it is applied (the
// command to apply it is printed), and may write its running config over the file.
// Exit codes follow `git config`: 0 done, 1 absent directive or refused value (the file is
// unchanged), 2 usage.
import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import type { ConfDiagnostic, ConfKind } from '../../shared/conf'
import { releaseForFile } from '../lab/server-version'
import { labMemberOf, real } from './lab-member'
import { NotRedisError, ask, infoFields, isError } from '../sentinel/resp-probe'
import { planApply } from '../conf/apply-plan'
import { ConflictError, NotTextError, confVersion, readConfFile, saveConfFile } from '../conf/conf-file'
import { EditError, type FileEdit, applyEdits, directiveValue, fileDiagnostics, iniKey } from '../conf/file-edits'
import { detectConfKind } from '../conf/kind'
import { splitConfArgs } from '../../shared/redis-args'
import { RedisConfDocument } from '../conf/redis-doc'
import { directiveByName } from '../conf/schema'

export const CONF_HELP = `Usage: sentinel-lab conf get FILE DIRECTIVE... [--json]
       sentinel-lab conf set FILE DIRECTIVE VALUE...
       sentinel-lab conf unset FILE DIRECTIVE...

Reads and edits redis.conf, sentinel.conf and supervisor .ini files without touching any
other line. The kind of file comes from its name (*.ini, sentinel*.conf) or its content.

DIRECTIVE is one shell word (quote it when it holds spaces):
  redis.conf       maxmemory, replicaof (also finds slaveof lines), save
  sentinel.conf    'sentinel down-after-milliseconds mymaster', 'sentinel monitor mymaster'
  .ini             program:redis-master.autostart (SECTION.KEY)
VALUE... are the words after the directive: conf set redis.conf save 900 1

get     prints the value of each DIRECTIVE, one line per matching line (a directive that
        appears on several lines, like save, prints several); exits 1 if one is not set.
set     makes DIRECTIVE's value VALUE: its line is rewritten in place, or added.
unset   removes every line of each DIRECTIVE; if one of them is not set, nothing is
        removed (the file is unchanged) and it exits 1.

set and unset check the result first: a value the directive does not take, or an edit
that adds an error the file did not have, changes nothing, says why and exits 1 (errors
already in the file do not block an edit: fix them one at a time). The port
of a lab member's redis.conf / sentinel.conf cannot change here (the lab's other files
name it), as in the app. The file is replaced atomically, keeps its mode, and the old
version is kept in .sentinel-lab-backup/ beside it (the newest 10).

The file only: a redis-server or redis-sentinel that runs from the file keeps its current
value until the change is applied (with the app, or the redis-cli command printed on
stderr after the save), or it restarts. Until then it may even write its running config
over the file (Sentinel at its next config flush, a node on failover), undoing the edit.

Options:
  --json       get: print {"DIRECTIVE": value or null}; redis/sentinel values are
               [[words of each line]], .ini values a string
  --           the words after it are not options
  -h, --help   show this help

Exit status: 0 done, 1 not set or refused (the file is unchanged), 2 usage error.`

interface ConfIo {
  out: (text: string) => void
  err: (text: string) => void
}

const STDIO: ConfIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }

class UsageError extends Error {}
/** A refused edit or an absent directive: exit 1, the file unchanged. */
class Refused extends Error {}

export async function confCommand(args: string[], io: ConfIo = STDIO): Promise<number> {
  try {
    const { words, json, help } = options(args)
    if (help) {
      io.out(CONF_HELP + '\n')
      return 0
    }
    const [sub, file, ...rest] = words
    if (!sub) throw new UsageError('expected get, set or unset')
    if (sub !== 'get' && sub !== 'set' && sub !== 'unset') throw new UsageError(`unknown subcommand '${sub}' (expected get, set or unset)`)
    if (json && sub !== 'get') throw new UsageError('--json is an option of get')
    if (!file) throw new UsageError(`${sub}: expected FILE`)
    if (rest.length === 0) throw new UsageError(`${sub}: expected a DIRECTIVE after the file`)
    const directives = sub === 'set' ? rest.slice(0, 1) : rest
    if (directives.some((d) => d.trim() === '')) throw new UsageError(`${sub}: an empty DIRECTIVE: give a name such as maxmemory or 'sentinel down-after-milliseconds mymaster'`)
    if (sub === 'get') return get(file, rest, json, io)
    if (sub === 'set') {
      if (rest.length < 2) throw new UsageError('set: expected DIRECTIVE VALUE... (give "" for an empty value)')
      return await edit(file, io, [{ op: 'set', directive: rest[0], args: rest.slice(1) }])
    }
    return await edit(file, io, rest.map((directive) => ({ op: 'unset' as const, directive })))
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`sentinel-lab conf: ${e.message}\n\n${CONF_HELP}\n`)
      return 2
    }
    if (e instanceof Refused) {
      io.err(`sentinel-lab conf: ${e.message}\n`)
      return 1
    }
    throw e
  }
}

function options(args: string[]): { words: string[]; json: boolean; help: boolean } {
  const words: string[] = []
  let json = false
  let help = false
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--') {
      words.push(...args.slice(i + 1))
      break
    }
    if (a === '--json') json = true
    else if (a === '-h' || a === '--help') help = true
    else if (a.startsWith('--')) throw new UsageError(`unknown option '${a}'`)
    else words.push(a)
  }
  return { words, json, help }
}

/** A file as read for one command: its text as on disk (empty when it does not exist yet). */
interface OpenFile {
  path: string
  kind: ConfKind
  exists: boolean
  text: string
  mode: number | undefined
}

function open(path: string): OpenFile {
  const exists = existsSync(path)
  let text = ''
  let mode: number | undefined
  if (exists) {
    try {
      const f = readConfFile(path)
      text = f.text
      mode = f.mode
    } catch (e) {
      throw new Refused(e instanceof NotTextError ? e.message : `cannot read ${path}: ${(e as Error).message}`)
    }
  }
  return { path, kind: detectConfKind(path, text), exists, text, mode }
}

/** An .ini directive that is not SECTION.KEY is a usage error, before anything is read into it. */
function checkNames(f: OpenFile, directives: readonly string[]): void {
  if (f.kind !== 'supervisor') return
  for (const d of directives) {
    try {
      iniKey(d)
    } catch (e) {
      if (e instanceof EditError) throw new UsageError(e.message)
      throw e
    }
  }
}

/** A value refused, or a directive that names nothing: exit 1, the file unchanged. */
function refusing<T>(fn: () => T): T {
  try {
    return fn()
  } catch (e) {
    if (e instanceof EditError) throw new Refused(e.message)
    throw e
  }
}

/** A directive holding a password makes a new file private. */
function newMode(kind: ConfKind, directive: string): number {
  if (kind === 'supervisor') return 0o644
  const split = splitConfArgs(directive)
  if (!split.ok) return 0o644
  const words = split.tokens.map((t) => t.value.toLowerCase())
  const name = words[0] === 'sentinel' ? words.slice(0, 2).join(' ') : words[0]
  return directiveByName(kind, name)?.secret ? 0o600 : 0o644
}

function diagnostics(f: OpenFile, text: string): ConfDiagnostic[] {
  if (f.kind === 'supervisor') return fileDiagnostics(f.path, f.kind, text)
  const member = labMemberOf(f.path)
  const { release } = releaseForFile(f.kind, member?.binaries ?? null)
  return fileDiagnostics(f.path, f.kind, text, member ? { member, labName: member.lab } : null, release)
}

function get(path: string, directives: string[], json: boolean, io: ConfIo): number {
  if (!existsSync(path)) throw new Refused(`${path}: no such file`)
  const f = open(path)
  checkNames(f, directives)
  const values = directives.map((d) => ({ d, v: refusing(() => directiveValue(f.kind, f.text, d)) }))
  if (json) io.out(JSON.stringify(Object.fromEntries(values.map(({ d, v }) => [d, v]))) + '\n')
  else {
    for (const { v } of values) {
      if (v === null) continue
      if (typeof v === 'string') io.out(v + '\n')
      else for (const line of v) io.out(line.join(' ') + '\n')
    }
  }
  const absent = values.filter(({ v }) => v === null).map(({ d }) => d)
  for (const d of absent) io.err(`sentinel-lab conf: ${d} is not set in ${path}\n`)
  return absent.length > 0 ? 1 : 0
}

/**
 * Apply the edits, refuse them if they add an error, save, and say what a running process
 * does with it. Unset of an absent directive changes nothing (even for the others given)
 * and exits 1.
 */
async function edit(path: string, io: ConfIo, edits: FileEdit[]): Promise<number> {
  const f = open(path)
  checkNames(f, edits.map((e) => e.directive))
  const { text, absent } = refusing(() => applyEdits(f.kind, f.text, edits))
  if (absent.length > 0) {
    for (const d of absent) io.err(`sentinel-lab conf: ${d} is not set in ${path}\n`)
    if (text !== f.text) io.err(`sentinel-lab conf: nothing removed: ${path} is unchanged\n`)
    return 1
  }
  if (text === f.text) return 0
  const added = newProblems(diagnostics(f, f.text), diagnostics(f, text))
  const errors = added.filter((d) => d.severity === 'error')
  if (errors.length > 0) {
    throw new Refused(`refused, ${path} is unchanged:\n${errors.map((d) => `  ${d.file}:${d.line}:${d.column}: ${d.message}`).join('\n')}`)
  }
  for (const d of added) io.err(`${d.severity}: ${d.file}:${d.line}:${d.column}: ${d.message}\n`)
  try {
    saveConfFile(path, text, f.exists ? confVersion(f.text) : null, f.mode ?? newMode(f.kind, edits[0]!.directive))
  } catch (e) {
    if (e instanceof ConflictError) throw new Refused(`${e.message}; nothing was written: run the command again`)
    throw e
  }
  if (f.kind !== 'supervisor') {
    const notice = await runningNotice(path, f.kind, f.text, text)
    if (notice) io.err(notice)
  }
  return 0
}

/** The port a file makes its process listen on (its last port line, else Redis's default). */
function portOf(text: string, kind: 'redis' | 'sentinel'): number | null {
  const lines = RedisConfDocument.parse(text).find(['port'])
  const last = lines[lines.length - 1]
  const n = last ? Number(last.line.tokens[1]?.value) : kind === 'sentinel' ? 26379 : 6379
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : null
}

/** Who answers on 127.0.0.1:port: null when nothing (or not Redis); else whether it runs from `path`, when it says. */
async function whoAnswers(port: number, path: string, password: string | null): Promise<{ ownFile: boolean | null } | null> {
  try {
    const replies = await ask(port, [...(password !== null ? [['AUTH', password]] : []), ['INFO', 'server']])
    if (replies === null) return null
    const info = replies[replies.length - 1]
    if (isError(info)) return { ownFile: null } // NOAUTH: a Redis answers, whose file it reads is unknown
    const configFile = infoFields(info).get('config_file') ?? ''
    return { ownFile: configFile !== '' && real(configFile) === real(path) }
  } catch (e) {
    if (e instanceof NotRedisError) return null
    throw e
  }
}

/**
 * After saving a file that a running process reads (a lab member's, or whatever answers on
 * the file's port): the process keeps its values, and may write them over the file.
 */
async function runningNotice(path: string, kind: 'redis' | 'sentinel', before: string, after: string): Promise<string | null> {
  const member = labMemberOf(path)
  const port = member?.port ?? portOf(before, kind)
  if (port === null) return null
  const written = RedisConfDocument.parse(before).find(['requirepass'])
  const last = written[written.length - 1]
  const requirepass = last ? (RedisConfDocument.args(last.line)[0] || null) : null
  const answer = await whoAnswers(port, path, requirepass)
  if (answer === null || answer.ownFile === false) return null
  const who = kind === 'sentinel' ? 'sentinel' : 'server'
  const what = member ? `${member.name} of the lab ${member.lab} (${who} on port ${port})` : `the ${who} on port ${port}${answer.ownFile ? '' : ' (if it reads this file: it asks for a password, so it could not be checked)'}`
  const plan = planApply(before, after, { kind, member: member?.name ?? basename(path), running: true })
  const cli = `redis-cli -p ${port}${requirepass ? ' --askpass' : ''}`
  const lines = [
    `sentinel-lab conf: saved, but ${what} runs now and keeps its current value: the file applies at its next start.`,
    `  Until then ${kind === 'sentinel' ? 'Sentinel may rewrite the file from its running config (at its next config flush: a failover, a new replica or sentinel seen, any SENTINEL SET)' : 'Redis may rewrite the file from its running config (CONFIG REWRITE, which Sentinel sends on a failover)'}, undoing this edit.`,
    '  Apply it with the app, or:',
  ]
  for (const s of plan.steps) {
    if (s.step.how === 'live') for (const c of s.step.commands) lines.push(`    ${cli} ${c}`)
    else lines.push(`    (${s.step.why ?? `${s.step.directive} cannot change at run time`}: restart the process to apply it)`)
  }
  return `${lines.join('\n')}\n`
}

/** Diagnostics of `after` that `before` did not have (line numbers aside: lines move when others are added). */
function newProblems(before: ConfDiagnostic[], after: ConfDiagnostic[]): ConfDiagnostic[] {
  const key = (d: ConfDiagnostic): string => `${d.severity}|${d.code}|${d.directive}|${d.message.replace(/line \d+/g, 'line N')}`
  const seen = new Map<string, number>()
  for (const d of before) seen.set(key(d), (seen.get(key(d)) ?? 0) + 1)
  return after.filter((d) => {
    const n = seen.get(key(d)) ?? 0
    if (n > 0) {
      seen.set(key(d), n - 1)
      return false
    }
    return true
  })
}
