// Where the tests find Valkey: SENTINEL_LAB_VALKEY_DIR (.ci/run unpacks Debian's packages
// there), else PATH. The vitest config reads it too.
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

export function valkeyBinaries(env: NodeJS.ProcessEnv = process.env): { server: string; sentinel: string } | null {
  const dirs = [env.SENTINEL_LAB_VALKEY_DIR, ...(env.PATH ?? '').split(delimiter)].filter((d): d is string => Boolean(d))
  for (const dir of dirs) {
    const server = join(dir, 'valkey-server')
    const sentinel = join(dir, 'valkey-sentinel')
    if (executable(server) && executable(sentinel)) return { server, sentinel }
  }
  return null
}
