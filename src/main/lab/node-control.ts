// Rehearsing failures from outside the supervisor, for the app and `sentinel-lab kill`:
// find a lab process's pid by asking it (INFO server's process_id; the pid's /proc cmdline
// must name its port, so a stale or foreign pid is never signalled) and send it KILL (a
// crash), STOP (a pause: alive but silent, as in a long GC or a frozen VM) or CONT.
// A paused process cannot answer, so its pid is then found in /proc by the same mark.
import { readFileSync, readdirSync } from 'node:fs'
import { failFastClient } from '../sentinel/redis-pool'
import { parseInfo } from '../sentinel/replies'
import type { Lab } from './layout'
import { askMasterPorts, mostReported } from './sentinel-ask'

export type NodeSignal = 'KILL' | 'STOP' | 'CONT'
export const NODE_SIGNALS: readonly NodeSignal[] = ['KILL', 'STOP', 'CONT']

export class UnknownNodeError extends Error {
  constructor(name: string, readonly valid: string[]) {
    super(`no node or sentinel named '${name}' in this lab; valid names: ${valid.join(', ')}`)
    this.name = 'UnknownNodeError'
  }
}

export interface LabMember {
  name: string
  port: number
  kind: 'node' | 'sentinel'
  /** What its cmdline holds besides the port when it keeps its own title (set-proc-title no). */
  conf: string
}

/** 'KILL', 'sigkill', 'SIGSTOP'... -> the signal, or null for anything else. */
export function parseNodeSignal(s: string): NodeSignal | null {
  const n = s.toUpperCase().replace(/^SIG/, '')
  return (NODE_SIGNALS as readonly string[]).includes(n) ? (n as NodeSignal) : null
}

/** Every name `killNode` accepts, 'master' first. */
function memberNames(lab: Lab): string[] {
  return ['master', ...members(lab).map((m) => m.name)]
}

function members(lab: Lab): LabMember[] {
  return [
    ...lab.nodes.map((n): LabMember => ({ name: n.name, port: n.port, kind: 'node', conf: n.conf })),
    ...lab.sentinels.map((s): LabMember => ({ name: s.name, port: s.port, kind: 'sentinel', conf: s.conf })),
  ]
}


async function info(port: number, password: string | undefined, section: string): Promise<Record<string, string>> {
  const c = failFastClient(port, password)
  try {
    await c.connect()
    return parseInfo(await c.info(section))
  } finally {
    c.disconnect()
  }
}

/** The node the sentinels report as the master (most of those answering); if none answers, the one node saying role:master. */
export async function currentMaster(lab: Lab): Promise<LabMember> {
  const port = mostReported(await askMasterPorts(lab.sentinels, lab.masterName))
  const byPort = members(lab).find((m) => m.kind === 'node' && m.port === port)
  if (byPort) return byPort
  if (port !== null) throw new Error(`the sentinels report 127.0.0.1:${port} as the master, which is not a node of this lab`)
  const roles = await Promise.all(lab.nodes.map((n) => info(n.port, lab.password, 'replication').then((i) => i.role, () => null)))
  const masters = lab.nodes.filter((_, i) => roles[i] === 'master')
  if (masters.length === 1) return members(lab).find((m) => m.name === masters[0].name)!
  throw new Error(`cannot tell which node is the master: no sentinel answers and ${masters.length === 0 ? 'no node reports' : `${masters.length} nodes report`} role:master`)
}

/** A program name or 'master' -> the member, or UnknownNodeError listing the valid names. */
async function findMember(lab: Lab, name: string): Promise<LabMember> {
  if (name === 'master') return currentMaster(lab)
  const m = members(lab).find((x) => x.name === name)
  if (!m) throw new UnknownNodeError(name, memberNames(lab))
  return m
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()
  } catch {
    return ''
  }
}

/** The state letter of /proc/PID/stat (R, S, T stopped, Z zombie...), or null if there is no such process. */
export function procState(pid: number): string | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3)
  } catch {
    return null
  }
}

/** Whether this pid's command line is the member's: the server retitles itself "redis-server 127.0.0.1:PORT" (Valkey: "valkey-server ..."). */
function isMember(pid: number, m: LabMember): boolean {
  const c = cmdline(pid)
  return /redis|valkey/.test(c) && (new RegExp(`:${m.port}(\\s|$)`).test(c) || c.includes(m.conf))
}

/**
 * The member's pid: asked of it (INFO server), checked against /proc; if it does not answer
 * (paused, or busy), the one live redis process in /proc whose cmdline names its port.
 */
async function findPid(lab: Lab, m: LabMember): Promise<number> {
  let asked: number | null = null
  try {
    asked = Number((await info(m.port, m.kind === 'node' ? lab.password : undefined, 'server')).process_id)
  } catch {
    // Not answering: look in /proc below.
  }
  if (asked && isMember(asked, m)) return asked
  const found = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)
    .filter((pid) => pid !== process.pid && procState(pid) !== 'Z' && procState(pid) !== null && isMember(pid, m))
  if (found.length === 1) return found[0]
  if (found.length > 1) throw new Error(`${m.name}: several processes name port ${m.port} (${found.join(', ')}): not signalling any`)
  throw new Error(`${m.name} (127.0.0.1:${m.port}) is not running`)
}

interface KillResult {
  name: string
  port: number
  pid: number
  signal: NodeSignal
  /** Whether the sentinels reported it as the master when it was signalled. */
  wasMaster: boolean
  /** Whether the signal took effect within 2 s (gone, stopped, running again). */
  effective: boolean
  /** What was done, in plain words. */
  text: string
}

/**
 * Send `signal` to a lab node or sentinel ('master': whichever node the sentinels report),
 * and wait (2 s at most) until it took effect: gone for KILL, stopped for STOP, running for CONT.
 */
export async function killNode(lab: Lab, name: string, signal: NodeSignal = 'KILL'): Promise<KillResult> {
  const m = await findMember(lab, name)
  const [pid, masterPort] = await Promise.all([
    findPid(lab, m),
    m.kind === 'node' ? askMasterPorts(lab.sentinels, lab.masterName).then(mostReported) : Promise.resolve(null),
  ])
  const wasMaster = masterPort === m.port
  process.kill(pid, `SIG${signal}`)
  const done = (): boolean => {
    const s = procState(pid)
    return signal === 'KILL' ? s === null || s === 'Z' : signal === 'STOP' ? s === 'T' || s === 't' : s !== 'T' && s !== 't'
  }
  const deadline = Date.now() + 2000
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
  const who = `${m.name} (127.0.0.1:${m.port}, pid ${pid}${wasMaster ? ', the master' : ''})`
  const verb = signal === 'KILL' ? 'killed' : signal === 'STOP' ? 'paused' : 'resumed'
  const effective = done()
  const text = effective ? `${verb} ${who} with SIG${signal}` : `sent SIG${signal} to ${who}, but it is still ${signal === 'KILL' ? 'alive' : signal === 'STOP' ? 'running' : 'stopped'} after 2 s`
  return { name: m.name, port: m.port, pid, signal, wasMaster, effective, text }
}
