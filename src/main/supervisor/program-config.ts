// What one supervised process is configured to be, after supervisord's expansion rules.
import type { AutoRestart } from './datatypes'

/** A log channel's file: a path, 'AUTO' (the engine picks one), or null (discarded). */
export interface LogConfig {
  file: string | null
  maxbytes: number
  backups: number
}

export interface ProcessConfig {
  /** Process name (process_name after expansion). */
  name: string
  /** Group name: the [group:x] that lists the program, else the program name. */
  group: string
  /** The x of [program:x]. */
  program: string
  command: string
  directory: string | null
  /** [supervisord] environment merged with the program's own (the program wins). */
  environment: Record<string, string>
  priority: number
  autostart: boolean
  autorestart: AutoRestart
  startsecs: number
  startretries: number
  exitcodes: number[]
  stopsignal: NodeJS.Signals
  stopwaitsecs: number
  stopasgroup: boolean
  killasgroup: boolean
  redirectStderr: boolean
  umask: number | null
  stdout: LogConfig
  stderr: LogConfig
  /** Sentinel Lab's additions; supervisord ignores both keys. */
  dependsOn: string[]
  readyPort: number | null
  /** Where the [program:x] section starts, and the line of each key in it. */
  file: string
  line: number
  keyLines: Record<string, number>
}

export interface GroupConfig {
  name: string
  priority: number
  processes: ProcessConfig[]
  file: string
  line: number
}

/** supervisorctl's namespec: the process name alone when it equals its group's. */
export function namespec(group: string, name: string): string {
  return group === name ? name : `${group}:${name}`
}

/** Fields whose change makes `update` restart a process (supervisord compares these). */
export function sameProcessConfig(a: ProcessConfig, b: ProcessConfig): boolean {
  const { file: _fa, line: _la, keyLines: _ka, ...ra } = a
  const { file: _fb, line: _lb, keyLines: _kb, ...rb } = b
  return JSON.stringify(ra) === JSON.stringify(rb)
}
