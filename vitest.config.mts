import { accessSync, constants } from 'node:fs'
import { delimiter, join, resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

/** The lab's integration tests that run a second time on Valkey. */
const ON_VALKEY = [
  'test/lab/bringup.test.ts',
  'test/lab/cli-up.test.ts',
  'test/lab/cli-actions.test.ts',
  'test/lab/doctor-lab.test.ts',
  'test/lab/membership.test.ts',
  'test/drill/drill-service.test.ts',
]

/** valkey-server and valkey-sentinel in SENTINEL_LAB_VALKEY_DIR (.ci/run unpacks Debian's packages there), else on PATH. */
function valkeyBinaries(): { server: string; sentinel: string } | null {
  const runs = (path: string): boolean => {
    try {
      accessSync(path, constants.X_OK)
      return true
    } catch {
      return false
    }
  }
  for (const dir of [process.env.SENTINEL_LAB_VALKEY_DIR, ...(process.env.PATH ?? '').split(delimiter)]) {
    if (dir && runs(join(dir, 'valkey-server')) && runs(join(dir, 'valkey-sentinel'))) return { server: join(dir, 'valkey-server'), sentinel: join(dir, 'valkey-sentinel') }
  }
  return null
}

const valkey = valkeyBinaries()
if (!valkey) {
  const why = 'valkey-server and valkey-sentinel not found (on PATH or in SENTINEL_LAB_VALKEY_DIR)'
  if (process.env.SENTINEL_LAB_REQUIRE_VALKEY === '1') throw new Error(`${why}: .ci/run unpacks them from Debian's valkey packages; the Valkey tests must run`)
  // The config is read more than once per run: say it once.
  if (!process.env.SENTINEL_LAB_VALKEY_SKIP_SAID) process.stderr.write(`\nSKIPPED: the ${ON_VALKEY.length} lab test files on Valkey: ${why}. Install valkey-server and valkey-sentinel, or run bash .ci/run.\n\n`)
  process.env.SENTINEL_LAB_VALKEY_SKIP_SAID = '1'
}

export default defineConfig({
  resolve: {
    alias: { '@shared': resolve(import.meta.dirname, 'src/shared') },
  },
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    pool: 'forks',
    // Tests spawn real processes; the machine has 2 cores: at most 2 files at once.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      { extends: true as const, test: { name: 'redis', include: ['test/**/*.test.ts'] } },
      // Every lab these files start runs Valkey's binaries, chosen as a user would choose them.
      ...(valkey ? [{ extends: true as const, test: { name: 'valkey', include: ON_VALKEY, env: { SENTINEL_LAB_REDIS_SERVER: valkey.server, SENTINEL_LAB_REDIS_SENTINEL: valkey.sentinel } } }] : []),
    ],
  },
})
