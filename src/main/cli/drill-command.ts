// `sentinel-lab drill SCENARIO`: a failover drill against the lab that `sentinel-lab up`
// runs (or any lab folder): the client writes, the fault is made, and the verdict says what
// the client went through and what Redis threw away.
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { CLIENT_PRESETS, type ClientPreset, type CustomClient, clientLabel, type DrillReport, type DrillRequest, type DrillRun, type Scenario } from '../../shared/drill'
import { LAB_DEFAULTS } from '../../shared/lab-spec'
import { signalledLab } from '../drill/folder-lab'
import { DEFAULT_RATE, runDrill } from '../drill/run-drill'
import { builtInScenarios, findScenario, parseScenario } from '../drill/scenarios'
import { labsRoot, readLab } from '../lab/blueprint'

export const DRILL_HELP = `Usage: sentinel-lab drill SCENARIO [--dir D] [--client default|detector|both|custom] [--rate R]
                          [--seconds S] [--pause S] [--min-replicas N] [--wait N]
                          [--safe | --plain] [--json]
       sentinel-lab drill --file SCENARIO.json [options]
       sentinel-lab drill --list

Runs a failover drill against the lab in D (run by 'sentinel-lab up' in another terminal):
a client (ioredis in sentinel mode, as your application would use it) writes unique keys
at R writes a second, the scenario's faults are made on schedule, and once the lab is steady
again the keys the final master holds are compared with every write the client saw
acknowledged. It prints what the client went through: how long it could not write, the
errors it saw, the longest command, and the acknowledged writes Redis threw away (exact).

Scenarios (--list prints them): kill-master, pause-master (--pause S, default 20),
failover (--safe, the default, or --plain: Sentinel's own SENTINEL FAILOVER),
kill-master-burst, kill-master-and-sentinel, restart-replica, and for labs run with
'up --links': partition-master and partition-sentinels (--pause S: how long, default 12). --file runs your own, a JSON
file: {"name", "description", "seconds", "steps": [{"at": 2, "do": "kill", "target": "master"}]}
(do: kill, pause, resume, restart, failover, sentinel-failover, rate, partition, heal, and
stop / start in the app; target: master, replica, or a member's name; side, for partition:
the members on one side, 'client' among them if you like; see the README). --pause applies
to the built-in scenarios only.

Options:
  --dir D            the lab folder (default: ${join(labsRoot(), LAB_DEFAULTS.name)})
  --client C         default: ioredis's defaults; detector: failoverDetector + commandTimeout
                     500 ms; both: one run each, side by side; custom: ioredis's defaults
                     changed by the four options below (default: default)
  --failover-detector        custom: subscribe to +switch-master (ioredis failoverDetector)
  --command-timeout MS       custom: fail a command unanswered after MS (commandTimeout)
  --no-offline-queue         custom: fail commands at once while disconnected
  --max-retries N            custom: maxRetriesPerRequest (ioredis's default 20)
  --rate R           writes per second (default ${DEFAULT_RATE})
  --seconds S        how long the client writes (default: the scenario's)
  --pause S          pause-master: how long the master hangs (default 20)
  --min-replicas N   min-replicas-to-write N (min-replicas-max-lag 2) on every node for the drill
  --wait N           WAIT for N replicas after each write (a write counts once replicated)
  --safe / --plain   failover: the safe switch-over (default) or SENTINEL FAILOVER
  --json             print one JSON object: scenario, client, acked, lostAcked, unknown, errors,
                     unavailableMs, maxLatencyMs, failoverMs, reportDir (and runs: one per client)
  -h, --help         show this help

Exit status: 0 the drill ran (whatever it found); 1 it could not run; 2 usage; 130 stopped
(Ctrl-C: what the drill paused is resumed, what it cut healed).`

type Values = Record<string, string | boolean | undefined>

export async function drillCommand(values: Values, positionals: string[]): Promise<number> {
  const err = (s: string): void => void process.stderr.write(s + '\n')
  const usage = (s: string): number => (err(`sentinel-lab drill: ${s}\n\n${DRILL_HELP}`), 2)
  if (values.list) {
    for (const s of builtInScenarios()) process.stdout.write(`${s.name.padEnd(26)} ${s.description}\n`)
    return 0
  }
  if (values.safe && values.plain) return usage('--safe and --plain exclude each other')
  const numbers: Record<string, number> = {}
  for (const [key, min, max] of [['rate', 1, 20_000], ['seconds', 1, 600], ['pause', 1, 300], ['min-replicas', 0, 16], ['wait', 0, 16]] as const) {
    const v = values[key]
    if (v === undefined) continue
    const n = Number(v)
    if (!Number.isInteger(n) || n < min || n > max) return usage(`--${key} takes a whole number from ${min} to ${max}, not '${String(v)}'`)
    numbers[key] = n
  }
  const clientWord = typeof values.client === 'string' ? values.client : 'default'
  const clients: ClientPreset[] = clientWord === 'both' ? ['default', 'detector'] : (CLIENT_PRESETS as readonly string[]).includes(clientWord) ? [clientWord as ClientPreset] : []
  if (clients.length === 0) return usage(`--client takes default, detector, both or custom, not '${clientWord}'`)
  const custom: CustomClient = {}
  if (values['failover-detector']) custom.failoverDetector = true
  if (values['no-offline-queue']) custom.enableOfflineQueue = false
  for (const [key, field, min, max] of [['command-timeout', 'commandTimeoutMs', 1, 600_000], ['max-retries', 'maxRetriesPerRequest', 0, 1000]] as const) {
    const v = values[key]
    if (v === undefined) continue
    const n = Number(v)
    if (!Number.isInteger(n) || n < min || n > max) return usage(`--${key} takes a whole number from ${min} to ${max}, not '${String(v)}'`)
    custom[field] = n
  }
  if (Object.keys(custom).length > 0 && !clients.includes('custom')) return usage('--failover-detector, --command-timeout, --no-offline-queue and --max-retries set up --client custom')

  const request: DrillRequest = {
    scenario: '', clients, ...(clients.includes('custom') ? { custom } : {}), rate: numbers.rate, pauseSeconds: numbers.pause, safe: !values.plain,
    minReplicas: numbers['min-replicas'], waitReplicas: numbers.wait,
  }
  let scenario: Scenario | null
  if (typeof values.file === 'string') {
    try {
      scenario = parseScenario(readFileSync(values.file, 'utf8'), values.file)
    } catch (e) {
      err(`sentinel-lab drill: ${(e as Error).message}`)
      return 1
    }
  } else {
    if (positionals.length !== 1) return usage(positionals.length ? `one SCENARIO, not ${positionals.length}` : 'which SCENARIO? (--list lists them)')
    scenario = findScenario(positionals[0], request)
    if (!scenario) return usage(`unknown scenario '${positionals[0]}' (--list lists them)`)
  }
  if (numbers.seconds) {
    const last = Math.max(0, ...scenario.steps.map((x) => x.at))
    if (numbers.seconds < last) return usage(`--seconds ${numbers.seconds} ends before the scenario's last step (at ${last} s)`)
    scenario = { ...scenario, seconds: numbers.seconds }
  }
  request.scenario = scenario.name

  const dir = resolve(typeof values.dir === 'string' ? values.dir : join(labsRoot(), LAB_DEFAULTS.name))
  if (!existsSync(join(dir, 'lab.json'))) {
    err(`sentinel-lab drill: no lab in ${dir} (start one with 'sentinel-lab up --dir ${dir}')`)
    return 1
  }
  let report: DrillReport
  // Ctrl-C stops the drill, not the lab: what it paused is resumed, what it cut healed, its settings put back.
  const abort = new AbortController()
  const stop = (): void => {
    if (!abort.signal.aborted) process.stderr.write('sentinel-lab drill: stopping (resuming what the drill paused, healing what it cut)...\n')
    abort.abort()
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  try {
    report = await runDrill(signalledLab(readLab(dir)), scenario, request, {
      signal: abort.signal,
      progress: (text) => void (values.json ? null : process.stderr.write(`  ${text}\n`)),
    })
  } catch (e) {
    err(`sentinel-lab drill: ${(e as Error).message}`)
    return abort.signal.aborted ? 130 : 1
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
  if (values.json) process.stdout.write(JSON.stringify(jsonOf(report)) + '\n')
  else process.stdout.write(textOf(report))
  return 0
}

function runJson(r: DrillRun): Record<string, unknown> {
  const v = r.verdict
  return {
    client: r.client, acked: v.acked, lostAcked: v.lostAcked, unknown: v.unknown, errors: v.errors,
    unavailableMs: v.unavailableMs, maxLatencyMs: v.maxLatencyMs, failoverMs: v.failoverMs,
    writes: v.writes, failed: v.failed, unknownApplied: v.unknownApplied, lostRange: v.lostRange, gaps: v.gaps,
    p99LatencyMs: v.p99LatencyMs, achievedRate: v.achievedRate, durationMs: r.durationMs,
  }
}

function jsonOf(report: DrillReport): Record<string, unknown> {
  const runs = report.runs.map(runJson)
  return { scenario: report.scenario.name, ...runs[0], reportDir: report.dir, runs, advice: report.advice.map((a) => a.text) }
}

/** The verdict as a table, one column per client, then the story of the first run and the advice. */
function textOf(report: DrillReport): string {
  const rows: [string, (r: DrillRun) => string][] = [
    ['writes (acknowledged)', (r) => `${r.verdict.writes} (${r.verdict.acked})`],
    ['acknowledged, then lost', (r) => String(r.verdict.lostAcked)],
    ['unknown outcome (timed out)', (r) => `${r.verdict.unknown} (${r.verdict.unknownApplied} applied)`],
    ['errors', (r) => Object.entries(r.verdict.errors).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'],
    ['longest without a write', (r) => `${(r.verdict.unavailableMs / 1000).toFixed(1)} s`],
    ['longest command', (r) => `${r.verdict.maxLatencyMs} ms`],
    ['failover (fault -> +switch-master)', (r) => (r.verdict.failoverMs === null ? '-' : `${(r.verdict.failoverMs / 1000).toFixed(1)} s`)],
  ]
  const width = Math.max(...rows.map(([k]) => k.length)) + 2
  const col = Math.max(28, ...report.runs.map((r) => clientLabel(r.client, r.settings).length + 2))
  const lines = [`drill ${report.scenario.name}: ${report.scenario.description}`, '']
  lines.push(''.padEnd(width) + report.runs.map((r) => clientLabel(r.client, r.settings).padEnd(col)).join(''))
  for (const [label, f] of rows) lines.push(label.padEnd(width) + report.runs.map((r) => f(r).padEnd(col)).join(''))
  for (const r of report.runs) {
    lines.push('', `What happened (${clientLabel(r.client, r.settings)}):`)
    for (const s of r.story) lines.push(`  ${(s.t / 1000).toFixed(1).padStart(5)} s  ${s.text}`)
  }
  if (report.advice.length) lines.push('', 'What to change:', ...report.advice.map((a) => `  - ${a.text}`))
  if (report.dir) lines.push('', `report: ${report.dir}`)
  return lines.join('\n') + '\n'
}
