// The Redis (or Valkey) release a file will be read by, and what that release makes of a
// directive: known, read and ignored, or refused at start. The release comes from the
// binary's `--version` (lab/server-version.ts reads it); which directives each release
// reads is in directive-history.ts.
import { IGNORED_SINCE, REDIS_SERIES, type SeriesChanges, VALKEY_BASE_SERIES, VALKEY_RENAMES, VALKEY_SERIES } from './directive-history'

export interface ServerRelease {
  product: 'redis' | 'valkey'
  /** '7.0.15'; a series alone ('7.0') where only that is known. */
  version: string
  /** No binary said it: the checks take this release for granted. */
  assumed?: boolean
}

/**
 * What the checks assume when no binary says otherwise: the release the value rules of
 * schema.ts follow (and Debian 12's redis-server).
 */
export const ASSUMED_RELEASE: ServerRelease = { product: 'redis', version: '7.0', assumed: true }

/** "Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=..." or "Valkey server v=8.0.1 ...". */
export function parseServerVersion(output: string): ServerRelease | null {
  const m = /\b(Redis|Valkey) server v=(\d+\.\d+(?:\.\d+)?)/i.exec(output)
  if (!m) return null
  return { product: m[1].toLowerCase() === 'valkey' ? 'valkey' : 'redis', version: m[2] }
}

/** 'Redis 7.0.15', 'Valkey 8.0.1'. */
export function releaseName(release: ServerRelease): string {
  return `${release.product === 'valkey' ? 'Valkey' : 'Redis'} ${release.version}`
}

export type DirectiveVerdict =
  /** The release reads it (`ignored`: and does nothing with it). */
  | { kind: 'known'; ignored: boolean }
  /** The release refuses to start on it. `history`: which releases read it, if any ('added in Redis 7.2'). */
  | { kind: 'refused'; history: string | null; suggestion: string | null }
  /** The release is newer than every one the tables know, and none of them read it. */
  | { kind: 'unsure'; newestKnown: string }

interface NameSets {
  directives: ReadonlySet<string>
  options: ReadonlySet<string>
}

function seriesKey(version: string): number {
  const [major, minor] = version.split('.').map(Number)
  return major * 1000 + (minor || 0)
}

function accumulate(base: NameSets, changes: SeriesChanges): NameSets {
  const directives = new Set(base.directives)
  const options = new Set(base.options)
  for (const n of changes.added ?? []) directives.add(n)
  for (const n of changes.removed ?? []) directives.delete(n)
  for (const n of changes.sentinelAdded ?? []) options.add(n)
  for (const n of changes.sentinelRemoved ?? []) options.delete(n)
  return { directives, options }
}

function tables(product: ServerRelease['product']): Map<string, NameSets> {
  const out = new Map<string, NameSets>()
  let sets: NameSets = { directives: new Set(), options: new Set() }
  for (const s of REDIS_SERIES) out.set(s.series, (sets = accumulate(sets, s)))
  if (product === 'redis') return out
  sets = out.get(VALKEY_BASE_SERIES)!
  const valkey = new Map<string, NameSets>([[VALKEY_BASE_SERIES, sets]])
  for (const s of VALKEY_SERIES) valkey.set(s.series, (sets = accumulate(sets, s)))
  return valkey
}

const TABLES = { redis: tables('redis'), valkey: tables('valkey') }

/** The names `release` reads: its own series' table, or the nearest one below it (the oldest, for one older than all). */
function tableFor(release: ServerRelease): NameSets {
  const table = [...TABLES[release.product]]
  const wanted = seriesKey(release.version)
  return (table.findLast(([series]) => seriesKey(series) <= wanted) ?? table[0])[1]
}

/** The newest series the tables know for a product. */
function newestSeries(product: ServerRelease['product']): string {
  return [...TABLES[product].keys()].at(-1)!
}

/** Which releases read a name ('added in Redis 7.2', 'removed in Redis 7.0', 'a Valkey 8.0 directive'), or null for none. */
function historyOf(name: string, sentinelOption: boolean, release: ServerRelease): string | null {
  const has = (s: NameSets): boolean => (sentinelOption ? s.options : s.directives).has(name)
  const redis = [...TABLES.redis]
  const first = redis.find(([, s]) => has(s))
  const wanted = seriesKey(release.version)
  if (first) {
    if (seriesKey(first[0]) > wanted && release.product === 'redis') return `added in Redis ${first[0]}`
    const lastIndex = redis.findLastIndex(([, s]) => has(s))
    const gone = redis[lastIndex + 1]
    if (gone) return `removed in Redis ${gone[0]}; Redis ${first[0] === redis[lastIndex][0] ? first[0] : `${first[0]} to ${redis[lastIndex][0]}`} read it`
    if (release.product === 'valkey') return `a Redis ${first[0]} directive that Valkey does not read`
    return `added in Redis ${first[0]}`
  }
  const valkey = [...TABLES.valkey].find(([, s]) => has(s))
  if (valkey) return release.product === 'valkey' ? `added in Valkey ${valkey[0]}` : `Valkey ${valkey[0]} reads it, Redis does not`
  return null
}

/** The edit distance of two short words, a swap of neighbours counting as one edit (for "did you mean"). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

/** The known name closest to a misspelt one, when it is close enough to be meant. */
function closest(name: string, known: ReadonlySet<string>): string | null {
  let best: string | null = null
  let bestDistance = Math.max(1, Math.min(3, Math.floor(name.length / 4)))
  for (const k of known) {
    const d = distance(name, k)
    if (d > 0 && d <= bestDistance) {
      best = k
      bestDistance = d - 1
    }
  }
  return best
}

/**
 * What `release` makes of a directive written `name` in a file of `kind`: 'maxmemory', or
 * for sentinel lines 'sentinel monitor'. Names are compared as Redis does, case-blind.
 */
export function directiveVerdict(release: ServerRelease, name: string): DirectiveVerdict {
  const key = name.toLowerCase()
  const sentinelOption = key.startsWith('sentinel ')
  const bare = sentinelOption ? key.slice('sentinel '.length) : key
  const sets = tableFor(release)
  const names = sentinelOption ? sets.options : sets.directives
  if (names.has(bare)) {
    const since = IGNORED_SINCE[bare]
    return { kind: 'known', ignored: !sentinelOption && since !== undefined && seriesKey(since) <= seriesKey(release.version) }
  }
  const history = historyOf(bare, sentinelOption, release)
  // A release newer than the tables may have added it; not one the tables saw removed.
  const newest = newestSeries(release.product)
  if (seriesKey(release.version) > seriesKey(newest) && (history === null || !history.startsWith('removed')))
    return { kind: 'unsure', newestKnown: releaseName({ product: release.product, version: newest }) }
  // Valkey's name on a Redis: Redis's own name for it, else the nearest spelling.
  const renamed = release.product === 'redis' ? VALKEY_RENAMES[key] : undefined
  // A name another release reads is no typo: then only this release's spelling of it (bio_cpulist for bio-cpulist).
  const near = closest(bare, names)
  const suggestion = near !== null && (history === null || near.replace(/_/g, '-') === bare.replace(/_/g, '-')) ? near : null
  return { kind: 'refused', history, suggestion: renamed ?? (suggestion && (sentinelOption ? `sentinel ${suggestion}` : suggestion)) }
}
