// Each doctor file rule: a set of files that triggers it, and the same set put right that
// does not. The baseline is a sound deployment (3 nodes, 3 sentinels, supervisor programs):
// it must yield no finding at all, so every test below changes one thing only.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { DoctorFinding } from '../../src/shared/conf'
import { unsetDirective } from '../../src/main/conf/conf-edit'
import { RedisConfDocument } from '../../src/main/conf/redis-doc'
import { type DoctorFile, diagnoseFiles } from '../../src/main/doctor'
import { formatFinding } from '../../src/main/doctor/format'
import { maskEdit, maskFinding } from '../../src/main/doctor/secrets'
import { rng } from '../helpers/rng'

const PW = 's3cret-pw'
const ROOT = '/doctor-test'
const IDS = ['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)]

interface NodeOpts {
  port: number
  master?: number
  requirepass?: string | null
  masterauth?: string | null
  /** Replaces the default persistence lines (save "" and appendonly yes). */
  persistence?: string[]
  extra?: string[]
}

function nodeConf(o: NodeOpts): string {
  return [
    `port ${o.port}`,
    'bind 127.0.0.1',
    'daemonize no',
    ...(o.requirepass === null ? [] : [`requirepass ${o.requirepass ?? PW}`]),
    ...(o.masterauth === null ? [] : [`masterauth ${o.masterauth ?? PW}`]),
    ...(o.persistence ?? ['save ""', 'appendonly yes']),
    ...(o.master ? [`replicaof 127.0.0.1 ${o.master}`] : []),
    ...(o.extra ?? []),
    `dir ${ROOT}/node-${o.port}`,
    '',
  ].join('\n')
}

interface SentinelOpts {
  port: number
  myid: string
  quorum?: number
  master?: number
  name?: string
  authPass?: string | null
  extra?: string[]
}

function sentinelConf(o: SentinelOpts): string {
  const name = o.name ?? 'mymaster'
  return [
    `port ${o.port}`,
    'daemonize no',
    `sentinel myid ${o.myid}`,
    `sentinel monitor ${name} 127.0.0.1 ${o.master ?? 7001} ${o.quorum ?? 2}`,
    ...(o.authPass === null ? [] : [`sentinel auth-pass ${name} ${o.authPass ?? PW}`]),
    'sentinel down-after-milliseconds mymaster 5000',
    ...(o.extra ?? []),
    '',
  ].join('\n')
}

function program(name: string, bin: string, conf: string, autorestart: string): string {
  return [`[program:${name}]`, `command=/usr/bin/${bin} ${conf}`, `autorestart=${autorestart}`, ''].join('\n')
}

const nodePath = (port: number): string => `${ROOT}/node-${port}/redis.conf`
const sentinelPath = (port: number): string => `${ROOT}/sentinel-${port}/sentinel.conf`
const INI = `${ROOT}/lab.ini`

interface Lab {
  nodes: NodeOpts[]
  sentinels: SentinelOpts[]
  /** autorestart per node port (default false), sentinels always true. */
  restart?: Record<number, string>
  ini?: boolean
}

function baseline(): Lab {
  return {
    nodes: [{ port: 7001 }, { port: 7002, master: 7001 }, { port: 7003, master: 7001 }],
    sentinels: IDS.map((myid, i) => ({ port: 27001 + i, myid })),
  }
}

function files(lab: Lab): DoctorFile[] {
  const out: DoctorFile[] = [
    ...lab.nodes.map((n) => ({ path: nodePath(n.port), kind: 'redis' as const, text: nodeConf(n) })),
    ...lab.sentinels.map((s) => ({ path: sentinelPath(s.port), kind: 'sentinel' as const, text: sentinelConf(s) })),
  ]
  if (lab.ini !== false) {
    out.push({
      path: INI, kind: 'supervisor',
      text: [
        ...lab.nodes.map((n) => program(`redis-${n.port}`, 'redis-server', nodePath(n.port), lab.restart?.[n.port] ?? 'false')),
        ...lab.sentinels.map((s) => program(`sentinel-${s.port}`, 'redis-sentinel', sentinelPath(s.port), 'true')),
      ].join('\n'),
    })
  }
  return out
}

function ids(findings: DoctorFinding[]): string[] {
  return findings.map((f) => f.id)
}

function only(findings: DoctorFinding[], id: string): DoctorFinding[] {
  return findings.filter((f) => f.id === id)
}

function change(edit: (lab: Lab) => void): DoctorFinding[] {
  const lab = baseline()
  edit(lab)
  return diagnoseFiles(files(lab))
}

describe('the baseline deployment', () => {
  it('has no finding at all', () => {
    expect(diagnoseFiles(files(baseline()))).toEqual([])
  })
})

describe('Valkey spellings', () => {
  it("a Valkey node's primaryauth (what Valkey 8.0 writes at CONFIG REWRITE, so after every failover) is its masterauth", () => {
    const valkeyFiles = files(baseline()).map((f) => (f.kind === 'redis' ? { ...f, text: f.text.replace(/^masterauth /m, 'primaryauth ') } : f))
    expect(valkeyFiles.some((f) => /^primaryauth /m.test(f.text))).toBe(true)
    expect(ids(diagnoseFiles(valkeyFiles))).toEqual([])
  })
})

describe('masterauth-missing', () => {
  it('a master with requirepass and no masterauth, in a set with sentinels: error at its requirepass, fix sets masterauth', () => {
    const found = only(change((l) => (l.nodes[0].masterauth = null)), 'masterauth-missing')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ severity: 'error', file: nodePath(7001), line: 4, column: 1, directive: 'masterauth' })
    expect(found[0].explanation).toMatch(/NOAUTH/)
    expect(found[0].fix?.edits).toEqual([{ file: nodePath(7001), op: 'set', directive: 'masterauth', args: [PW] }])
  })

  it('a replica without masterauth: the fix gives it its master\'s password', () => {
    const found = only(change((l) => (l.nodes[1].masterauth = null)), 'masterauth-missing')
    expect(found.map((f) => f.file)).toEqual([nodePath(7002)])
    expect(found[0].title).toMatch(/replica/)
    expect(found[0].fix?.edits[0].args).toEqual([PW])
  })

  it('not when no node has a password, nor for a lone master nothing replicates from', () => {
    expect(ids(change((l) => l.nodes.forEach((n) => ((n.requirepass = null), (n.masterauth = null)))))).not.toContain('masterauth-missing')
    const lone = diagnoseFiles([{ path: nodePath(7001), kind: 'redis', text: nodeConf({ port: 7001, masterauth: null }) }])
    expect(ids(lone)).not.toContain('masterauth-missing')
  })

  it('a masterauth that is not the master\'s password: masterauth-mismatch', () => {
    const found = only(change((l) => (l.nodes[2].masterauth = 'other')), 'masterauth-mismatch')
    expect(found.map((f) => f.file)).toEqual([nodePath(7003)])
    expect(found[0].fix?.edits[0].args).toEqual([PW])
  })
})

describe('duplicate-myid', () => {
  it('three sentinel.conf copies with one myid: the second and third are errors, fix unsets sentinel myid', () => {
    const found = only(change((l) => l.sentinels.forEach((s) => (s.myid = IDS[0]))), 'duplicate-myid')
    expect(found.map((f) => f.file)).toEqual([sentinelPath(27002), sentinelPath(27003)])
    expect(found[0]).toMatchObject({ severity: 'error', line: 3, column: 15, directive: 'sentinel myid' })
    expect(found[0].explanation).toMatch(/CKQUORUM/)
    expect(found[0].fix?.edits).toEqual([{ file: sentinelPath(27002), op: 'unset', directive: 'sentinel myid' }])
  })

  it('not with distinct myids, nor for sentinels without a myid line', () => {
    expect(ids(diagnoseFiles(files(baseline())))).not.toContain('duplicate-myid')
    const noIds = files(baseline()).map((f) => (f.kind === 'sentinel' ? { ...f, text: f.text.replace(/sentinel myid .*\n/, '') } : f))
    expect(ids(diagnoseFiles(noIds))).not.toContain('duplicate-myid')
  })
})

describe('daemonize-under-supervisor', () => {
  it('daemonize yes in a file a supervisor program runs: error, fix daemonize no', () => {
    const found = only(change((l) => (l.sentinels[1].extra = ['daemonize yes'])), 'daemonize-under-supervisor')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ severity: 'error', file: sentinelPath(27002), directive: 'daemonize' })
    expect(found[0].title).toMatch(/program:sentinel-27002/)
    expect(found[0].fix?.edits).toEqual([{ file: sentinelPath(27002), op: 'set', directive: 'daemonize', args: ['no'] }])
  })

  it('daemonize yes with no supervisor anywhere in the set: no finding; daemonize no under one: none either', () => {
    const lab = baseline()
    lab.ini = false
    lab.sentinels[1].extra = ['daemonize yes']
    expect(ids(diagnoseFiles(files(lab)))).not.toContain('daemonize-under-supervisor')
    expect(ids(change((l) => (l.sentinels[1].extra = ['daemonize no'])))).not.toContain('daemonize-under-supervisor')
  })

  it('a `--daemonize no` on the command line overrides the file', () => {
    const lab = baseline()
    lab.sentinels[1].extra = ['daemonize yes']
    const set = files(lab).map((f) => (f.kind === 'supervisor' ? { ...f, text: f.text.replace(`${sentinelPath(27002)}\n`, `${sentinelPath(27002)} --daemonize no\n`) } : f))
    expect(ids(diagnoseFiles(set))).not.toContain('daemonize-under-supervisor')
  })
})

describe('master-restarted-empty', () => {
  const noPersistence = ['save ""', 'appendonly no']

  it('autorestart=true on a master with save "" and appendonly no: error at the ini line, fix autorestart=false', () => {
    const found = only(change((l) => {
      l.nodes[0].persistence = noPersistence
      l.restart = { 7001: 'true' }
    }), 'master-restarted-empty')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ severity: 'error', file: INI, line: 3, directive: 'program:redis-7001.autorestart' })
    expect(found[0].fix?.edits).toEqual([{ file: INI, op: 'set', directive: 'program:redis-7001.autorestart', args: ['false'] }])
  })

  it('autorestart=unexpected (supervisord\'s default) restarts a killed master too', () => {
    expect(ids(change((l) => {
      l.nodes[0].persistence = noPersistence
      l.restart = { 7001: 'unexpected' }
    }))).toContain('master-restarted-empty')
  })

  it('not with autorestart=false, nor with RDB snapshots (no save line: Redis 7 saves by default), nor for a replica', () => {
    expect(ids(change((l) => (l.nodes[0].persistence = noPersistence)))).not.toContain('master-restarted-empty')
    const rdbDefault = change((l) => {
      l.nodes[0].persistence = ['appendonly no']
      l.restart = { 7001: 'true' }
    })
    expect(ids(rdbDefault)).not.toContain('master-restarted-empty')
    expect(ids(change((l) => {
      l.nodes[1].persistence = noPersistence
      l.restart = { 7002: 'true' }
    }))).not.toContain('master-restarted-empty')
  })
})

describe('sentinel counts and quorum', () => {
  it('quorum 4 with 3 sentinels: quorum-too-high on each monitor line, fix sets the majority', () => {
    const found = only(change((l) => l.sentinels.forEach((s) => (s.quorum = 4))), 'quorum-too-high')
    expect(found).toHaveLength(3)
    expect(found[0]).toMatchObject({ severity: 'error', file: sentinelPath(27001), line: 4, column: 42 })
    expect(found[0].fix?.edits).toEqual([{ file: sentinelPath(27001), op: 'set', directive: 'sentinel monitor mymaster', args: ['127.0.0.1', '7001', '2'] }])
  })

  it('two sentinels: too-few-sentinels; four: even-sentinels; three: neither', () => {
    const two = change((l) => l.sentinels.pop())
    expect(only(two, 'too-few-sentinels')).toHaveLength(1)
    expect(only(two, 'too-few-sentinels')[0].severity).toBe('warning')
    const four = change((l) => l.sentinels.push({ port: 27004, myid: 'd'.repeat(40), quorum: 3 }))
    expect(ids(four)).toContain('even-sentinels')
    expect(ids(four)).not.toContain('too-few-sentinels')
    expect(ids(diagnoseFiles(files(baseline())))).not.toEqual(expect.arrayContaining(['even-sentinels']))
  })

  it('a single sentinel.conf counts the sentinels it lists (known-sentinel), not only itself', () => {
    const s = sentinelConf({
      port: 27001, myid: IDS[0],
      extra: [`sentinel known-sentinel mymaster 127.0.0.1 27002 ${IDS[1]}`, `sentinel known-sentinel mymaster 127.0.0.1 27003 ${IDS[2]}`],
    })
    expect(diagnoseFiles([{ path: sentinelPath(27001), kind: 'sentinel', text: s }])).toEqual([])
    const alone = diagnoseFiles([{ path: sentinelPath(27001), kind: 'sentinel', text: sentinelConf({ port: 27001, myid: IDS[0] }) }])
    expect(ids(alone).sort()).toEqual([])
  })

  it("a lone sentinel.conf that lists no peer (Debian's stock file): the count is unknown, no quorum or count finding", () => {
    const stock = readFileSync('/etc/redis/sentinel.conf', 'utf8')
    expect(diagnoseFiles([{ path: '/etc/redis/sentinel.conf', kind: 'sentinel', text: stock }]).filter((f) => f.severity !== 'info')).toEqual([])
  })
})

describe('stale-known-sentinel', () => {
  it('known-sentinel with port 0: warning at the port, fix removes that line only, and the ghost is not counted', () => {
    const ghost = `sentinel known-sentinel mymaster 127.0.0.1 0 ${'e'.repeat(40)}`
    const found = change((l) => (l.sentinels[0].extra = [ghost]))
    const stale = only(found, 'stale-known-sentinel')
    expect(stale).toHaveLength(1)
    expect(stale[0]).toMatchObject({ severity: 'warning', file: sentinelPath(27001), line: 7, column: 44 })
    expect(stale[0].fix?.edits).toEqual([{ file: sentinelPath(27001), op: 'unset', directive: `sentinel known-sentinel mymaster 127.0.0.1 0 ${'e'.repeat(40)}` }])
    expect(ids(found)).not.toContain('even-sentinels')
  })

  it('not for a known-sentinel with a real port', () => {
    expect(ids(change((l) => (l.sentinels[0].extra = [`sentinel known-sentinel mymaster 127.0.0.1 27002 ${IDS[1]}`])))).toEqual([])
  })
})

describe('passwords', () => {
  it('one node with another requirepass: requirepass-differs on that node only', () => {
    const found = only(change((l) => (l.nodes[2].requirepass = 'other')), 'requirepass-differs')
    expect(found.map((f) => f.file)).toEqual([nodePath(7003)])
    expect(found[0]).toMatchObject({ severity: 'error', line: 4, column: 13 })
  })

  it('one node without requirepass: requirepass-differs says so', () => {
    const found = only(change((l) => (l.nodes[1].requirepass = null)), 'requirepass-differs')
    expect(found.map((f) => f.file)).toEqual([nodePath(7002)])
    expect(found[0].title).toMatch(/no requirepass/)
  })

  it('sentinel auth-pass wrong or missing: auth-pass-mismatch with a fix; right: nothing', () => {
    const wrong = only(change((l) => (l.sentinels[0].authPass = 'nope')), 'auth-pass-mismatch')
    expect(wrong).toHaveLength(1)
    expect(wrong[0]).toMatchObject({ file: sentinelPath(27001), line: 5, directive: 'sentinel auth-pass mymaster' })
    expect(wrong[0].fix?.edits).toEqual([{ file: sentinelPath(27001), op: 'set', directive: 'sentinel auth-pass mymaster', args: [PW] }])
    const missing = only(change((l) => (l.sentinels[2].authPass = null)), 'auth-pass-mismatch')
    expect(missing.map((f) => f.file)).toEqual([sentinelPath(27003)])
    expect(missing[0].line).toBe(4) // at its monitor line
    expect(ids(diagnoseFiles(files(baseline())))).not.toContain('auth-pass-mismatch')
  })
})

describe('addresses', () => {
  it('replicaof a port no node has: replicaof-unknown-port at the port word', () => {
    const found = only(change((l) => (l.nodes[2].master = 7009)), 'replicaof-unknown-port')
    expect(found.map((f) => f.file)).toEqual([nodePath(7003)])
    expect(found[0]).toMatchObject({ severity: 'warning', directive: 'replicaof' })
    expect(ids(diagnoseFiles(files(baseline())))).not.toContain('replicaof-unknown-port')
  })

  it('replicaof its own port: replicaof-self', () => {
    expect(only(change((l) => (l.nodes[2].master = 7003)), 'replicaof-self').map((f) => f.file)).toEqual([nodePath(7003)])
  })

  it('two files with one port (a sentinel on a node\'s port too): duplicate-port on the later files', () => {
    const found = only(change((l) => {
      l.nodes[2].port = 7002
      l.nodes[2].master = 7001
    }), 'duplicate-port')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ severity: 'error', line: 1, column: 6, directive: 'port' })
    expect(found[0].title).toMatch(/node-7002\/redis.conf/)
    const sentinelClash = only(change((l) => (l.sentinels[2].port = 7001)), 'duplicate-port')
    expect(sentinelClash.map((f) => f.file)).toEqual([sentinelPath(7001)])
  })

  it('the same port on distinct specific addresses is allowed', () => {
    const lab = baseline()
    const set = files(lab)
    set.push({ path: `${ROOT}/other/redis.conf`, kind: 'redis', text: 'port 7001\nbind 10.0.0.9\n' })
    set[0] = { ...set[0], text: set[0].text.replace('bind 127.0.0.1', 'bind 127.0.0.1 10.0.0.8') }
    expect(ids(diagnoseFiles(set))).not.toContain('duplicate-port')
  })

  it('bind without loopback while sentinels and replicas connect at 127.0.0.1: clients-locked-out at the bind line', () => {
    const found = only(change((l) => (l.nodes[0].extra = ['bind 10.0.0.8'])), 'clients-locked-out')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ severity: 'error', file: nodePath(7001), directive: 'bind', line: 8 })
  })

  it('protected mode with no password, reached at a non-loopback address: clients-locked-out; with a password: not', () => {
    const remote = (requirepass: string | null): DoctorFile[] => [
      { path: nodePath(7001), kind: 'redis', text: `port 7001\nbind 0.0.0.0\n${requirepass ? `requirepass ${requirepass}\nmasterauth ${requirepass}\n` : ''}` },
      { path: nodePath(7002), kind: 'redis', text: `port 7002\nreplicaof 10.0.0.8 7001\n${requirepass ? `requirepass ${requirepass}\nmasterauth ${requirepass}\n` : ''}` },
    ]
    const locked = only(diagnoseFiles(remote(null)), 'clients-locked-out')
    expect(locked.map((f) => f.file)).toEqual([nodePath(7001)])
    expect(locked[0].explanation).toMatch(/DENIED/)
    expect(ids(diagnoseFiles(remote(PW)))).not.toContain('clients-locked-out')
  })
})

describe('files written by several nodes', () => {
  it('copied redis.conf files with one pidfile: shared-pidfile on the later ones; distinct pidfiles: none', () => {
    const found = only(change((l) => l.nodes.forEach((n) => (n.extra = ['pidfile /var/run/redis_6379.pid']))), 'shared-pidfile')
    expect(found.map((f) => f.file)).toEqual([nodePath(7002), nodePath(7003)])
    expect(found[0]).toMatchObject({ severity: 'warning', directive: 'pidfile' })
    expect(ids(change((l) => l.nodes.forEach((n) => (n.extra = [`pidfile /var/run/redis_${n.port}.pid`]))))).not.toContain('shared-pidfile')
  })

  it('dir ./ under supervisor programs without directory=: every node writes the same dump.rdb', () => {
    const set = files(baseline()).map((f) => (f.kind === 'redis' ? { ...f, text: f.text.replace(/^dir .*$/m, 'dir ./') } : f))
    const found = only(diagnoseFiles(set), 'shared-data-file')
    expect(found.map((f) => f.file)).toEqual([nodePath(7002), nodePath(7003)])
    expect(found[0]).toMatchObject({ severity: 'error', directive: 'dir' })
    expect(found[0].explanation).toMatch(/working directory/)
  })

  it('dir ./ with a directory= per program, or nodes started by hand (cwd unknown): no finding', () => {
    const set = files(baseline()).map((f) => (f.kind === 'redis' ? { ...f, text: f.text.replace(/^dir .*$/m, 'dir ./') } : f))
    const withDirs = set.map((f) => (f.kind === 'supervisor' ? { ...f, text: f.text.replace(/\[program:(redis-\d+)\]\n/g, '[program:$1]\ndirectory=/data/%(program_name)s\n') } : f))
    expect(ids(diagnoseFiles(withDirs))).not.toContain('shared-data-file')
    expect(ids(diagnoseFiles(set.filter((f) => f.kind !== 'supervisor')))).not.toContain('shared-data-file')
  })
})

describe('grouping', () => {
  it('two separate deployments are judged apart: two 3-sentinel sets are not "6 sentinels"', () => {
    const a = files(baseline()).filter((f) => f.kind !== 'supervisor')
    const b = a.map((f) => ({
      ...f, path: f.path.replace(ROOT, '/other'),
      text: f.text.replace(/700(\d)/g, '800$1').replace(/2700(\d)/g, '2800$1').replace(/([abc])\1{39}/g, (m) => ({ a: 'd', b: 'e', c: 'f' })[m[0] as 'a' | 'b' | 'c'].repeat(40)),
    }))
    expect(diagnoseFiles([...a, ...b])).toEqual([])
  })
})

describe('requirepass-overridden', () => {
  const sha = (pw: string): string => createHash('sha256').update(pw).digest('hex')
  // What Redis 7.0's CONFIG REWRITE writes (test/lab/doctor-live.test.ts checks it for real).
  const rewritten = (pw: string): string => `user default on #${sha(pw)} ~* &* +@all`

  it('a `user default` line (CONFIG REWRITE\'s) standing for another password than requirepass: warning at its hash, the fix removes that line', () => {
    const found = only(change((l) => (l.nodes[1].extra = [rewritten('the-old-pw')])), 'requirepass-overridden')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ severity: 'warning', file: nodePath(7002), line: 9, column: 17, directive: 'user default' })
    expect(found[0].fix?.edits).toEqual([{ file: nodePath(7002), op: 'unset', directive: 'user default' }])
    // The fix's key works with the conf editor: it removes exactly that line.
    const doc = RedisConfDocument.parse(nodeConf({ port: 7002, master: 7001, extra: ['user alice on >x ~* +@all', rewritten('the-old-pw')] }))
    expect(unsetDirective(doc, 'redis', 'user default')).toBe(1)
    expect(doc.text()).toContain('user alice on >x')
    expect(doc.text()).not.toContain('user default')
  })

  it('a hand-written `user default` line with restrictions: the warning, but no one-click removal (it would lift them)', () => {
    const found = only(change((l) => (l.nodes[1].extra = [`user default on #${sha('the-old-pw')} ~app:* +@read -@dangerous`])), 'requirepass-overridden')
    expect(found).toHaveLength(1)
    expect(found[0].fix).toBeUndefined()
    const generated = only(change((l) => (l.nodes[1].extra = [`user default on sanitize-payload #${sha('the-old-pw')} ~* &* +@all`])), 'requirepass-overridden')
    expect(generated[0].fix?.edits).toEqual([{ file: nodePath(7002), op: 'unset', directive: 'user default' }])
  })

  it('>password and nopass count too; resetpass / < / ! remove a password', () => {
    expect(only(change((l) => (l.nodes[0].extra = ['user default on >other ~* +@all'])), 'requirepass-overridden')).toHaveLength(1)
    expect(only(change((l) => (l.nodes[0].extra = ['user default on nopass ~* +@all'])), 'requirepass-overridden')).toHaveLength(1)
    expect(only(change((l) => (l.nodes[0].extra = [`user default on >${PW} <${PW} ~* +@all`])), 'requirepass-overridden')).toHaveLength(1)
    expect(only(change((l) => (l.nodes[0].extra = [`user default on #${sha(PW)} resetpass ~* +@all`])), 'requirepass-overridden')).toHaveLength(1)
  })

  it('not when the line stands for requirepass (#hash or >password), nor without requirepass, nor for another user', () => {
    expect(only(change((l) => (l.nodes[1].extra = [rewritten(PW)])), 'requirepass-overridden')).toEqual([])
    expect(only(change((l) => (l.nodes[1].extra = [`user default on >${PW} ~* +@all`])), 'requirepass-overridden')).toEqual([])
    expect(only(change((l) => (l.nodes[1].extra = [`user alice on #${sha('x')} ~* +@all`])), 'requirepass-overridden')).toEqual([])
    // An ACL-only file (no requirepass) is a choice, not a mistake.
    const acl = change((l) => {
      for (const n of l.nodes) {
        n.requirepass = null
        n.masterauth = null
      }
      l.nodes[0].extra = [rewritten('x')]
      for (const s of l.sentinels) s.authPass = null
    })
    expect(only(acl, 'requirepass-overridden')).toEqual([])
  })
})

describe('passwords in what the doctor prints', () => {
  const edit = (directive: string, args: string[]): string[] | undefined => maskEdit({ file: '/x/redis.conf', op: 'set', directive, args }).args

  it('masks by the schema\'s secret flag: requirepass, masterauth, auth-pass, sentinel-pass, tls-*-pass, ACL password rules', () => {
    expect(edit('masterauth', ['pw'])).toEqual(['********'])
    expect(edit('requirepass', ['pw'])).toEqual(['********'])
    expect(edit('sentinel auth-pass mymaster', ['pw'])).toEqual(['********'])
    expect(edit('sentinel sentinel-pass', ['pw'])).toEqual(['********'])
    expect(edit('tls-key-file-pass', ['pw'])).toEqual(['********'])
    expect(edit('tls-client-key-file-pass', ['pw'])).toEqual(['********'])
    expect(edit('user alice', ['on', '>pw', '#abc', '~*', '+@all'])).toEqual(['on', '********', '********', '~*', '+@all'])
    expect(edit('user', ['alice', 'on', '<pw', 'nopass'])).toEqual(['alice', 'on', '********', 'nopass'])
    // A supervisor command line that passes one as an option.
    expect(maskEdit({ file: '/x/lab.ini', op: 'set', directive: 'program:r.command', args: ['/usr/bin/redis-server r.conf --requirepass "a b" --masterauth=zz --port 7'] }).args)
      .toEqual(['/usr/bin/redis-server r.conf --requirepass ******** --masterauth=******** --port 7'])
  })

  it('leaves everything else as it is: the master\'s name, addresses, sizes, an empty value', () => {
    expect(edit('sentinel monitor mymaster', ['127.0.0.1', '6379', '2'])).toEqual(['127.0.0.1', '6379', '2'])
    expect(edit('maxmemory', ['1gb'])).toEqual(['1gb'])
    expect(edit('requirepass', [''])).toEqual([''])
  })

  it('the text and the JSON forms of a finding show ******** for the password of a fix', () => {
    const finding = only(change((l) => (l.sentinels[0].authPass = 'nope')), 'auth-pass-mismatch')[0]
    expect(finding.fix?.edits[0].args).toEqual([PW]) // the app applies it: diagnoseFiles keeps it
    expect(formatFinding(finding)).toContain('set sentinel auth-pass mymaster ********')
    expect(formatFinding(finding)).not.toContain(PW)
    expect(JSON.stringify(maskFinding(finding))).not.toContain(PW)
  })
})

describe('robustness', () => {
  it('2,000 mutated sets (words dropped, lines cut, quotes and junk added): no exception, every finding located', () => {
    const next = rng(42)
    const junk = ['"', "'", '0', '-1', 'yes', 'no one', 'sentinel', '%(x)s', '[program:', '=', 'abc', '']
    for (let i = 0; i < 2000; i++) {
      const set = files(baseline()).map((f) => {
        const lines = f.text.split('\n').map((line) => {
          const r = next()
          if (r < 0.1) return line.slice(0, Math.floor(next() * line.length))
          if (r < 0.2) return line.split(' ').filter(() => next() > 0.3).join(' ')
          if (r < 0.3) return `${line} ${junk[Math.floor(next() * junk.length)]}`
          return line
        })
        return { ...f, text: lines.join(next() < 0.5 ? '\n' : '\r\n') }
      })
      const found = diagnoseFiles(set)
      for (const f of found) {
        expect(f.file, `${f.id} has no file`).toBeTruthy()
        expect(f.line).toBeGreaterThanOrEqual(1)
        expect(f.column).toBeGreaterThanOrEqual(1)
        expect(f.title.length).toBeGreaterThan(0)
      }
    }
  })
})
