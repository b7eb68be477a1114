// `sentinel-lab link|partition|heal|links`: link faults on a lab run with --links, asked of
// the process that runs it (its front proxies live there). Members are named as in the lab
// (redis-replica-1, sentinel-2), 'master' is whichever node the sentinels name now, and
// 'client' is everything on 127.0.0.1 (your application, a drill's client).
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { LAB_DEFAULTS } from '../../shared/lab-spec'
import { labsRoot, readLab } from '../lab/blueprint'
import type { Lab } from '../lab/layout'
import { currentMaster } from '../lab/node-control'
import type { LinksSnapshot } from '../links/lab-links'
import { type LinksReply, type LinksRequest, askLinks } from '../links/links-control'

const DIR = `  --dir D        the lab folder (default: ${join(labsRoot(), LAB_DEFAULTS.name)})`
export const LINK_HELP: Record<string, string> = {
  link: `Usage: sentinel-lab link cut|slow|heal|reset A B [--oneway] [--latency MS] [--jitter MS]
                         [--bandwidth BYTES_PER_S] [--dir D] [--json]

Changes the link between two members of a lab run with 'sentinel-lab up --links'. A and B
are members (redis-master, redis-replica-1, sentinel-2), 'master' (the node the sentinels
name now) or 'client' (everything on 127.0.0.1: your application, a drill's client).
  cut     a partition: what either sends the other is held, nothing arrives, the
          connections stay open (as when packets are dropped); new connections hang
  slow    add --latency MS (and --jitter MS) and/or limit --bandwidth, per direction
  heal    back to normal; what was held is delivered (TCP would retransmit it)
  reset   close the connections between them (they reconnect)
--oneway acts on what A sends B only.

Options:
  --oneway       only the direction A -> B
  --latency MS   slow: added delay (default 0)
  --jitter MS    slow: up to this much more, at random
  --bandwidth N  slow: at most N bytes a second
${DIR}
  --json         print the links' state as JSON
  -h, --help     show this help`,
  partition: `Usage: sentinel-lab partition A,B,... [--dir D] [--json]

Cuts the lab in two: the named members (and 'client' if named) on one side, every other
member on the other; the links within each side are left as they are. 'master' is the node
the sentinels name now. Example, the old master cut off with its clients:
  sentinel-lab partition master,client
Heal with 'sentinel-lab heal'.

Options:
${DIR}
  --json         print the links' state as JSON
  -h, --help     show this help`,
  heal: `Usage: sentinel-lab heal [--dir D] [--json]

Heals every link of the lab (cuts, latency, bandwidth): what was held is delivered.

Options:
${DIR}
  --json         print the links' state as JSON
  -h, --help     show this help`,
  links: `Usage: sentinel-lab links [--dir D] [--json]

Shows a lab's link faults and its connections, each by both ends (who called whom), as the
front proxies see them.

Options:
${DIR}
  --json         print the links' state as JSON
  -h, --help     show this help`,
}

type Values = Record<string, string | boolean | undefined>
const out = (s: string): void => void process.stdout.write(s + '\n')
const err = (s: string): void => void process.stderr.write(s + '\n')

export async function linkCommand(command: 'link' | 'partition' | 'heal' | 'links', values: Values, words: string[]): Promise<number> {
  const dir = resolve(typeof values.dir === 'string' ? values.dir : join(labsRoot(), LAB_DEFAULTS.name))
  const usage = (s: string): number => (err(`sentinel-lab ${command}: ${s}\n\n${LINK_HELP[command]}`), 2)
  if (!existsSync(join(dir, 'lab.json'))) return (err(`sentinel-lab ${command}: no lab in ${dir} (start one with 'sentinel-lab up --links --dir ${dir}')`), 1)
  const lab = readLab(dir)
  if (!lab.spec.links) return (err(`sentinel-lab ${command}: the lab in ${dir} runs without link faults: make one with 'sentinel-lab up --links'`), 1)
  let request: LinksRequest
  try {
    if (command === 'links') request = { op: 'snapshot' }
    else if (command === 'heal') {
      if (words.length) return usage(`unexpected argument '${words[0]}'`)
      request = { op: 'heal' }
    } else if (command === 'partition') {
      if (words.length !== 1) return usage('give one list of members, comma-separated: partition master,client')
      request = { op: 'partition', side: await Promise.all(words[0]!.split(',').filter(Boolean).map((w) => member(lab, w))) }
    } else {
      const [verb, a, b, ...rest] = words
      if (!verb || !['cut', 'slow', 'heal', 'reset'].includes(verb)) return usage('expected cut, slow, heal or reset')
      if (!a || !b || rest.length) return usage(`${verb}: expected two members, A and B`)
      const [x, y] = [await member(lab, a), await member(lab, b)]
      const num = (k: string): number | undefined => (values[k] === undefined ? undefined : Number(values[k]))
      for (const k of ['latency', 'jitter', 'bandwidth']) {
        const n = num(k)
        if (n !== undefined && !(Number.isInteger(n) && n >= 0 && n <= 600_000_000)) return usage(`--${k} takes a whole number, not '${String(values[k])}'`)
      }
      if (verb === 'cut') request = { op: 'set', a: x, b: y, change: { cut: true }, oneway: Boolean(values.oneway) }
      else if (verb === 'heal') request = values.oneway ? { op: 'set', a: x, b: y, change: { cut: false, latencyMs: 0, jitterMs: 0, bytesPerSecond: null }, oneway: true } : { op: 'heal', a: x, b: y }
      else if (verb === 'reset') request = { op: 'reset', a: x, b: y }
      else {
        if (num('latency') === undefined && num('bandwidth') === undefined) return usage('slow: give --latency MS and/or --bandwidth BYTES_PER_S')
        request = { op: 'set', a: x, b: y, oneway: Boolean(values.oneway), change: { latencyMs: num('latency') ?? 0, jitterMs: num('jitter') ?? 0, bytesPerSecond: num('bandwidth') || null } }
      }
    }
  } catch (e) {
    return (err(`sentinel-lab ${command}: ${(e as Error).message}`), 2)
  }
  let reply: LinksReply
  try {
    reply = await askLinks(dir, request)
  } catch (e) {
    return (err(`sentinel-lab ${command}: ${(e as Error).message}`), 1)
  }
  if (!reply.ok) return (err(`sentinel-lab ${command}: ${reply.error}`), 1)
  if (values.json) out(JSON.stringify(reply.snapshot))
  else out(describe(reply.snapshot, request.op === 'reset' ? reply.reset : undefined))
  return 0
}

/** A member's name as the lab has it; 'master' is the node the sentinels name now. */
async function member(lab: Lab, word: string): Promise<string> {
  if (word === 'client') return 'client'
  if (word === 'master') return (await currentMaster(lab)).name
  if ([...lab.nodes, ...lab.sentinels].some((m) => m.name === word)) return word
  throw new Error(`${word}: no such member (have ${[...lab.nodes, ...lab.sentinels].map((m) => m.name).join(', ')}, master, client)`)
}

function describe(s: LinksSnapshot, reset?: number): string {
  const lines: string[] = []
  if (reset !== undefined) lines.push(`reset ${reset} connection(s)`)
  if (s.faults.length === 0) lines.push('every link is healthy')
  for (const f of s.faults) {
    const what = [f.fault.cut ? 'cut' : null, f.fault.latencyMs ? `+${f.fault.latencyMs} ms${f.fault.jitterMs ? ` (±${f.fault.jitterMs})` : ''}` : null, f.fault.bytesPerSecond ? `${f.fault.bytesPerSecond} B/s` : null].filter(Boolean).join(', ')
    lines.push(`${f.from} -> ${f.to}: ${what}`)
  }
  const pairs = new Map<string, number>()
  for (const c of s.connections) pairs.set(`${c.from} -> ${c.to}`, (pairs.get(`${c.from} -> ${c.to}`) ?? 0) + 1)
  lines.push(`${s.connections.length} connection(s): ${[...pairs].map(([k, n]) => `${k}${n > 1 ? ` x${n}` : ''}`).join(', ')}`)
  return lines.join('\n')
}
