// How the processes are run: a supervisor needs them in the foreground, and restarting a
// master at once is only safe when it comes back with its data.
import type { DoctorFinding } from '../../shared/conf'
import type { Deployment, FileSet, Member } from './deployment'
import { at, describe, label, setEdit } from './finding'

function membersOf(d: Deployment): Member[] {
  return [...d.nodes, ...new Set(d.monitors.map((m) => m.sentinel))]
}

export function daemonizeRule(set: FileSet): DoctorFinding[] {
  const out: DoctorFinding[] = []
  const deploymentOf = (m: Member): Deployment | undefined =>
    set.deployments.find((d) => d.nodes.includes(m) || d.monitors.some((x) => x.sentinel === m))
  for (const m of [...set.nodes, ...set.sentinels]) {
    const line = m.conf.daemonize()
    if (!line) continue
    const supervised = m.program !== undefined || m.inLabFolder
    const peers = deploymentOf(m)
    const peersSupervised = peers !== undefined && membersOf(peers).some((p) => p !== m && (p.program !== undefined || p.inLabFolder))
    if (!supervised && !peersSupervised) continue
    const by = m.program ? `[program:${m.program.name}] in ${label(m.program.file)}` : m.inLabFolder ? 'the lab' : 'a supervisor'
    out.push({
      id: 'daemonize-under-supervisor', severity: supervised ? 'error' : 'warning', ...at(line, 'daemonize', 0),
      title: supervised ? `daemonize yes, but ${by} runs it in the foreground` : 'daemonize yes, while the rest of its set runs under a supervisor',
      explanation: `${supervised ? `${describe(m)} is run by ${by}.` : `The other members of this set run under supervisor programs. If ${describe(m)} is to run under one too, it cannot keep daemonize yes.`} With daemonize yes the process forks and the supervised parent exits at once. The supervisor sees it exit before startsecs, calls the start a failure and retries; each retry forks a new copy that cannot bind the port the first copy holds. It ends FATAL while the first copy runs unsupervised: never restarted, its log not captured, not stopped with the rest.`,
      fix: { label: `Set daemonize no in ${label(m.file.path)}`, edits: [setEdit(m.file.path, 'daemonize', ['no'])] },
    })
  }
  return out
}

export function restartWithoutPersistenceRule(set: FileSet): DoctorFinding[] {
  const out: DoctorFinding[] = []
  for (const d of set.deployments) {
    for (const n of d.nodes) {
      const p = n.program
      if (!p || p.autorestart === 'false' || n.conf.replicaof() || n.conf.persistent()) continue
      const replicas = d.nodes.filter((o) => o.conf.replicaof()?.port === n.port).length
      out.push({
        id: 'master-restarted-empty', severity: 'error',
        file: p.file, line: p.autorestartLine, column: 1, directive: `program:${p.name}.autorestart`,
        title: `the master ${describe(n)} is restarted at once by [program:${p.name}], and keeps no data`,
        explanation: `${describe(n)} saves nothing (${n.conf.all('save').length > 0 ? 'save ""' : 'no save'}, appendonly no) and [program:${p.name}] has autorestart=${p.autorestart}${p.autorestartWritten ? '' : ' (supervisord\'s default)'}, which restarts it right after a crash or kill -9. It is back, empty, in milliseconds: ${d.monitors.length > 0 ? 'well before the sentinels\' down-after-milliseconds, so they never see it down and no failover happens, and' : ''} its ${replicas > 0 ? `${replicas} replica(s)` : 'replicas'} resync to the empty dataset: every key is lost on every node.`,
        fix: {
          label: `Set autorestart=false in [program:${p.name}] (the sentinels fail over; restart it by hand, it comes back as a replica)`,
          edits: [setEdit(p.file, `program:${p.name}.autorestart`, ['false'])],
        },
      })
    }
  }
  return out
}
