// Lossless get / set / unset of a directive by name, on a RedisConfDocument.
//
// A directive key is what `sentinel-lab conf get|set|unset` takes: 'maxmemory',
// 'replicaof' (also matches 'slaveof' lines), 'sentinel down-after-milliseconds mymaster',
// 'sentinel monitor mymaster', 'sentinel myid'. Its words select lines: the name, and for
// sentinel lines the option (aliases resolved) and the words after it that were given.
// For set, the words that name an entry of a directive that may repeat (the master of a
// per-master option, a client class, a renamed command, a user, a known replica's address)
// select lines even when they come with the value: set 'sentinel monitor' [m2, ip, port, q]
// touches m2's line only, never another master's.
// Only the lines a change touches are rewritten; the rest of the file stays byte for byte.
import type { DirectiveInfo } from '../../shared/conf'
import { splitConfArgs } from '../../shared/redis-args'
import { type ConfLine, RedisConfDocument } from './redis-doc'
import { REDIS_DIRECTIVES, SENTINEL_DIRECTIVES, directiveByName } from './schema'
import { checkDirectiveArgs, masterOf } from './arg-rules'

export class DirectiveError extends Error {}

interface Key {
  /** The schema entry, or null for a directive the schema does not know (get / unset only). */
  info: DirectiveInfo | null
  sentinel: boolean
  /** Lower-case names a line may have (redis) or options after `sentinel` (sentinel). */
  names: string[]
  /** The words after the name/option the key gave: a line matches when its words start with them. */
  selectors: string[]
  /** The key as the user wrote it, for messages. */
  text: string
}

function parseKey(kind: 'redis' | 'sentinel', key: string): Key {
  const split = splitConfArgs(key)
  if (!split.ok) throw new DirectiveError(`'${key}': ${split.message}`)
  const words = split.tokens.map((t) => t.value)
  if (words.length === 0) throw new DirectiveError('no directive given: write a name such as maxmemory or sentinel down-after-milliseconds mymaster')
  const first = words[0].toLowerCase()
  if (first === 'sentinel') {
    if (kind === 'redis') throw new DirectiveError(`'${key}': sentinel directives belong in sentinel.conf, not redis.conf`)
    if (words.length < 2) throw new DirectiveError("'sentinel' needs an option: e.g. sentinel monitor mymaster, sentinel down-after-milliseconds mymaster")
    const option = words[1].toLowerCase()
    const info = directiveByName(kind, `sentinel ${option}`)
    const names = info ? [info.name, ...info.aliases].map((n) => n.slice('sentinel '.length)) : [option]
    return { info, sentinel: true, names, selectors: words.slice(2), text: key }
  }
  const info = directiveByName(kind, first)
  return { info, sentinel: false, names: info ? [info.name, ...info.aliases] : [first], selectors: words.slice(1), text: key }
}

/** The words of a line after its name (and after the option, for sentinel lines). */
function wordsAfterName(line: ConfLine, sentinel: boolean): string[] {
  return RedisConfDocument.args(line).slice(sentinel ? 1 : 0)
}

function matches(key: Key, line: ConfLine): boolean {
  if (line.kind !== 'directive') return false
  if (key.sentinel) {
    if (line.name !== 'sentinel' || line.tokens.length < 2 || !key.names.includes(line.tokens[1].value.toLowerCase())) return false
  } else if (!key.names.includes(line.name)) return false
  const words = wordsAfterName(line, key.sentinel)
  return words.length >= key.selectors.length && key.selectors.every((s, i) => s === words[i])
}

function matchingIndexes(doc: RedisConfDocument, key: Key): number[] {
  const out: number[] = []
  doc.lines.forEach((line, i) => {
    if (matches(key, line)) out.push(i)
  })
  return out
}

/** The words after the key of every matching line, in file order ([] when none). */
export function getDirective(doc: RedisConfDocument, kind: 'redis' | 'sentinel', key: string): string[][] {
  const k = parseKey(kind, key)
  return matchingIndexes(doc, k).map((i) => wordsAfterName(doc.lines[i], k.sentinel).slice(k.selectors.length))
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return row[b.length]
}

function unknownKey(kind: 'redis' | 'sentinel', key: Key): DirectiveError {
  const written = key.sentinel ? `sentinel ${key.names[0]}` : key.names[0]
  const known = (kind === 'sentinel' ? [...SENTINEL_DIRECTIVES, ...REDIS_DIRECTIVES] : REDIS_DIRECTIVES).flatMap((d) => [d.name, ...d.aliases])
  const near = [...new Set(known)].filter((n) => editDistance(n, written) <= 2).slice(0, 3)
  const hint = near.length > 0 ? `: did you mean ${near.join(', ')}?` : ': check the spelling'
  return new DirectiveError(`'${written}' is not a ${kind === 'sentinel' ? 'sentinel.conf' : 'redis.conf'} directive this editor knows${hint}`)
}

/** Where a new line for `key` goes: after its master's `sentinel monitor` block, else at the end. */
function insertionPoint(doc: RedisConfDocument, info: DirectiveInfo, master: string | null): number {
  if (master === null || info.name === 'sentinel monitor') return doc.lines.length
  const monitor = doc.lines.findIndex((l) => l.kind === 'directive' && l.name === 'sentinel' && l.tokens[1]?.value.toLowerCase() === 'monitor' && l.tokens[2]?.value === master)
  if (monitor < 0) return doc.lines.length
  let last = monitor
  for (let i = monitor + 1; i < doc.lines.length; i++) {
    const l = doc.lines[i]
    if (l.kind !== 'directive' || l.name !== 'sentinel' || l.tokens[2]?.value !== master) break
    last = i
  }
  return last + 1
}

function hasMonitor(doc: RedisConfDocument, master: string): boolean {
  return doc.lines.some((l) => l.kind === 'directive' && l.name === 'sentinel' && l.tokens[1]?.value.toLowerCase() === 'monitor' && l.tokens[2]?.value === master)
}

/** How many leading words (after the name / option) name one entry of `info`, rather than its value. */
export function identityWords(info: DirectiveInfo): number {
  switch (info.name) {
    case 'sentinel known-replica':
    case 'sentinel known-sentinel':
      return 3
    case 'sentinel rename-command':
      return 2
    case 'client-output-buffer-limit':
    case 'rename-command':
    case 'user':
      return 1
    default:
      return info.args[0]?.name === 'master' ? 1 : 0
  }
}

/**
 * Make the key's value `args` (the words after the key). The first matching line is
 * rewritten in place, further matching lines are removed; with none, a line is appended.
 * Throws DirectiveError (saying what is allowed) for a value the schema rejects.
 */
export function setDirective(doc: RedisConfDocument, kind: 'redis' | 'sentinel', key: string, args: readonly string[]): void {
  const given = parseKey(kind, key)
  const info = given.info
  if (!info) throw unknownKey(kind, given)
  const named = Math.max(0, Math.min(identityWords(info) - given.selectors.length, args.length))
  const k: Key = { ...given, selectors: [...given.selectors, ...args.slice(0, named)] }
  const value = args.slice(named)
  const full = [...k.selectors, ...value]
  const ctx = { resolveHostnames: kind === 'sentinel' && getDirective(doc, 'sentinel', 'sentinel resolve-hostnames').some((w) => w[0]?.toLowerCase() === 'yes') }
  const problems = checkDirectiveArgs(info, full, ctx)
  if (problems.length > 0) throw new DirectiveError(problems.map((p) => p.message).join('; '))
  const master = masterOf(info, full)
  if (master !== null && info.name !== 'sentinel monitor' && !hasMonitor(doc, master))
    throw new DirectiveError(`${info.name}: no 'sentinel monitor ${master} <ip> <port> <quorum>' in this file: set sentinel monitor ${master} first`)

  const found = matchingIndexes(doc, k)
  if (found.length === 0) {
    const at = insertionPoint(doc, info, master)
    if (k.sentinel) doc.insert(at, 'sentinel', [info.name.slice('sentinel '.length), ...full])
    else doc.insert(at, info.name, full)
    return
  }
  // Remove from the end so that the indexes before stay valid.
  for (const i of found.slice(1).reverse()) doc.remove(i)
  const line = doc.lines[found[0]]
  // The line keeps its own spelling of the option and the selector words (they matched).
  const kept = wordsAfterName(line, k.sentinel).slice(0, k.selectors.length)
  doc.replace(found[0], k.sentinel ? [line.tokens[1].value, ...kept, ...value] : [...kept, ...value])
}

/** Remove every matching line; answers how many. */
export function unsetDirective(doc: RedisConfDocument, kind: 'redis' | 'sentinel', key: string): number {
  const found = matchingIndexes(doc, parseKey(kind, key))
  for (const i of [...found].reverse()) doc.remove(i)
  return found.length
}
