// Packages the app the way `npm run package` does (electron-builder, electron-builder.yml),
// offline, and checks what goes into app.asar: the build output, package.json and the
// production dependencies, and nothing of the sources, tests, tools or devDependencies.
//
// electron-builder cannot download Electron here, so it is pointed at a stand-in Electron
// distribution: a folder holding only a placeholder `electron` executable. (With an empty
// folder app.asar is still written, but the run then fails renaming the missing executable,
// and a failing run could not be told apart from a real packaging error.)
import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = resolve(__dirname, '..')
const require_ = createRequire(join(root, 'package.json'))
// @electron/asar 3.x (CommonJS), installed as a dependency of electron-builder.
const asar = require_('@electron/asar') as { listPackage(archive: string, options?: { isPack: boolean }): string[] }

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}

const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
/** Electron 45's defaults, in @electron/fuses' order: RunAsNode, CookieEncryption, NODE_OPTIONS, --inspect, asar integrity, only asar, browser V8 snapshot, file:// privileges. */
const ELECTRON_DEFAULT_FUSES = '10110001'
const FUSE_NAMES = ['runAsNode', 'enableCookieEncryption', 'enableNodeOptionsEnvironmentVariable', 'enableNodeCliInspectArguments',
  'enableEmbeddedAsarIntegrityValidation', 'onlyLoadAppFromAsar', 'loadBrowserProcessSpecificV8Snapshot', 'grantFileProtocolExtraPrivileges']

const temps: string[] = []
let entries: string[] = []
let fuses: Record<string, boolean> = {}
let builderLog = ''

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolvePromise({ code, output })
    })
  })
}

beforeAll(async () => {
  for (const f of ['out/main/index.js', 'out/main/cli.js', 'out/preload/index.js', 'out/renderer/index.html']) {
    if (!existsSync(join(root, f))) {
      throw new Error(`${f} is missing: build the app first (\`npx electron-vite build\`, or run \`npm test\`, which builds)`)
    }
  }
  const electronDist = mkdtempSync(join(tmpdir(), 'sentinel-lab-electron-dist-'))
  const outDir = mkdtempSync(join(tmpdir(), 'sentinel-lab-package-'))
  temps.push(electronDist, outDir)
  // The stand-in carries a fuse wire as Electron 45 ships it (sentinel, version 1, 8 fuses),
  // so that electron-builder flips the fuses in it as it would in the real binary.
  writeFileSync(join(electronDist, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\nexit 1\n# '), Buffer.from(FUSE_SENTINEL), Buffer.from([1, 8]), Buffer.from(ELECTRON_DEFAULT_FUSES), Buffer.from('\n')]))
  chmodSync(join(electronDist, 'electron'), 0o755)

  const builder = join(root, 'node_modules', '.bin', 'electron-builder')
  const result = await run(
    builder,
    ['--linux', 'dir', `-c.electronDist=${electronDist}`, '-c.npmRebuild=false', `-c.directories.output=${outDir}`],
    180_000,
  )
  builderLog = result.output
  const archive = join(outDir, 'linux-unpacked', 'resources', 'app.asar')
  if (result.code !== 0 || !existsSync(archive)) {
    throw new Error(`electron-builder failed (exit ${result.code}); ${archive} ${existsSync(archive) ? 'exists' : 'missing'}:\n${builderLog}`)
  }
  const binary = join(outDir, 'linux-unpacked', 'sentinel-lab')
  const bytes = readFileSync(binary)
  const wire = bytes.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length
  fuses = Object.fromEntries(FUSE_NAMES.map((name, i) => [name, bytes[wire + 2 + i] === '1'.charCodeAt(0)]))
  // Entries come as "/out/main/index.js"; drop the leading slash.
  entries = asar.listPackage(archive, { isPack: false }).map((e) => e.replace(/\\/g, '/').replace(/^\/+/, ''))
}, 240_000)

afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true })
})

const has = (path: string): boolean => entries.includes(path)
/** Entries at or under `prefix` (a path relative to the archive root). */
const under = (prefix: string): string[] => entries.filter((e) => e === prefix || e.startsWith(prefix + '/'))
/** Every copy of a package, top-level or nested in another package's node_modules. */
const copiesOf = (name: string): string[] =>
  entries.filter((e) => e.endsWith(`node_modules/${name}`) && (e === `node_modules/${name}` || e.includes(`/node_modules/${name}`)))

describe('electron-builder package (app.asar)', () => {
  it('contains the build output and package.json', () => {
    for (const f of ['out/main/index.js', 'out/main/cli.js', 'out/preload/index.js', 'out/renderer/index.html', 'package.json']) {
      expect(has(f), `${f} should be in app.asar; entries:\n${entries.join('\n')}`).toBe(true)
    }
  })

  it('contains every production dependency', () => {
    const deps = Object.keys(pkg.dependencies)
    expect(deps.sort()).toEqual(['ini', 'ioredis', 'node-diff3', 'shlex', 'tinyglobby', 'ws'])
    for (const dep of deps) {
      expect(has(`node_modules/${dep}`), `node_modules/${dep} should be in app.asar`).toBe(true)
      expect(has(`node_modules/${dep}/package.json`), `node_modules/${dep}/package.json should be in app.asar`).toBe(true)
    }
  })

  it('contains no sources, tests, tools or source maps', () => {
    for (const dir of ['src', 'test', 'bench', 'scripts', '.ci', 'bin', 'resources', 'dist', 'node_modules/.bin']) {
      expect(under(dir), `${dir}/ must not be packaged`).toEqual([])
    }
    expect(entries.filter((e) => e.endsWith('.map')), 'no source maps').toEqual([])
    for (const f of ['electron-builder.yml', 'electron.vite.config.ts', 'vitest.config.mts', 'tsconfig.json', 'package-lock.json']) {
      expect(has(f), `${f} must not be packaged`).toBe(false)
    }
  })

  it('contains no devDependency, at any depth', () => {
    const devDeps = Object.keys(pkg.devDependencies)
    for (const name of ['electron', 'vite', 'svelte', 'vitest', 'typescript', 'playwright-core']) {
      expect(devDeps).toContain(name)
    }
    const found = devDeps.flatMap((name) => copiesOf(name))
    expect(found, 'devDependencies must not be packaged').toEqual([])
  })
})

describe('Electron fuses in the packaged binary', () => {
  it('no Node.js mode (ELECTRON_RUN_AS_NODE, NODE_OPTIONS, --inspect), only the packaged app.asar, checked, and cookies encrypted', () => {
    expect(fuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: true,
    })
  })
})
