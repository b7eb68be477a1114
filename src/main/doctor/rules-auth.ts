// Passwords across a deployment: a node that can become a replica must know the password of
// the node it would follow (masterauth), all nodes must share one requirepass (a sentinel
// gives one auth-pass for every node of a master, and a promoted replica's password is the
// new master's), and the sentinels' auth-pass must be that password; a `user default` line
// (written by CONFIG REWRITE) must not stand for another password than requirepass.
import { createHash } from 'node:crypto'
import type { DoctorFinding } from '../../shared/conf'
import { type Deployment, type FileSet, type Member, commonRequirepass } from './deployment'
import { at, atTop, describe, label, setEdit, unsetEdit } from './finding'

const NOAUTH_LOOP = 'It then retries for ever: on Redis 7.0.15 its log grows by 1.3 MB/s, it burns 68% of a CPU (and supervisord 40% logging it), and it stays at master_link_status:down, never receiving the data.'

/** The password of the node `n` would replicate from: its master now, or after a failover whichever replica is promoted. */
function leaderPassword(d: Deployment, n: Member): string | null | undefined {
  const r = n.conf.replicaof()
  if (r) {
    const master = d.nodes.find((o) => o !== n && o.port === r.port)
    return master ? master.conf.requirepass() : undefined
  }
  const others = d.nodes.filter((o) => o !== n)
  if (others.length > 0) {
    const pw = new Set(others.map((o) => o.conf.requirepass()))
    return pw.size === 1 ? [...pw][0] : undefined
  }
  const authPass = d.monitors.map((m) => m.sentinel.conf.sentinelFor('auth-pass', m.name).at(-1)?.args[2]).find((x) => x !== undefined)
  return authPass ?? n.conf.requirepass()
}

/** A replica now, or a master that sentinels or replicas make part of a replicated set. */
function canBecomeReplica(d: Deployment, n: Member): boolean {
  if (n.conf.replicaof()) return true
  return d.monitors.length > 0 || d.nodes.some((o) => o !== n && o.conf.replicaof()?.port === n.port)
}

export function masterauthRules(set: FileSet): DoctorFinding[] {
  const out: DoctorFinding[] = []
  for (const d of set.deployments) {
    for (const n of d.nodes) {
      if (!canBecomeReplica(d, n)) continue
      const leader = leaderPassword(d, n)
      const masterauth = n.conf.masterauth()
      const isReplica = n.conf.replicaof() !== null
      const fix = typeof leader === 'string'
        ? { label: `Set masterauth in ${label(n.file.path)}`, edits: [setEdit(n.file.path, 'masterauth', [leader])] }
        : undefined
      // Unknown leader (its file not given, or the others disagree): its own password is the best guess.
      const needed = leader === undefined ? n.conf.requirepass() : leader
      if (masterauth === null && needed !== null) {
        const where = n.conf.last('requirepass') ?? n.conf.last('replicaof')
        out.push({
          id: 'masterauth-missing', severity: 'error',
          ...(where ? at(where, 'masterauth') : atTop(n, 'masterauth')),
          title: isReplica ? 'masterauth missing: this replica cannot authenticate to its master' : 'masterauth missing: after a failover this node can never sync',
          explanation: isReplica
            ? `${describe(n)} replicates from a master that requires a password${leader === undefined ? ' (presumably its own: the nodes of one set share one)' : ''}, and has no masterauth to give it: the master answers NOAUTH to its SYNC. ${NOAUTH_LOOP}`
            : `${describe(n)} requires a password but has no masterauth. When it fails, the sentinels promote a replica; when it comes back they make it a replica of the new master, which requires the same password: it is refused with NOAUTH. ${NOAUTH_LOOP}`,
          ...(fix ? { fix } : {}),
        })
      } else if (masterauth !== null && typeof leader === 'string' && masterauth !== leader) {
        out.push({
          id: 'masterauth-mismatch', severity: 'error', ...at(n.conf.last('masterauth')!, 'masterauth', 0),
          title: 'masterauth is not the password of the node this one replicates from',
          explanation: `${describe(n)} would authenticate to ${isReplica ? 'its master' : 'the promoted replica after a failover'} with a masterauth that is not that node's requirepass: the master refuses it (WRONGPASS) and the replica never syncs. ${NOAUTH_LOOP}`,
          ...(fix ? { fix } : {}),
        })
      }
    }
  }
  return out
}

export function requirepassRules(set: FileSet): DoctorFinding[] {
  const out: DoctorFinding[] = []
  for (const d of set.deployments) {
    if (d.nodes.length < 2) continue
    const common = commonRequirepass(d)
    if (common.agreed) continue
    const odd = common.value === null && new Set(d.nodes.map((n) => n.conf.requirepass())).size > 1 && d.nodes.every((n) => n.conf.requirepass() !== null)
      ? d.nodes // no majority: every node is part of the problem
      : d.nodes.filter((n) => n.conf.requirepass() !== common.value)
    for (const n of odd) {
      const w = n.conf.last('requirepass')
      out.push({
        id: 'requirepass-differs', severity: 'error',
        ...(w ? at(w, 'requirepass', 0) : atTop(n, 'requirepass')),
        title: n.conf.requirepass() === null ? 'this node has no requirepass, the other nodes of its set have one' : 'requirepass differs from the other nodes of its set',
        explanation: `The nodes of one replicated set must share one password: a replica authenticates to whichever node is master with its single masterauth, and a sentinel uses one auth-pass for every node of a master. After a failover ${describe(n)} and the others cannot replicate from each other, and the sentinels cannot reach every node.`,
      })
    }
  }
  return out
}

export function authPassRules(set: FileSet): DoctorFinding[] {
  const out: DoctorFinding[] = []
  for (const d of set.deployments) {
    if (d.nodes.length === 0) continue
    const common = commonRequirepass(d)
    if (common.value === null) continue
    for (const m of d.monitors) {
      const line = m.sentinel.conf.sentinelFor('auth-pass', m.name).at(-1)
      const given = line?.args[2]
      if (given === common.value) continue
      const fix = common.agreed
        ? { label: `Set sentinel auth-pass ${m.name} in ${label(m.sentinel.file.path)}`, edits: [setEdit(m.sentinel.file.path, `sentinel auth-pass ${m.name}`, [common.value])] }
        : undefined
      out.push({
        id: 'auth-pass-mismatch', severity: 'error',
        ...(line ? at(line, `sentinel auth-pass ${m.name}`, 2) : at(m.at, `sentinel auth-pass ${m.name}`)),
        title: line ? `sentinel auth-pass for ${m.name} is not the nodes' requirepass` : `no sentinel auth-pass for ${m.name}, and its nodes require a password`,
        explanation: `The nodes of ${m.name} require a password; ${describe(m.sentinel)} ${line ? 'gives another one' : 'gives none'}. Its PING and INFO get NOAUTH, which Sentinel does not count as a valid reply: it sees the master and replicas as down, cannot discover the replicas, and any failover it attempts finds no replica to promote.`,
        ...(fix ? { fix } : {}),
      })
    }
  }
  return out
}

/** The default user's passwords after a `user default ...` line (Redis resets it first). */
function defaultUserPasswords(rules: readonly string[]): { nopass: boolean; hashes: Set<string> } {
  let nopass = false
  const hashes = new Set<string>()
  for (const rule of rules) {
    const r = rule.toLowerCase()
    if (r === 'nopass') {
      nopass = true
      hashes.clear()
    } else if (r === 'resetpass' || r === 'reset') {
      nopass = false
      hashes.clear()
    } else if (rule.startsWith('>')) {
      hashes.add(sha256(rule.slice(1)))
      nopass = false
    } else if (rule.startsWith('#')) {
      hashes.add(rule.slice(1).toLowerCase())
      nopass = false
    } else if (rule.startsWith('<')) hashes.delete(sha256(rule.slice(1)))
    else if (rule.startsWith('!')) hashes.delete(rule.slice(1).toLowerCase())
  }
  return { nopass, hashes }
}

/** What CONFIG REWRITE writes for the default user: `on [sanitize-payload] #<sha256>... ~* &* +@all`. */
function generatedByRewrite(rules: string[]): boolean {
  const rest = rules.filter((r) => !/^#[0-9a-f]{64}$/i.test(r) && r.toLowerCase() !== 'sanitize-payload')
  return rest.length === 4 && rest[0] === 'on' && rest[1] === '~*' && rest[2] === '&*' && rest[3] === '+@all'
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/**
 * A `user default ... #hash` line that does not stand for the file's requirepass. Redis 7.0
 * writes one at every CONFIG REWRITE (Sentinel sends one to each node it reconfigures on a
 * failover), and at start it wins over requirepass: a later change of requirepass in the
 * file is silently ignored, the node keeps the password the hash stands for.
 */
export function requirepassOverriddenRule(set: FileSet): DoctorFinding[] {
  const out: DoctorFinding[] = []
  for (const m of [...set.nodes, ...set.sentinels]) {
    const requirepass = m.conf.requirepass()
    if (requirepass === null) continue
    const line = m.conf.all('user').filter((l) => l.args[0] === 'default').at(-1)
    if (!line) continue
    const { nopass, hashes } = defaultUserPasswords(line.args.slice(1))
    if (!nopass && hashes.has(sha256(requirepass))) continue
    const word = line.args.findIndex((a, i) => i > 0 && /^[>#]|^nopass$/i.test(a))
    out.push({
      id: 'requirepass-overridden', severity: 'warning', ...at(line, 'user default', word > 0 ? word : 0),
      title: 'a `user default` line overrides requirepass: the file\'s password is not the one the node will use',
      explanation: `${describe(m)}: Redis applies \`user default\` lines after requirepass when it starts, so the default user's password is ${nopass ? 'none at all (nopass)' : 'the one this line gives (#hash or >password)'}, not the file's requirepass. Redis 7.0 writes this line itself at every CONFIG REWRITE (Sentinel sends one to each node it reconfigures on a failover); a requirepass changed in the file since then is silently ignored at the next start: clients, replicas (masterauth) and sentinels (auth-pass) that use the new password get WRONGPASS. Removing the line lets requirepass apply.`,
      // Removing the line is safe only when it is the one Redis generates (full access): a
      // hand-written one may carry restrictions that removal would lift.
      ...(generatedByRewrite(line.args.slice(1))
        ? { fix: { label: `Remove the user default line from ${label(m.file.path)} so that requirepass applies`, edits: [unsetEdit(m.file.path, 'user default')] } }
        : {}),
    })
  }
  return out
}
