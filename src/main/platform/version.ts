import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * The folder holding the app's package.json: found by walking up from this file, because
 * the bundler may place this code in out/main or in out/main/chunks (and tests run src/).
 */
export function appRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'sentinel-lab') return dir
  }
  return join(__dirname, '..', '..')
}

/** The app's version, from package.json. */
export function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return '0.0.0'
  }
}
