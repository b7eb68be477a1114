// What listens on each file's port now: nothing (the process is not running: fine), the
// process this file configures (then: does it still have the file's password?), another
// Redis (its own config file, run_id), or something that does not speak Redis at all.
import { realpathSync } from 'node:fs'
import { resolve } from 'node:path'
import type { DoctorFinding } from '../../shared/conf'
import type { FileSet, Member } from './deployment'
import { at, atTop, describe } from './finding'
import { NotRedisError, type Reply, ask, infoFields, isError } from '../sentinel/resp-probe'
import { identityName, serverIdentity } from '../sentinel/server-identity'

function real(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return resolve(path)
  }
}

function portWhere(m: Member): ReturnType<typeof at> {
  const line = m.conf.last('port')
  return line ? at(line, 'port', 0) : atTop(m, 'port')
}

function passwordWhere(m: Member): ReturnType<typeof at> {
  const line = m.conf.last('requirepass')
  return line ? at(line, 'requirepass', 0) : atTop(m, 'requirepass')
}

/** The password to try on a member: its file's requirepass, else the one the caller knows. */
function passwordOf(m: Member, fallback?: string): string | null {
  return m.conf.requirepass() ?? (m.conf.isSentinel() ? (fallback ?? null) : null)
}

export async function portRules(set: FileSet, sentinelPassword?: string): Promise<DoctorFinding[]> {
  const members = [...set.nodes, ...set.sentinels].filter((m) => Number.isInteger(m.port) && m.port > 0)
  const found = await Promise.all(members.map((m) => checkPort(m, passwordOf(m, sentinelPassword))))
  return found.flat()
}

async function checkPort(m: Member, password: string | null): Promise<DoctorFinding[]> {
  const commands: string[][] = [...(password !== null ? [['AUTH', password]] : []), ['INFO', 'server']]
  let replies: Reply[] | null
  try {
    replies = await ask(m.port, commands)
  } catch (e) {
    if (!(e instanceof NotRedisError)) throw e
    if (e.silent) {
      return [{
        id: 'port-not-answering', severity: 'warning', ...portWhere(m),
        title: `port ${m.port} accepts connections but nothing answers`,
        explanation: `A connection to 127.0.0.1:${m.port} is accepted but no reply comes (${e.message}). Either the process ${describe(m)} configures is paused (SIGSTOP, as a lab's "pause" does) or stuck, or another server that waits for its own protocol holds the port. Replicas and sentinels see it as down.`,
      }]
    }
    return [{
      id: 'port-taken', severity: 'error', ...portWhere(m),
      title: `port ${m.port} is taken by a process that does not answer as Redis`,
      explanation: `Something accepts connections on 127.0.0.1:${m.port} but is not a Redis server (${e.message}). The process ${describe(m)} configures cannot listen there: it fails with "Address already in use". Stop that process, or choose another port.`,
    }]
  }
  if (replies === null) return [] // nothing listens: the process is simply not running
  const auth = password !== null ? replies[0] : undefined
  const info = replies[replies.length - 1]
  if (!isError(info)) {
    const fields = infoFields(info)
    const configFile = fields.get('config_file') ?? ''
    const id = serverIdentity(fields)
    const sameFile = configFile !== '' && real(configFile) === real(m.file.path)
    const sameMode = (id.mode === 'sentinel') === m.conf.isSentinel()
    if (!sameFile || !sameMode) {
      const started = configFile ? `from ${configFile}` : 'without a config file'
      const what = sameFile
        ? `was started from this file, but as a ${id.mode === 'sentinel' ? 'sentinel' : 'plain server'}, while the file is a ${m.conf.isSentinel() ? 'sentinel.conf' : 'redis.conf'}`
        : `was started ${started}, not from ${m.file.path}`
      return [{
        id: 'port-taken', severity: 'error', ...portWhere(m),
        title: sameFile
          ? `port ${m.port} is held by this file's process, run as a ${id.mode === 'sentinel' ? 'sentinel' : 'plain server'} (${identityName(id)})`
          : `port ${m.port} is held by another ${identityName(id)}${id.mode === 'sentinel' ? '' : ' server'}`,
        explanation: `The ${identityName(id)} process on 127.0.0.1:${m.port} (run_id ${(fields.get('run_id') ?? '?').slice(0, 12)}, pid ${fields.get('process_id') ?? '?'}) ${what}. The process this file configures cannot listen there ("Address already in use"), and tools that read this file talk to the wrong server.`,
      }]
    }
    if (password !== null && isError(auth) && /without any password configured/i.test(auth.error)) {
      return [{
        id: 'requirepass-live-differs', severity: 'error', ...passwordWhere(m),
        title: 'the running process has no password; its file sets one',
        explanation: `${describe(m)} is running without any password, though its file sets requirepass: it was changed at run time (CONFIG SET requirepass "") or the file was edited after the start. Anyone can use it now, and its replicas and sentinels, configured with the file's password, are out of step. A restart applies the file's password.`,
      }]
    }
    return []
  }
  if (/^NOAUTH/i.test(info.error)) {
    const refused = password !== null && isError(auth)
    return [{
      id: 'requirepass-live-differs', severity: 'warning', ...passwordWhere(m),
      title: refused ? `the server on port ${m.port} refuses this file's password` : `the server on port ${m.port} requires a password; its file sets none`,
      explanation: refused
        ? `127.0.0.1:${m.port} answers ${(auth as { error: string }).error.split(' ')[0]} to the requirepass written in ${m.file.path}: the running process has another password (changed with CONFIG SET, or the file edited since it started), or it is not the process this file configures. Replicas and sentinels that use the file's password are refused too.`
        : `127.0.0.1:${m.port} answers NOAUTH, though ${m.file.path} sets no requirepass: the running process was given a password at run time (CONFIG SET requirepass), or it is not the process this file configures.`,
    }]
  }
  return []
}
