// The supervisor programs that run redis-server / redis-sentinel, read from .ini texts with
// the supervisor engine's own parser (supervisord's reading rules): which binary, which
// config file, which options the command line adds, and whether a crash restarts it.
import { dirname, isAbsolute, resolve } from 'node:path'
import { split } from 'shlex'
import { autoRestart, type AutoRestart } from '../supervisor/datatypes'
import { IniDocument } from '../supervisor/ini-parser'
import { pyFormat } from '../supervisor/py-format'
import type { CommandOverride } from './conf-view'

export interface RedisProgram {
  /** The x of [program:x]. */
  name: string
  /** The .ini file and the line of its [program:x] header. */
  file: string
  line: number
  runs: 'redis' | 'sentinel'
  /** The config file the command names, made absolute (null: none on the command line). */
  conf: string | null
  /** directory= (the working directory), expanded; null when not set. */
  directory: string | null
  overrides: CommandOverride[]
  /** supervisord's default is 'unexpected': a crash (kill -9, a signal) restarts it too. */
  autorestart: AutoRestart
  /** Where autorestart is written, or the section header when it is left to the default. */
  autorestartLine: number
  autorestartWritten: boolean
}

/** Programs of one .ini text; a text supervisord could not read yields none (validation reports it). */
export function redisPrograms(path: string, text: string): RedisProgram[] {
  const doc = new IniDocument()
  try {
    doc.read(text, path)
  } catch {
    return []
  }
  const out: RedisProgram[] = []
  for (const section of doc.sectionNames()) {
    if (!section.startsWith('program:')) continue
    const name = section.slice('program:'.length)
    const here = dirname(path)
    const expand = (v: string): string => {
      try {
        return pyFormat(v, { program_name: name, group_name: name, process_num: 0, numprocs: 1, here, host_node_name: 'localhost', ...envExpansions() })
      } catch {
        return v // a value supervisord would reject: read it as written
      }
    }
    const command = doc.get(section, 'command')
    if (!command) continue
    const parsed = parseCommand(expand(command.value), command.line, path)
    if (!parsed) continue
    const directory = doc.get(section, 'directory')
    const base = directory ? expand(directory.value) : here
    const restart = doc.get(section, 'autorestart')
    let autorestart: AutoRestart = 'unexpected'
    try {
      if (restart) autorestart = autoRestart(expand(restart.value))
    } catch {
      // A bad value is the validator's to report; supervisord would not start at all.
    }
    const sectionLine = doc.sections.get(section)?.line ?? 1
    out.push({
      name, file: path, line: sectionLine, runs: parsed.runs,
      conf: parsed.conf === null ? null : isAbsolute(parsed.conf) ? parsed.conf : resolve(base, parsed.conf),
      directory: directory ? expand(directory.value) : null,
      overrides: parsed.overrides, autorestart,
      autorestartLine: restart?.line ?? sectionLine, autorestartWritten: restart !== undefined,
    })
  }
  return out
}

function envExpansions(): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) out[`ENV_${k}`] = v
  return out
}

interface ParsedCommand {
  runs: 'redis' | 'sentinel'
  conf: string | null
  overrides: CommandOverride[]
}

/** `redis-server [conf] [--opt v...]...` or `redis-sentinel conf ...` (or Valkey's valkey-server / valkey-sentinel); null for any other program. */
function parseCommand(command: string, line: number, file: string): ParsedCommand | null {
  let argv: string[]
  try {
    argv = split(command)
  } catch {
    return null
  }
  const bin = (argv[0] ?? '').split('/').pop() ?? ''
  if (!/^(redis|valkey)-(server|sentinel)$/.test(bin)) return null
  let runs: 'redis' | 'sentinel' = bin.endsWith('-sentinel') ? 'sentinel' : 'redis'
  let at = 1
  const conf = argv[1] !== undefined && !argv[1].startsWith('--') && argv[1] !== '-' ? argv[1] : null
  if (conf !== null) at = 2
  const overrides: CommandOverride[] = []
  for (; at < argv.length; at++) {
    const word = argv[at]
    if (!word.startsWith('--')) {
      overrides[overrides.length - 1]?.args.push(word)
      continue
    }
    const name = word.slice(2).toLowerCase()
    if (name === 'sentinel') runs = 'sentinel'
    else overrides.push({ name, args: [], file, line })
  }
  return { runs, conf, overrides }
}
