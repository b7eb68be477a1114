// Located diagnostics of a redis.conf / sentinel.conf: what the redis-server / redis-sentinel
// that will read it would refuse (errors), what it accepts but is likely a mistake
// (warnings), and what is merely old-fashioned (info). Which directives exist follows the
// release (server-release.ts); the words after each follow Redis's parsers (arg-rules.ts),
// so that "error" here means "Redis will not start"; test/conf/redis-verdict.test.ts holds
// us to that against a real redis-server.
import type { ConfDiagnostic, DirectiveInfo, Severity } from '../../shared/conf'
import type { ArgToken } from '../../shared/redis-args'
import { type CheckContext, checkDirectiveArgs, masterOf } from './arg-rules'
import { type ConfLine, RedisConfDocument } from './redis-doc'
import { directiveByName, lineDirectiveName } from './schema'
import { VALKEY_NAMES } from './directive-history'
import { ASSUMED_RELEASE, type DirectiveVerdict, type ServerRelease, directiveVerdict, releaseName } from './server-release'

interface Located {
  index: number
  line: ConfLine
  info: DirectiveInfo
  /** Tokens of the words after the name (after the option for sentinel lines). */
  argTokens: ArgToken[]
  args: string[]
}

/**
 * Every problem of `text` (a file of `kind` at `file`) for the release that will read it,
 * located; never throws.
 */
export function validateConf(text: string, kind: 'redis' | 'sentinel', file: string, release: ServerRelease = ASSUMED_RELEASE): ConfDiagnostic[] {
  try {
    return diagnose(text, kind, file, release)
  } catch (e) {
    // A bug here must not take the editor down: report it where the user can see it.
    return [{ file, line: 1, column: 1, endColumn: 1, directive: null, severity: 'error', code: 'internal', message: `the checker failed: ${e instanceof Error ? e.message : String(e)}` }]
  }
}

function diagnose(text: string, kind: 'redis' | 'sentinel', file: string, release: ServerRelease): ConfDiagnostic[] {
  const doc = RedisConfDocument.parse(text)
  const out: ConfDiagnostic[] = []
  const at = (index: number, from: number, to: number, directive: string | null, severity: Severity, code: string, message: string): void => {
    out.push({ file, line: index + 1, column: from + 1, endColumn: Math.max(to, from + 1) + 1, directive, severity, code, message })
  }
  const lines: Located[] = []
  // Redis 7.0 reads `sentinel resolve-hostnames` before any monitor line, wherever it is.
  const resolveHostnames = doc.lines.some((l) => l.kind === 'directive' && l.name === 'sentinel' && l.tokens[1]?.value.toLowerCase() === 'resolve-hostnames' && l.tokens[2]?.value.toLowerCase() === 'yes')
  const ctx: CheckContext = { resolveHostnames }
  // A module's options (`module.option value`) are checked by the module once loadmodule loaded it.
  const loadsModule = doc.lines.some((l) => l.kind === 'directive' && l.name === 'loadmodule')

  doc.lines.forEach((line, index) => {
    if (line.kind === 'error' && line.error) {
      const name = line.raw.trim().split(/[ \t]+/)[0]?.toLowerCase() ?? null
      at(index, line.error.offset, line.raw.length, name || null, 'error', 'unbalanced-quotes', `${line.error.message}: close the quote (inside double quotes write \\" for a quote, inside single quotes \\')`)
      return
    }
    if (line.kind !== 'directive') return
    const nameTok = line.tokens[0]
    if (line.name === 'sentinel') {
      const optTok = line.tokens[1]
      if (kind === 'redis') {
        at(index, nameTok.start, (optTok ?? nameTok).end, lineDirectiveName(line), 'error', 'wrong-file', 'sentinel lines belong in sentinel.conf: redis-server refuses them (start redis-sentinel with this file instead)')
        return
      }
      if (!optTok) {
        at(index, nameTok.start, nameTok.end, 'sentinel', 'error', 'missing-argument', 'sentinel: no option: write e.g. sentinel monitor <master> <ip> <port> <quorum>')
        return
      }
    }
    const written = lineDirectiveName(line)
    const nameEnd = (line.name === 'sentinel' ? line.tokens[1] : nameTok).end
    const verdict = directiveVerdict(release, written)
    const unknown = unknownDirective(verdict, written, kind, release, loadsModule)
    if (unknown) {
      at(index, nameTok.start, nameEnd, written, unknown.severity, unknown.code, unknown.message)
      return
    }
    const info = directiveByName(kind, written)
    // Known to the release but not to the schema (debugging options, a newer release's): its value goes unchecked.
    if (!info) return
    // Valkey's own names (primaryauth...) are not old ones: no note for them.
    if (info.name !== written && !VALKEY_NAMES.has(written)) at(index, nameTok.start, nameEnd, info.name, 'info', 'deprecated', `${written} is the old name of ${info.name}: both work; ${info.name} is preferred`)
    const argTokens = line.tokens.slice(line.name === 'sentinel' ? 2 : 1)
    const args = argTokens.map((t) => t.value)
    for (const p of checkDirectiveArgs(info, args, ctx)) {
      const tok = p.index >= 0 ? argTokens[p.index] : undefined
      if (tok) at(index, tok.start, tok.end, info.name, 'error', p.code, p.message)
      else at(index, nameTok.start, nameEnd, info.name, 'error', p.code, p.message)
    }
    lines.push({ index, line, info, argTokens, args })
  })

  duplicates(lines, at)
  if (kind === 'sentinel') {
    masters(lines, at)
    knownTwice(lines, at)
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column)
}

/** What to say of a directive the release may not read, or null when it reads it. */
function unknownDirective(verdict: DirectiveVerdict, written: string, kind: 'redis' | 'sentinel', release: ServerRelease, loadsModule: boolean): { severity: Severity; code: string; message: string } | null {
  const server = `${release.product}-${kind === 'sentinel' ? 'sentinel' : 'server'}`
  const name = releaseName(release)
  if (verdict.kind === 'known') {
    return verdict.ignored ? { severity: 'warning', code: 'deprecated', message: `${written}: ${name} reads this directive and ignores it: remove it` } : null
  }
  if (verdict.kind === 'unsure') {
    return { severity: 'warning', code: 'unknown-directive', message: `${written}: no release up to ${verdict.newestKnown} reads this directive, and this checker does not know ${name}'s: ${server} refuses to start on a directive it does not know; check that ${name} has it` }
  }
  const refusal = written.startsWith('sentinel ') ? 'Unrecognized sentinel configuration statement' : 'Bad directive or wrong number of arguments'
  if (!written.startsWith('sentinel ') && written.includes('.') && loadsModule) {
    return { severity: 'warning', code: 'module-option', message: `${written}: not a directive of ${name}; a module this file loads (loadmodule) may define it, and ${server} refuses to start if none does` }
  }
  const here = release.assumed ? `checked as ${name}: no ${server} here told its version` : `this machine has ${name}`
  const moduleHint = written.includes('.') && !written.startsWith('sentinel ') ? '; a module\'s option needs its loadmodule line first' : ''
  const meant = verdict.suggestion ? ` (did you mean ${verdict.suggestion}?)` : ''
  const what = verdict.history ? `${verdict.history}; ${here}${meant}` : `${release.assumed ? here : `${name} has no such directive`}${meant}`
  return { severity: 'error', code: 'unknown-directive', message: `${written}: ${what}: ${server} refuses to start on it ("${refusal}")${moduleHint}` }
}

type At = (index: number, from: number, to: number, directive: string | null, severity: Severity, code: string, message: string) => void

/** A directive set twice: the first line has no effect (Redis keeps the last). */
function duplicates(lines: Located[], at: At): void {
  const last = new Map<string, Located>()
  for (const l of lines) {
    if (l.info.multiple) continue
    const master = masterOf(l.info, l.args)
    const key = master === null ? l.info.name : `${l.info.name}\0${master}`
    const before = last.get(key)
    last.set(key, l)
    if (!before) continue
    const nameTok = before.line.tokens[0]
    const end = (before.line.name === 'sentinel' ? before.line.tokens[1] : nameTok).end
    if (l.info.name === 'sentinel monitor') {
      const tok = l.line.tokens[0]
      at(l.index, tok.start, l.line.tokens[1].end, l.info.name, 'error', 'duplicate', `sentinel monitor: the master '${master}' is already monitored on line ${before.index + 1}: redis-sentinel refuses to start (give each master its own name)`)
      continue
    }
    at(before.index, nameTok.start, end, l.info.name, 'warning', 'duplicate', `${l.info.name}${master === null ? '' : ` ${master}`}: line ${l.index + 1} sets it again, so this line has no effect (Redis keeps the last)`)
  }
}

/** Per-master sentinel options need a `sentinel monitor` of that master. */
function masters(lines: Located[], at: At): void {
  const monitored = new Map<string, number>()
  for (const l of lines) if (l.info.name === 'sentinel monitor' && l.args.length > 0 && !monitored.has(l.args[0])) monitored.set(l.args[0], l.index)
  for (const l of lines) {
    const master = masterOf(l.info, l.args)
    if (master === null || l.info.name === 'sentinel monitor' || l.argTokens.length === 0) continue
    const tok = l.argTokens[0]
    const monitorAt = monitored.get(master)
    if (monitorAt === undefined)
      at(l.index, tok.start, tok.end, l.info.name, 'error', 'unknown-master', `${l.info.name}: no 'sentinel monitor ${master} <ip> <port> <quorum>' in this file: redis-sentinel refuses to start (No such master with specified name)`)
    else if (monitorAt > l.index)
      at(l.index, tok.start, tok.end, l.info.name, 'info', 'before-monitor', `${l.info.name}: '${master}' is monitored only later, on line ${monitorAt + 1}: Redis 7.0 accepts this, older Sentinels do not; put it after the monitor line`)
  }
}

/** Sentinel refuses a replica (address) or a sentinel (id) listed twice for one master. */
function knownTwice(lines: Located[], at: At): void {
  const seen = new Map<string, number>()
  for (const l of lines) {
    const replica = l.info.name === 'sentinel known-replica' && l.args.length >= 3
    const sentinel = l.info.name === 'sentinel known-sentinel' && l.args.length >= 4
    if (!replica && !sentinel) continue
    const key = replica ? `r\0${l.args[0]}\0${l.args[1]}\0${l.args[2]}` : `s\0${l.args[0]}\0${l.args[3]}`
    const first = seen.get(key)
    if (first === undefined) {
      seen.set(key, l.index)
      continue
    }
    const tok = replica ? l.argTokens[1] : l.argTokens[3]
    const end = replica ? l.argTokens[2].end : tok.end
    const what = replica ? `the replica ${l.args[1]}:${l.args[2]}` : `the sentinel id ${l.args[3]}`
    at(l.index, tok.start, end, l.info.name, 'error', 'duplicate', `${l.info.name}: ${what} of '${l.args[0]}' is already listed on line ${first + 1}: redis-sentinel refuses to start; remove this line`)
  }
}
