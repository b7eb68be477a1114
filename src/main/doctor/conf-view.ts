// What one redis.conf / sentinel.conf means to the process that reads it: the value that
// wins for each directive (the last line, as Redis applies them in order, and command-line
// options after the file), with where it was written so a finding can point at it.
import type { ConfKind } from '../../shared/conf'
import { type ConfLine, RedisConfDocument } from '../conf/redis-doc'

/** A directive as written: its words after the name, and where. */
export interface Written {
  file: string
  /** 1-based. */
  line: number
  /** 1-based column of the directive's first word. */
  column: number
  /** Lower-cased name ('replicaof', 'sentinel'). */
  name: string
  args: string[]
  /** Columns (1-based) of each arg, for findings that point at one word. */
  argColumns: number[]
}

/** `--name value...` given after the config file on a program's command line. */
export interface CommandOverride {
  name: string
  args: string[]
  /** Where the command is written (the ini's command= line). */
  file: string
  line: number
}

// Other spellings of the same directive: Redis's older ones, and Valkey's (which Valkey 8.0
// writes at CONFIG REWRITE: after one failover a Valkey lab's files say primaryauth).
const ALIASES: Record<string, string> = { slaveof: 'replicaof', 'slave-read-only': 'replica-read-only', primaryauth: 'masterauth', primaryuser: 'masteruser' }
const SENTINEL_ALIASES: Record<string, string> = { 'known-slave': 'known-replica', 'primary-reboot-down-after-period': 'master-reboot-down-after-period' }

function canonical(name: string): string {
  return ALIASES[name] ?? name
}

function written(file: string, index: number, line: ConfLine): Written {
  return {
    file, line: index + 1, column: line.tokens[0].start + 1, name: canonical(line.name),
    args: RedisConfDocument.args(line), argColumns: line.tokens.slice(1).map((t) => t.start + 1),
  }
}

export class ConfView {
  readonly lines: Written[]

  constructor(readonly path: string, readonly kind: ConfKind, text: string, overrides: readonly CommandOverride[] = []) {
    const doc = RedisConfDocument.parse(text)
    const lines: Written[] = []
    doc.lines.forEach((line, index) => {
      if (line.kind === 'directive') lines.push(written(path, index, line))
    })
    for (const o of overrides) {
      lines.push({ file: o.file, line: o.line, column: 1, name: canonical(o.name.toLowerCase()), args: o.args, argColumns: o.args.map(() => 1) })
    }
    this.lines = lines
  }

  /** Every line of this directive, in the order Redis applies them. */
  all(name: string): Written[] {
    const n = canonical(name)
    return this.lines.filter((l) => l.name === n)
  }

  /** The line that wins (the last one), if any. */
  last(name: string): Written | undefined {
    const all = this.all(name)
    return all[all.length - 1]
  }

  /** The single word the winning line gives ('' when absent or empty). */
  value(name: string): string {
    return this.last(name)?.args[0] ?? ''
  }

  isSentinel(): boolean {
    return this.kind === 'sentinel'
  }

  port(): number {
    const p = this.last('port')
    const n = p ? Number(p.args[0]) : this.isSentinel() ? 26379 : 6379
    return Number.isInteger(n) ? n : NaN
  }

  /** requirepass, or null when none ('' is none, as Redis reads it). */
  requirepass(): string | null {
    return this.value('requirepass') || null
  }

  masterauth(): string | null {
    return this.value('masterauth') || null
  }

  daemonize(): Written | undefined {
    const d = this.last('daemonize')
    return d && d.args[0]?.toLowerCase() === 'yes' ? d : undefined
  }

  /** replicaof host port, unless absent or `replicaof no one`. */
  replicaof(): { host: string; port: number; at: Written } | null {
    const r = this.last('replicaof')
    if (!r || r.args.length < 2 || r.args[0].toLowerCase() === 'no') return null
    return { host: r.args[0], port: Number(r.args[1]), at: r }
  }

  /**
   * Whether the node keeps its data across a restart: RDB snapshots (Redis 7 saves by default
   * when no `save` line is written; the first `save` line replaces the defaults, `save ""`
   * clears them) or an append-only file.
   */
  persistent(): boolean {
    if (this.value('appendonly').toLowerCase() === 'yes') return true
    const saves = this.all('save')
    if (saves.length === 0) return true
    let points = 0
    for (const s of saves) {
      if (s.args.length === 0 || (s.args.length === 1 && s.args[0] === '')) points = 0
      else points += Math.floor(s.args.length / 2)
    }
    return points > 0
  }

  /** The addresses the node listens on; Redis 7's default is every interface. */
  bind(): { addresses: string[]; at: Written | undefined } {
    const b = this.last('bind')
    return { addresses: b ? b.args : ['*', '-::*'], at: b }
  }

  /** protected-mode: Redis defaults to yes; Sentinel turns it off for itself. */
  protectedMode(): boolean {
    const p = this.last('protected-mode')
    if (p) return p.args[0]?.toLowerCase() === 'yes'
    return !this.isSentinel()
  }

  /** `sentinel <option> ...` lines (aliases resolved), the option's own words first in args. */
  sentinel(option: string): Written[] {
    const o = SENTINEL_ALIASES[option] ?? option
    return this.all('sentinel').filter((l) => (SENTINEL_ALIASES[l.args[0]?.toLowerCase()] ?? l.args[0]?.toLowerCase()) === o)
  }

  /** `sentinel <option> <master> ...` lines for one master. */
  sentinelFor(option: string, master: string): Written[] {
    return this.sentinel(option).filter((l) => l.args[1] === master)
  }
}

/** Loopback addresses: what a lab's members use to reach each other. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host)
}
