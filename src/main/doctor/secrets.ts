// Passwords never leave the doctor in clear: a terminal is often shared or recorded, and a
// JSON report ends up in CI logs. What is a password comes from the directive schema (its
// `secret` flag and its password-typed arguments), not from a list of names here: masterauth,
// requirepass, sentinel auth-pass / sentinel-pass, tls-*-pass, and an ACL `user` line's
// >password / <password / #hash rules. A supervisor command line's `--requirepass X` (and
// every other secret directive given as an option) is masked the same way.
import type { ConfEdit, DirectiveInfo, DoctorFinding } from '../../shared/conf'
import { splitConfArgs } from '../../shared/redis-args'
import { REDIS_DIRECTIVES, SENTINEL_DIRECTIVES, directiveByName } from '../conf/schema'
import { isAclRule } from '../conf/arg-rules'

export const MASK = '********'

/** The names of every directive that holds a password, for `--name value` on command lines. */
const SECRET_OPTIONS = [...new Set([...REDIS_DIRECTIVES, ...SENTINEL_DIRECTIVES].filter((d) => d.secret && !d.name.startsWith('sentinel ')).flatMap((d) => [d.name, ...d.aliases]))]
const OPTION_VALUE = new RegExp(`(--(?:${SECRET_OPTIONS.map((n) => n.replace(/[-]/g, '\\-')).join('|')})(?:\\s+|=))("[^"]*"|'[^']*'|\\S+)`, 'gi')
const ENV_SECRET = /((?:REDISCLI_AUTH|[A-Z_]*PASS(?:WORD)?)\s*=\s*)("[^"]*"|'[^']*'|[^,\s]+)/g

/** An ACL rule that carries a password or its hash: >pw, <pw, #hash, !hash. */
export function isPasswordRule(rule: string): boolean {
  return /^[><#!]/.test(rule)
}

/** Which of `args` (the words after the directive's name, and after the option for sentinel lines) are secret. */
export function secretArgs(info: DirectiveInfo | null, args: readonly string[]): boolean[] {
  if (!info?.secret) return args.map(() => false)
  // A word that is no ACL rule is most often a password written without its '>'.
  if (info.name === 'user') return args.map((a, i) => i > 0 && (isPasswordRule(a) || !isAclRule(a)))
  // Fewer words than it takes: the password may sit where another word belongs
  // (`sentinel auth-pass PASSWORD`, its master's name left out), so every word is secret.
  if (args.length < info.args.length) return args.map(() => true)
  const typed = info.args.some((a) => a.type === 'password')
  return args.map((_, i) => !typed || info.args[Math.min(i, info.args.length - 1)]?.type === 'password')
}

/** The schema entry of a ConfEdit's directive key, and how many of its words come after the name. */
function keyInfo(directive: string): { info: DirectiveInfo | null; after: string[] } {
  const split = splitConfArgs(directive)
  if (!split.ok || split.tokens.length === 0) return { info: null, after: [] }
  const words = split.tokens.map((t) => t.value)
  const sentinel = words[0].toLowerCase() === 'sentinel'
  const name = sentinel ? words.slice(0, 2).join(' ').toLowerCase() : words[0].toLowerCase()
  // A sentinel.conf may hold any redis.conf directive: its table finds both.
  return { info: directiveByName('sentinel', name), after: words.slice(sentinel ? 2 : 1) }
}

/** An .ini value with the passwords it may hold (command-line options, environment) masked. */
function maskIniValue(value: string): string {
  return value.replace(OPTION_VALUE, (_, opt: string) => `${opt}${MASK}`).replace(ENV_SECRET, (_, k: string) => `${k}${MASK}`)
}

/** A fix's edit as it may be shown: the words that are passwords replaced by ********. */
export function maskEdit(e: ConfEdit): ConfEdit {
  if (!e.args) return e
  // An .ini key is one word SECTION.KEY ('program:x.command'); a redis.conf name has no '.' or ':'.
  if (/^[^\s]*[.:][^\s]*$/.test(e.directive)) return { ...e, args: e.args.map(maskIniValue) }
  const { info, after } = keyInfo(e.directive)
  const secret = secretArgs(info, [...after, ...e.args]).slice(after.length)
  return { ...e, args: e.args.map((a, i) => (secret[i] && a !== '' ? MASK : a)) }
}

/** A finding as the doctor prints it (text or JSON): its fix's passwords masked. */
export function maskFinding(f: DoctorFinding): DoctorFinding {
  return f.fix ? { ...f, fix: { ...f.fix, edits: f.fix.edits.map(maskEdit) } } : f
}

/** `message` with each of `secrets` masked where a checker quoted it ('value', cut after 37 characters) or wrote it as a word of its own. */
export function maskQuoted(message: string, secrets: readonly string[]): string {
  let out = message
  for (const s of secrets) {
    if (s === '') continue
    for (const quoted of [`'${s}'`, ...(s.length > 40 ? [`'${s.slice(0, 37)}...'`] : [])]) out = out.split(quoted).join(`'${MASK}'`)
    const word = new RegExp(`(^|[\\s"(])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[\\s")<,:])`, 'g')
    out = out.replace(word, (_, before: string) => `${before}${MASK}`)
  }
  return out
}
