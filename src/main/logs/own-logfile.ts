// Where a Redis node or Sentinel writes its log itself: the `logfile` directive of its
// config ("" or absent: standard output, which the supervisor keeps in the lab's logs/).
// Redis resolves a relative path against its working directory, which a lab sets to the
// node's folder. The last `logfile` line wins, as Redis reads the file top to bottom.
import { readFileSync } from 'node:fs'
import { isAbsolute, join, relative, resolve } from 'node:path'

export function ownLogfile(confText: string, workDir: string): string | null {
  let value: string | null = null
  for (const line of confText.split(/\r?\n/)) {
    const m = /^\s*logfile\s+(.*?)\s*$/i.exec(line)
    if (m) value = unquote(m[1])
  }
  if (!value) return null
  return isAbsolute(value) ? value : join(workDir, value)
}

function unquote(s: string): string {
  const q = s[0]
  if ((q === '"' || q === "'") && s.endsWith(q) && s.length >= 2) return s.slice(1, -1).replace(/\\(.)/g, '$1')
  return s
}

/**
 * The file a member's log is in: its own logfile when its config sets one inside the
 * member's folder, else the supervisor's capture. Redis rewrites that config itself and
 * anyone on 127.0.0.1 can talk to a sentinel: a path outside the folder is not followed.
 */
export function memberLogPath(member: { conf: string; dir: string; log: string }): string {
  try {
    const own = ownLogfile(readFileSync(member.conf, 'utf8'), member.dir)
    if (own === null) return member.log
    const inside = relative(member.dir, resolve(member.dir, own))
    return inside && !inside.startsWith('..') && !isAbsolute(inside) ? own : member.log
  } catch {
    return member.log
  }
}
