// Differential test: each case's programs file runs under the real supervisord 4.2 and under
// Sentinel Lab's engine at the same time (Promise.all), both are stopped with SIGTERM after
// the same window, and the per-program sequences of states must match. An EXITED state is
// compared together with its `expected` flag ("EXITED(expected)" / "EXITED(unexpected)").
//
// Needs a build (`npx electron-vite build`: the engine runs from out/) and /usr/bin/supervisord.
//
// Normalization, where timing decides how far a sequence gets (restart loops):
//   first: N   compare only the first N states. supervisord polls once a second, the engine
//              reacts at once, so the number of restart cycles inside a window - and the
//              cycle the shutdown interrupts - legitimately differ; the first cycles do not.
//   last: M    also compare the last M states (how the shutdown ended the loop), as
//              first N + "..." + last M when the sequence is longer than N + M.
// Everything else is compared exactly, including the shutdown tail (STOPPING, STOPPED).
import { describe, expect, it } from 'vitest'
import { type RunResult, type Transition, removeProgramsFile, runBoth, writeProgramsFile } from './harness'

type Normalizer = { first: number; last?: number }

interface Case {
  name: string
  ini: string
  /** The observation window, ms from the moment each side started supervising. */
  durationMs: number
  /** Per-program normalization (by namespec); exact comparison otherwise. */
  normalize?: Record<string, Normalizer>
  /**
   * Also compare the order of these states across programs (e.g. start and stop order
   * by priority), as "name:STATE" tokens in reporting order.
   */
  crossOrder?: string[]
  /** Namespecs that must show no transition at all (on both sides). */
  silent?: string[]
}

const cases: Case[] = [
  {
    name: 'long runners with startsecs 1 and 0',
    durationMs: 3500,
    ini: `
[program:slow]
command=sleep 60
startsecs=1

[program:quick]
command=sleep 60
startsecs=0

; still STARTING when the shutdown comes: STARTING -> STOPPING -> STOPPED
[program:starting]
command=sleep 60
startsecs=10

[program:killer]
command=sleep 60
startsecs=0
stopsignal=KILL
`,
  },
  {
    name: 'one-shot `true` (and `false`) with startsecs=0, autorestart=false',
    durationMs: 3000,
    ini: `
[program:ok]
command=true
startsecs=0
autorestart=false

[program:bad]
command=false
startsecs=0
autorestart=false
`,
  },
  {
    name: '`false` with startsecs=1, startretries=2: BACKOFF x3 then FATAL; too-quick expected exit; BACKOFF at shutdown',
    durationMs: 5500,
    // retrying is in BACKOFF when the shutdown comes (retries at about 0, 1, 3, 6 s); how
    // many retries fit depends on the polling: compare the first attempt and the end. Only
    // the first: on a loaded machine supervisord's 1 s poll can wake after startsecs has
    // passed but before it reaps the exit, and it then reports STARTING -> RUNNING ->
    // EXITED for a `false` that lived a few ms (seen in CI); the engine sees the exit at once.
    normalize: { retrying: { first: 2, last: 2 } },
    ini: `
[program:crash]
command=false
startsecs=1
startretries=2

; exit code 0 is expected, but before startsecs it is a failed start all the same
[program:early_ok]
command=true
startsecs=1
startretries=0

[program:retrying]
command=false
startsecs=1
startretries=20
`,
  },
  {
    name: 'exit code 3 after 1.5 s: exitcodes=0 restarts, exitcodes=0,3 does not; autorestart=true restarts on an expected exit',
    durationMs: 6000,
    // Restart loops: the number of cycles in the window depends on the polling; compare
    // two full runs (STARTING RUNNING EXITED STARTING RUNNING).
    normalize: { unexpected3: { first: 5 }, always: { first: 5 } },
    ini: `
[program:unexpected3]
command=sh -c "sleep 1.5; exit 3"
startsecs=1
exitcodes=0
autorestart=unexpected

[program:expected3]
command=sh -c "sleep 1.5; exit 3"
startsecs=1
exitcodes=0,3
autorestart=unexpected

[program:always]
command=sh -c "sleep 1.5; exit 0"
startsecs=1
autorestart=true

[program:never]
command=sh -c "sleep 1.5; exit 3"
startsecs=1
autorestart=false
`,
  },
  {
    name: 'autostart=false: no events at all',
    durationMs: 1500,
    silent: ['idle'],
    ini: `
[program:idle]
command=sleep 60
autostart=false
`,
  },
  {
    name: 'command not found (on PATH and absolute), directory missing',
    durationMs: 4000,
    ini: `
[program:nocmd]
command=no_such_command_for_difftest --flag
startretries=1

[program:nofile]
command=/nonexistent/difftest/bin/tool
startretries=1

[program:nodir]
command=sleep 60
directory=/nonexistent/difftest/dir
startretries=1
`,
  },
  {
    name: 'numprocs=2 with process_name=%(program_name)s_%(process_num)d',
    durationMs: 3000,
    crossOrder: ['STARTING', 'STOPPING'],
    ini: `
[program:worker]
command=sleep 60
process_name=%(program_name)s_%(process_num)d
numprocs=2
startsecs=1
`,
  },
  {
    name: '[group:x] with two programs',
    durationMs: 3000,
    crossOrder: ['STARTING', 'STOPPING'],
    ini: `
[group:x]
programs=alpha,beta

[program:alpha]
command=sleep 60
startsecs=1
priority=20

[program:beta]
command=sh -c "exit 0"
startsecs=0
autorestart=false
priority=10
`,
  },
  {
    name: 'priorities: start in ascending, stop in descending order (ties by name)',
    durationMs: 2500,
    crossOrder: ['STARTING', 'STOPPING', 'STOPPED'],
    ini: `
[program:mid]
command=sleep 60
priority=200
startsecs=0

[program:last]
command=sleep 60
priority=300
startsecs=0

[program:first]
command=sleep 60
priority=100
startsecs=0

; equal priorities, listed out of name order
[program:tie_b]
command=sleep 60
priority=250
startsecs=0

[program:tie_a]
command=sleep 60
priority=250
startsecs=0
`,
  },
  {
    name: 'ignores SIGTERM, stopwaitsecs=1: shutdown goes STOPPING then STOPPED (SIGKILL)',
    durationMs: 3000,
    ini: `
[program:stubborn]
command=sh -c "trap '' TERM; exec sleep 60"
startsecs=1
stopwaitsecs=1
`,
  },
  {
    name: 'redirect_stderr',
    durationMs: 3000,
    ini: `
[program:noisy]
command=sh -c "echo to-stderr >&2; echo to-stdout; exec sleep 60"
redirect_stderr=true
startsecs=1
`,
  },
  {
    // supervisord gives children real pipes, which programs may reopen through /dev/stdout
    // (nginx's access_log /dev/stdout); on a socketpair that fails and the program exits 2.
    name: 'a program that reopens /dev/stdout and /dev/stderr',
    durationMs: 3000,
    ini: `
[program:devout]
command=sh -c "echo a > /dev/stdout && echo b > /dev/stderr && exec sleep 60"
startsecs=1
autorestart=false

[program:devout_redirected]
command=sh -c "echo a > /dev/stdout && echo b > /dev/stderr && exec sleep 60"
redirect_stderr=true
startsecs=1
autorestart=false
`,
  },
  {
    name: 'inline comments, %(here)s and %(ENV_HOME)s in the command',
    durationMs: 3500,
    ini: `
# a comment line
; another comment line
[program:expand]
command=sh -c 'test -d "%(here)s" && test -f "%(here)s/programs.ini" && test "%(ENV_HOME)s" = "$HOME" && exec sleep 60; exit 7'   ; inline comment
startsecs=1   ; one second
autorestart=false ; no restarts

[program:semicolon]
command=sh -c "exit 4;exit 0"
startsecs=0
autorestart=false
`,
  },
]

/** The compared form of one program's transitions. */
function tokens(ts: Transition[], n?: Normalizer): string[] {
  const out = ts.map((t) => (t.to === 'EXITED' ? `EXITED(${t.expected ? 'expected' : 'unexpected'})` : t.to))
  if (!n) return out
  const last = n.last ?? 0
  if (out.length <= n.first + last) return last > 0 ? out : out.slice(0, n.first)
  return [...out.slice(0, n.first), ...(last > 0 ? ['...', ...out.slice(-last)] : [])]
}

function compared(r: RunResult, c: Case): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [name, ts] of Object.entries(r.byName)) out[name] = tokens(ts, c.normalize?.[name])
  return out
}

function order(r: RunResult, states: string[]): string[] {
  return r.transitions.filter((t) => states.includes(t.to)).map((t) => `${t.name}:${t.to}`)
}

/** For failure messages: the full timeline of a side. */
function timeline(r: RunResult): string {
  return r.transitions.map((t) => `  +${t.at}ms ${t.name}: ${t.from} -> ${t.to}${t.to === 'EXITED' ? ` expected=${t.expected}` : ''}`).join('\n')
}

describe('differential: supervisord 4.2 vs the engine', () => {
  it.each(cases)('$name', async (c) => {
    const file = writeProgramsFile(c.ini)
    try {
      const { supervisord, engine } = await runBoth(file, { durationMs: c.durationMs })
      const context =
        `\nsupervisord timeline:\n${timeline(supervisord)}\nengine timeline:\n${timeline(engine)}\n` +
        (process.env.DIFFTEST_VERBOSE === '2' ? `${supervisord.diagnostics}\n${engine.diagnostics}\n` : '')

      if (process.env.DIFFTEST_VERBOSE) console.log(`${c.name}${context}`)
      // Both sides ran and stopped cleanly, leaving nothing behind.
      expect({ exit: supervisord.exitCode, killed: supervisord.killed, leaked: supervisord.leaked }, `supervisord${context}`).toEqual({ exit: 0, killed: false, leaked: [] })
      expect({ exit: engine.exitCode, killed: engine.killed, leaked: engine.leaked }, `engine${engine.diagnostics}${context}`).toEqual({ exit: 0, killed: false, leaked: [] })

      for (const name of c.silent ?? []) {
        expect(supervisord.byName[name] ?? [], `supervisord: ${name} must be silent${context}`).toEqual([])
      }
      // The comparison proper: per-program state sequences.
      expect(compared(engine, c), `engine vs supervisord per-program states${context}`).toEqual(compared(supervisord, c))
      if (c.crossOrder) {
        expect(order(engine, c.crossOrder), `engine vs supervisord order of ${c.crossOrder.join('/')}${context}`).toEqual(order(supervisord, c.crossOrder))
      }
    } finally {
      removeProgramsFile(file)
    }
  }, 60_000)
})
