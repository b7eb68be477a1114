// npm run bench [-- NAME...] [--json] [--kills N] [--seconds S] [--fast-runs N] [--realistic-runs N]
// Runs the named benchmarks (all when none is named), each with the engine and real
// supervisord side by side, and prints a table (or, with --json, one JSON document on
// stdout; progress goes to stderr). Exits 0 whether goals are met or missed; 1 if a
// benchmark crashed, 2 on bad arguments.
import { execFileSync } from 'node:child_process'
import { cpus } from 'node:os'
import { parseArgs } from 'node:util'
import { bringupBench, defaults as bringupDefaults } from './bringup'
import { confBench, defaults as confDefaults } from './conf'
import { defaults as drillDefaults, drillBench } from './drill'
import { defaults as proxyDefaults, proxyBench } from './proxy'
import { defaults as failoverDefaults, failoverBench } from './failover'
import { defaults as logFloodDefaults, logFloodBench } from './logflood'
import { defaults as logDefaults, logThroughputBench } from './logthroughput'
import { type BenchResult, formatTable, toJson } from './report'
import { defaults as restartDefaults, restartBench } from './restart'
import { SUPERVISORD, stopAll } from './sides'

interface Flags {
  kills: number
  seconds: number
  /** failover: runs with fast / realistic Sentinel timers. */
  fastRuns: number
  realisticRuns: number
}

const BENCHMARKS: Record<string, (f: Flags, progress: (s: string) => void) => Promise<BenchResult>> = {
  restart: (f, p) => restartBench({ ...restartDefaults, kills: f.kills }, p),
  logthroughput: (f, p) => logThroughputBench({ ...logDefaults, seconds: f.seconds }, p),
  bringup: (_f, p) => bringupBench(bringupDefaults, p),
  failover: (f, p) => failoverBench({ ...failoverDefaults, fastRuns: f.fastRuns, realisticRuns: f.realisticRuns }, p),
  logflood: (_f, p) => logFloodBench(logFloodDefaults, p),
  conf: (_f, p) => confBench(confDefaults, p),
  drill: (_f, p) => drillBench(drillDefaults, p),
  proxy: (_f, p) => proxyBench(proxyDefaults, p),
}

async function main(): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        kills: { type: 'string' },
        seconds: { type: 'string' },
        'fast-runs': { type: 'string' },
        'realistic-runs': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help) {
    process.stdout.write(`Usage: npm run bench -- [${Object.keys(BENCHMARKS).join('|')}]... [--json] [--kills N] [--seconds S] [--fast-runs N] [--realistic-runs N]\n`)
    return 0
  }
  const unknown = positionals.filter((p) => !(p in BENCHMARKS))
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')} (have: ${Object.keys(BENCHMARKS).join(', ')})\n`)
    return 2
  }
  const flags: Flags = {
    kills: values.kills !== undefined ? Number(values.kills) : restartDefaults.kills,
    seconds: values.seconds !== undefined ? Number(values.seconds) : logDefaults.seconds,
    fastRuns: values['fast-runs'] !== undefined ? Number(values['fast-runs']) : failoverDefaults.fastRuns,
    realisticRuns: values['realistic-runs'] !== undefined ? Number(values['realistic-runs']) : failoverDefaults.realisticRuns,
  }
  if (!Number.isInteger(flags.kills) || flags.kills < 1 || !(flags.seconds > 0)) {
    process.stderr.write('bench: --kills takes a positive integer, --seconds a positive number\n')
    return 2
  }
  if (![flags.fastRuns, flags.realisticRuns].every((n) => Number.isInteger(n) && n >= 0) || flags.fastRuns + flags.realisticRuns === 0) {
    process.stderr.write('bench: --fast-runs and --realistic-runs take whole numbers >= 0, not both 0\n')
    return 2
  }
  if (process.platform !== 'linux') {
    process.stderr.write('bench: the benchmarks read /proc and need Linux\n')
    return 2
  }

  const names = positionals.length > 0 ? positionals : Object.keys(BENCHMARKS)
  const results: BenchResult[] = []
  let crashed = false
  const started = Date.now()
  for (const name of names) {
    const t = Date.now()
    try {
      results.push(await BENCHMARKS[name](flags, (s) => process.stderr.write(`bench: ${name}: ${s}...\n`)))
      process.stderr.write(`bench: ${name}: done in ${((Date.now() - t) / 1000).toFixed(1)} s\n`)
    } catch (e) {
      crashed = true
      process.stderr.write(`bench: ${name} crashed: ${(e as Error).stack ?? e}\n`)
    } finally {
      await stopAll()
    }
  }
  const meta = {
    date: new Date().toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    node: process.version,
    cpus: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`,
    supervisord: version(),
    crashed,
  }
  if (values.json) process.stdout.write(toJson(results, meta) + '\n')
  else {
    process.stdout.write(`\nSentinel Lab engine vs supervisord ${meta.supervisord} (${meta.cpus}, node ${meta.node})\n\n`)
    process.stdout.write(formatTable(results) + '\n')
  }
  return crashed ? 1 : 0
}

function version(): string {
  try {
    return execFileSync(SUPERVISORD, ['--version'], { encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    process.stderr.write(`bench: ${sig}, stopping everything it started\n`)
    void stopAll().finally(() => process.exit(130))
  })
}

main().then(
  async (code) => {
    await stopAll()
    process.exit(code)
  },
  async (e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`)
    await stopAll()
    process.exit(1)
  },
)
