// The keys of supervisord's sections, for the editor's form and for validation. Values are
// checked with the supervisor engine's own converters (src/main/supervisor/datatypes.ts),
// so the editor rejects exactly what the engine, and supervisord, would reject at load time.
import type { IniKeyInfo } from '../../shared/conf'
import { autoRestart, boolean, byteSize, exitCodes, integer, keyValuePairs, processOrGroupName, signalName } from './datatypes'

const BOOL = ['true', 'false']
const logKeys = (channel: 'stdout' | 'stderr'): IniKeyInfo[] => [
  { name: `${channel}_logfile`, type: 'path', default: 'AUTO', help: `Where the process's ${channel} goes: a file, AUTO (a file the supervisor picks) or NONE.` },
  { name: `${channel}_logfile_maxbytes`, type: 'bytes', default: '50MB', help: 'Rotate the log file at this size (50MB, 1GB, 0 for never).' },
  { name: `${channel}_logfile_backups`, type: 'int', default: '10', help: 'How many rotated log files to keep (0 for none).' },
  { name: `${channel}_capture_maxbytes`, type: 'bytes', default: '0', help: 'Capture mode buffer size (for event listeners).' },
  { name: `${channel}_events_enabled`, type: 'bool', values: BOOL, default: 'false', help: 'Emit PROCESS_LOG events for this channel.' },
  { name: `${channel}_syslog`, type: 'bool', values: BOOL, default: 'false', help: 'Also send the output to syslog.' },
]

/** [program:x] keys: supervisord 4.2's, and Sentinel Lab's two additions (supervisord ignores them). */
export const PROGRAM_KEYS: readonly IniKeyInfo[] = [
  { name: 'command', type: 'string', help: 'The command to run, in the foreground (no daemonize). Required.' },
  { name: 'process_name', type: 'string', default: '%(program_name)s', help: 'Process name; must hold %(process_num)s when numprocs > 1.' },
  { name: 'numprocs', type: 'int', default: '1', help: 'How many copies of the program to run.' },
  { name: 'numprocs_start', type: 'int', default: '0', help: 'The first %(process_num)s.' },
  { name: 'priority', type: 'int', default: '999', help: 'Start order: lower starts first and stops last.' },
  { name: 'autostart', type: 'bool', values: BOOL, default: 'true', help: 'Start the program when the supervisor starts.' },
  { name: 'autorestart', type: 'enum', values: ['true', 'false', 'unexpected'], default: 'unexpected', help: 'Restart after an exit: always, never, or only on an exit code not in exitcodes.' },
  { name: 'startsecs', type: 'int', default: '1', help: 'Seconds the process must stay up to count as RUNNING.' },
  { name: 'startretries', type: 'int', default: '3', help: 'Failed starts (BACKOFF) tried before giving up (FATAL).' },
  { name: 'exitcodes', type: 'string', default: '0', help: 'Expected exit codes, comma-separated (for autorestart=unexpected).' },
  { name: 'stopsignal', type: 'signal', values: ['TERM', 'HUP', 'INT', 'QUIT', 'KILL', 'USR1', 'USR2'], default: 'TERM', help: 'The signal that asks the process to stop.' },
  { name: 'stopwaitsecs', type: 'int', default: '10', help: 'Seconds to wait after stopsignal before SIGKILL.' },
  { name: 'stopasgroup', type: 'bool', values: BOOL, default: 'false', help: 'Send stopsignal to the whole process group.' },
  { name: 'killasgroup', type: 'bool', values: BOOL, default: 'false', help: 'Send SIGKILL to the whole process group.' },
  { name: 'user', type: 'string', help: 'Run as this user (ignored by Sentinel Lab: processes run as you).' },
  { name: 'redirect_stderr', type: 'bool', values: BOOL, default: 'false', help: "Send stderr to stdout's log." },
  ...logKeys('stdout'),
  ...logKeys('stderr'),
  { name: 'environment', type: 'string', help: 'KEY="value",KEY2="value2" added to the environment.' },
  { name: 'directory', type: 'path', help: 'Working directory of the process.' },
  { name: 'umask', type: 'string', help: 'Octal umask of the process (022).' },
  { name: 'serverurl', type: 'string', help: 'supervisorctl server URL passed to the process (SUPERVISOR_SERVER_URL).' },
  { name: 'depends_on', type: 'string', help: 'Sentinel Lab: programs that must be RUNNING (and ready) first, comma-separated.' },
  { name: 'ready_port', type: 'int', help: 'Sentinel Lab: the process is ready once this TCP port accepts connections.' },
]

/** Keys of the other sections supervisord reads; a key not listed is flagged as unknown. */
export const SECTION_KEYS: Readonly<Record<string, readonly string[]>> = {
  group: ['programs', 'priority'],
  include: ['files'],
  supervisord: ['logfile', 'logfile_maxbytes', 'logfile_backups', 'loglevel', 'pidfile', 'umask', 'nodaemon', 'silent',
    'minfds', 'minprocs', 'nocleanup', 'childlogdir', 'user', 'directory', 'strip_ansi', 'environment', 'identifier'],
}

/** Sections supervisord reads without complaint; anything else is unknown. */
export const KNOWN_SECTION = /^(DEFAULT|supervisord|unix_http_server|inet_http_server|supervisorctl|include|(program|group|eventlistener|fcgi-program|rpcinterface|ctlplugin):.+)$/

function octal(s: string): void {
  if (!/^[0-7]+$/.test(s.trim())) throw new Error(`not an octal number: '${s}' (like 022)`)
}

function whole(s: string): number {
  try {
    return integer(s)
  } catch {
    throw new Error(`not a whole number: '${s}'`)
  }
}

const CHECKS: Record<string, (value: string) => unknown> = {
  process_name: processOrGroupName,
  // supervisord takes any integer for both (numprocs below 1: no process is run).
  numprocs: whole,
  numprocs_start: whole,
  priority: whole,
  autostart: boolean,
  autorestart: autoRestart,
  // supervisord reads these as plain integers: a negative one is accepted.
  startsecs: whole,
  startretries: whole,
  exitcodes: exitCodes,
  stopsignal: signalName,
  stopwaitsecs: whole,
  stopasgroup: boolean,
  killasgroup: boolean,
  redirect_stderr: boolean,
  environment: keyValuePairs,
  umask: octal,
  ready_port: (s) => {
    const n = whole(s)
    if (n < 1 || n > 65535) throw new Error(`not a TCP port: '${s}' (1-65535)`)
  },
  ...Object.fromEntries(['stdout', 'stderr'].flatMap((c) => [
    [`${c}_logfile_maxbytes`, byteSize],
    [`${c}_capture_maxbytes`, byteSize],
    [`${c}_logfile_backups`, whole],
    [`${c}_events_enabled`, boolean],
    [`${c}_syslog`, boolean],
  ])),
}

/**
 * Why a [program:x] value is refused, or null when it is fine. Values holding %(name)s
 * expansions are only known at load time, so they pass here.
 */
export function programValueProblem(key: string, value: string): string | null {
  const check = CHECKS[key]
  if (!check || value.includes('%(')) return null
  try {
    check(value)
    return null
  } catch (e) {
    return (e as Error).message
  }
}

/** The known key closest to a misspelt one, if any is close. */
export function closestKey(key: string, known: readonly string[]): string | null {
  let best: string | null = null
  let bestDistance = Math.max(2, Math.floor(key.length / 4)) + 1
  for (const k of known) {
    const d = editDistance(key, k)
    if (d < bestDistance) {
      best = k
      bestDistance = d
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    row = next
  }
  return row[b.length]
}
