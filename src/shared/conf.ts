// The config-editing half of the API contract: files, located diagnostics, the doctor's
// findings, what a save will apply and how, and external changes. Pure data: the main
// process computes all of it (src/main/conf, src/main/lab/doctor); the renderer shows it.

export type ConfKind = 'redis' | 'sentinel' | 'supervisor'
export type Severity = 'error' | 'warning' | 'info'

/** A located problem in one file. Lines and columns count from 1; endColumn is exclusive. */
export interface ConfDiagnostic {
  file: string
  line: number
  column: number
  endColumn: number
  /** The directive (redis: 'maxmemory', sentinel: 'sentinel down-after-milliseconds'; ini: 'program:x.command'), or null. */
  directive: string | null
  severity: Severity
  /** Stable id: 'unbalanced-quotes', 'unknown-directive', 'bad-value', 'missing-argument', 'deprecated', ... */
  code: string
  /** What is wrong and what is allowed, in one or two sentences. */
  message: string
}

/** One edit of a directive, lossless (conf-edit.ts / ini-doc.ts). */
export interface ConfEdit {
  file: string
  op: 'set' | 'unset'
  /** As for `sentinel-lab conf set`: 'masterauth', 'sentinel down-after-milliseconds mymaster', 'program:x.autostart'. */
  directive: string
  /** For 'set': the words after the directive. */
  args?: string[]
}

export interface DoctorFix {
  /** What the button says: "Add masterauth to redis-replica-1/redis.conf". */
  label: string
  edits: ConfEdit[]
}

export interface DoctorFinding {
  /** Rule id: 'masterauth-missing', 'duplicate-myid', 'daemonize-under-supervisor', ... */
  id: string
  severity: Severity
  /** Where it is: a file (line, column, directive when known); absent for what the live lab shows. */
  file?: string
  line?: number
  column?: number
  directive?: string
  /** One line. */
  title: string
  /** Plain words: what will happen and why. */
  explanation: string
  /** A one-click fix, only where it is safe. */
  fix?: DoctorFix
}

/** A config file the app knows: a lab's lab.ini, redis.conf of each node, sentinel.conf of each sentinel; a supervisor .ini. */
export interface ConfFileRef {
  path: string
  kind: ConfKind
  /** For lists: 'redis-master/redis.conf', 'lab.ini'. */
  label: string
  /** The lab member whose process reads it, if any. */
  member?: string
  /** It holds a password (mode 0600 kept). */
  secret: boolean
}

export interface ConfFileView extends ConfFileRef {
  text: string
  /** Identifies the content on disk (a hash): saves name the version they were based on. */
  version: string
  /** The file's mode, e.g. 0o600. */
  mode: number
  diagnostics: ConfDiagnostic[]
  findings: DoctorFinding[]
  /** Lab files: which lab, and whether the process that reads it runs now. */
  owner?: { labId: string; member: string; running: boolean }
  /** redis.conf / sentinel.conf: the release its directives are checked against. */
  checkedAgainst?: CheckedAgainst
}

/** The release a redis.conf / sentinel.conf is checked for, and where that came from. */
export interface CheckedAgainst {
  /** 'Redis 7.0.15', 'Valkey 8.0.1', or 'Redis 7.0' when assumed. */
  release: string
  /** The binary whose --version said it; null when none was found and the release is assumed. */
  binary: string | null
}

/** How one changed directive reaches the process that reads the file. */
export interface ApplyStep {
  directive: string
  /** live: CONFIG SET / SENTINEL SET then CONFIG REWRITE / flush; restart: that process restarts; next-start: nothing runs it now. */
  how: 'live' | 'restart' | 'next-start'
  /** The commands 'live' sends, passwords masked: "CONFIG SET maxmemory 1gb". */
  commands: string[]
  /** Why a restart: "port cannot change at run time". */
  why?: string
}

export interface ApplyPlan {
  /** The member (node or sentinel name) the steps apply to, or null for a file no running process reads. */
  member: string | null
  steps: ApplyStep[]
  /** Some step needs a restart of `member`. */
  restart: boolean
}

/** What checkConf answers while the user types. */
export interface ConfCheck {
  diagnostics: ConfDiagnostic[]
  findings: DoctorFinding[]
  /** What saving this text would do (against the version on disk). */
  plan: ApplyPlan
}

export interface ApplyOutcome {
  directive: string
  how: ApplyStep['how']
  ok: boolean
  /** "CONFIG SET maxmemory 1gb: OK", "restarted redis-replica-1", or the error. */
  message: string
}

export interface ConfSaveResult {
  view: ConfFileView
  /** Where the replaced version was kept, or null for a new file. */
  backup: string | null
  applied: ApplyOutcome[]
}

/** A file open in an editor changed on disk (Sentinel rewrote it, another editor saved it). */
export interface ConfChangedEvent {
  path: string
  /** The new content and its version; null when the file was deleted. */
  text: string | null
  version: string | null
}

export interface MergeConflict {
  /** 1-based line in the merged text where the conflict markers start. */
  line: number
  base: string[]
  mine: string[]
  theirs: string[]
}

export interface MergeResult {
  /** Clean merge, or the text with <<<<<<< mine / ======= / >>>>>>> disk markers at each conflict. */
  text: string
  conflicts: MergeConflict[]
}

type ArgType = 'string' | 'int' | 'bytes' | 'ms' | 'seconds' | 'bool' | 'enum' | 'host' | 'port' | 'password' | 'path' | 'name' | 'runid'

export interface ArgInfo {
  name: string
  type: ArgType
  values?: string[]
  min?: number
  max?: number
  optional?: boolean
  /** Takes every remaining word (save's pairs, bind's addresses). */
  variadic?: boolean
}

/** One directive of the schema, for the form (help, units, validation as you type). */
export interface DirectiveInfo {
  /** 'maxmemory', 'sentinel down-after-milliseconds'. */
  name: string
  file: 'redis' | 'sentinel' | 'both'
  /** Words after the name (for sentinel per-master options the master name first). */
  args: ArgInfo[]
  help: string
  /** A group for the form: 'Network', 'Security', 'Replication', 'Persistence', 'Memory', 'Sentinel', 'Logging', 'General'. */
  group: string
  /** live: CONFIG SET (redis) / SENTINEL SET (sentinel); restart: only at start. */
  apply: 'live' | 'restart'
  /** Older spellings that mean the same ('slaveof' for 'replicaof'). */
  aliases: string[]
  /** May appear on several lines (save, bind... known-sentinel). */
  multiple: boolean
  /** Holds a password: masked in the UI. */
  secret: boolean
  /** Redis's default, as written in a file. */
  default?: string
  /** Written by Sentinel itself (myid, known-*, epochs): shown read-only in the form. */
  managed?: boolean
}

/** A key of a supervisor [program:x] section, for the form. */
export interface IniKeyInfo {
  name: string
  type: 'string' | 'bool' | 'int' | 'enum' | 'bytes' | 'path' | 'signal'
  values?: string[]
  help: string
  default?: string
}

export interface ConfSchema {
  redis: DirectiveInfo[]
  sentinel: DirectiveInfo[]
  program: IniKeyInfo[]
}
