#!/usr/bin/env node
// `npm start`: install if needed, build if stale, then launch Electron on the built app.
// Where Electron's binary cannot be had, say so in one line and exit 1.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
  if (r.error) {
    console.error(`sentinel-lab: ${cmd} ${args.join(' ')} failed: ${r.error.message}`)
    process.exit(1)
  }
  if (r.status !== 0) process.exit(r.status ?? 1)
}

if (!existsSync(join(root, 'node_modules'))) run(npm, ['install'])
run(process.execPath, [join(root, 'scripts', 'ensure-built.mjs')])

/**
 * Path to the Electron executable, or a reason why there is none. `require('electron')`
 * returns the binary's path, downloading the binary first if it is not there yet; it runs
 * in a child process so that the download's chatter (and stack traces when it fails) can
 * be boiled down to one line.
 */
function electronBinary() {
  const probe = `
    try {
      const p = require('electron')
      process.stdout.write('\\n@@path@@' + p + '\\n')
    } catch (e) {
      process.stdout.write('\\n@@error@@' + String((e && e.message) || e).split('\\n')[0] + '\\n')
    }`
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', probe], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    // Only say something if this takes a while (a real first-launch download).
    const slow = setTimeout(() => console.error("sentinel-lab: fetching Electron's binary (first launch)..."), 3000)
    child.on('error', (e) => {
      clearTimeout(slow)
      resolve({ reason: e.message })
    })
    child.on('close', () => {
      clearTimeout(slow)
      const lines = output.split('\n').map((l) => l.trim())
      const found = lines.find((l) => l.startsWith('@@path@@'))?.slice('@@path@@'.length)
      if (found) {
        resolve(existsSync(found) ? { path: found } : { reason: `${found} does not exist` })
        return
      }
      // Prefer the download's own error ("TypeError: fetch failed") to electron's generic one.
      const cause = lines.find((l) => /^[A-Za-z]*Error: /.test(l))
      if (cause) {
        resolve({ reason: `download failed: ${cause.replace(/^[A-Za-z]*Error: /, '')}` })
        return
      }
      const err = lines.find((l) => l.startsWith('@@error@@'))?.slice('@@error@@'.length)
      resolve({ reason: err || 'the electron package could not be loaded' })
    })
  })
}

const electron = await electronBinary()
if (!electron.path) {
  console.error(
    `Electron's binary is not available on this machine (${electron.reason}); run \`npm run serve\` to use Sentinel Lab in your browser.`,
  )
  process.exit(1)
}

const env = { ...process.env }
delete env.ELECTRON_RUN_AS_NODE
const child = spawn(electron.path, ['.'], { cwd: root, stdio: 'inherit', env })
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig)
  })
}
child.on('error', (e) => {
  console.error(`sentinel-lab: could not launch Electron: ${e.message}`)
  process.exit(1)
})
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0))
})
