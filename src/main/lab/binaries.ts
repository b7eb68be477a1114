// Where redis-server and redis-sentinel live: PATH first, then the usual places. When one is
// missing, the error says how to install it on this OS.
import { accessSync, constants } from 'node:fs'
import { delimiter, isAbsolute, join } from 'node:path'

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
function findBinary(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (isAbsolute(name)) return executable(name) ? name : null
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...USUAL_DIRS]
  for (const dir of dirs) {
    const candidate = join(dir, name)
    if (executable(candidate)) return candidate
  }
  return null
}

function installHint(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'install Redis with Homebrew: brew install redis'
  if (platform === 'win32') return 'Redis does not run natively on Windows: use WSL and install redis-server and redis-sentinel there'
  return 'install them with your package manager, e.g. Debian/Ubuntu: sudo apt-get install redis-server redis-sentinel; Fedora: sudo dnf install redis'
}

/** Environment variables that choose the binaries. */
const BINARY_ENV = { redisServer: 'SENTINEL_LAB_REDIS_SERVER', redisSentinel: 'SENTINEL_LAB_REDIS_SENTINEL' } as const

/** Both binaries, given ones first; throws with the install hint when one is missing. */
export function findRedisBinaries(given: Partial<RedisBinaries> = {}, env: NodeJS.ProcessEnv = process.env): RedisBinaries {
  // The user's choice (a Redis built from source, another version) wins over the search.
  const wantServer = given.redisServer ?? env[BINARY_ENV.redisServer] ?? 'redis-server'
  const wantSentinel = given.redisSentinel ?? env[BINARY_ENV.redisSentinel] ?? 'redis-sentinel'
  const server = findBinary(wantServer, env)
  const sentinel = findBinary(wantSentinel, env)
  const missing = [!server && wantServer, !sentinel && wantSentinel].filter(Boolean)
  if (missing.length > 0) {
    throw new Error(`${missing.join(' and ')} not found (looked on PATH and in ${USUAL_DIRS.join(', ')}): ${installHint()}; ` +
      `or point ${BINARY_ENV.redisServer} / ${BINARY_ENV.redisSentinel} at the binaries you want`)
  }
  return { redisServer: server!, redisSentinel: sentinel! }
}
