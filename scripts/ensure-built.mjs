#!/usr/bin/env node
// Builds with electron-vite when out/ is missing or older than anything in src/ (or the
// build configuration), or always with --force. Prints one line on success.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const force = process.argv.includes('--force')

/** Newest (or oldest) mtime of the files under `dir`, recursively. */
function mtimes(dir, pick) {
  let best
  if (!existsSync(dir)) return best
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    const t = entry.isDirectory() ? mtimes(p, pick) : entry.isFile() ? statSync(p).mtimeMs : undefined
    if (t !== undefined) best = best === undefined ? t : pick(best, t)
  }
  return best
}

const REQUIRED = ['out/main/index.js', 'out/main/cli.js', 'out/preload/index.js', 'out/renderer/index.html']
const INPUTS = ['electron.vite.config.ts', 'svelte.config.mjs', 'package.json']

function staleReason() {
  if (force) return 'forced'
  const missing = REQUIRED.find((f) => !existsSync(join(root, f)))
  if (missing) return `${missing} is missing`
  const built = mtimes(join(root, 'out'), Math.min)
  let newest = mtimes(join(root, 'src'), Math.max) ?? 0
  for (const f of INPUTS) if (existsSync(join(root, f))) newest = Math.max(newest, statSync(join(root, f)).mtimeMs)
  if (built === undefined || newest > built) return 'sources changed'
  return null
}

const reason = staleReason()
if (reason === null) {
  console.log('sentinel-lab: build is up to date')
  process.exit(0)
}

// Run electron-vite's own CLI with this Node, no shell, capturing output so that a
// successful build prints only one line.
const require = createRequire(import.meta.url)
const cliPath = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js')
const started = Date.now()
const result = spawnSync(process.execPath, [cliPath, 'build'], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
})
if (result.error || result.status !== 0) {
  process.stderr.write(result.stdout ?? '')
  process.stderr.write(result.stderr ?? '')
  console.error(`sentinel-lab: build failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`)
  process.exit(1)
}
console.log(`sentinel-lab: built in ${((Date.now() - started) / 1000).toFixed(1)} s (${reason})`)
