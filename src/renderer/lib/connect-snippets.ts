// "Connect your own app": the lab as ready-to-paste client configuration for the clients
// developers use with Sentinel, so a real application can be pointed at the lab and put
// through the same faults. The password is a placeholder until the user asks to see it.
import type { LabConnection } from '../../shared/drill'

export interface Snippet {
  client: string
  /** For the code block's label. */
  language: string
  code: string
}

export const PASSWORD_PLACEHOLDER = '<password>'

export function connectSnippets(c: LabConnection, showPassword: boolean): Snippet[] {
  const pw = c.password === null ? null : showPassword ? c.password : PASSWORD_PLACEHOLDER
  const hostPorts = c.sentinels.map((s) => `${s.host}:${s.port}`)
  const js = (s: string): string => JSON.stringify(s)
  const java = (s: string): string => JSON.stringify(s)
  const py = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  return [
    {
      client: 'ioredis (Node.js)',
      language: 'js',
      code: [
        "const Redis = require('ioredis')",
        'const redis = new Redis({',
        `  sentinels: [${c.sentinels.map((s) => `{ host: ${js(s.host)}, port: ${s.port} }`).join(', ')}],`,
        `  name: ${js(c.masterName)},`,
        ...(pw !== null ? [`  password: ${js(pw)},`] : []),
        ...(c.sentinelPassword ? [`  sentinelPassword: ${js(showPassword ? c.sentinelPassword : PASSWORD_PLACEHOLDER)},`] : []),
        '  // What the drills show: learn of a failover at once, and never wait for ever.',
        "  // ioredis 6.0.0: a +switch-master heard while the client reconnects can end it for good",
        "  // ('Connection is closed.'; 2 of 18 fast failovers here): on 'end', make a new client.",
        '  failoverDetector: true,',
        '  commandTimeout: 500,',
        '})',
      ].join('\n'),
    },
    {
      client: 'redis-py (Python)',
      language: 'python',
      code: [
        'from redis.sentinel import Sentinel',
        `sentinel = Sentinel([${c.sentinels.map((s) => `(${py(s.host)}, ${s.port})`).join(', ')}], socket_timeout=0.5${c.sentinelPassword ? `, sentinel_kwargs={'password': ${py(showPassword ? c.sentinelPassword : PASSWORD_PLACEHOLDER)}}` : ''})`,
        `master = sentinel.master_for(${py(c.masterName)}, socket_timeout=0.5${pw !== null ? `, password=${py(pw)}` : ''})`,
        "master.set('key', 'value')",
      ].join('\n'),
    },
    {
      client: 'Jedis 4+ (Java)',
      language: 'java',
      code: [
        `Set<HostAndPort> sentinels = Set.of(${c.sentinels.map((x) => `new HostAndPort(${java(x.host)}, ${x.port})`).join(', ')});`,
        `JedisClientConfig master = DefaultJedisClientConfig.builder()${pw !== null ? `.password(${java(pw)})` : ''}.timeoutMillis(500).build();`,
        `JedisClientConfig sentinel = DefaultJedisClientConfig.builder()${c.sentinelPassword ? `.password(${java(showPassword ? c.sentinelPassword : PASSWORD_PLACEHOLDER)})` : ''}.build();`,
        `JedisSentinelPool pool = new JedisSentinelPool(${java(c.masterName)}, sentinels, master, sentinel);`,
        'try (Jedis jedis = pool.getResource()) { jedis.set("key", "value"); }',
      ].join('\n'),
    },
    {
      client: 'Lettuce (Java)',
      language: 'java',
      code: [
        `RedisURI uri = RedisURI.Builder.sentinel(${java(c.sentinels[0]?.host ?? '127.0.0.1')}, ${c.sentinels[0]?.port ?? 26379}, ${java(c.masterName)})`,
        ...c.sentinels.slice(1).map((s) => `    .withSentinel(${java(s.host)}, ${s.port})`),
        ...(c.sentinelPassword ? [`    // the sentinels' own password: RedisURI.Builder.redis(host, port).withPassword(...) per .withSentinel(RedisURI)`] : []),
        ...(pw !== null ? [`    .withPassword(${java(pw)}.toCharArray())`] : []),
        '    .withTimeout(Duration.ofMillis(500))',
        '    .build();',
        'StatefulRedisConnection<String, String> conn = RedisClient.create(uri).connect();',
      ].join('\n'),
    },
    {
      client: 'Redisson (Java; also its Tomcat session manager: redisson.yaml)',
      language: 'yaml',
      code: [
        'sentinelServersConfig:',
        `  masterName: ${js(c.masterName)}`,
        '  sentinelAddresses:',
        ...hostPorts.map((h) => `    - "redis://${h}"`),
        ...(pw !== null ? [`  password: ${js(pw)}`] : []),
        ...(c.sentinelPassword ? [`  sentinelPassword: ${js(showPassword ? c.sentinelPassword : PASSWORD_PLACEHOLDER)}`] : []),
        '  timeout: 500',
      ].join('\n'),
    },
  ]
}
