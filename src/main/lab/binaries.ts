// Where redis-server and redis-sentinel live: PATH first, then the usual places; where Redis
// is absent, Valkey's valkey-server and valkey-sentinel (Debian 13, Fedora, Arch and Homebrew
// ship it beside or instead of Redis). When neither pair is there, the error says how to
// install one on this OS.
import { accessSync, constants } from 'node:fs'
import { basename, delimiter, isAbsolute, join } from 'node:path'

const USUAL_DIRS = ['/usr/bin', '/usr/local/bin', '/opt/homebrew/bin']

export interface RedisBinaries {
  redisServer: string
  redisSentinel: string
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The absolute path of `name` (PATH, then the usual places), or null. */
function findBinary(name: string, env: NodeJS.ProcessEnv, usualDirs: readonly string[]): string | null {
  if (isAbsolute(name)) return executable(name) ? name : null
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...usualDirs]
  for (const dir of dirs) {
    const candidate = join(dir, name)
    if (executable(candidate)) return candidate
  }
  return null
}

function installHint(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'install Redis with Homebrew: brew install redis (or Valkey: brew install valkey)'
  if (platform === 'win32') return 'Redis does not run natively on Windows: use WSL and install redis-server and redis-sentinel there'
  return 'install them with your package manager, e.g. Debian/Ubuntu: sudo apt-get install redis-server redis-sentinel (or valkey-server valkey-sentinel); Fedora: sudo dnf install valkey'
}

/** Environment variables that choose the binaries. */
const BINARY_ENV = { redisServer: 'SENTINEL_LAB_REDIS_SERVER', redisSentinel: 'SENTINEL_LAB_REDIS_SENTINEL' } as const

/** The pairs searched for when the user chose none: Redis first, then Valkey. */
const PAIRS: readonly RedisBinaries[] = [
  { redisServer: 'redis-server', redisSentinel: 'redis-sentinel' },
  { redisServer: 'valkey-server', redisSentinel: 'valkey-sentinel' },
]

/** 'valkey' for a binary named valkey-*, else 'redis' (a build of one's own counts as Redis). */
function productOf(binary: string): 'redis' | 'valkey' {
  return /valkey/.test(basename(binary)) ? 'valkey' : 'redis'
}

/** Both binaries, given ones first; throws with the install hint when one is missing. */
export function findRedisBinaries(given: Partial<RedisBinaries> = {}, env: NodeJS.ProcessEnv = process.env, usualDirs: readonly string[] = USUAL_DIRS): RedisBinaries {
  // The user's choice (a Redis built from source, another version) wins over the search.
  const chosenServer = given.redisServer ?? env[BINARY_ENV.redisServer]
  const chosenSentinel = given.redisSentinel ?? env[BINARY_ENV.redisSentinel]
  // A pair of one product: a Valkey sentinel does not stand in for a missing Redis one. One
  // binary chosen: its partner is its product's (valkey-server -> valkey-sentinel), nothing else.
  const chosen = chosenServer ?? chosenSentinel
  const pairs = chosen ? PAIRS.filter((p) => productOf(chosen) === productOf(p.redisServer)) : PAIRS
  for (const pair of pairs) {
    const server = findBinary(chosenServer ?? pair.redisServer, env, usualDirs)
    const sentinel = findBinary(chosenSentinel ?? pair.redisSentinel, env, usualDirs)
    if (server && sentinel) return { redisServer: server, redisSentinel: sentinel }
  }
  const first: RedisBinaries = { redisServer: chosenServer ?? pairs[0].redisServer, redisSentinel: chosenSentinel ?? pairs[0].redisSentinel }
  const missing = [first.redisServer, first.redisSentinel].filter((name) => !findBinary(name, env, usualDirs))
  const alternative = chosenServer || chosenSentinel ? '' : ` (nor ${PAIRS[1].redisServer} and ${PAIRS[1].redisSentinel})`
  throw new Error(`${missing.join(' and ')} not found${alternative} (looked on PATH and in ${usualDirs.join(', ')}): ${installHint()}; ` +
    `or point ${BINARY_ENV.redisServer} / ${BINARY_ENV.redisSentinel} at the binaries you want`)
}
