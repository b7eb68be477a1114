// Reading and saving config files safely. A save names the version it was based on and is
// refused (ConflictError, with what the disk holds now) when the file changed meanwhile:
// Sentinel rewrites sentinel.conf and, on failover, redis.conf under an open editor, and
// those changes must be merged, never overwritten. The write is atomic (temp file, fsync,
// rename, fsync of the folder), keeps the file's mode (0600 where a password is), and keeps
// the replaced version in .sentinel-lab-backup/ beside the file, the newest 10 per file.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { writeFileAtomic } from './atomic-write'

export interface ConfFileOnDisk {
  text: string
  /** A hash of the content. */
  version: string
  mode: number
  uid: number
  gid: number
}

/** A file that is not UTF-8 text: editing it as text would change bytes nobody touched. */
export class NotTextError extends Error {}

export class ConflictError extends Error {
  constructor(
    message: string,
    readonly disk: ConfFileOnDisk | null,
  ) {
    super(message)
  }
}

export const BACKUP_FOLDER = '.sentinel-lab-backup'
const BACKUPS_KEPT = 10

/** sha256 of the text, the first 16 hex digits: enough to tell versions of one file apart. */
export function confVersion(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16)
}

export function readConfFile(path: string): ConfFileOnDisk {
  return onDisk(path, readFileSync(path))
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function onDisk(path: string, bytes: Buffer): ConfFileOnDisk {
  let text: string
  try {
    text = UTF8.decode(bytes)
  } catch {
    const at = firstInvalid(bytes)
    const line = bytes.subarray(0, at).toString('latin1').split('\n').length
    throw new NotTextError(`${path}:${line}: not UTF-8 text (byte 0x${bytes[at]?.toString(16).padStart(2, '0')}): saving it from here would change bytes you did not edit; use an editor that keeps its encoding`)
  }
  const st = statSync(path)
  return { text, version: confVersion(text), mode: st.mode & 0o7777, uid: st.uid, gid: st.gid }
}

/** Where the first byte that is not part of valid UTF-8 is. */
function firstInvalid(bytes: Buffer): number {
  // Bisection over prefixes: decoded as a stream, a prefix that merely cuts a character
  // short is not an error, so "the prefix decodes" holds up to the bad byte and not after.
  const decodes = (n: number, stream: boolean): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream })
      return true
    } catch {
      return false
    }
  }
  let lo = 0
  let hi = bytes.length
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (decodes(mid, true)) lo = mid
    else hi = mid
  }
  // The byte at lo breaks the text; if a character was left unfinished just before it, that
  // character's lead byte is the one to name (a Latin-1 'é' followed by a plain byte).
  if (!decodes(lo, false)) while (lo > 0 && (bytes[lo - 1] & 0xc0) === 0x80) lo--
  if (!decodes(lo, false)) lo--
  return Math.max(0, lo)
}

/**
 * Write `text` to `path`: temp file beside it, fsync, rename; the file's mode kept (or
 * `mode` for a new file); the replaced version kept as a backup. Throws ConflictError when
 * the disk no longer holds `baseVersion` (null: the file must not exist yet).
 */
export function saveConfFile(path: string, text: string, baseVersion: string | null, mode?: number): { version: string; backup: string | null } {
  // Through a symlink the file it points at is replaced, not the link.
  const target = existsSync(path) ? realpathSync(path) : path
  const disk = readIfThere(target)
  const version = confVersion(text)
  // The disk already holds this text (the same change made on both sides): nothing to do, nothing to refuse.
  if (disk && disk.file.text === text) return { version, backup: null }
  checkBase(path, disk?.file ?? null, baseVersion)
  const backup = disk ? writeBackup(target, disk.bytes, disk.file) : null
  // Once more just before replacing: Sentinel may have rewritten the file while the backup was written.
  const now = readIfThere(target)
  if ((now?.file.version ?? null) !== (disk?.file.version ?? null)) {
    if (backup) rmSync(backup, { force: true })
    checkBase(path, now?.file ?? null, baseVersion)
  }
  writeFileAtomic(target, text, disk?.file.mode ?? mode ?? 0o644, disk?.file)
  pruneBackups(target)
  return { version, backup }
}

function readIfThere(path: string): { file: ConfFileOnDisk; bytes: Buffer } | null {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
  return { file: onDisk(path, bytes), bytes }
}

function checkBase(path: string, disk: ConfFileOnDisk | null, baseVersion: string | null): void {
  if (baseVersion === null && disk) {
    throw new ConflictError(`${path} already exists: open it and save over the version you read`, disk)
  }
  if (baseVersion !== null && !disk) {
    throw new ConflictError(`${path} was deleted since it was read: saving would create it again`, null)
  }
  if (baseVersion !== null && disk && disk.version !== baseVersion) {
    throw new ConflictError(`${path} changed on disk since it was read (by Sentinel, Redis or another editor): merge those changes first`, disk)
  }
}

/** Backups of `name`: `<name>.<stamp>` and, when two land in one millisecond, `<name>.<stamp>-<n>`. */
function backupPattern(name: string): RegExp {
  return new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d{8}-\\d{6}-\\d{3})(?:-(\\d+))?$`)
}

/** UTC, so that names sort in time order across daylight-saving changes. */
function stamp(date: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0')
  return `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}-${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}-${p(date.getUTCMilliseconds(), 3)}`
}

function writeBackup(target: string, bytes: Buffer, original: ConfFileOnDisk): string {
  // Backups hold the same secrets as the file: the folder is private.
  const dir = join(dirname(target), BACKUP_FOLDER)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const base = `${basename(target)}.${stamp(new Date())}`
  let name = base
  for (let n = 1; existsSync(join(dir, name)); n++) name = `${base}-${n}`
  const path = join(dir, name)
  writeFileAtomic(path, bytes, original.mode, original)
  return path
}

/** Keep the newest BACKUPS_KEPT backups of the file. */
function pruneBackups(target: string): void {
  for (const old of listBackups(target).slice(0, -BACKUPS_KEPT)) rmSync(old, { force: true })
}

/** The backups of a file, oldest first. */
export function listBackups(path: string): string[] {
  const target = existsSync(path) ? realpathSync(path) : path
  const dir = join(dirname(target), BACKUP_FOLDER)
  if (!existsSync(dir)) return []
  const pattern = backupPattern(basename(target))
  return readdirSync(dir)
    .map((name) => ({ name, m: pattern.exec(name) }))
    .filter((b): b is { name: string; m: RegExpExecArray } => b.m !== null)
    .sort((a, b) => (a.m[1] === b.m[1] ? Number(a.m[2] ?? 0) - Number(b.m[2] ?? 0) : a.m[1] < b.m[1] ? -1 : 1))
    .map((b) => join(dir, b.name))
}
