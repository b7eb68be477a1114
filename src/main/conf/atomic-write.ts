// Atomic file writes: the text goes to a temp file beside the target, gets its mode, is
// flushed to the disk, and is renamed over the target; then the folder is flushed too, so
// the rename itself survives a crash. A reader sees the old file or the new one, never half,
// and a power cut leaves one of the two, not an empty file.
import { randomBytes } from 'node:crypto'
import { closeSync, fchmodSync, fchownSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * `owner`: the uid/gid the replaced file had. The rename puts a new file in its place,
 * owned by whoever writes it: as root, a redis-owned /etc/redis/sentinel.conf would become
 * root's and the redis user could no longer rewrite it. Kept where the writer may (root).
 */
export function writeFileAtomic(path: string, text: string | Uint8Array, mode = 0o644, owner?: { uid: number; gid: number }): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    const fd = openSync(tmp, 'wx', mode)
    try {
      if (owner && process.getuid?.() === 0) fchownSync(fd, owner.uid, owner.gid)
      fchmodSync(fd, mode) // the mode given at creation is masked by the umask
      const data = typeof text === 'string' ? Buffer.from(text, 'utf8') : text
      let written = 0
      while (written < data.length) written += writeSync(fd, data, written, data.length - written)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, path)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw e
  }
  syncFolder(dirname(path))
}

/** Flush a folder's entries (the rename). Some file systems refuse fsync on a folder: the write itself is done by then. */
function syncFolder(dir: string): void {
  let fd: number
  try {
    fd = openSync(dir, 'r')
  } catch {
    return
  }
  try {
    fsyncSync(fd)
  } catch {
    // EINVAL / EISDIR on file systems without folder fsync: nothing more can be done.
  } finally {
    closeSync(fd)
  }
}
