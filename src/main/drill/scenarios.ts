// The drills a user can run: each a script of timed steps over the lab's own actions, and
// the file format for writing one's own (JSON, the same shape as the built-ins below).
import { type DrillRequest, STEP_ACTIONS, type Scenario, type ScenarioStep } from '../../shared/drill'

const PROCESS_ACTIONS = new Set(['kill', 'pause', 'resume', 'stop', 'start', 'restart'])

function scenario(name: string, description: string, seconds: number, steps: ScenarioStep[]): Scenario {
  return { name, description, seconds, steps, needsProcessControl: steps.some((s) => PROCESS_ACTIONS.has(s.do)), needsLinks: steps.some((s) => s.do === 'partition' || s.do === 'heal') }
}

/** The built-in scenarios; `request` fills in what the user chose (the pause length, safe or not). */
export function builtInScenarios(request: Pick<DrillRequest, 'pauseSeconds' | 'safe' | 'rate'> = {}): Scenario[] {
  const pause = request.pauseSeconds ?? 20
  const cut = request.pauseSeconds ?? 12
  const rate = request.rate ?? 200
  return [
    scenario('kill-master', 'kill -9 of the master: the sentinels notice after down-after, elect a leader and promote a replica', 15, [
      { at: 2, do: 'kill', target: 'master' },
    ]),
    scenario('pause-master', `the master hangs for ${pause} s (SIGSTOP, a long GC pause or a stuck disk), then resumes: a split brain until Sentinel demotes it`, 2 + pause + 10, [
      { at: 2, do: 'pause', target: 'master' },
      { at: 2 + pause, do: 'resume', target: 'master' },
    ]),
    scenario('failover', request.safe === false
      ? "a planned switch-over with Sentinel's own SENTINEL FAILOVER: the old master accepts writes until it is demoted"
      : 'a planned switch-over done safely: writes paused, replicas caught up, SENTINEL FAILOVER, the old master pointed at the new one, writes resumed', 10, [
      { at: 2, do: request.safe === false ? 'sentinel-failover' : 'failover' },
    ]),
    scenario('kill-master-burst', 'kill -9 of the master during a write burst (5x the rate for 1.5 s)', 15, [
      { at: 1.5, do: 'rate', rate: Math.min(20_000, rate * 5) },
      { at: 2, do: 'kill', target: 'master' },
      { at: 3, do: 'rate', rate },
    ]),
    scenario('kill-master-and-sentinel', 'kill -9 of the master and of one sentinel at once: the others must still reach a majority', 15, [
      { at: 2, do: 'kill', target: 'master' },
      { at: 2, do: 'kill', target: 'sentinel-1' },
    ]),
    scenario('partition-master', `the master and the clients cut off from the replicas and the sentinels for ${cut} s, then healed: the majority elects a new master while the old one goes on acknowledging its clients' writes`, 2 + cut + 10, [
      { at: 2, do: 'partition', side: ['master', 'client'] },
      { at: 2 + cut, do: 'heal' },
    ]),
    scenario('partition-sentinels', `one sentinel cut off from the others (and from the nodes) for ${cut} s: the majority keeps the lab, nothing moves`, 2 + cut + 5, [
      { at: 2, do: 'partition', side: ['sentinel-1'] },
      { at: 2 + cut, do: 'heal' },
    ]),
    scenario('restart-replica', 'restart a replica, then again during its full resync: reads and writes go on', 10, [
      { at: 2, do: 'restart', target: 'replica' },
      { at: 2.3, do: 'restart', target: 'replica' },
    ]),
  ]
}

export function findScenario(name: string, request: Pick<DrillRequest, 'pauseSeconds' | 'safe' | 'rate'> = {}): Scenario | null {
  return builtInScenarios(request).find((s) => s.name === name) ?? null
}

/** A scenario from a file's text (JSON); every problem says where. */
export function parseScenario(text: string, file: string): Scenario {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    throw new Error(`${file}: not JSON: ${(e as Error).message}`)
  }
  const o = raw as Record<string, unknown>
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error(`${file}: a scenario is an object {name, description, seconds, steps}`)
  for (const k of Object.keys(o)) if (!['name', 'description', 'seconds', 'steps'].includes(k)) throw new Error(`${file}: ${k}: unknown field (name, description, seconds, steps)`)
  if (typeof o.name !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(o.name)) throw new Error(`${file}: name: 1 to 64 letters, digits, ".", "-" or "_"`)
  if (o.description !== undefined && typeof o.description !== 'string') throw new Error(`${file}: description: a string`)
  if (typeof o.seconds !== 'number' || !(o.seconds > 0 && o.seconds <= 600)) throw new Error(`${file}: seconds: how long the writer runs, more than 0 and at most 600`)
  if (!Array.isArray(o.steps)) throw new Error(`${file}: steps: an array of {at, do, target?, rate?}`)
  const steps = o.steps.map((s: unknown, i): ScenarioStep => {
    const at = `${file}: steps[${i}]`
    const step = s as Record<string, unknown>
    if (typeof step !== 'object' || step === null || Array.isArray(step)) throw new Error(`${at}: a step is an object {at, do, target?, rate?}`)
    for (const k of Object.keys(step)) if (!['at', 'do', 'target', 'rate', 'side'].includes(k)) throw new Error(`${at}: ${k}: unknown field (at, do, target, rate, side)`)
    if (typeof step.at !== 'number' || step.at < 0 || step.at > (o.seconds as number)) throw new Error(`${at}.at: seconds after the start, from 0 to ${o.seconds as number}`)
    if (!(STEP_ACTIONS as readonly unknown[]).includes(step.do)) throw new Error(`${at}.do: one of ${STEP_ACTIONS.join(', ')}`)
    const action = step.do as ScenarioStep['do']
    if (action === 'partition' && (!Array.isArray(step.side) || step.side.length === 0 || !step.side.every((x) => typeof x === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(x)))) {
      throw new Error(`${at}.side: the members on one side, e.g. ["master", "client"]`)
    }
    if (PROCESS_ACTIONS.has(action) && (typeof step.target !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(step.target))) {
      throw new Error(`${at}.target: 'master', 'replica' or a member's name (redis-replica-1, sentinel-2)`)
    }
    if (action === 'rate' && (typeof step.rate !== 'number' || !Number.isInteger(step.rate) || step.rate < 1 || step.rate > 20_000)) {
      throw new Error(`${at}.rate: writes per second, a whole number from 1 to 20000`)
    }
    return {
      at: step.at, do: action,
      ...(typeof step.target === 'string' ? { target: step.target } : {}),
      ...(action === 'rate' ? { rate: step.rate as number } : {}),
      ...(action === 'partition' ? { side: step.side as string[] } : {}),
    }
  })
  return scenario(o.name, (o.description as string | undefined) ?? '', o.seconds, steps.sort((a, b) => a.at - b.at))
}
