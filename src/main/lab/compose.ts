// Docker Compose export of a lab: a docker-compose.yml plus container-side configs, so that
// `docker compose up` in <lab>/compose/ runs the same topology (same ports, password,
// Sentinel settings, persistence) on the official Redis image (Valkey's, for a Valkey lab).
// - Host networking, on the lab's 127.0.0.1 ports: Sentinel hands clients the addresses it
//   sees, so nodes, sentinels and host clients must all see the same ones (the YAML's
//   header says more; it is what a user reads).
// - One folder per service, mounted at /data (the image's working dir): it holds the conf,
//   which Redis and Sentinel rewrite with temp file + rename (a single bind-mounted file
//   could not be renamed over), and the node's data. The image's entrypoint chowns /data
//   to its redis user when the command starts with redis-server (Valkey's image: valkey-
//   server), hence sentinels run as `redis-server sentinel.conf --sentinel`.
// - The password is only in the 0600 confs; the YAML has none (it is commonly committed,
//   pasted and shown by `docker compose config`).
// The confs come from render.ts with dir /data, so they never drift from the lab's own; they
// describe the lab as built (its master program as master), not what failovers made of it.
// The YAML is written by hand: every scalar is a JSON string, which YAML reads as a
// double-quoted scalar, so no value can change meaning.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../conf/atomic-write'
import { type ServerRelease, parseServerVersion } from '../conf/server-release'
import { binaryRelease } from './server-version'
import { FAST_TIMERS } from './fast-timers'
import type { Lab, LabNode, LabSentinel } from './layout'
import { renderRedisConf, renderSentinelConf } from './render'

/** Where each service's folder is mounted in its container; also its Redis `dir`. */
const CONTAINER_DIR = '/data'
/** Used when the local redis-server's version cannot be read. */
export const FALLBACK_IMAGE = 'redis:7'
export const COMPOSE_FILE = 'docker-compose.yml'

interface ComposeFile {
  /** Relative to the compose folder, '/'-separated. */
  path: string
  text: string
  mode: number
}

interface ComposeExport {
  /** The image every service runs, e.g. "redis:7.0". */
  image: string
  /** docker-compose.yml first, then each service's conf. */
  files: ComposeFile[]
  /** Folders to create (relative to the compose folder): one per service. */
  dirs: string[]
}

/** "Redis server v=7.0.15 sha=..." -> "redis:7.0", "Valkey server v=8.0.1" -> "valkey/valkey:8.0"; anything unreadable -> FALLBACK_IMAGE. */
export function imageForVersion(versionOutput: string | null): string {
  const release = parseServerVersion(versionOutput ?? '')
  return release ? imageForRelease(release) : FALLBACK_IMAGE
}

function imageForRelease(release: ServerRelease): string {
  const series = release.version.split('.').slice(0, 2).join('.')
  if (!series.includes('.')) return FALLBACK_IMAGE
  return release.product === 'valkey' ? `valkey/valkey:${series}` : `redis:${series}`
}

/** The server binary inside an image: Valkey's images name it valkey-server. */
function serverCommand(image: string): string {
  return /^valkey\//.test(image) ? 'valkey-server' : 'redis-server'
}

/** The official image matching the lab's redis-server's major.minor version (and product). */
function redisImage(redisServer: string): string {
  const release = binaryRelease(redisServer)
  return release ? imageForRelease(release) : FALLBACK_IMAGE
}

/** A YAML scalar: always a double-quoted string (JSON's escapes are YAML's). */
function yq(s: string): string {
  return JSON.stringify(s)
}

/** Compose project names: lower-case letters, digits, '-' and '_', starting with a letter or digit. */
function projectName(labName: string): string {
  return `sentinel-lab-${labName.toLowerCase().replace(/[^a-z0-9_-]/g, '-')}`
}

const CONF_HEADER = `# docker compose copy: ${CONTAINER_DIR} is this folder, mounted into the container.\n`

/**
 * The lab as its containers see it: every dir is /data. render.ts tells a sentinel from
 * the others by identity, so the copies are made once and rendered from this lab.
 */
function containerLab(lab: Lab): Lab {
  // Link faults are the app's proxies: the containers reach each other on 127.0.0.1 directly.
  const node = (n: LabNode): LabNode => ({ ...n, dir: CONTAINER_DIR, linkHost: '127.0.0.1' })
  const master = node(lab.master)
  const replicas = lab.replicas.map(node)
  const sentinels = lab.sentinels.map((s): LabSentinel => ({ ...s, dir: CONTAINER_DIR, linkHost: '127.0.0.1' }))
  return { ...lab, spec: { ...lab.spec, links: false }, master, replicas, nodes: [master, ...replicas], sentinels }
}

interface Service {
  name: string
  comment: string[]
  command: string[]
  dependsOn: string[]
  restart: 'no' | 'unless-stopped'
}

function header(lab: Lab, image: string): string[] {
  const server = serverCommand(image)
  const nodes = lab.nodes.map((n) => n.port)
  const sentinels = lab.sentinels.map((s) => s.port)
  return [
    `# Sentinel Lab "${lab.spec.name}" as a Docker Compose project: \`docker compose up -d\` in this folder.`,
    `# ${lab.replicas.length} replica(s), ${lab.sentinels.length} sentinel(s), master name ${lab.masterName}, quorum ${lab.spec.quorum}, image ${image}.`,
    `# Master and replicas on 127.0.0.1 ports ${nodes.join(', ')}, sentinels on ${sentinels.join(', ')}: stop the local lab first (same ports).`,
    ...(lab.spec.links ? ['# The lab runs with link faults in the app; this export does not: its members reach each other on', '# 127.0.0.1 directly (the proxies that cut and slow links are the app\'s, not a container\'s).'] : []),
    '#',
    '# network_mode: host. Sentinel hands clients the addresses it sees: on a bridge network it',
    '# would see and announce container addresses (172.x) and container ports that clients on',
    '# the host cannot reach, and replicas would register under those addresses too. With host',
    '# networking every node, sentinel and host client sees the same 127.0.0.1 ports, as in the',
    '# local lab. This needs Linux, or Docker Desktop 4.34+ with host networking enabled',
    '# (Settings > Resources > Network > Enable host networking); without it the containers',
    '# start but nothing on the host can reach them.',
    '#',
    '# Each service mounts its own folder at /data: its conf (redis.conf / sentinel.conf, which',
    '# Redis and Sentinel rewrite on failover, so a folder, not a single file) and its data.',
    '# The password is not in this file: it is in those confs (mode 0600). The image\'s',
    `# entrypoint gives /data to its ${server === 'redis-server' ? 'redis user (uid 999)' : 'own user'} when the command is ${server},`,
    `# which is why sentinels run as \`${server} sentinel.conf --sentinel\`.`,
    ...(lab.spec.timers === 'fast' ? [
      '#',
      '# This lab uses fast timers: they are SENTINEL DEBUG settings, not config directives, so',
      '# apply them to each sentinel once it runs (the app does so at every sentinel start):',
      `#   redis-cli -p PORT SENTINEL DEBUG ${Object.entries(FAST_TIMERS).map(([k, v]) => `${k} ${v}`).join(' ')}`,
    ] : []),
  ]
}

function services(lab: Lab, server: string): Service[] {
  const nodeNames = lab.nodes.map((n) => n.name)
  const noRestart = [
    'Not restarted by Docker: a master without persistence that comes back at once is empty,',
    'and its replicas resync from it, so every copy of the data is lost. Sentinel fails over',
    'instead; start the node again yourself and it rejoins as a replica.',
  ]
  return [
    { name: lab.master.name, comment: noRestart, command: [server, `${CONTAINER_DIR}/redis.conf`], dependsOn: [], restart: 'no' },
    ...lab.replicas.map((r): Service => ({
      name: r.name, comment: ['Not restarted by Docker, like the master: it may be the master by then.'],
      command: [server, `${CONTAINER_DIR}/redis.conf`], dependsOn: [lab.master.name], restart: 'no',
    })),
    ...lab.sentinels.map((s): Service => ({
      name: s.name, comment: ['Sentinels hold no data: restarting them is always safe.'],
      command: [server, `${CONTAINER_DIR}/sentinel.conf`, '--sentinel'], dependsOn: nodeNames, restart: 'unless-stopped',
    })),
  ]
}

function renderComposeYaml(lab: Lab, image: string): string {
  const out = [...header(lab, image), '', `name: ${yq(projectName(lab.spec.name))}`, '', 'services:']
  for (const s of services(lab, serverCommand(image))) {
    out.push(
      `  ${yq(s.name)}:`, // quoted: a member name like "1" must stay a string
      `    image: ${yq(image)}`,
      `    network_mode: ${yq('host')}`,
      `    command: [${s.command.map(yq).join(', ')}]`,
      '    volumes:',
      `      - ${yq(`./${s.name}:${CONTAINER_DIR}`)}`,
    )
    if (s.dependsOn.length > 0) out.push('    depends_on:', ...s.dependsOn.map((d) => `      - ${yq(d)}`))
    out.push(...s.comment.map((c) => `    # ${c}`), `    restart: ${yq(s.restart)}`, '')
  }
  return out.join('\n')
}

/** Every file of the export, in memory. `image` defaults to the one matching the local redis-server. */
export function renderCompose(lab: Lab, options: { image?: string } = {}): ComposeExport {
  const image = options.image ?? redisImage(lab.binaries.redisServer)
  const c = containerLab(lab)
  return {
    image,
    dirs: [...lab.nodes.map((n) => n.name), ...lab.sentinels.map((s) => s.name)],
    files: [
      { path: COMPOSE_FILE, text: renderComposeYaml(lab, image), mode: 0o644 },
      ...c.nodes.map((n) => ({ path: `${n.name}/redis.conf`, text: CONF_HEADER + renderRedisConf(c, n), mode: 0o600 })),
      ...c.sentinels.map((s) => ({ path: `${s.name}/sentinel.conf`, text: CONF_HEADER + renderSentinelConf(c, s), mode: 0o600 })),
    ],
  }
}

/**
 * Write the export into `outDir` (default <lab.dir>/compose): folders 0700, confs 0600,
 * each file atomically. Files already there are replaced: an export is regenerated from
 * the lab, whatever a previous `docker compose up` rewrote in it.
 */
export async function exportCompose(lab: Lab, outDir: string = join(lab.dir, 'compose'), options: { image?: string } = {}): Promise<{ dir: string; files: string[] }> {
  const exp = renderCompose(lab, options)
  mkdirSync(outDir, { recursive: true, mode: 0o700 })
  for (const d of exp.dirs) mkdirSync(join(outDir, d), { recursive: true, mode: 0o700 })
  const files: string[] = []
  for (const f of exp.files) {
    const path = join(outDir, ...f.path.split('/'))
    writeFileAtomic(path, f.text, f.mode)
    files.push(path)
  }
  return { dir: outDir, files }
}
