// sentinel-lab: the command line. Every command runs the same engines as the app, headless.
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { TransitionEvent } from '../../shared/model'
import { logDir, stateDir } from '../platform/paths'
import { startWebBridge } from '../transport/web-bridge'
import { CONF_HELP, confCommand } from './conf-command'
import { LAB_HELP, down, failover, killCommand, status, up } from './lab-commands'
import { DOCTOR_HELP, doctorCommand } from './doctor-command'
import { DRILL_HELP, drillCommand } from './drill-command'
import { LINK_HELP, linkCommand } from './link-commands'
import { AppService } from '../app/app-service'
import { ConfigError } from '../supervisor/config-loader'
import { Supervisor } from '../supervisor/supervisor'
import { appRoot, appVersion } from '../platform/version'

const HELP: Record<string, string> = {
  main: `sentinel-lab ${appVersion()}: a local Redis high-availability lab

Usage: sentinel-lab <command> [options]

Commands:
  supervise FILE.ini   run a supervisord configuration in the foreground
  serve [PATH]         serve the app to your browser on 127.0.0.1
  up                   run a Redis HA lab (master, replicas, sentinels) in the foreground
  status               show a lab's nodes and sentinels, and whether it is HEALTHY
  down                 stop a lab run by 'up' in another terminal
  failover             a manual failover: the sentinels promote a replica
  kill NODE            kill -9 (or pause, resume) one process of a lab
  drill SCENARIO       a failover drill: what a client loses when the master dies
  link cut|slow|heal   cut, slow or heal the link between two members (labs run with --links)
  partition A,B,...    cut the lab in two; heal: heal every link; links: show them
  doctor PATH...       check config files (and what runs from them) for known mistakes
  conf get|set|unset   read or change one directive of a redis.conf, sentinel.conf or .ini
  help [COMMAND]       show help for a command

Run 'sentinel-lab <command> --help' for a command's options.`,
  supervise: `Usage: sentinel-lab supervise FILE.ini|FOLDER [--events jsonl] [--logdir DIR]

Runs the programs of a supervisord configuration in the foreground, like
'supervisord -n -c FILE.ini'. Ctrl-C (SIGINT) or SIGTERM stops every program, in
descending priority, and exits 0 once all are gone.

Options:
  --events jsonl   print one JSON object per state change on stdout:
                   {"t":ms,"name":"x","from":"STARTING","to":"RUNNING","pid":1,"exitcode":null,"expected":null}
  --logdir DIR     where AUTO log files go (default: ${logDir()})
  -h, --help       show this help`,
  serve: `Usage: sentinel-lab serve [PATH] [--port P]

Serves Sentinel Lab to your browser on 127.0.0.1 and prints the URL to open (it holds a
random token; the server refuses requests without it and from other sites).
PATH, if given, is a supervisord .ini file or folder opened at start.

Options:
  --port P     listen on port P (default: a free port)
  -h, --help   show this help`,
  ...LAB_HELP,
  doctor: DOCTOR_HELP,
  drill: DRILL_HELP,
  ...LINK_HELP,
  conf: CONF_HELP,
}

export async function main(argv: string[]): Promise<number> {
  // A closed pipe (`sentinel-lab up | head -1`, a reader that went away) must not crash a
  // command that owns processes: it would leave them running. What cannot be printed is dropped.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {})
  const [command, ...rest] = argv
  if (!command || command === '-h' || command === '--help') return help('main', 0)
  if (command === '--version' || command === '-v') return print(appVersion(), 0)
  switch (command) {
    case 'help':
      return help(rest[0] && rest[0] in HELP ? rest[0] : 'main', 0)
    case 'supervise':
      return supervise(rest)
    case 'serve':
      return serve(rest)
    case 'up':
    case 'status':
    case 'down':
    case 'failover':
    case 'kill':
      return labCommand(command, rest)
    case 'doctor':
      return doctorCommand(rest)
    case 'drill':
      return drill(rest)
    case 'link':
    case 'partition':
    case 'heal':
    case 'links':
      return links(command, rest)
    case 'conf':
      return confCommand(rest)
    default:
      process.stderr.write(`sentinel-lab: unknown command '${command}'\n\n`)
      return help('main', 2)
  }
}

function help(topic: string, code: number): number {
  return print(HELP[topic], code)
}

function print(text: string, code: number): number {
  ;(code === 0 ? process.stdout : process.stderr).write(text + '\n')
  return code
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>
interface Parsed {
  values: Record<string, string | boolean | undefined>
  positionals: string[]
}

function parse(args: string[], options: OptionSpec, topic: string): Parsed | null {
  try {
    return parseArgs({ args, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true }) as Parsed
  } catch (e) {
    process.stderr.write(`sentinel-lab ${topic}: ${(e as Error).message}\n\n${HELP[topic]}\n`)
    return null
  }
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'))
    process.once('SIGTERM', () => resolve('SIGTERM'))
  })
}

async function supervise(args: string[]): Promise<number> {
  const parsed = parse(args, { events: { type: 'string' }, logdir: { type: 'string' } }, 'supervise')
  if (!parsed) return 2
  if (parsed.values.help) return help('supervise', 0)
  const file = parsed.positionals[0]
  if (!file || parsed.positionals.length > 1) return print(`sentinel-lab supervise: expected one FILE.ini\n\n${HELP.supervise}`, 2)
  if (parsed.values.events !== undefined && parsed.values.events !== 'jsonl') {
    return print(`sentinel-lab supervise: --events takes 'jsonl', not '${String(parsed.values.events)}'`, 2)
  }
  const jsonl = parsed.values.events === 'jsonl'
  const supervisor = new Supervisor({ logDir: (parsed.values.logdir as string | undefined) ?? logDir(), stateDir: stateDir() })
  supervisor.on('transition', (e) => {
    if (jsonl) {
      const { t, name, from, to, pid, exitcode, expected } = e
      process.stdout.write(JSON.stringify({ t, name, from, to, pid, exitcode, expected }) + '\n')
    } else {
      process.stderr.write(describe(e) + '\n')
    }
  })
  const signal = untilSignal()
  try {
    const config = await supervisor.load(file)
    for (const i of config.issues) process.stderr.write(`${i.severity}: ${i.file}${i.line ? `:${i.line}` : ''} ${i.message}\n`)
  } catch (e) {
    process.stderr.write(`sentinel-lab supervise: ${(e as Error).message}\n`)
    return e instanceof ConfigError ? 2 : 1
  }
  await signal
  await supervisor.shutdown()
  return 0
}

type LabCommand = 'up' | 'status' | 'down' | 'failover' | 'kill'

const LAB_OPTIONS: Record<LabCommand, OptionSpec> = {
  up: { replicas: { type: 'string' }, sentinels: { type: 'string' }, quorum: { type: 'string' }, name: { type: 'string' },
    dir: { type: 'string' }, fast: { type: 'boolean' }, links: { type: 'boolean' }, json: { type: 'boolean' } },
  status: { dir: { type: 'string' }, json: { type: 'boolean' } },
  down: { dir: { type: 'string' }, timeout: { type: 'string' } },
  failover: { dir: { type: 'string' }, json: { type: 'boolean' }, safe: { type: 'boolean' }, plain: { type: 'boolean' } },
  kill: { dir: { type: 'string' }, signal: { type: 'string' } },
}

async function labCommand(command: LabCommand, args: string[]): Promise<number> {
  const parsed = parse(args, LAB_OPTIONS[command], command)
  if (!parsed) return 2
  if (parsed.values.help) return help(command, 0)
  // kill takes one NODE; the others take no argument.
  const extra = parsed.positionals.slice(command === 'kill' ? 1 : 0)
  if (extra.length > 0) return print(`sentinel-lab ${command}: unexpected argument '${extra[0]}'\n\n${HELP[command]}`, 2)
  switch (command) {
    case 'up': return up(parsed.values)
    case 'status': return status(parsed.values)
    case 'down': return down(parsed.values)
    case 'failover': return failover(parsed.values)
    case 'kill': return killCommand(parsed.values, parsed.positionals[0])
  }
}

async function drill(args: string[]): Promise<number> {
  const parsed = parse(args, {
    dir: { type: 'string' }, client: { type: 'string' }, rate: { type: 'string' }, seconds: { type: 'string' }, pause: { type: 'string' },
    'min-replicas': { type: 'string' }, wait: { type: 'string' }, safe: { type: 'boolean' }, plain: { type: 'boolean' },
    json: { type: 'boolean' }, list: { type: 'boolean' }, file: { type: 'string' },
    'failover-detector': { type: 'boolean' }, 'command-timeout': { type: 'string' }, 'no-offline-queue': { type: 'boolean' }, 'max-retries': { type: 'string' },
  }, 'drill')
  if (!parsed) return 2
  if (parsed.values.help) return help('drill', 0)
  return drillCommand(parsed.values, parsed.positionals)
}

async function links(command: 'link' | 'partition' | 'heal' | 'links', args: string[]): Promise<number> {
  const parsed = parse(args, {
    dir: { type: 'string' }, json: { type: 'boolean' }, oneway: { type: 'boolean' },
    latency: { type: 'string' }, jitter: { type: 'string' }, bandwidth: { type: 'string' },
  }, command)
  if (!parsed) return 2
  if (parsed.values.help) return help(command, 0)
  return linkCommand(command, parsed.values, parsed.positionals)
}

function describe(e: TransitionEvent): string {
  const time = new Date(e.t).toISOString().slice(11, 23)
  const extra = e.exitcode !== null ? ` (exit status ${e.exitcode}${e.expected === false ? '; not expected' : ''})` : ''
  return `${time} ${e.name}: ${e.from} -> ${e.to}${e.pid ? ` pid ${e.pid}` : ''}${extra}`
}

async function serve(args: string[]): Promise<number> {
  const parsed = parse(args, { port: { type: 'string' } }, 'serve')
  if (!parsed) return 2
  if (parsed.values.help) return help('serve', 0)
  const port = parsed.values.port === undefined ? 0 : Number(parsed.values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) return print(`sentinel-lab serve: --port must be 0-65535`, 2)
  const service = new AppService({ transport: 'web', version: appVersion() })
  const signal = untilSignal()
  const bridge = await startWebBridge({ service, rendererDir: join(appRoot(), 'out', 'renderer'), port })
  if (parsed.positionals[0]) await service.openConfig(parsed.positionals[0])
  process.stdout.write(`Sentinel Lab is serving on ${bridge.url}\nOpen that URL in your browser; Ctrl-C stops the server and every process it started.\n`)
  await signal
  await service.shutdown()
  await bridge.close()
  return 0
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`sentinel-lab: ${(e as Error).stack ?? e}\n`)
      process.exit(1)
    },
  )
}
