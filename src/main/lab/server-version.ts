// The release of the redis-server / redis-sentinel a lab would run, from the binary's own
// `--version`: the config checks judge a file by what that release reads.
import { execFileSync } from 'node:child_process'
import { statSync } from 'node:fs'
import type { CheckedAgainst } from '../../shared/conf'
import { ASSUMED_RELEASE, type ServerRelease, parseServerVersion, releaseName } from '../conf/server-release'
import { type RedisBinaries, findRedisBinaries } from './binaries'

/** What a file will be checked against: the release and the binary it came from. */
export interface InstalledRelease {
  release: ServerRelease
  binary: string
}

export interface InstalledReleases {
  redis: InstalledRelease | null
  sentinel: InstalledRelease | null
}

// Keyed by path, size and mtime: a binary replaced by an upgrade is asked again.
const cache = new Map<string, ServerRelease | null>()

/** The release `binary --version` reports, or null when it does not run or says nothing we read. */
export function binaryRelease(binary: string): ServerRelease | null {
  let key: string
  try {
    const st = statSync(binary)
    key = `${binary}\0${st.size}\0${st.mtimeMs}`
  } catch {
    return null
  }
  if (cache.has(key)) return cache.get(key)!
  let release: ServerRelease | null = null
  try {
    release = parseServerVersion(execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }))
  } catch {
    release = null
  }
  cache.set(key, release)
  return release
}

/** The releases of the binaries a lab would use (the same search and variables); null where none is found. */
export function installedReleases(given: Partial<RedisBinaries> = {}, env: NodeJS.ProcessEnv = process.env): InstalledReleases {
  let binaries: RedisBinaries | null = null
  try {
    binaries = findRedisBinaries(given, env)
  } catch {
    binaries = null
  }
  const of = (binary: string | undefined): InstalledRelease | null => {
    const release = binary ? binaryRelease(binary) : null
    return release && binary ? { release, binary } : null
  }
  return { redis: of(binaries?.redisServer), sentinel: of(binaries?.redisSentinel) }
}

/**
 * The release a file of `kind` is checked against: that of the binary that reads it (a lab's
 * own binaries when given), else the one a new lab would use, else the assumed one.
 */
export function releaseForFile(kind: 'redis' | 'sentinel', binaries: RedisBinaries | null = null, env: NodeJS.ProcessEnv = process.env): { release: ServerRelease; checkedAgainst: CheckedAgainst } {
  const own = binaries ? (kind === 'sentinel' ? binaries.redisSentinel : binaries.redisServer) : null
  const ownRelease = own ? binaryRelease(own) : null
  const found = ownRelease && own ? { release: ownRelease, binary: own } : installedReleases({}, env)[kind]
  const release = found?.release ?? ASSUMED_RELEASE
  return { release, checkedAgainst: { release: releaseName(release), binary: found?.binary ?? null } }
}
