// The lab commands of the CLI: `up` (run a lab in the foreground), `status` (what every node
// and sentinel says, and whether the lab is HEALTHY), `down` (stop a lab run by `up` in
// another terminal), `failover` (a manual failover) and `kill` (crash, pause or resume one
// process of the lab). The password is never printed.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type Redis from 'ioredis'
import { failFastClient } from '../sentinel/redis-pool'
import { labsRoot, readLab } from '../lab/blueprint'
import { FailoverError, requestFailover } from '../lab/failover'
import { safeSwitchover } from '../lab/safe-switchover'
import { checkHealth } from '../lab/health'
import type { Lab } from '../lab/layout'
import { NODE_SIGNALS, UnknownNodeError, killNode, parseNodeSignal } from '../lab/node-control'
import { stillRuns } from '../platform/process-identity'
import { clearOwner, liveOwner, readOwner, writeOwner } from '../lab/owner'
import { type LabHandle, runLab } from '../lab/runner'
import { LAB_DEFAULTS, type LabSpecInput } from '../../shared/lab-spec'
import { SpecError } from '../lab/spec'

export const LAB_HELP: Record<string, string> = {
  up: `Usage: sentinel-lab up [--replicas N] [--sentinels N] [--quorum Q] [--name NAME] [--dir D] [--fast] [--json]

Runs a Redis HA lab in the foreground: one master, N replicas (default ${LAB_DEFAULTS.replicas}) and
N sentinels (default ${LAB_DEFAULTS.sentinels}, quorum ${LAB_DEFAULTS.quorum}) on free ports of 127.0.0.1, every
node protected by a random password (kept in the lab folder, never printed). Prints one
line once the lab is HEALTHY, with the time it took; progress goes to stderr.
Ctrl-C (SIGINT) or SIGTERM, or 'sentinel-lab down' from another terminal, stops every
process of the lab and exits 0. If the folder already holds a lab, that lab is run again
as it is (--replicas, --sentinels, --quorum, --name and --fast are then ignored).

Options:
  --replicas N    replicas (0-16)
  --sentinels N   sentinels (1-15)
  --quorum Q      sentinels that must agree the master is down (default min(2, sentinels))
  --name NAME     the lab's name (default '${LAB_DEFAULTS.name}')
  --dir D         the lab folder (default: ${join(labsRoot(), '<name>')})
  --fast          fast Sentinel timers (SENTINEL DEBUG): a killed master's replacement in
                  about 3 s and the old master back as a replica in about 4 s, instead of 13 s
  --links         link faults (Linux): every member known to the others by its own loopback
                  address, behind a proxy in this process, so 'sentinel-lab link',
                  'partition' and 'heal' can cut, slow and heal the links between them
  --json          print one JSON object instead of the line:
                  {"name","dir","healthyMs","master":{"name","port","pid","role"},"replicas":[...],"sentinels":[...]}
  -h, --help      show this help`,
  status: `Usage: sentinel-lab status [--dir D] [--json]

Shows a lab's nodes (role, replication link) and what each sentinel believes
(SENTINEL MASTER), and whether the lab is HEALTHY. Works while 'sentinel-lab up' runs the
lab in another terminal. Exit status: 0 HEALTHY, 1 not healthy, 2 no lab there.

Options:
  --dir D      the lab folder (default: ${join(labsRoot(), LAB_DEFAULTS.name)})
  --json       print one JSON object
  -h, --help   show this help`,
  down: `Usage: sentinel-lab down [--dir D]

Stops a lab run by 'sentinel-lab up' in another terminal (it signals that process, after
checking it is the one that recorded itself in the lab folder) and waits until every
process of the lab is gone. Exits 0 if the lab is stopped (or was not running).

Options:
  --dir D      the lab folder (default: ${join(labsRoot(), LAB_DEFAULTS.name)})
  --timeout S  give up after S seconds (default 30)
  -h, --help   show this help`,
  failover: `Usage: sentinel-lab failover [--dir D] [--safe | --plain] [--json]

A planned switch-over. By default (--safe) it loses no acknowledged write: writes are
paused on the master (CLIENT PAUSE WRITE), every replica catches up, the sentinels fail
over (SENTINEL FAILOVER), the old master is pointed at the new one and its clients are
disconnected (as Sentinel does: they ask the sentinels again and find the new master), and
writes resume. It waits until the sentinels that answer, a majority, agree on the new
master; prints
  failover: 127.0.0.1:A -> 127.0.0.1:B in N ms (writes held M ms)
--plain is Sentinel's own SENTINEL FAILOVER alone: quicker to ask, but the old master
goes on acknowledging writes until Sentinel demotes it, and those writes are lost (see
'sentinel-lab drill failover --plain').
Works while 'sentinel-lab up' runs the lab in another terminal. Exit status: 0 done;
1 refused (a failover is already in progress, no replica can be promoted, no sentinel
answers, the replicas did not catch up) or not done within 20 s; 2 no lab there.

Options:
  --dir D      the lab folder (default: ${join(labsRoot(), LAB_DEFAULTS.name)})
  --safe       the safe switch-over (the default)
  --plain      Sentinel's SENTINEL FAILOVER only
  --json       print one JSON object: {"from":A,"to":B,"ms":N,"safe":true,"heldMs":M}
  -h, --help   show this help`,
  kill: `Usage: sentinel-lab kill NODE [--dir D] [--signal KILL|STOP|CONT]

Rehearses a failure: sends a signal to one process of a running lab (its pid is asked of
the process itself and checked against its command line). NODE is a program name
(redis-master, redis-replica-1, sentinel-1, ...) or 'master': whichever node the sentinels
report as the master now.

  KILL (default)  kill -9, a crash. 'sentinel-lab up' restarts a replica or a sentinel at
                  once; a master is held down until the sentinels have failed over, then
                  restarted, so that it rejoins as a replica instead of an empty master.
  STOP            pause it: alive but silent. The sentinels fail over a paused master.
  CONT            resume a paused process; a resumed old master is turned into a replica.

Exit status: 0 done; 1 not running, or the signal did not take effect; 2 unknown NODE,
bad --signal, or no lab there.

Options:
  --dir D        the lab folder (default: ${join(labsRoot(), LAB_DEFAULTS.name)})
  --signal SIG   KILL, STOP or CONT (default KILL)
  -h, --help     show this help`,
}

type Values = Record<string, string | boolean | undefined>
const out = (s: string): void => void process.stdout.write(s + '\n')
const err = (s: string): void => void process.stderr.write(s + '\n')

function labDir(values: Values, name = LAB_DEFAULTS.name): string {
  return resolve(typeof values.dir === 'string' ? values.dir : join(labsRoot(), name))
}

function intOption(values: Values, key: string): number | undefined | Error {
  const v = values[key]
  if (v === undefined) return undefined
  const n = Number(v)
  return Number.isInteger(n) && String(v).trim() !== '' ? n : new Error(`--${key} takes a whole number, not '${String(v)}'`)
}

function signals(onSignal: (s: NodeJS.Signals) => void): () => void {
  const handler = (s: NodeJS.Signals): void => onSignal(s)
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return () => {
    process.off('SIGINT', handler)
    process.off('SIGTERM', handler)
  }
}

interface NodeSummary {
  name: string
  port: number
  pid: number
  role: 'master' | 'replica' | 'sentinel'
}

export async function up(values: Values): Promise<number> {
  const spec: LabSpecInput = {}
  for (const key of ['replicas', 'sentinels', 'quorum'] as const) {
    const v = intOption(values, key)
    if (v instanceof Error) return (err(`sentinel-lab up: ${v.message}`), 2)
    if (v !== undefined) spec[key] = v
  }
  if (typeof values.name === 'string') spec.name = values.name
  if (values.fast) spec.timers = 'fast'
  if (values.links) spec.links = true
  const dir = labDir(values, spec.name)
  const running = existsSync(dir) ? liveOwner(dir) : null
  if (running) return (err(`sentinel-lab up: the lab in ${dir} already runs (pid ${running.pid}); 'sentinel-lab down --dir ${dir}' stops it`), 1)

  const abort = new AbortController()
  let signalled: NodeJS.Signals | null = null
  let wake: () => void = () => {}
  const stopped = new Promise<void>((r) => (wake = r))
  const unhook = signals((s) => {
    signalled ??= s
    abort.abort()
    wake()
  })
  let handle: LabHandle | null = null
  let ownerDir: string | null = null
  try {
    try {
      handle = await runLab(spec, {
        dir,
        signal: abort.signal,
        onProgress: (p) => err(`[${String(p.ms).padStart(5)} ms] ${p.message}`),
        // The restart policy at work (a node held down until failover, restarted): one line each.
        onPolicy: (e) => err(`[${new Date(e.t).toISOString().slice(11, 23)}] ${e.text}`),
        onLab: (lab, reused) => {
          if (reused && (spec.replicas !== undefined || spec.sentinels !== undefined || spec.quorum !== undefined || spec.timers)) {
            err(`note: ${lab.dir} already holds a lab; running it as it is (options for a new lab are ignored)`)
          }
          writeOwner(lab.dir)
          ownerDir = lab.dir
        },
      })
    } catch (e) {
      if (signalled) return 0
      if (e instanceof SpecError) return (err(`sentinel-lab up: ${e.message}`), 2)
      err(`sentinel-lab up: ${(e as Error).message}`)
      return 1
    }
    const summary = summarize(handle)
    writeOwner(handle.lab.dir, [summary.master, ...summary.replicas, ...summary.sentinels])
    if (values.json) out(JSON.stringify({ name: handle.lab.spec.name, dir: handle.lab.dir, healthyMs: handle.healthyMs, ...summary }))
    else {
      out(`lab '${handle.lab.spec.name}' HEALTHY in ${handle.healthyMs} ms: master 127.0.0.1:${summary.master.port}, ` +
        `replicas ${summary.replicas.map((r) => r.port).join(',') || 'none'}, sentinels ${summary.sentinels.map((s) => s.port).join(',')} (dir ${handle.lab.dir})`)
    }
    err(`Ctrl-C or 'sentinel-lab down --dir ${handle.lab.dir}' stops the lab`)
    await stopped
    err(`${signalled}: stopping the lab`)
    return 0
  } finally {
    if (handle) await handle.stop()
    if (ownerDir) clearOwner(ownerDir)
    unhook()
  }
}

function summarize(handle: LabHandle): { master: NodeSummary; replicas: NodeSummary[]; sentinels: NodeSummary[] } {
  const pids = new Map(handle.supervisor.snapshot().processes.map((p) => [p.program, p.pid]))
  const masterPort = handle.report.masterPort
  const nodes = handle.lab.nodes.map((n): NodeSummary => ({ name: n.name, port: n.port, pid: pids.get(n.name) ?? 0, role: n.port === masterPort ? 'master' : 'replica' }))
  return {
    master: nodes.find((n) => n.role === 'master')!,
    replicas: nodes.filter((n) => n.role === 'replica'),
    sentinels: handle.lab.sentinels.map((s) => ({ name: s.name, port: s.port, pid: pids.get(s.name) ?? 0, role: 'sentinel' })),
  }
}

function openLab(command: string, dir: string): Lab | null {
  if (!existsSync(join(dir, 'lab.json'))) {
    err(`sentinel-lab ${command}: no lab in ${dir} (start one with 'sentinel-lab up --dir ${dir}')`)
    return null
  }
  return readLab(dir)
}


function reason(e: unknown): string {
  const x = e as { code?: string; message?: string }
  return x.code === 'ECONNREFUSED' ? 'not running (connection refused)' : (x.message ?? String(e))
}

function fields(text: string): Record<string, string> {
  const o: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':')
    if (i > 0 && !line.startsWith('#')) o[line.slice(0, i)] = line.slice(i + 1)
  }
  return o
}

async function ask<T>(port: number, password: string | undefined, f: (c: Redis) => Promise<T>): Promise<T> {
  const c = failFastClient(port, password)
  try {
    await c.connect()
    return await f(c)
  } finally {
    c.disconnect()
  }
}

export async function status(values: Values): Promise<number> {
  const dir = labDir(values)
  const lab = openLab('status', dir)
  if (!lab) return 2
  const owner = liveOwner(lab.dir)
  const [nodes, sentinels, health] = await Promise.all([
    Promise.all(lab.nodes.map(async (n) => {
      try {
        const i = await ask(n.port, lab.password, async (c) => fields(await c.info('replication')))
        const role = i.role === 'slave' ? 'replica' : i.role
        return { name: n.name, port: n.port, role, masterPort: role === 'replica' ? Number(i.master_port) : null,
          link: role === 'replica' ? i.master_link_status : null, connectedReplicas: role === 'master' ? Number(i.connected_slaves) : null, error: null }
      } catch (e) {
        return { name: n.name, port: n.port, role: null, masterPort: null, link: null, connectedReplicas: null, error: reason(e) }
      }
    })),
    Promise.all(lab.sentinels.map(async (s) => {
      try {
        const [m, q] = await ask(s.port, undefined, (c) => Promise.all([
          c.call('SENTINEL', 'MASTER', lab.masterName) as Promise<unknown[]>,
          c.call('SENTINEL', 'CKQUORUM', lab.masterName).then(String, (e: Error) => e.message),
        ]))
        const o: Record<string, string> = {}
        for (let i = 0; i + 1 < m.length; i += 2) o[String(m[i])] = String(m[i + 1])
        return { name: s.name, port: s.port, master: `${o.ip}:${o.port}`, flags: o.flags, numSlaves: Number(o['num-slaves']),
          numOtherSentinels: Number(o['num-other-sentinels']), quorum: Number(o.quorum), ckquorum: q, error: null }
      } catch (e) {
        return { name: s.name, port: s.port, master: null, flags: null, numSlaves: null, numOtherSentinels: null, quorum: null, ckquorum: null, error: reason(e) }
      }
    })),
    checkHealth(lab),
  ])
  const running = owner ? { pid: owner.pid, since: new Date(owner.startedAt).toISOString() } : null
  if (values.json) {
    out(JSON.stringify({ name: lab.spec.name, dir: lab.dir, masterName: lab.masterName, running, healthy: health.healthy, masterPort: health.masterPort,
      nodes, sentinels, problems: health.checks.filter((c) => !c.ok).map((c) => ({ name: c.name, detail: c.detail })) }))
  } else {
    out(`lab '${lab.spec.name}' (${lab.dir}): ${health.healthy ? 'HEALTHY' : 'NOT HEALTHY'}` +
      (running ? `, run by 'sentinel-lab up' pid ${running.pid} since ${running.since}` : ', no `sentinel-lab up` runs it'))
    const w = Math.max(...[...lab.nodes, ...lab.sentinels].map((n) => n.name.length))
    for (const n of nodes) {
      const what = n.error ?? (n.role === 'master' ? `master, ${n.connectedReplicas} replica(s) connected`
        : n.role === 'replica' ? `replica of 127.0.0.1:${n.masterPort}, link ${n.link}` : `role ${n.role}`)
      out(`  ${n.name.padEnd(w)}  127.0.0.1:${n.port}  ${what}`)
    }
    for (const s of sentinels) {
      const what = s.error ?? `master '${lab.masterName}' at ${s.master}, flags ${s.flags}, ${s.numSlaves} replica(s), ${s.numOtherSentinels} other sentinel(s), quorum ${s.quorum}: ${s.ckquorum?.startsWith('OK') ? 'OK' : s.ckquorum}`
      out(`  ${s.name.padEnd(w)}  127.0.0.1:${s.port}  ${what}`)
    }
    for (const c of health.checks.filter((x) => !x.ok)) out(`  problem: ${c.name}: ${c.detail}`)
  }
  return health.healthy ? 0 : 1
}

export async function down(values: Values): Promise<number> {
  const dir = labDir(values)
  const timeout = values.timeout === undefined ? 30 : Number(values.timeout)
  if (!(timeout > 0)) return (err(`sentinel-lab down: --timeout takes a positive number of seconds`), 2)
  const lab = openLab('down', dir)
  if (!lab) return 2
  const owner = readOwner(lab.dir)
  const upAlive = owner !== null && stillRuns(owner.pid, owner.startTime)
  const left = (): number[] => (owner?.processes ?? []).filter((p) => stillRuns(p.pid, p.startTime)).map((p) => p.pid)
  if (!upAlive) {
    // `up` is gone (killed with SIGKILL?): stop what it recorded and left behind, if anything.
    const orphans = owner?.processes.filter((p) => stillRuns(p.pid, p.startTime)) ?? []
    if (orphans.length === 0) return (out(`lab '${lab.spec.name}' is not running`), 0)
    err(`'sentinel-lab up' is gone but left ${orphans.length} process(es): stopping them`)
    for (const p of orphans) kill(p.pid, 'SIGTERM')
  } else {
    kill(owner.pid, 'SIGTERM')
  }
  const deadline = Date.now() + timeout * 1000
  while ((upAlive && stillRuns(owner.pid, owner.startTime)) || left().length > 0) {
    if (Date.now() > deadline) {
      err(`sentinel-lab down: still running after ${timeout} s: ${[...(upAlive && stillRuns(owner.pid, owner.startTime) ? [owner.pid] : []), ...left()].join(', ')}`)
      return 1
    }
    await new Promise((r) => setTimeout(r, 20))
  }
  out(`lab '${lab.spec.name}' stopped`)
  return 0
}

function kill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch {
    // already gone
  }
}

const STILL_RECONFIGURING = 'sentinel-lab failover: the sentinels agree on the new master, but their leader still reconfigures the replicas: another failover is refused until it has'

export async function failover(values: Values): Promise<number> {
  if (values.safe && values.plain) return (err('sentinel-lab failover: --safe and --plain exclude each other'), 2)
  const lab = openLab('failover', labDir(values))
  if (!lab) return 2
  try {
    if (values.plain) {
      const r = await requestFailover(lab)
      if (values.json) out(JSON.stringify({ ...r, safe: false }))
      else out(`failover: 127.0.0.1:${r.from} -> 127.0.0.1:${r.to} in ${r.ms} ms (SENTINEL FAILOVER)`)
      if (!r.ended && !values.json) err(STILL_RECONFIGURING)
    } else {
      const r = await safeSwitchover(lab)
      if (values.json) out(JSON.stringify({ from: r.from, to: r.to, ms: r.ms, safe: true, heldMs: r.heldMs, caughtUpMs: r.caughtUpMs, ended: r.ended }))
      else out(`failover: 127.0.0.1:${r.from} -> 127.0.0.1:${r.to} in ${r.ms} ms (writes held ${r.heldMs} ms)`)
      if (!r.ended && !values.json) err(STILL_RECONFIGURING)
    }
    return 0
  } catch (e) {
    err(`sentinel-lab failover: ${e instanceof FailoverError ? e.message : reason(e)}`)
    return 1
  }
}

export async function killCommand(values: Values, node: string | undefined): Promise<number> {
  if (!node) return (err(`sentinel-lab kill: which node? e.g. 'sentinel-lab kill master'\n\n${LAB_HELP.kill}`), 2)
  const raw = typeof values.signal === 'string' ? values.signal : 'KILL'
  const signal = parseNodeSignal(raw)
  if (!signal) return (err(`sentinel-lab kill: --signal takes ${NODE_SIGNALS.join(', ')}, not '${raw}'`), 2)
  const lab = openLab('kill', labDir(values))
  if (!lab) return 2
  try {
    const r = await killNode(lab, node, signal)
    out(r.text)
    if (r.effective && signal === 'KILL' && r.wasMaster && liveOwner(lab.dir)) {
      err(`'sentinel-lab up' holds it down until the sentinels fail over, then restarts it as a replica`)
    } else if (r.effective && signal === 'STOP') {
      err(`'sentinel-lab kill ${r.name} --signal CONT' resumes it`)
    }
    return r.effective ? 0 : 1
  } catch (e) {
    if (e instanceof UnknownNodeError) return (err(`sentinel-lab kill: ${e.message}`), 2)
    err(`sentinel-lab kill: ${reason(e)}`)
    return 1
  }
}
