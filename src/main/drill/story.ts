// What happened in one drill run, in plain words and in order: the fault, when each sentinel
// saw it, the election, the promotion, when the client first wrote to the new master, when
// the old master was demoted, and what was lost in between. Each line that comes from a
// Sentinel event names it, so the page can link it to the lab's timeline and log.
import type { DrillMark, DrillVerdict, StoryLine } from '../../shared/drill'
import type { DrillLab, DrillMember } from './drill-lab'
import type { HeardEvent } from './sentinel-events'
import type { Operation } from './writer'

export interface StoryInput {
  lab: DrillLab
  master: DrillMember
  ops: readonly Operation[]
  marks: readonly DrillMark[]
  events: readonly HeardEvent[]
  verdict: DrillVerdict
  rate: number
}

export function storyOf(input: StoryInput): StoryLine[] {
  const { lab, master, ops, verdict } = input
  const nameOf = (port: number | undefined): string => lab.nodes.find((n) => n.port === port)?.name ?? `:${port}`
  const lines: StoryLine[] = [{ t: 0, text: `The client starts writing ${input.rate} keys a second to ${master.name} (:${master.port}), the master.` }]
  for (const m of input.marks) if (m.kind !== 'sentinel') lines.push({ t: m.t, text: faultWords(m.label) })

  const firstFault = input.marks.find((m) => m.kind === 'fault')?.t ?? null
  if (firstFault !== null) {
    const lastBefore = ops.filter((o) => o.outcome === 'ok' && o.end <= firstFault).reduce<Operation | null>((a, o) => (a && a.end > o.end ? a : o), null)
    if (lastBefore) lines.push({ t: lastBefore.end, text: `Last write acknowledged before the fault (by ${nameOf(lastBefore.port)}).` })
  }

  const firstOf = new Set<string>()
  for (const e of input.events) {
    const words = eventWords(e, nameOf)
    if (!words) continue
    // One line per sentinel for +sdown, one for the others (the count says how many agreed).
    // +switch-master once per new master: a second failover is its own line.
    const key = e.type === '+sdown' || e.type === '+odown' ? `${e.type}|${e.member}|${e.text}` : e.type === '+switch-master' ? `${e.type}|${e.text}` : e.type
    if (firstOf.has(key)) continue
    firstOf.add(key)
    const count = e.type === '+switch-master' ? input.events.filter((x) => x.type === '+switch-master' && x.text === e.text).length : 0
    lines.push({ t: e.t, text: count > 1 ? `${words} (${count} sentinels announce it)` : words, member: e.member, event: e.type, payload: e.text })
  }

  const switched = input.events.find((e) => e.type === '+switch-master')
  const newPort = switched ? Number(switched.text.split(' ')[4]) : null
  if (newPort) {
    const first = ops.filter((o) => o.outcome === 'ok' && o.port === newPort && o.end >= switched!.t - 1000).reduce<Operation | null>((a, o) => (a && a.end < o.end ? a : o), null)
    if (first) lines.push({ t: first.end, text: `The client's first write acknowledged by the new master ${nameOf(newPort)}.` })
  }
  if (verdict.lostRange) {
    lines.push({ t: verdict.lostRange.to, text: `${verdict.lostAcked} acknowledged write${verdict.lostAcked === 1 ? ' is' : 's are'} missing from the final master: acknowledged between ${sec(verdict.lostRange.from)} and ${sec(verdict.lostRange.to)}, then thrown away.` })
  } else {
    lines.push({ t: ops.reduce((m, o) => Math.max(m, o.end), 0), text: `Every acknowledged write (${verdict.acked}) is on the final master.` })
  }
  return lines.sort((a, b) => a.t - b.t).map((l) => ({ ...l, t: Math.round(l.t) }))
}

function faultWords(label: string): string {
  if (/ failed: /.test(label)) return `${label[0]!.toUpperCase()}${label.slice(1)}.`
  const [verb, ...rest] = label.split(' ')
  const who = rest.join(' ')
  switch (verb) {
    case 'kill': return `The fault: ${who} is killed (SIGKILL, as a crash or an OOM kill).`
    case 'pause': return `The fault: ${who} hangs (SIGSTOP, as a long GC pause or a stuck disk): its sockets stay open, it answers nothing.`
    case 'resume': return `${who} resumes (SIGCONT), unaware of what happened meanwhile.`
    case 'restart': return `${who} is restarted.`
    case 'stop': return `${who} is stopped.`
    case 'start': return `${who} is started.`
    case 'safe': return 'A planned switch-over, done safely: writes paused on the master, the replicas caught up, SENTINEL FAILOVER, the old master pointed at the new one, writes resumed.'
    case 'SENTINEL': return "A planned switch-over with Sentinel's own SENTINEL FAILOVER: the master goes on accepting writes until Sentinel demotes it."
    case 'partition': return `The fault: a partition, ${who.replace(' | the rest', '')} on one side, everyone else on the other: what crosses it is held, nothing arrives.`
    case 'heal': return 'The links are healed: what was held is delivered.'
    case 'rate': return `The client now writes ${who}.`
    default: return `${label[0]!.toUpperCase()}${label.slice(1)}.`
  }
}

/** A Sentinel event in words, or null for the ones the story leaves to the timeline. */
function eventWords(e: HeardEvent, nameOf: (port: number | undefined) => string): string | null {
  const words = e.text.split(' ')
  const about = (): string => (words[0] === 'master' ? `the master ${nameOf(Number(words[3]))}` : words[0] === 'slave' ? `the replica ${nameOf(Number(words[3]))}` : `${words[0]} ${words[1] ?? ''}`.trim())
  switch (e.type) {
    case '+sdown': return words[0] === 'sentinel' ? null : `${e.member} sees ${about()} down (+sdown: no valid reply within down-after).`
    case '-sdown': return words[0] === 'sentinel' ? null : `${e.member} sees ${about()} answering again (-sdown).`
    case '+odown': return `${e.member}: enough sentinels agree, ${about()} is objectively down (+odown, quorum ${words.slice(-1)[0] ?? ''}).`
    case '+new-epoch': return `${e.member} starts an election in epoch ${words[0]} (+new-epoch).`
    case '+elected-leader': return `${e.member} is elected leader and runs the failover (+elected-leader).`
    case '+selected-slave': return `${e.member} picks ${about()} to promote (+selected-slave).`
    case '+promoted-slave': return `${about()} is promoted: it is the master now (+promoted-slave).`
    case '+switch-master': return `The sentinels tell clients the new master is ${nameOf(Number(words[4]))} (:${words[4]}), was ${nameOf(Number(words[2]))} (+switch-master).`
    case '+convert-to-slave': return `The old master ${about().replace(/^the replica /, '')} is demoted to a replica (+convert-to-slave): what it acknowledged since the failover is thrown away.`
    case '+tilt': return `${e.member} enters TILT mode (its clock jumped): it acts on nothing for 30 s (+tilt).`
    default: return null
  }
}

const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
