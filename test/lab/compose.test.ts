// Docker Compose export: the YAML (parsed with a real YAML parser) describes the lab's
// topology safely (host network, startup order, folders inside the export, no password,
// no host path), and the container-side confs really run: started with the local
// redis-server after only `dir /data` is pointed at a temp folder, they reach HEALTHY.
// `docker compose config -q` runs too when docker compose is installed.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { buildLab } from '../../src/main/lab/blueprint'
import { COMPOSE_FILE, FALLBACK_IMAGE, exportCompose, imageForVersion, renderCompose } from '../../src/main/lab/compose'
import { waitHealthy } from '../../src/main/lab/health'
import type { Lab } from '../../src/main/lab/layout'
import { alive, until } from './proc'

interface ComposeService {
  image: string
  network_mode: string
  command: string[]
  volumes: string[]
  depends_on?: string[]
  restart: string
}

const temps: string[] = []
const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
})

function mkTemp(): string {
  const d = mkdtempSync(join(tmpdir(), 'compose-test-'))
  temps.push(d)
  return d
}

function mode(path: string): string {
  return (statSync(path).mode & 0o777).toString(8)
}

/** redis.conf lines as argument vectors, split the way Redis does (sdssplitargs: "..." with escapes, '...'). */
function parseRedisConf(text: string): string[][] {
  const out: string[][] = []
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const args: string[] = []
    const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g
    for (let m = re.exec(line); m; m = re.exec(line)) {
      args.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2] ?? m[3])
    }
    out.push(args)
  }
  return out
}

function directive(conf: string[][], ...head: string[]): string[][] {
  return conf.filter((a) => head.every((h, i) => a[i]?.toLowerCase() === h.toLowerCase())).map((a) => a.slice(head.length))
}

function localImage(lab: Lab): string {
  const v = /v=(\d+)\.(\d+)\./.exec(execFileSync(lab.binaries.redisServer, ['--version'], { encoding: 'utf8' }))
  return v ? `redis:${v[1]}.${v[2]}` : FALLBACK_IMAGE
}

async function exportedLab(spec: Parameters<typeof buildLab>[0] = {}): Promise<{ lab: Lab; dir: string; files: string[]; services: Record<string, ComposeService>; yaml: string }> {
  const root = mkTemp()
  const lab = await buildLab({ name: 'compose', ...spec }, { dir: join(root, 'lab') })
  const { dir, files } = await exportCompose(lab)
  const yaml = readFileSync(join(dir, COMPOSE_FILE), 'utf8')
  const doc = parse(yaml) as { name: string; services: Record<string, ComposeService> }
  return { lab, dir, files, services: doc.services, yaml }
}

/** The host folder a "./x:/data" volume mounts. */
function hostDir(composeDir: string, volume: string): { host: string; container: string } {
  const i = volume.lastIndexOf(':')
  return { host: resolve(composeDir, volume.slice(0, i)), container: volume.slice(i + 1) }
}

describe('docker compose export', () => {
  it("for a Valkey lab: Valkey's image, and valkey-server in it", async () => {
    const lab = await buildLab({ name: 'compose-valkey' }, { dir: join(mkTemp(), 'lab') })
    const yaml = renderCompose(lab, { image: 'valkey/valkey:8.0' }).files[0].text
    const services = (parse(yaml) as { services: Record<string, ComposeService> }).services
    for (const n of lab.nodes) expect(services[n.name].command).toEqual(['valkey-server', '/data/redis.conf'])
    for (const x of lab.sentinels) expect(services[x.name].command).toEqual(['valkey-server', '/data/sentinel.conf', '--sentinel'])
    expect(Object.values(services).every((x) => x.image === 'valkey/valkey:8.0')).toBe(true)
    expect(yaml).toMatch(/sentinels run as `valkey-server sentinel\.conf --sentinel`/)
  })

  it('describes the lab: services, image, host network, startup order, restart policies', async () => {
    const { lab, dir, services, yaml } = await exportedLab()
    expect(dir).toBe(join(lab.dir, 'compose'))
    const nodes = lab.nodes.map((n) => n.name)
    const sentinels = lab.sentinels.map((s) => s.name)
    expect(Object.keys(services)).toEqual([...nodes, ...sentinels])
    const image = localImage(lab)
    expect(image).toMatch(/^redis:\d+\.\d+$/)
    for (const [name, s] of Object.entries(services)) {
      expect({ name, image: s.image, network: s.network_mode }).toEqual({ name, image, network: 'host' })
      expect(s.volumes).toHaveLength(1)
    }
    // master -> replicas -> sentinels
    expect(services['redis-master'].depends_on).toBeUndefined()
    for (const r of lab.replicas) expect(services[r.name].depends_on).toEqual(['redis-master'])
    for (const s of lab.sentinels) expect(services[s.name].depends_on).toEqual(nodes)
    for (const n of nodes) expect({ n, restart: services[n].restart }).toEqual({ n, restart: 'no' })
    for (const s of sentinels) expect({ s, restart: services[s].restart }).toEqual({ s, restart: 'unless-stopped' })
    for (const n of nodes) expect(services[n].command).toEqual(['redis-server', '/data/redis.conf'])
    // The image's entrypoint drops to its redis user only for redis-server: sentinels run through it.
    for (const s of sentinels) expect(services[s].command).toEqual(['redis-server', '/data/sentinel.conf', '--sentinel'])
    // The header says why host networking, and where it works.
    expect(yaml).toMatch(/^# .*Sentinel hands clients the addresses it sees/m)
    expect(yaml).toMatch(/Linux, or Docker Desktop 4\.34\+ with host networking enabled/)
    expect(yaml).toMatch(/^ {4}# .*without persistence.*\n(?: {4}#.*\n)* {4}restart: "no"$/m)
  })

  it('mounts folders inside the export; no password and no host path in the YAML or a conf dir; secrets 0600', async () => {
    const { lab, dir, files, services, yaml } = await exportedLab({ persistence: 'aof' })
    expect(yaml).not.toContain(lab.password)
    expect(mode(join(dir, COMPOSE_FILE))).toBe('644')
    for (const f of files) expect(f.startsWith(dir + '/')).toBe(true)
    const hostPaths = [lab.dir, tmpdir(), lab.binaries.redisServer, lab.binaries.redisSentinel]
    for (const f of files) for (const p of hostPaths) expect({ f, p, found: readFileSync(f, 'utf8').includes(p) }).toEqual({ f, p, found: false })

    for (const [name, s] of Object.entries(services)) {
      const v = hostDir(dir, s.volumes[0])
      expect(s.volumes[0].startsWith('./')).toBe(true)
      expect(v.container).toBe('/data')
      expect(relative(dir, v.host)).toBe(name)
      expect(statSync(v.host).isDirectory()).toBe(true)
      expect(mode(v.host)).toBe('700')
      // The conf the command names is in the mounted folder, 0600, with the password.
      const conf = join(v.host, s.command[1].replace(/^\/data\//, ''))
      expect(existsSync(conf)).toBe(true)
      expect(mode(conf)).toBe('600')
      const text = readFileSync(conf, 'utf8')
      expect(text).toContain(lab.password)
      expect(directive(parseRedisConf(text), 'dir')).toEqual([['/data']])
    }
    // Nothing but the YAML and the confs.
    expect(readdirSync(dir).sort()).toEqual([COMPOSE_FILE, ...lab.nodes.map((n) => n.name), ...lab.sentinels.map((s) => s.name)].sort())
  })

  it('the container confs are Redis configs with the lab\'s directives', async () => {
    const { lab, dir } = await exportedLab({ persistence: 'aof', quorum: 2, downAfterMs: 1700, failoverTimeoutMs: 12000, parallelSyncs: 2 })
    const pw = lab.password
    for (const n of lab.nodes) {
      const c = parseRedisConf(readFileSync(join(dir, n.name, 'redis.conf'), 'utf8'))
      expect(directive(c, 'port')).toEqual([[String(n.port)]])
      expect(directive(c, 'bind')).toEqual([['127.0.0.1']])
      expect(directive(c, 'daemonize')).toEqual([['no']])
      expect(directive(c, 'requirepass')).toEqual([[pw]])
      expect(directive(c, 'masterauth')).toEqual([[pw]])
      expect(directive(c, 'appendonly')).toEqual([['yes']])
      expect(directive(c, 'logfile')).toEqual([['']])
      expect(directive(c, 'replicaof')).toEqual(n === lab.master ? [] : [['127.0.0.1', String(lab.master.port)]])
    }
    const m = lab.masterName
    for (const s of lab.sentinels) {
      const c = parseRedisConf(readFileSync(join(dir, s.name, 'sentinel.conf'), 'utf8'))
      expect(directive(c, 'port')).toEqual([[String(s.port)]])
      expect(directive(c, 'daemonize')).toEqual([['no']])
      expect(directive(c, 'sentinel', 'myid')).toEqual([[s.myid]])
      expect(directive(c, 'sentinel', 'monitor')).toEqual([[m, '127.0.0.1', String(lab.master.port), '2']])
      expect(directive(c, 'sentinel', 'auth-pass')).toEqual([[m, pw]])
      expect(directive(c, 'sentinel', 'down-after-milliseconds')).toEqual([[m, '1700']])
      expect(directive(c, 'sentinel', 'failover-timeout')).toEqual([[m, '12000']])
      expect(directive(c, 'sentinel', 'parallel-syncs')).toEqual([[m, '2']])
      expect(directive(c, 'sentinel', 'known-replica')).toHaveLength(lab.replicas.length)
      expect(directive(c, 'sentinel', 'known-sentinel')).toHaveLength(lab.sentinels.length - 1)
    }
  })

  it('the image follows the local Redis version, redis:7 when it cannot be read', async () => {
    expect(imageForVersion('Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=ae4d7c971a948f0')).toBe('redis:7.0')
    expect(imageForVersion('Redis server v=7.2.4 sha=0')).toBe('redis:7.2')
    expect(imageForVersion('Valkey server v=8.0.1 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=39f7c371e0a96e3d')).toBe('valkey/valkey:8.0')
    expect(imageForVersion(null)).toBe('redis:7')
    expect(imageForVersion('command not found')).toBe('redis:7')
    const root = mkTemp()
    const lab = await buildLab({ name: 'img' }, { dir: join(root, 'lab') })
    expect(renderCompose({ ...lab, binaries: { ...lab.binaries, redisServer: join(root, 'no-such-redis-server') } }).image).toBe('redis:7')
  })

  it('the exported confs and commands run: with only `dir /data` moved to a temp folder, the lab reaches HEALTHY', async () => {
    const { lab, dir, services } = await exportedLab()
    const run = mkTemp()
    const started: ChildProcess[] = []
    cleanups.push(async () => {
      for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM')
      const pids = started.map((c) => c.pid!).filter(Boolean)
      try {
        await until(() => pids.every((p) => !alive(p)), 5000, 'exported lab processes to exit')
      } finally {
        for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
      }
    })
    // depends_on order, as compose would start them.
    const order: string[] = []
    const visit = (name: string): void => {
      if (order.includes(name)) return
      for (const d of services[name].depends_on ?? []) visit(d)
      order.push(name)
    }
    Object.keys(services).forEach(visit)
    for (const name of order) {
      const s = services[name]
      const src = hostDir(dir, s.volumes[0]).host
      const data = join(run, name)
      mkdirSync(data, { mode: 0o700 })
      for (const f of readdirSync(src)) {
        const text = readFileSync(join(src, f), 'utf8')
        expect(text).toMatch(/^dir \/data$/m)
        writeFileSync(join(data, f), text.replace(/^dir \/data$/m, `dir ${JSON.stringify(data)}`), { mode: 0o600 })
      }
      const [bin, ...args] = s.command
      expect(bin).toBe('redis-server')
      const log = openSync(join(run, `${name}.log`), 'w')
      const child = spawn(lab.binaries.redisServer, args.map((a) => a.replace(/^\/data\//, `${data}/`)), { cwd: data, stdio: ['ignore', log, log] })
      closeSync(log)
      started.push(child)
    }
    const report = await waitHealthy({
      masterName: lab.masterName, password: lab.password,
      nodes: lab.nodes.map((n) => ({ name: n.name, port: n.port })),
      sentinels: lab.sentinels.map((s) => ({ name: s.name, port: s.port })),
    }, { timeoutMs: 20_000 })
    const logs = order.map((n) => `--- ${n}\n${readFileSync(join(run, `${n}.log`), 'utf8').slice(-2000)}`).join('\n')
    expect(report.checks.filter((c) => !c.ok), logs).toEqual([])
    expect(report.healthy).toBe(true)
    expect(report.masterPort).toBe(lab.master.port)
    expect(started.every((c) => c.exitCode === null)).toBe(true)
  })

  it('docker compose accepts the file (when docker compose is installed)', async (ctx) => {
    const { dir } = await exportedLab()
    // Compose v2 only (the plugin, or a standalone v2 binary): v1 is end-of-life and does not
    // know the top-level `name`.
    const candidates: [string, string[]][] = [['docker', ['compose']], ['docker-compose', []]]
    const why: string[] = []
    for (const [bin, pre] of candidates) {
      const what = [bin, ...pre].join(' ')
      let version: string
      try {
        // "Docker Compose version v2.29.1" / "docker-compose version 1.29.2, build unknown"
        const out = execFileSync(bin, [...pre, 'version'], { encoding: 'utf8', stdio: 'pipe', timeout: 10_000 })
        version = /v?(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? out.trim()
      } catch (e) {
        const err = e as { stderr?: Buffer; code?: string; message: string }
        why.push(`\`${what} version\`: ${err.code === 'ENOENT' ? 'not installed' : (err.stderr?.toString().trim().split('\n')[0] || err.message)}`)
        continue
      }
      if (!/^([2-9]|\d{2,})\./.test(version)) {
        why.push(`${what} is version ${version}, not Compose v2`)
        continue
      }
      execFileSync(bin, [...pre, 'config', '-q'], { cwd: dir, stdio: 'pipe', timeout: 30_000 })
      console.log(`[compose] \`${what} config -q\` (${version}) accepted ${join(dir, COMPOSE_FILE)}`)
      return
    }
    console.log(`[compose] docker compose config -q SKIPPED: no docker compose here (${why.join('; ')})`)
    ctx.skip()
  })
})
