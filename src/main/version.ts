import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The app's version, from package.json (two levels up from both src/main and out/main). */
export function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return '0.0.0'
  }
}
