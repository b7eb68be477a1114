// Which directives each Redis (and Valkey) release reads in a config file: a release refuses
// to start on any other ("Bad directive or wrong number of arguments"; Sentinel:
// "Unrecognized sentinel configuration statement"). Taken from the names config.c and
// sentinel.c accept (config table, aliases, the lines loadServerConfigFromString and
// sentinelHandleConfiguration handle themselves) in 2.6.17, 2.8.24, 3.0.7, 3.2.13, 4.0.14,
// 5.0.14, 6.0.20, 6.2.16, 7.0.15, 7.2.6, 7.4.1 and Valkey 8.0.1, written as what each
// series added to and removed from the one before. Data only: lookups are in
// server-release.ts.

export interface SeriesChanges {
  /** 'major.minor' */
  series: string
  /** redis.conf directives (also read in a sentinel.conf). */
  added?: readonly string[]
  removed?: readonly string[]
  /** Options of `sentinel <option> ...` lines. */
  sentinelAdded?: readonly string[]
  sentinelRemoved?: readonly string[]
}

/** Read, accepted and ignored with a warning in the log (config.c's deprecated_configs and dead options). */
export const IGNORED_SINCE: Readonly<Record<string, string>> = {
  'list-max-ziplist-entries': '3.2',
  'list-max-ziplist-value': '3.2',
  'lua-replicate-commands': '7.0',
}

/** Valkey forked from Redis 7.2.4: Valkey 7.2 reads what that reads; 8.0 adds its own. */
export const VALKEY_BASE_SERIES = '7.2'

/** Valkey 8.0's names for Redis's directives (both read by Valkey; Valkey writes its own). */
export const VALKEY_RENAMES: Readonly<Record<string, string>> = {
  primaryauth: 'masterauth',
  primaryuser: 'masteruser',
  'sentinel primary-reboot-down-after-period': 'sentinel master-reboot-down-after-period',
}
export const VALKEY_NAMES: ReadonlySet<string> = new Set(Object.keys(VALKEY_RENAMES))

export const REDIS_SERIES: readonly SeriesChanges[] = [
  {
    series: '2.6',
    added: [
      'activerehashing', 'aof-rewrite-incremental-fsync', 'appendfilename', 'appendfsync', 'appendonly',
      'auto-aof-rewrite-min-size', 'auto-aof-rewrite-percentage', 'bind', 'client-output-buffer-limit',
      'daemonize', 'databases', 'dbfilename', 'dir', 'hash-max-ziplist-entries', 'hash-max-ziplist-value',
      'hz', 'include', 'list-max-ziplist-entries', 'list-max-ziplist-value', 'logfile', 'loglevel',
      'lua-time-limit', 'masterauth', 'maxclients', 'maxmemory', 'maxmemory-policy', 'maxmemory-samples',
      'no-appendfsync-on-rewrite', 'pidfile', 'port', 'rdbchecksum', 'rdbcompression', 'rename-command',
      'repl-disable-tcp-nodelay', 'repl-ping-slave-period', 'repl-timeout', 'requirepass', 'save',
      'sentinel', 'set-max-intset-entries', 'slave-priority', 'slave-read-only', 'slave-serve-stale-data',
      'slaveof', 'slowlog-log-slower-than', 'slowlog-max-len', 'stop-writes-on-bgsave-error',
      'syslog-enabled', 'syslog-facility', 'syslog-ident', 'tcp-keepalive', 'timeout', 'unixsocket',
      'unixsocketperm', 'zset-max-ziplist-entries', 'zset-max-ziplist-value'
    ],
    sentinelAdded: [
      'auth-pass', 'can-failover', 'client-reconfig-script', 'down-after-milliseconds', 'failover-timeout',
      'monitor', 'notification-script', 'parallel-syncs'
    ],
  },
  {
    series: '2.8',
    added: [
      'aof-load-truncated', 'hll-sparse-max-bytes', 'latency-monitor-threshold', 'min-slaves-max-lag',
      'min-slaves-to-write', 'notify-keyspace-events', 'repl-backlog-size', 'repl-backlog-ttl',
      'repl-diskless-sync', 'repl-diskless-sync-delay', 'tcp-backlog'
    ],
    sentinelAdded: [
      'announce-ip', 'announce-port', 'config-epoch', 'current-epoch', 'known-sentinel', 'known-slave',
      'leader-epoch'
    ],
    sentinelRemoved: [
      'can-failover'
    ],
  },
  {
    series: '3.0',
    added: [
      'cluster-config-file', 'cluster-enabled', 'cluster-migration-barrier', 'cluster-node-timeout',
      'cluster-require-full-coverage', 'cluster-slave-validity-factor'
    ],
  },
  {
    series: '3.2',
    added: [
      'list-compress-depth', 'list-max-ziplist-size', 'protected-mode', 'slave-announce-ip',
      'slave-announce-port', 'supervised'
    ],
    sentinelAdded: [
      'deny-scripts-reconfig', 'myid'
    ],
  },
  {
    series: '4.0',
    added: [
      'active-defrag-cycle-max', 'active-defrag-cycle-min', 'active-defrag-ignore-bytes',
      'active-defrag-threshold-lower', 'active-defrag-threshold-upper', 'activedefrag', 'always-show-logo',
      'aof-use-rdb-preamble', 'client-query-buffer-limit', 'cluster-announce-bus-port',
      'cluster-announce-ip', 'cluster-announce-port', 'cluster-slave-no-failover', 'lazyfree-lazy-eviction',
      'lazyfree-lazy-expire', 'lazyfree-lazy-server-del', 'lfu-decay-time', 'lfu-log-factor', 'loadmodule',
      'proto-max-bulk-len', 'slave-lazy-flush'
    ],
  },
  {
    series: '5.0',
    added: [
      'active-defrag-max-scan-fields', 'cluster-replica-no-failover', 'cluster-replica-validity-factor',
      'dynamic-hz', 'ignore-warnings', 'lua-replicate-commands', 'min-replicas-max-lag',
      'min-replicas-to-write', 'rdb-save-incremental-fsync', 'repl-ping-replica-period',
      'replica-announce-ip', 'replica-announce-port', 'replica-ignore-maxmemory', 'replica-lazy-flush',
      'replica-priority', 'replica-read-only', 'replica-serve-stale-data', 'replicaof',
      'slave-ignore-maxmemory', 'stream-node-max-bytes', 'stream-node-max-entries'
    ],
    sentinelAdded: [
      'known-replica', 'rename-command'
    ],
  },
  {
    series: '6.0',
    added: [
      'aclfile', 'acllog-max-len', 'active-expire-effort', 'aof_rewrite_cpulist', 'bgsave_cpulist',
      'bio_cpulist', 'cluster-allow-reads-when-down', 'gopher-enabled', 'io-threads', 'io-threads-do-reads',
      'jemalloc-bg-thread', 'key-load-delay', 'lazyfree-lazy-user-del', 'masteruser', 'oom-score-adj',
      'oom-score-adj-values', 'rdb-del-sync-files', 'rdb-key-save-delay', 'repl-diskless-load',
      'server_cpulist', 'tls-auth-clients', 'tls-ca-cert-dir', 'tls-ca-cert-file', 'tls-cert-file',
      'tls-ciphers', 'tls-ciphersuites', 'tls-cluster', 'tls-dh-params-file', 'tls-key-file', 'tls-port',
      'tls-prefer-server-ciphers', 'tls-protocols', 'tls-replication', 'tls-session-cache-size',
      'tls-session-cache-timeout', 'tls-session-caching', 'tracking-table-max-keys', 'user'
    ],
    sentinelAdded: [
      'auth-user'
    ],
  },
  {
    series: '6.2',
    added: [
      'acl-pubsub-default', 'cluster-allow-replica-migration', 'cluster-announce-tls-port',
      'crash-log-enabled', 'crash-memcheck-enabled', 'disable-thp', 'lazyfree-lazy-user-flush',
      'maxmemory-eviction-tenacity', 'proc-title-template', 'replica-announced', 'sanitize-dump-payload',
      'set-proc-title', 'tls-client-cert-file', 'tls-client-key-file', 'tls-client-key-file-pass',
      'tls-key-file-pass', 'use-exit-on-panic'
    ],
    sentinelAdded: [
      'announce-hostnames', 'resolve-hostnames', 'sentinel-pass', 'sentinel-user'
    ],
  },
  {
    series: '7.0',
    added: [
      'aof-disable-auto-gc', 'aof-timestamp-enabled', 'appenddirname', 'bind-source-addr',
      'busy-reply-threshold', 'cluster-allow-pubsubshard-when-down', 'cluster-announce-hostname',
      'cluster-link-sendbuf-limit', 'cluster-port', 'cluster-preferred-endpoint-type',
      'enable-debug-command', 'enable-module-command', 'enable-protected-configs',
      'hash-max-listpack-entries', 'hash-max-listpack-value', 'latency-tracking',
      'latency-tracking-info-percentiles', 'list-max-listpack-size', 'loading-process-events-interval-bytes',
      'maxmemory-clients', 'propagation-error-behavior', 'repl-diskless-sync-max-replicas',
      'replica-ignore-disk-write-errors', 'shutdown-on-sigint', 'shutdown-on-sigterm', 'shutdown-timeout',
      'socket-mark-id', 'watchdog-period', 'zset-max-listpack-entries', 'zset-max-listpack-value'
    ],
    removed: [
      'gopher-enabled'
    ],
    sentinelAdded: [
      'master-reboot-down-after-period'
    ],
  },
  {
    series: '7.2',
    added: [
      'client-default-resp', 'cluster-announce-human-nodename', 'cluster-ping-interval', 'locale-collate',
      'req-res-logfile', 'set-max-listpack-entries', 'set-max-listpack-value'
    ],
  },
  {
    series: '7.4',
    added: [
      'aof-rewrite-cpulist', 'bgsave-cpulist', 'bio-cpulist', 'hide-user-data-from-log',
      'max-new-connections-per-cycle', 'max-new-tls-connections-per-cycle', 'server-cpulist'
    ],
  },
]
export const VALKEY_SERIES: readonly SeriesChanges[] = [
  {
    series: '8.0',
    added: [
      'aof-rewrite-cpulist', 'availability-zone', 'bgsave-cpulist', 'bio-cpulist',
      'cluster-announce-client-ipv4', 'cluster-announce-client-ipv6', 'cluster-blacklist-ttl',
      'cluster-slot-stats-enabled', 'debug-context', 'dual-channel-replication-enabled',
      'enable-debug-assert', 'events-per-io-thread', 'extended-redis-compatibility',
      'hide-user-data-from-log', 'max-new-connections-per-cycle', 'max-new-tls-connections-per-cycle',
      'prefetch-batch-max-size', 'primaryauth', 'primaryuser', 'server-cpulist', 'unixsocketgroup'
    ],
    sentinelAdded: [
      'primary-reboot-down-after-period'
    ],
  },
]
