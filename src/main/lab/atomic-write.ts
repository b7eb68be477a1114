// Atomic file writes: the text goes to a temp file beside the target, gets its mode, and
// is renamed over the target, so a reader sees the old file or the new one, never half.
import { randomBytes } from 'node:crypto'
import { chmodSync, renameSync, rmSync, writeFileSync } from 'node:fs'

export function writeFileAtomic(path: string, text: string, mode = 0o644): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    writeFileSync(tmp, text, { mode, flag: 'wx' })
    chmodSync(tmp, mode) // the mode given at creation is masked by the umask
    renameSync(tmp, path)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw e
  }
}
