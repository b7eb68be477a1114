// Files the nodes write: copied redis.conf files keep the same pidfile and the same
// dir + dbfilename, so several processes write one file. A relative dir is resolved against
// the process's working directory: a supervisor program's directory=, or supervisord's own
// (the same for every program without one); for a node started by hand it is unknown.
import { isAbsolute, join, resolve } from 'node:path'
import type { DoctorFinding } from '../../shared/conf'
import type { FileSet, Member } from './deployment'
import { at, describe, label } from './finding'

// Stands for supervisord's working directory, which the doctor cannot know; shown in words.
const SUPERVISORD_CWD = '/<supervisord cwd>'

/** Where a path written in the file points, or null when that depends on an unknown working directory. */
function located(m: Member, path: string): string | null {
  if (isAbsolute(path)) return resolve(path)
  if (!m.program) return null
  return m.program.directory ? resolve(m.program.directory, path) : join(SUPERVISORD_CWD, path)
}

function clashes<T>(members: readonly Member[], key: (m: Member) => T | null): [Member, Member[]][] {
  const out: [Member, Member[]][] = []
  members.forEach((m, i) => {
    const k = key(m)
    if (k === null) return
    const earlier = members.slice(0, i).filter((o) => key(o) === k)
    if (earlier.length > 0) out.push([m, earlier])
  })
  return out
}

export function sharedPidfileRule(set: FileSet): DoctorFinding[] {
  const pidfile = (m: Member): string | null => {
    const p = m.conf.value('pidfile')
    return p ? located(m, p) : null
  }
  return clashes(set.nodes, pidfile).map(([m, earlier]) => ({
    id: 'shared-pidfile', severity: 'warning', ...at(m.conf.last('pidfile')!, 'pidfile', 0),
    title: `pidfile ${m.conf.value('pidfile')} is also the pidfile of ${earlier.map((o) => label(o.file.path)).join(', ')}`,
    explanation: `${describe(m)} and ${earlier.map(describe).join(', ')} write their pid to the same file (Redis writes a configured pidfile even in the foreground, and deletes it when it exits). It holds whichever started last: a script that stops "the node" by this pidfile stops the wrong one, and it finds none once either has exited. A copied redis.conf whose pidfile was not renamed?`,
  }))
}

export function sharedDataFileRule(set: FileSet): DoctorFinding[] {
  const dataFile = (m: Member): string | null => {
    const dir = located(m, m.conf.value('dir') || '.')
    return dir === null ? null : join(dir, m.conf.value('dbfilename') || 'dump.rdb')
  }
  return clashes(set.nodes, dataFile).map(([m, earlier]) => {
    const where = m.conf.last('dir') ?? m.conf.last('dbfilename')
    return {
      id: 'shared-data-file', severity: 'error' as const,
      ...(where ? at(where, where.name, 0) : { file: m.file.path, line: 1, column: 1, directive: 'dir' }),
      title: `${describe(m)} writes its snapshot to the same file as ${earlier.map((o) => label(o.file.path)).join(', ')}`,
      explanation: `${earlier.length > 1 ? 'They all' : 'Both'} write ${(dataFile(m) ?? '').replace(SUPERVISORD_CWD, "supervisord's working directory")}${m.conf.value('dir') && !isAbsolute(m.conf.value('dir')) ? ` (dir ${m.conf.value('dir')} is relative to the process's working directory${m.program?.directory ? '' : ', the same for every program without directory='})` : ''}. Each save overwrites the other's, and a node that restarts loads another node's data: a restarted master comes back with a replica's older snapshot, and its replicas resync to it. Give each node a dir of its own.`,
    }
  })
}
