// A lab's folder is private to its user: its files hold the lab's password, and its logs the
// commands and addresses of its members. Logs are created here, before the supervisor opens
// them for appending, because a log file keeps the mode it was created with (supervisord
// creates them 0644; so would the engine) and a rotated log keeps the mode of the one it replaces.
import { closeSync, fchmodSync, openSync } from 'node:fs'

/** Files that hold the password: lab.json, redis.conf, sentinel.conf. */
export const SECRET = 0o600
export const PRIVATE_DIR = 0o700

/** Create a member's log (or make an existing one private), its folder already there. */
export function createPrivateLog(path: string): void {
  const fd = openSync(path, 'a', SECRET)
  try {
    fchmodSync(fd, SECRET)
  } finally {
    closeSync(fd)
  }
}
