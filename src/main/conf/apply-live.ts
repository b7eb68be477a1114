// Carries out an apply plan against the running process that reads the saved file: the
// live steps' commands on one authenticated connection, or a restart of that one process through its lab. Every step answers in plain words
// what happened, and a failure never makes the file lose what the user saved.
// No CONFIG REWRITE after CONFIG SET: the file already holds exactly what the user saved,
// and Redis 7.0's rewrite would change it behind their back (a generated block with the
// default user's password hash, `dir` re-quoted). Sentinel persists SENTINEL SET itself.
import type { ApplyOutcome } from '../../shared/conf'
import { RedisPool } from '../sentinel/redis-pool'
import type { PlannedApply, PlannedStep } from './apply-plan'

interface LiveTarget {
  port: number
  /** What the process wants for AUTH now, if anything. */
  password?: string
  /** Restart that one member through its lab (whose rules, such as needs-confirmation, hold). */
  restart: () => Promise<void>
  /** Per command (default 2000 ms). */
  timeoutMs?: number
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e))

export async function carryOut(planned: PlannedApply, target: LiveTarget): Promise<ApplyOutcome[]> {
  const outcomes = new Map<PlannedStep, ApplyOutcome>()
  const live = planned.steps.filter((s) => s.step.how === 'live')
  const restarts = planned.steps.filter((s) => s.step.how === 'restart')
  for (const s of planned.steps) {
    if (s.step.how === 'next-start') outcomes.set(s, { directive: s.step.directive, how: 'next-start', ok: true, message: s.step.why ?? 'applied when it next starts' })
  }
  if (live.length > 0) for (const [s, o] of await applyLive(planned, live, target)) outcomes.set(s, o)
  if (restarts.length > 0) {
    const member = planned.member ?? 'the process'
    let message: string
    let ok = true
    try {
      await target.restart()
      message = `restarted ${member}: it read the saved file`
    } catch (e) {
      ok = false
      message = `${member} was not restarted: ${errorText(e)}. The file is saved; it applies when ${member} restarts`
    }
    for (const s of restarts) outcomes.set(s, { directive: s.step.directive, how: 'restart', ok, message })
  }
  return planned.steps.map((s) => outcomes.get(s)!)
}

async function applyLive(planned: PlannedApply, live: PlannedStep[], target: LiveTarget): Promise<Map<PlannedStep, ApplyOutcome>> {
  const out = new Map<PlannedStep, ApplyOutcome>()
  const member = planned.member ?? 'the process'
  const pool = new RedisPool(target.timeoutMs ?? 2000)
  try {
    let client
    try {
      client = await pool.get(target.port, target.password)
    } catch (e) {
      const why = `could not reach ${member} at 127.0.0.1:${target.port} (${errorText(e)}): nothing applied; the file is saved and applies when it restarts`
      for (const s of live) out.set(s, { directive: s.step.directive, how: 'live', ok: false, message: why })
      return out
    }
    for (const s of live) {
      const said: string[] = []
      let ok = true
      for (const [i, argv] of s.argv.entries()) {
        const shown = s.step.commands[i] ?? argv[0]
        try {
          await client.call(argv[0], ...argv.slice(1))
          said.push(`${shown}: OK`)
        } catch (e) {
          ok = false
          said.push(`${shown}: ${errorText(e)} (${member} keeps its old value; the file holds the new one, read when it restarts)`)
          break
        }
      }
      out.set(s, { directive: s.step.directive, how: 'live', ok, message: said.join('; ') })
    }
    return out
  } finally {
    pool.close()
  }
}
