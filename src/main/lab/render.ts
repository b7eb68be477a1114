// The text of every file of a lab: redis.conf per node, sentinel.conf per sentinel, the
// supervisor ini that runs them, and a supervisord.conf that includes it. Pure functions.
import type { Lab, LabNode, LabSentinel } from './layout'

const LOOPBACK = '127.0.0.1'

/** A value for redis.conf / sentinel.conf, double-quoted when it needs to be. */
function rq(s: string): string {
  return /^[A-Za-z0-9._\/:-]+$/.test(s) ? s : `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/** A value for a supervisord ini: '%' doubled (supervisord expands %(...)s). */
function iq(s: string): string {
  return s.replace(/%/g, '%%')
}

/** One word of a supervisord command (split like shlex), quoted when it needs to be. */
function shq(s: string): string {
  return /^[A-Za-z0-9._\/:=@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'"'"'`)}'`
}

function persistenceLines(lab: Lab): string[] {
  switch (lab.spec.persistence) {
    case 'none': return ['save ""', 'appendonly no']
    case 'rdb': return ['save 3600 1 300 100 60 10000', 'appendonly no', 'dbfilename dump.rdb']
    case 'aof': return ['save ""', 'appendonly yes', 'appendfsync everysec', 'dbfilename dump.rdb']
  }
}

/**
 * Link faults: a member listens on 127.0.0.1 (the app and its tools reach it there) and is
 * known to the others by its own address, where its front proxy stands. Its outgoing
 * connections leave from that address, so each proxy can tell every caller apart.
 */
function ownAddress(lab: Lab, host: string, port: number, sentinel: boolean): string[] {
  if (!lab.spec.links) return []
  return [
    `bind-source-addr ${host}`,
    ...(sentinel ? [`sentinel announce-ip ${host}`, `sentinel announce-port ${port}`] : [`replica-announce-ip ${host}`, `replica-announce-port ${port}`]),
  ]
}

export function renderRedisConf(lab: Lab, node: LabNode): string {
  return [
    `# Sentinel Lab "${lab.spec.name}": ${node.name}. Generated; Sentinel rewrites replicaof here on failover.`,
    `port ${node.port}`,
    `bind ${LOOPBACK}`,
    'protected-mode yes',
    'daemonize no',
    `dir ${rq(node.dir)}`,
    'logfile ""',
    'always-show-logo no',
    `requirepass ${rq(lab.password)}`,
    // Every node, the master too: once demoted it must authenticate to the new master.
    `masterauth ${rq(lab.password)}`,
    'repl-diskless-sync yes',
    'repl-diskless-sync-delay 0',
    ...persistenceLines(lab),
    ...ownAddress(lab, node.linkHost, node.port, false),
    ...(node.initialRole === 'replica' ? [`replicaof ${lab.master.linkHost} ${lab.master.port}`] : []),
    '',
  ].join('\n')
}

export function renderSentinelConf(lab: Lab, sentinel: LabSentinel): string {
  const m = lab.masterName
  return [
    `# Sentinel Lab "${lab.spec.name}": ${sentinel.name}. Generated; Sentinel rewrites this file as it runs.`,
    `port ${sentinel.port}`,
    `bind ${LOOPBACK}`,
    'daemonize no',
    `dir ${rq(sentinel.dir)}`,
    'logfile ""',
    'sentinel resolve-hostnames no',
    `sentinel myid ${sentinel.myid}`,
    ...ownAddress(lab, sentinel.linkHost, sentinel.port, true),
    `sentinel monitor ${m} ${lab.master.linkHost} ${lab.master.port} ${lab.spec.quorum}`,
    `sentinel auth-pass ${m} ${rq(lab.password)}`,
    `sentinel down-after-milliseconds ${m} ${lab.spec.downAfterMs}`,
    `sentinel failover-timeout ${m} ${lab.spec.failoverTimeoutMs}`,
    `sentinel parallel-syncs ${m} ${lab.spec.parallelSyncs}`,
    // Start acquainted: no waiting for INFO to list the replicas or for hello messages.
    ...lab.replicas.map((r) => `sentinel known-replica ${m} ${r.linkHost} ${r.port}`),
    ...lab.sentinels.filter((s) => s !== sentinel).map((s) => `sentinel known-sentinel ${m} ${s.linkHost} ${s.port} ${s.myid}`),
    '',
  ].join('\n')
}

const PRIORITY = { master: 100, replica: 200, sentinel: 300 }

function program(name: string, lines: string[]): string {
  return [`[program:${name}]`, ...lines, ''].join('\n')
}

function common(log: string, dir: string, autorestart: boolean): string[] {
  return [
    `directory=${iq(dir)}`,
    'autostart=true',
    ...(autorestart ? ['autorestart=true'] : ['; not restarted by the supervisor itself: see the top of this file', 'autorestart=false']),
    'startsecs=1',
    'startretries=3',
    'stopsignal=TERM',
    'stopwaitsecs=10',
    // Redis rewrites its config files (CONFIG REWRITE, Sentinel's flush) with mode
    // 0644 & ~umask: this keeps files that hold the password at 0600.
    'umask=077',
    'redirect_stderr=true',
    `stdout_logfile=${iq(log)}`,
    'stdout_logfile_maxbytes=10MB',
    'stdout_logfile_backups=3',
  ]
}

export function renderLabIni(lab: Lab): string {
  const { redisServer, redisSentinel } = lab.binaries
  const nodeNames = lab.nodes.map((n) => n.name).join(',')
  return [
    `; Sentinel Lab "${lab.spec.name}": ${lab.replicas.length} replica(s), ${lab.sentinels.length} sentinel(s), master name ${lab.masterName}.`,
    '; Runs under Sentinel Lab and, through supervisord.conf, under supervisord (which ignores depends_on / ready_port).',
    '; Redis nodes have autorestart=false: Sentinel Lab restarts a node that dies by its own policy. A master',
    '; is held down until the sentinels have failed over, then comes back as a replica: restarted at once,',
    '; it would come back (empty, without persistence) before any failover and its replicas would resync to',
    '; nothing. Under plain supervisord a crashed node stays down for `supervisorctl start`, which is safer',
    '; than restarting it at once. Sentinels keep autorestart=true.',
    '',
    program(lab.master.name, [
      `command=${iq(`${shq(redisServer)} ${shq(lab.master.conf)}`)}`,
      `priority=${PRIORITY.master}`,
      ...common(lab.master.log, lab.master.dir, false),
      `ready_port=${lab.master.port}`,
    ]),
    ...lab.replicas.map((r) => program(r.name, [
      `command=${iq(`${shq(redisServer)} ${shq(r.conf)}`)}`,
      `priority=${PRIORITY.replica}`,
      ...common(r.log, r.dir, false),
      `depends_on=${lab.master.name}`,
      `ready_port=${r.port}`,
    ])),
    // Sentinels wait for every node, so their first connection to each one succeeds.
    ...lab.sentinels.map((s) => program(s.name, [
      `command=${iq(`${shq(redisSentinel)} ${shq(s.conf)}`)}`,
      `priority=${PRIORITY.sentinel}`,
      ...common(s.log, s.dir, true),
      `depends_on=${nodeNames}`,
      `ready_port=${s.port}`,
    ])),
  ].join('\n')
}

export function renderSupervisordConf(lab: Lab): string {
  const d = lab.supervisordDir
  return [
    `; Runs Sentinel Lab "${lab.spec.name}" under real supervisord: supervisord -n -c ${iq(lab.supervisordConf)}`,
    ...(lab.spec.links
      ? [
          '; This lab runs with link faults: its members know each other by their own loopback addresses',
          "; (127.x.y.2), where Sentinel Lab's proxies stand. supervisord runs no proxy: start the lab with",
          "; Sentinel Lab ('sentinel-lab up'), or make one without link faults to run it under supervisord.",
        ]
      : []),
    '[supervisord]',
    'nodaemon=true',
    `logfile=${iq(`${d}/supervisord.log`)}`,
    `pidfile=${iq(`${d}/supervisord.pid`)}`,
    `childlogdir=${iq(lab.logsDir)}`,
    '',
    '[unix_http_server]',
    `file=${iq(`${d}/supervisor.sock`)}`,
    'chmod=0700',
    '',
    '[rpcinterface:supervisor]',
    'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
    '',
    '[supervisorctl]',
    `serverurl=unix://${iq(`${d}/supervisor.sock`)}`,
    '',
    '[include]',
    // Relative to this file (supervisord splits files= on spaces, so no absolute path here).
    'files = lab.ini',
    '',
  ].join('\n')
}
