// Finds Electron's executable the way node_modules/electron/index.js does, but without its
// side effect: `require('electron')` downloads the binary when it is missing, which hangs or
// fails on a machine without network. Returns the path, or why there is none.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'

export type Found = { path: string; reason?: undefined } | { path?: undefined; reason: string }

export function findElectronBinary(root: string): Found {
  const pkgDir = join(root, 'node_modules', 'electron')
  if (!existsSync(join(pkgDir, 'package.json'))) return { reason: 'the electron package is not installed (node_modules/electron)' }
  const pathFile = join(pkgDir, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH']
  if (override) {
    const p = join(override, relative || 'electron')
    return existsSync(p) ? { path: p } : { reason: `ELECTRON_OVERRIDE_DIST_PATH is set but ${p} does not exist` }
  }
  if (!relative) return { reason: 'node_modules/electron/path.txt is missing: the binary was never downloaded' }
  const p = join(pkgDir, 'dist', relative)
  return existsSync(p) ? { path: p } : { reason: `${p} does not exist: the binary was never downloaded` }
}

function which(cmd: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const p = join(dir, cmd)
    if (dir && existsSync(p)) return p
  }
  return undefined
}

export interface Display {
  env: Record<string, string>
  stop(): void
}

/**
 * A display for Electron on Linux: the session's own, or a private Xvfb started here.
 * Resolves to a reason string when there is neither.
 */
export async function ensureDisplay(): Promise<Display | string> {
  if (process.platform !== 'linux' || process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY']) return { env: {}, stop: () => {} }
  const xvfb = which('Xvfb')
  if (!xvfb) return 'there is no display (DISPLAY is unset) and Xvfb is not installed'
  // -displayfd: Xvfb picks a free display number and writes it to fd 3 when ready.
  const child: ChildProcess = spawn(xvfb, ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  })
  const stop = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
  }
  const fd3 = child.stdio[3] as NodeJS.ReadableStream
  const result = await new Promise<string | { n: string }>((resolve) => {
    let out = ''
    const timer = setTimeout(() => resolve('Xvfb did not report a display within 10 s'), 10_000)
    fd3.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /^(\d+)\s*$/m.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve({ n: m[1]! })
      }
    })
    child.on('error', (e) => {
      clearTimeout(timer)
      resolve(`Xvfb could not start: ${e.message}`)
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve(`Xvfb exited at once (code ${code})`)
    })
  })
  if (typeof result === 'string') {
    stop()
    return result
  }
  return { env: { DISPLAY: `:${result.n}` }, stop }
}
