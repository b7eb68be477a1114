// The directive schema of redis.conf and sentinel.conf (Redis 7.0, and what 7.2, 7.4 and
// Valkey 8.0 added): what each directive takes, how it reaches a running process, and a short help text for the form. Types and
// ranges follow Redis 7.0's config.c so that our verdict on a value matches redis-server's
// (test/conf/redis-verdict.test.ts compares them, and checks `apply` against CONFIG SET).
// Values are checked in arg-rules.ts; this file is data and lookup only.
import type { ArgInfo, DirectiveInfo } from '../../shared/conf'
import type { ConfLine } from './redis-doc'

const INT_MAX = 2147483647
const INT_MIN = -2147483648
const UINT_MAX = 4294967295

type Extra = Partial<Pick<DirectiveInfo, 'aliases' | 'multiple' | 'secret' | 'default' | 'managed'>>

function make(file: DirectiveInfo['file'], group: string, apply: DirectiveInfo['apply']) {
  return (name: string, args: ArgInfo[], help: string, extra: Extra = {}): DirectiveInfo => ({
    name,
    file,
    args,
    help,
    group,
    apply,
    aliases: extra.aliases ?? [],
    multiple: extra.multiple ?? false,
    secret: extra.secret ?? args.some((a) => a.type === 'password'),
    ...(extra.default !== undefined ? { default: extra.default } : {}),
    ...(extra.managed ? { managed: true } : {}),
  })
}

const bool = (name = 'yes|no'): ArgInfo => ({ name, type: 'bool', values: ['yes', 'no'] })
const int = (name: string, min: number, max: number): ArgInfo => ({ name, type: 'int', min, max })
const ms = (name: string, min: number, max = INT_MAX): ArgInfo => ({ name, type: 'ms', min, max })
const secs = (name: string, min: number, max = INT_MAX): ArgInfo => ({ name, type: 'seconds', min, max })
const bytes = (name: string, min = 0, max?: number): ArgInfo => ({ name, type: 'bytes', min, ...(max !== undefined ? { max } : {}) })
const oneOf = (name: string, ...values: string[]): ArgInfo => ({ name, type: 'enum', values })
const str = (name: string, optional = false): ArgInfo => ({ name, type: 'string', ...(optional ? { optional } : {}) })
const path = (name: string): ArgInfo => ({ name, type: 'path' })
const host = (name = 'ip'): ArgInfo => ({ name, type: 'host' })
const port = (name = 'port'): ArgInfo => ({ name, type: 'port', min: 0, max: 65535 })
const pass = (name = 'password'): ArgInfo => ({ name, type: 'password' })
const words = (name: string, type: ArgInfo['type'] = 'string', optional = false): ArgInfo => ({ name, type, variadic: true, ...(optional ? { optional } : {}) })

const MAXMEMORY_POLICIES = ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction']

// Redis: CONFIG SET takes it (live) or it is read only at start (restart).
const network = make('redis', 'Network', 'live')
const networkAtStart = make('redis', 'Network', 'restart')
const general = make('redis', 'General', 'live')
const generalAtStart = make('redis', 'General', 'restart')
const security = make('redis', 'Security', 'live')
const securityAtStart = make('redis', 'Security', 'restart')
const logging = make('redis', 'Logging', 'live')
const loggingAtStart = make('redis', 'Logging', 'restart')
const persistence = make('redis', 'Persistence', 'live')
const persistenceAtStart = make('redis', 'Persistence', 'restart')
const replication = make('redis', 'Replication', 'live')
const replicationAtStart = make('redis', 'Replication', 'restart')
const memory = make('redis', 'Memory', 'live')
const advanced = make('redis', 'Advanced', 'live')
const advancedAtStart = make('redis', 'Advanced', 'restart')

export const REDIS_DIRECTIVES: readonly DirectiveInfo[] = [
  // Network
  network('port', [port()], 'TCP port to accept connections on (0: no TCP).', { default: '6379' }),
  network('bind', [words('address', 'host')], 'Addresses to listen on; a leading - makes one optional. Without bind, every interface.', { default: '* -::*' }),
  network('protected-mode', [bool()], 'Without bind and requirepass, refuse clients that are not on loopback.', { default: 'yes' }),
  networkAtStart('tcp-backlog', [int('connections', 0, INT_MAX)], 'Backlog of the listen() call.', { default: '511' }),
  network('timeout', [secs('seconds', 0)], 'Close a client idle this many seconds (0: never).', { default: '0' }),
  network('tcp-keepalive', [secs('seconds', 0)], 'Send TCP keepalives to clients every this many seconds (0: off).', { default: '300' }),
  networkAtStart('unixsocket', [path('path')], 'Also listen on this Unix socket.'),
  networkAtStart('unixsocketperm', [int('mode', 0, 0o777)], 'Permissions of the Unix socket, in octal (e.g. 700).'),
  network('bind-source-addr', [host('address')], 'Source address for outgoing connections (replication).'),
  network('maxclients', [int('clients', 1, UINT_MAX)], 'Most clients connected at once.', { default: '10000' }),
  network('tls-port', [port()], 'TCP port for TLS connections (0: no TLS).', { default: '0' }),
  network('tls-cert-file', [path('file')], 'TLS certificate.'),
  network('tls-key-file', [path('file')], 'TLS private key.'),
  network('tls-ca-cert-file', [path('file')], 'CA certificates to verify peers with.'),
  network('tls-ca-cert-dir', [path('dir')], 'Folder of CA certificates.'),
  network('tls-auth-clients', [oneOf('mode', 'yes', 'no', 'optional')], 'Whether TLS clients must present a certificate.', { default: 'yes' }),
  network('tls-replication', [bool()], 'Use TLS for replication links.', { default: 'no' }),
  network('tls-protocols', [str('protocols')], 'TLS versions allowed, e.g. "TLSv1.2 TLSv1.3".'),
  network('tls-key-file-pass', [pass('passphrase')], 'Passphrase of tls-key-file.'),
  network('tls-client-cert-file', [path('file')], 'Certificate for outgoing TLS connections.'),
  network('tls-client-key-file', [path('file')], 'Private key for outgoing TLS connections.'),
  network('tls-client-key-file-pass', [pass('passphrase')], 'Passphrase of tls-client-key-file.'),
  network('tls-dh-params-file', [path('file')], 'Diffie-Hellman parameters.'),
  network('tls-ciphers', [str('ciphers')], 'TLS 1.2 ciphers allowed.'),
  network('tls-ciphersuites', [str('suites')], 'TLS 1.3 cipher suites allowed.'),
  network('tls-prefer-server-ciphers', [bool()], 'Prefer the server\'s cipher order.', { default: 'no' }),
  network('tls-session-caching', [bool()], 'Cache TLS sessions.', { default: 'yes' }),
  network('tls-session-cache-size', [int('sessions', 0, INT_MAX)], 'TLS sessions cached.', { default: '20480' }),
  network('tls-session-cache-timeout', [secs('seconds', 0)], 'How long a cached TLS session lasts.', { default: '300' }),
  network('tls-cluster', [bool()], 'Use TLS on the cluster bus.', { default: 'no' }),
  networkAtStart('socket-mark-id', [int('mark', 0, UINT_MAX)], 'Mark (SO_MARK) set on listening sockets.', { default: '0' }),
  network('max-new-connections-per-cycle', [int('connections', 1, 1000)], 'New TCP connections accepted per event-loop cycle (Redis 7.4).', { default: '10' }),
  network('max-new-tls-connections-per-cycle', [int('connections', 1, 1000)], 'New TLS connections accepted per event-loop cycle (Redis 7.4).', { default: '1' }),

  // General
  generalAtStart('daemonize', [bool()], 'Fork into the background. Must be no under a supervisor: the supervised parent would exit at once.', { default: 'no' }),
  generalAtStart('supervised', [oneOf('mode', 'upstart', 'systemd', 'auto', 'no')], 'Tell upstart or systemd when Redis is ready.', { default: 'no' }),
  generalAtStart('pidfile', [path('file')], 'Write the process id to this file.'),
  generalAtStart('databases', [int('count', 1, INT_MAX)], 'Number of databases (SELECT 0 to count-1).', { default: '16' }),
  generalAtStart('always-show-logo', [bool()], 'Show the ASCII logo at start even when not on a terminal.', { default: 'no' }),
  generalAtStart('set-proc-title', [bool()], 'Set the process title shown by ps.', { default: 'yes' }),
  general('proc-title-template', [str('template')], 'Process title, e.g. "{title} {listen-addr} {server-mode}".'),
  generalAtStart('include', [path('file')], 'Read another config file here; later lines win.', { multiple: true }),
  generalAtStart('loadmodule', [path('module'), words('arguments', 'string', true)], 'Load a module at start.', { multiple: true }),
  general('hz', [int('times per second', 0, INT_MAX)], 'Background task frequency (1 to 500 is used).', { default: '10' }),
  general('dynamic-hz', [bool()], 'Raise hz with the number of clients.', { default: 'yes' }),
  general('notify-keyspace-events', [str('classes')], 'Keyspace notifications: letters K E g $ l s h z x e t m d n A, or "" for none.', { default: '""' }),
  general('slowlog-log-slower-than', [{ name: 'microseconds', type: 'int', min: -1 }], 'Log commands slower than this many microseconds (-1: off, 0: all).', { default: '10000' }),
  general('slowlog-max-len', [int('entries', 0, Number.MAX_SAFE_INTEGER)], 'Entries the slow log keeps.', { default: '128' }),
  general('latency-monitor-threshold', [ms('milliseconds', 0, Number.MAX_SAFE_INTEGER)], 'Record events slower than this many ms (0: off).', { default: '0' }),
  general('latency-tracking', [bool()], 'Track per-command latency.', { default: 'yes' }),
  general('latency-tracking-info-percentiles', [words('percentiles')], 'Percentiles INFO latencystats reports, e.g. 50 99 99.9.', { default: '50 99 99.9' }),
  general('busy-reply-threshold', [ms('milliseconds', 0, Number.MAX_SAFE_INTEGER)], 'After this many ms a script or function is reported busy.', { aliases: ['lua-time-limit'], default: '5000' }),
  general('shutdown-timeout', [secs('seconds', 0)], 'How long SHUTDOWN waits for replicas to catch up.', { default: '10' }),
  general('shutdown-on-sigint', [words('flags')], 'What SIGINT does: default, save, nosave, now, force.', { default: 'default' }),
  general('shutdown-on-sigterm', [words('flags')], 'What SIGTERM does: default, save, nosave, now, force.', { default: 'default' }),
  general('crash-log-enabled', [bool()], 'Write a stack trace on a crash.', { default: 'yes' }),
  general('crash-memcheck-enabled', [bool()], 'Run a memory check on a crash.', { default: 'yes' }),
  general('locale-collate', [str('locale')], 'Locale for comparing strings (SORT ALPHA, sorted-set ranges); "" takes the environment\'s (Redis 7.2).', { default: '""' }),
  advancedAtStart('io-threads', [int('threads', 1, 128)], 'Threads for network I/O.', { default: '1' }),
  advancedAtStart('io-threads-do-reads', [bool()], 'Use the I/O threads for reads as well.', { default: 'no' }),
  advancedAtStart('server_cpulist', [str('cpus')], 'CPUs the main thread may run on, e.g. 0-3.'),
  advancedAtStart('bio_cpulist', [str('cpus')], 'CPUs the background I/O threads may run on.'),
  advancedAtStart('aof_rewrite_cpulist', [str('cpus')], 'CPUs the AOF rewrite child may run on.'),
  advancedAtStart('bgsave_cpulist', [str('cpus')], 'CPUs the background save child may run on.'),
  advanced('ignore-warnings', [str('warnings')], 'Start-up warnings to silence (e.g. ARM64-COW-BUG).'),
  advanced('activerehashing', [bool()], 'Rehash the main dictionaries in the background.', { default: 'yes' }),
  advanced('jemalloc-bg-thread', [bool()], 'Let jemalloc purge in a background thread.', { default: 'yes' }),
  advancedAtStart('disable-thp', [bool()], 'Turn transparent huge pages off for this process.', { default: 'yes' }),
  advanced('oom-score-adj', [oneOf('mode', 'no', 'yes', 'relative', 'absolute')], 'Let Linux prefer killing replicas over the master on OOM.', { default: 'no' }),
  advanced('oom-score-adj-values', [int('master', -2000, 2000), int('replica', -2000, 2000), int('bgchild', -2000, 2000)], 'OOM score adjustments for master, replica and background child.', { default: '0 200 800' }),
  advanced('hash-max-listpack-entries', [int('entries', 0, Number.MAX_SAFE_INTEGER)], 'Hashes up to this many fields use the compact encoding.', { aliases: ['hash-max-ziplist-entries'], default: '128' }),
  advanced('hash-max-listpack-value', [bytes('bytes', 0)], 'Hashes with values up to this size use the compact encoding.', { aliases: ['hash-max-ziplist-value'], default: '64' }),
  advanced('list-max-listpack-size', [int('size', INT_MIN, INT_MAX)], 'Entries (positive) or -1..-5 for 4 to 64 kb per list node.', { aliases: ['list-max-ziplist-size'], default: '-2' }),
  advanced('list-compress-depth', [int('nodes', 0, INT_MAX)], 'List nodes left uncompressed at each end (0: no compression).', { default: '0' }),
  advanced('set-max-intset-entries', [int('entries', 0, Number.MAX_SAFE_INTEGER)], 'Sets of integers up to this size use the compact encoding.', { default: '512' }),
  advanced('set-max-listpack-entries', [int('entries', 0, Number.MAX_SAFE_INTEGER)], 'Sets of strings up to this many members use the compact encoding (Redis 7.2).', { default: '128' }),
  advanced('set-max-listpack-value', [int('bytes', 0, Number.MAX_SAFE_INTEGER)], 'Sets whose members are at most this many bytes use the compact encoding (Redis 7.2).', { default: '64' }),
  advanced('zset-max-listpack-entries', [int('entries', 0, Number.MAX_SAFE_INTEGER)], 'Sorted sets up to this many members use the compact encoding.', { aliases: ['zset-max-ziplist-entries'], default: '128' }),
  advanced('zset-max-listpack-value', [bytes('bytes', 0)], 'Sorted sets with members up to this size use the compact encoding.', { aliases: ['zset-max-ziplist-value'], default: '64' }),
  advanced('hll-sparse-max-bytes', [bytes('bytes', 0)], 'HyperLogLog sparse representation limit.', { default: '3000' }),
  advanced('stream-node-max-bytes', [bytes('bytes', 0)], 'Most bytes in one stream node.', { default: '4096' }),
  advanced('stream-node-max-entries', [int('entries', 0, Number.MAX_SAFE_INTEGER)], 'Most entries in one stream node.', { default: '100' }),
  advanced('activedefrag', [bool()], 'Active defragmentation.', { default: 'no' }),
  advanced('active-defrag-ignore-bytes', [bytes('bytes', 1)], 'Do not defragment below this much fragmentation.', { default: '100mb' }),
  advanced('active-defrag-threshold-lower', [int('percent', 0, 1000)], 'Start defragmenting at this fragmentation percentage.', { default: '10' }),
  advanced('active-defrag-threshold-upper', [int('percent', 0, 1000)], 'Defragment with most effort at this percentage.', { default: '100' }),
  advanced('active-defrag-cycle-min', [int('percent', 1, 99)], 'Least CPU effort for defragmentation.', { default: '1' }),
  advanced('active-defrag-cycle-max', [int('percent', 1, 99)], 'Most CPU effort for defragmentation.', { default: '25' }),
  advanced('active-defrag-max-scan-fields', [int('fields', 1, Number.MAX_SAFE_INTEGER)], 'Fields of a big key scanned per defragmentation step.', { default: '1000' }),
  advanced('active-expire-effort', [int('effort', 1, 10)], 'Effort spent expiring keys in the background.', { default: '1' }),
  advanced('lazyfree-lazy-eviction', [bool()], 'Free evicted keys in the background.', { default: 'no' }),
  advanced('lazyfree-lazy-expire', [bool()], 'Free expired keys in the background.', { default: 'no' }),
  advanced('lazyfree-lazy-server-del', [bool()], 'Free keys deleted by the server in the background.', { default: 'no' }),
  advanced('lazyfree-lazy-user-del', [bool()], 'DEL behaves like UNLINK.', { default: 'no' }),
  advanced('lazyfree-lazy-user-flush', [bool()], 'FLUSHALL/FLUSHDB are ASYNC by default.', { default: 'no' }),
  advanced('tracking-table-max-keys', [int('keys', 0, Number.MAX_SAFE_INTEGER)], 'Keys client-side caching tracks (0: no limit).', { default: '1000000' }),
  advanced('client-query-buffer-limit', [bytes('bytes', 1024 * 1024)], 'Most a client query buffer may hold (at least 1mb).', { default: '1gb' }),
  advanced('proto-max-bulk-len', [bytes('bytes', 1024 * 1024)], 'Largest bulk string a client may send (at least 1mb).', { default: '512mb' }),
  advanced('client-output-buffer-limit', [oneOf('class', 'normal', 'replica', 'slave', 'pubsub'), bytes('hard limit'), bytes('soft limit'), secs('soft seconds', 0)], 'Disconnect a client whose output buffer passes the hard limit, or stays over the soft limit this long.', { multiple: true }),

  // Cluster (a Sentinel lab does not use it; known so that a file holding it validates)
  advancedAtStart('cluster-enabled', [bool()], 'Run as a Redis Cluster node.', { default: 'no' }),
  advancedAtStart('cluster-config-file', [path('file')], 'The cluster node file (Redis writes it).', { default: 'nodes.conf' }),
  advancedAtStart('cluster-port', [port()], 'Cluster bus port (0: port + 10000).', { default: '0' }),
  advanced('cluster-node-timeout', [ms('milliseconds', 0, Number.MAX_SAFE_INTEGER)], 'Milliseconds before a cluster node counts as failing.', { default: '15000' }),
  advanced('cluster-replica-validity-factor', [int('factor', 0, INT_MAX)], 'How stale a replica may be and still fail over.', { aliases: ['cluster-slave-validity-factor'], default: '10' }),
  advanced('cluster-migration-barrier', [int('replicas', 0, INT_MAX)], 'Replicas a master keeps before one migrates.', { default: '1' }),
  advanced('cluster-allow-replica-migration', [bool()], 'Let replicas migrate to orphaned masters.', { default: 'yes' }),
  advanced('cluster-require-full-coverage', [bool()], 'Stop serving when a slot is uncovered.', { default: 'yes' }),
  advanced('cluster-replica-no-failover', [bool()], 'This replica never fails over on its own.', { aliases: ['cluster-slave-no-failover'], default: 'no' }),
  advanced('cluster-allow-reads-when-down', [bool()], 'Serve reads while the cluster is down.', { default: 'no' }),
  advanced('cluster-allow-pubsubshard-when-down', [bool()], 'Serve sharded Pub/Sub while the cluster is down.', { default: 'yes' }),
  advanced('cluster-link-sendbuf-limit', [bytes('bytes', 0)], 'Send buffer limit of a cluster bus link (0: none).', { default: '0' }),
  advanced('cluster-announce-ip', [host('ip')], 'Address this node announces to the cluster.'),
  advanced('cluster-announce-hostname', [str('hostname')], 'Host name this node announces to the cluster.'),
  advanced('cluster-announce-human-nodename', [str('name')], 'A name for this node shown in logs and CLUSTER NODES (Redis 7.2).'),
  advanced('cluster-announce-port', [port()], 'Client port this node announces.', { default: '0' }),
  advanced('cluster-announce-tls-port', [port()], 'TLS port this node announces.', { default: '0' }),
  advanced('cluster-announce-bus-port', [port()], 'Bus port this node announces.', { default: '0' }),
  advanced('cluster-preferred-endpoint-type', [oneOf('type', 'ip', 'hostname', 'unknown-endpoint')], 'What the cluster tells clients to connect to.', { default: 'ip' }),

  // Security
  security('requirepass', [pass()], 'Password clients must AUTH with (the default user). Every lab node needs it and masterauth.', { secret: true }),
  securityAtStart('user', [str('username'), words('rules', 'string', true)], 'An ACL user: name then rules (on, >password, ~keys, +@commands...).', { multiple: true, secret: true }),
  securityAtStart('aclfile', [path('file')], 'Read ACL users from this file instead of user lines.'),
  security('acllog-max-len', [int('entries', 0, Number.MAX_SAFE_INTEGER)], 'Entries ACL LOG keeps.', { default: '128' }),
  security('acl-pubsub-default', [oneOf('mode', 'allchannels', 'resetchannels')], 'Whether new users may use every Pub/Sub channel.', { default: 'resetchannels' }),
  securityAtStart('rename-command', [str('command'), str('new name')], 'Rename a command ("" disables it).', { multiple: true }),
  securityAtStart('enable-protected-configs', [oneOf('mode', 'no', 'yes', 'local')], 'Whether CONFIG SET may change dir, dbfilename and the like.', { default: 'no' }),
  securityAtStart('enable-debug-command', [oneOf('mode', 'no', 'yes', 'local')], 'Whether the DEBUG command may run.', { default: 'no' }),
  securityAtStart('enable-module-command', [oneOf('mode', 'no', 'yes', 'local')], 'Whether the MODULE command may run.', { default: 'no' }),
  security('sanitize-dump-payload', [oneOf('mode', 'no', 'yes', 'clients')], 'Check RESTORE payloads deeply.', { default: 'no' }),

  // Logging
  logging('loglevel', [oneOf('level', 'debug', 'verbose', 'notice', 'warning')], 'How much the log says.', { default: 'notice' }),
  loggingAtStart('logfile', [path('file')], 'Log file ("" : standard output).', { default: '""' }),
  loggingAtStart('syslog-enabled', [bool()], 'Also log to syslog.', { default: 'no' }),
  loggingAtStart('syslog-ident', [str('ident')], 'Syslog identity.', { default: 'redis' }),
  loggingAtStart('syslog-facility', [oneOf('facility', 'user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7')], 'Syslog facility.', { default: 'local0' }),
  logging('hide-user-data-from-log', [bool()], 'Leave keys and values out of the log (Redis 7.4).', { default: 'no' }),

  // Persistence
  persistenceAtStart('dir', [path('dir')], 'Working folder: the RDB and AOF files go here. CONFIG SET refuses it unless enable-protected-configs.', { default: './' }),
  persistenceAtStart('dbfilename', [path('file')], 'RDB file name (a name, not a path). CONFIG SET refuses it unless enable-protected-configs.', { default: 'dump.rdb' }),
  persistence('save', [words('seconds changes')], 'Snapshot after <seconds> if at least <changes> writes; pairs may repeat; save "" turns snapshots off.', { multiple: true, default: '3600 1 300 100 60 10000' }),
  persistence('stop-writes-on-bgsave-error', [bool()], 'Refuse writes when the last background save failed.', { default: 'yes' }),
  persistence('rdbcompression', [bool()], 'Compress strings in the RDB file.', { default: 'yes' }),
  persistenceAtStart('rdbchecksum', [bool()], 'Checksum the RDB file.', { default: 'yes' }),
  persistence('rdb-del-sync-files', [bool()], 'Delete RDB files made for replication when persistence is off.', { default: 'no' }),
  persistence('rdb-save-incremental-fsync', [bool()], 'fsync the RDB every 4 MB while saving.', { default: 'yes' }),
  persistence('appendonly', [bool()], 'Append-only file persistence.', { default: 'no' }),
  persistenceAtStart('appendfilename', [path('name')], 'Base name of the AOF files.', { default: '"appendonly.aof"' }),
  persistenceAtStart('appenddirname', [path('name')], 'Folder (inside dir) of the AOF files.', { default: '"appendonlydir"' }),
  persistence('appendfsync', [oneOf('policy', 'always', 'everysec', 'no')], 'When to fsync the AOF.', { default: 'everysec' }),
  persistence('no-appendfsync-on-rewrite', [bool()], 'Skip fsync while a rewrite runs.', { default: 'no' }),
  persistence('auto-aof-rewrite-percentage', [int('percent', 0, INT_MAX)], 'Rewrite the AOF when it grew this much (0: never).', { default: '100' }),
  persistence('auto-aof-rewrite-min-size', [bytes('bytes', 0)], 'Do not rewrite an AOF smaller than this.', { default: '64mb' }),
  persistence('aof-load-truncated', [bool()], 'Load a truncated AOF instead of refusing to start.', { default: 'yes' }),
  persistence('aof-use-rdb-preamble', [bool()], 'Start rewritten AOFs with an RDB image.', { default: 'yes' }),
  persistence('aof-timestamp-enabled', [bool()], 'Write timestamps in the AOF.', { default: 'no' }),
  persistence('aof-rewrite-incremental-fsync', [bool()], 'fsync every 4 MB while rewriting the AOF.', { default: 'yes' }),

  // Replication
  replicationAtStart('replicaof', [{ name: 'master ip | no', type: 'host' }, { name: 'master port | one', type: 'port' }], 'Replicate this master ("replicaof no one": be a master). At run time: the REPLICAOF command; Sentinel rewrites it on failover.', { aliases: ['slaveof'] }),
  // Valkey 8.0 reads primaryauth and primaryuser too, and writes them at CONFIG REWRITE.
  replication('masterauth', [pass()], 'Password to authenticate to the master. Every node that can become a replica needs it.', { aliases: ['primaryauth'], secret: true }),
  replication('masteruser', [str('username')], 'ACL user to authenticate to the master as.', { aliases: ['primaryuser'] }),
  replication('replica-serve-stale-data', [bool()], 'Answer queries while the link to the master is down.', { aliases: ['slave-serve-stale-data'], default: 'yes' }),
  replication('replica-read-only', [bool()], 'Refuse writes on a replica.', { aliases: ['slave-read-only'], default: 'yes' }),
  replication('replica-priority', [int('priority', 0, INT_MAX)], 'Sentinel promotes the lowest non-zero priority first; 0: never promoted.', { aliases: ['slave-priority'], default: '100' }),
  replication('replica-announced', [bool()], 'Whether Sentinel lists this replica.', { default: 'yes' }),
  replication('replica-announce-ip', [host('ip')], 'Address this replica reports to its master (NAT, containers).', { aliases: ['slave-announce-ip'] }),
  replication('replica-announce-port', [port()], 'Port this replica reports to its master.', { aliases: ['slave-announce-port'], default: '0' }),
  replication('replica-lazy-flush', [bool()], 'Flush the old dataset in the background on a full sync.', { aliases: ['slave-lazy-flush'], default: 'no' }),
  replication('replica-ignore-maxmemory', [bool()], 'A replica does not evict on its own.', { aliases: ['slave-ignore-maxmemory'], default: 'yes' }),
  replication('replica-ignore-disk-write-errors', [bool()], 'Keep replicating when the disk fails.', { default: 'no' }),
  replication('repl-diskless-sync', [bool()], 'Send the RDB to replicas over the socket, not through the disk.', { default: 'yes' }),
  replication('repl-diskless-sync-delay', [secs('seconds', 0)], 'Wait this many seconds for more replicas before a diskless transfer.', { default: '5' }),
  replication('repl-diskless-sync-max-replicas', [int('replicas', 0, INT_MAX)], 'Start a diskless transfer early once this many replicas wait (0: no).', { default: '0' }),
  replication('repl-diskless-load', [oneOf('mode', 'disabled', 'on-empty-db', 'swapdb')], 'How a replica loads the RDB it receives.', { default: 'disabled' }),
  replication('repl-ping-replica-period', [secs('seconds', 1)], 'Ping replicas every this many seconds.', { aliases: ['repl-ping-slave-period'], default: '10' }),
  replication('repl-timeout', [secs('seconds', 1)], 'Replication timeout; keep it above repl-ping-replica-period.', { default: '60' }),
  replication('repl-disable-tcp-nodelay', [bool()], 'Fewer, larger packets to replicas (more lag).', { default: 'no' }),
  replication('repl-backlog-size', [bytes('bytes', 1)], 'Backlog that lets a replica resync partially after a disconnect.', { default: '1mb' }),
  replication('repl-backlog-ttl', [secs('seconds', 0, Number.MAX_SAFE_INTEGER)], 'Free the backlog this long after the last replica left (0: never).', { default: '3600' }),
  replication('min-replicas-to-write', [int('replicas', 0, INT_MAX)], 'Refuse writes unless this many replicas are connected (0: off).', { aliases: ['min-slaves-to-write'], default: '0' }),
  replication('min-replicas-max-lag', [secs('seconds', 0)], 'A replica counts for min-replicas-to-write if its lag is at most this.', { aliases: ['min-slaves-max-lag'], default: '10' }),
  replication('propagation-error-behavior', [oneOf('behavior', 'ignore', 'panic', 'panic-on-replicas')], 'What a replica does on an error in the replication stream.', { default: 'ignore' }),

  // Memory
  memory('maxmemory', [bytes('bytes', 0)], 'Memory limit (e.g. 100mb, 1gb; 0: no limit). Above it, maxmemory-policy applies.', { default: '0' }),
  memory('maxmemory-policy', [oneOf('policy', ...MAXMEMORY_POLICIES)], 'What to evict when maxmemory is reached.', { default: 'noeviction' }),
  memory('maxmemory-samples', [int('keys', 1, INT_MAX)], 'Keys sampled per eviction.', { default: '5' }),
  memory('maxmemory-eviction-tenacity', [int('percent', 0, 100)], 'How hard eviction works per cycle.', { default: '10' }),
  memory('maxmemory-clients', [bytes('bytes or percent', 0)], 'Memory all clients may use together (bytes or a percent of maxmemory, e.g. 5%; 0: no limit).', { default: '0' }),
  memory('lfu-log-factor', [int('factor', 0, INT_MAX)], 'LFU counter logarithm factor.', { default: '10' }),
  memory('lfu-decay-time', [int('minutes', 0, INT_MAX)], 'LFU counter decay period, in minutes.', { default: '1' }),
]

const sentinelAtStart = make('sentinel', 'Sentinel', 'restart')
const sentinelLive = make('sentinel', 'Sentinel', 'live')
const sentinelNetwork = make('sentinel', 'Network', 'restart')
const sentinelGeneral = make('sentinel', 'General', 'restart')
const sentinelLogging = make('sentinel', 'Logging', 'restart')
const sentinelSecurity = make('sentinel', 'Security', 'restart')
const master: ArgInfo = { name: 'master', type: 'name' }

export const SENTINEL_DIRECTIVES: readonly DirectiveInfo[] = [
  sentinelAtStart('sentinel monitor', [master, host('ip'), port(), int('quorum', 1, INT_MAX)], 'Watch this master; quorum sentinels must agree it is down. A failover still needs a majority. The quorum changes live (SENTINEL SET quorum), the rest at restart.'),
  sentinelLive('sentinel down-after-milliseconds', [master, ms('milliseconds', 1)], 'Milliseconds without a valid reply before this sentinel thinks the master is down.', { default: '30000' }),
  sentinelLive('sentinel failover-timeout', [master, ms('milliseconds', 1)], 'Failover time limit, in milliseconds; also the wait before retrying.', { default: '180000' }),
  sentinelLive('sentinel parallel-syncs', [master, int('replicas', 0, INT_MAX)], 'Replicas that resync with the new master at the same time after a failover.', { default: '1' }),
  sentinelLive('sentinel auth-pass', [master, pass()], "Password for the master and its replicas (their requirepass).", { secret: true }),
  sentinelLive('sentinel auth-user', [master, str('username')], 'ACL user to authenticate to the master and its replicas as.'),
  sentinelAtStart('sentinel notification-script', [master, path('script')], 'Script run on every warning-level event (must exist and be executable). SENTINEL SET refuses it while deny-scripts-reconfig is yes.'),
  sentinelAtStart('sentinel client-reconfig-script', [master, path('script')], 'Script run when the master changes (must exist and be executable). SENTINEL SET refuses it while deny-scripts-reconfig is yes.'),
  sentinelLive('sentinel master-reboot-down-after-period', [master, ms('milliseconds', 0)], 'Treat a master that rebooted within this many ms as down (0: off).', { aliases: ['sentinel primary-reboot-down-after-period'], default: '0' }),
  sentinelLive('sentinel rename-command', [master, str('command'), str('new name')], 'The name a command has on this master (matching its rename-command).', { multiple: true }),
  sentinelAtStart('sentinel known-replica', [master, host('ip'), port()], 'A replica Sentinel has seen (Sentinel writes these).', { aliases: ['sentinel known-slave'], multiple: true, managed: true }),
  sentinelAtStart('sentinel known-sentinel', [master, host('ip'), port(), { name: 'id', type: 'runid', optional: true }], 'Another sentinel of this master (Sentinel writes these).', { multiple: true, managed: true }),
  sentinelAtStart('sentinel config-epoch', [master, int('epoch', 0, Number.MAX_SAFE_INTEGER)], 'Configuration epoch of this master (Sentinel writes it).', { managed: true }),
  sentinelAtStart('sentinel leader-epoch', [master, int('epoch', 0, Number.MAX_SAFE_INTEGER)], 'Last epoch this sentinel voted in (Sentinel writes it).', { managed: true }),
  sentinelAtStart('sentinel current-epoch', [int('epoch', 0, Number.MAX_SAFE_INTEGER)], 'Current epoch (Sentinel writes it).', { managed: true }),
  sentinelAtStart('sentinel myid', [{ name: 'id', type: 'runid' }], 'This sentinel\'s id: 40 hex characters, different in every sentinel (Sentinel writes it).', { managed: true }),
  sentinelAtStart('sentinel deny-scripts-reconfig', [bool()], 'Refuse SENTINEL SET of notification-script and client-reconfig-script.', { default: 'yes' }),
  sentinelLive('sentinel resolve-hostnames', [bool()], 'Accept host names, not only IP addresses (SENTINEL CONFIG SET).', { default: 'no' }),
  sentinelLive('sentinel announce-hostnames', [bool()], 'Announce host names rather than IPs (SENTINEL CONFIG SET).', { default: 'no' }),
  sentinelLive('sentinel announce-ip', [host('ip')], 'Address this sentinel announces in hello messages (SENTINEL CONFIG SET).'),
  sentinelLive('sentinel announce-port', [port()], 'Port this sentinel announces in hello messages (SENTINEL CONFIG SET).'),
  sentinelLive('sentinel sentinel-user', [str('username')], 'ACL user to authenticate to the other sentinels as (SENTINEL CONFIG SET).'),
  sentinelLive('sentinel sentinel-pass', [pass()], "Password for the other sentinels (their requirepass) (SENTINEL CONFIG SET).", { secret: true }),

  // The plain directives a sentinel.conf uses: Sentinel reads them only at start.
  sentinelNetwork('port', [port()], 'TCP port this sentinel listens on.', { default: '26379' }),
  sentinelNetwork('bind', [words('address', 'host')], 'Addresses to listen on; a leading - makes one optional.'),
  sentinelNetwork('protected-mode', [bool()], 'Without bind and requirepass, refuse clients that are not on loopback.', { default: 'no' }),
  sentinelGeneral('daemonize', [bool()], 'Fork into the background. Must be no under a supervisor: the supervised parent would exit at once.', { default: 'no' }),
  sentinelGeneral('supervised', [oneOf('mode', 'upstart', 'systemd', 'auto', 'no')], 'Tell upstart or systemd when Sentinel is ready.', { default: 'no' }),
  sentinelGeneral('pidfile', [path('file')], 'Write the process id to this file.'),
  sentinelGeneral('dir', [path('dir')], 'Working folder.', { default: './' }),
  sentinelLogging('logfile', [path('file')], 'Log file ("" : standard output).', { default: '""' }),
  sentinelLogging('loglevel', [oneOf('level', 'debug', 'verbose', 'notice', 'warning')], 'How much the log says.', { default: 'notice' }),
  sentinelSecurity('requirepass', [pass()], "This sentinel's own password; the other sentinels need it as sentinel-pass.", { secret: true }),
]

const byName = (list: readonly DirectiveInfo[]): Map<string, DirectiveInfo> => {
  const map = new Map<string, DirectiveInfo>()
  for (const info of list) for (const name of [info.name, ...info.aliases]) map.set(name, info)
  return map
}
const REDIS_BY_NAME = byName(REDIS_DIRECTIVES)
const SENTINEL_BY_NAME = byName(SENTINEL_DIRECTIVES)
// Sentinel has no CONFIG SET: a redis.conf directive in a sentinel.conf applies at restart.
const REDIS_IN_SENTINEL = new Map([...REDIS_BY_NAME].map(([name, info]) => [name, { ...info, apply: 'restart' as const }]))

/**
 * The schema entry a directive named `name` ('maxmemory', 'slaveof', 'sentinel known-slave')
 * has in a file of `kind`, or null. A sentinel.conf may also hold any redis.conf directive
 * (redis-sentinel reads the same table), so those are found there too.
 */
export function directiveByName(kind: 'redis' | 'sentinel', name: string): DirectiveInfo | null {
  const key = name.toLowerCase()
  if (kind === 'sentinel') return SENTINEL_BY_NAME.get(key) ?? (key.startsWith('sentinel ') ? null : REDIS_IN_SENTINEL.get(key) ?? null)
  return key.startsWith('sentinel ') ? null : REDIS_BY_NAME.get(key) ?? null
}

/** The name a line is known by: its first word, and for `sentinel` lines the option too. */
export function lineDirectiveName(line: ConfLine): string {
  if (line.name === 'sentinel' && line.tokens.length > 1) return `sentinel ${line.tokens[1].value.toLowerCase()}`
  return line.name
}

/**
 * The schema entry a directive line matches in a file of `kind` (aliases resolved; for
 * `sentinel <option> ...` lines the option decides), or null for an unknown directive.
 */
export function lookupDirective(kind: 'redis' | 'sentinel', line: ConfLine): DirectiveInfo | null {
  if (line.kind !== 'directive') return null
  return directiveByName(kind, lineDirectiveName(line))
}
