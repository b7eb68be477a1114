// The lab's restart policy for Redis nodes (lab.ini gives them autorestart=false).
// Measured: a killed master restarted at once comes back before Sentinel's down-after, so
// no failover happens; without persistence it comes back empty and its replicas resync to
// the empty dataset: every key is lost. So a node that dies (RUNNING -> EXITED: kill -9
// from outside, OOM kill, SHUTDOWN from a client) while the sentinels see it as the master
// is held down until they have failed over (a majority report another master), or until
// no failover can happen (no other node runs) or a deadline (down-after + failover-timeout
// + a margin) passes; then it is started again as a replica of the new master (its
// redis.conf pointed there first: rejoin-as-replica.ts), or converted by Sentinel. A replica that dies is started again at once. A node stopped on purpose
// (STOPPING -> STOPPED) is never touched. Sentinels keep supervisord's plain autorestart.
// A node killed by a signal within its first startsecs (a lab is HEALTHY well before 1 s)
// goes STARTING -> BACKOFF, which the supervisor retries by itself a second later: for a
// master the policy cancels that retry (stop in BACKOFF) and holds it like any other.
// Start failures (an exit status in BACKOFF: a bad config, a port in use) stay the
// supervisor's, with its backoff and FATAL, so the policy can never make a restart loop.
import type { ActionOutcome, ProcessInfo, Target, TransitionEvent } from '../../shared/model'
import type { Lab, LabNode } from './layout'
import type { Persistence } from '../../shared/lab-spec'
import { pointAtNewMaster } from './rejoin-as-replica'
import { SentinelClients, majorityMaster, mostReported } from './sentinel-ask'

/** 'not-master': the sentinels were silent when it died, and name another master once they answer. */
type ReleaseReason = 'failover' | 'no-failover' | 'deadline' | 'started' | 'not-master'

interface Base {
  /** ms since epoch */
  t: number
  /** The program name: redis-master, redis-replica-1, ... */
  node: string
  port: number
  /** What happened, in plain words, for a timeline or a progress line. */
  text: string
}
interface HoldEvent extends Base {
  kind: 'hold'
  /** How it ended ("terminated by SIGKILL", "exit status 0"). */
  reason: string
  /** The hold ends after this long at the latest. */
  deadlineMs: number
}
interface ReleaseEvent extends Base {
  kind: 'release'
  after: ReleaseReason
  /** The master the sentinels report now (null if they do not agree or did not answer). */
  newMaster: number | null
  heldMs: number
}
interface RestartEvent extends Base {
  kind: 'restart'
  /** Whether it was held down first (false: a replica, started again at once). */
  held: boolean
  /** ms from its death to this restart. */
  downMs: number
}
interface PolicyErrorEvent extends Base {
  kind: 'error'
}
export type PolicyEvent = HoldEvent | ReleaseEvent | RestartEvent | PolicyErrorEvent

interface PolicyHooks {
  onHold?: (e: HoldEvent) => void
  onRelease?: (e: ReleaseEvent) => void
  onRestart?: (e: RestartEvent) => void
  onError?: (e: PolicyErrorEvent) => void
  /** Every event above, in order. */
  onEvent?: (e: PolicyEvent) => void
}

export interface PolicyOptions {
  /** Pause between asking the sentinels during a hold (default 100 ms). */
  pollMs?: number
  /** Added to down-after + failover-timeout for the hold's deadline (default 2000 ms). */
  marginMs?: number
}

/** What a master brings back when it returns before a failover, or null when nothing is lost. */
function lossOnReturn(persistence: Persistence): string | null {
  if (persistence === 'none') return 'without persistence it would come back empty'
  if (persistence === 'rdb') return 'it would come back with its last RDB snapshot'
  return null
}

/** What the policy needs from the supervisor. */
interface PolicySupervisor {
  on(event: 'transition', listener: (e: TransitionEvent) => void): unknown
  off(event: 'transition', listener: (e: TransitionEvent) => void): unknown
  start(target: Target, options?: { ignoreDependencies?: boolean }): ActionOutcome[]
  stop(target: Target): ActionOutcome[]
  snapshot(): { processes: ProcessInfo[] }
}

interface Hold {
  /** Aborted by dispose() or by someone else starting the node. */
  cancel: AbortController
  startedElsewhere: boolean
}

/**
 * Apply the policy to the nodes of `getLab()` (read at every event: nodes added later are
 * covered). Returns dispose: it stops listening and cancels every pending hold, and
 * resolves once nothing of the policy runs any more (so no node is started after it).
 */
export function keepRedisNodesUp(supervisor: PolicySupervisor, getLab: () => Lab, hooks: PolicyHooks = {}, options: PolicyOptions = {}): () => Promise<void> {
  const pollMs = options.pollMs ?? 100
  const marginMs = options.marginMs ?? 2000
  const holds = new Map<string, Hold>()
  const running = new Set<Promise<void>>()
  let disposed = false

  const emit = (e: PolicyEvent): void => {
    if (e.kind === 'hold') hooks.onHold?.(e)
    else if (e.kind === 'release') hooks.onRelease?.(e)
    else if (e.kind === 'restart') hooks.onRestart?.(e)
    else hooks.onError?.(e)
    hooks.onEvent?.(e)
  }
  const stateOf = (name: string): ProcessInfo | undefined => supervisor.snapshot().processes.find((p) => p.program === name)

  /** Why no failover can happen now, or null. */
  const noFailover = (node: LabNode): string | null => {
    const others = getLab().nodes.filter((n) => n.name !== node.name)
    if (others.length === 0) return 'the lab has no replica to promote'
    const up = others.some((n) => ['STARTING', 'RUNNING'].includes(stateOf(n.name)?.state ?? ''))
    return up ? null : 'no other node of the lab is running'
  }

  /** `from`: the state the death left it in (EXITED; STOPPED when the policy cancelled a BACKOFF retry). */
  const restart = (node: LabNode, diedAt: number, held: boolean, why: string, from: string): void => {
    const p = stateOf(node.name)
    const t = Date.now()
    if (!p) return emit({ kind: 'error', t, node: node.name, port: node.port, text: `${node.name} is no longer in the supervisor: not restarted` })
    if (p.state !== from) return // started (or stopped) by someone else meanwhile: theirs to handle
    // Like autorestart, a restart does not wait for depends_on (the master may be the one held down).
    const [outcome] = supervisor.start({ kind: 'process', name: p.name }, { ignoreDependencies: true })
    if (outcome && !outcome.ok) {
      return emit({ kind: 'error', t, node: node.name, port: node.port, text: `${node.name}: could not restart it: ${outcome.message}` })
    }
    const downMs = t - diedAt
    emit({ kind: 'restart', t, node: node.name, port: node.port, held, downMs, text: `${node.name} (127.0.0.1:${node.port}) restarted ${downMs} ms after it died${why}` })
  }

  const onDeath = async (node: LabNode, e: TransitionEvent): Promise<void> => {
    const hold: Hold = { cancel: new AbortController(), startedElsewhere: false }
    holds.set(node.name, hold)
    const sentinels = new SentinelClients()
    // Removed from the lab meanwhile (a membership change): no longer ours to restart.
    const over = (): boolean => disposed || hold.cancel.signal.aborted || !getLab().nodes.some((n) => n.name === node.name)
    const how = e.process.exitDescription ?? `exit status ${e.exitcode}`
    const backoff = e.to === 'BACKOFF'
    let from = 'EXITED'
    try {
      const lab = getLab()
      const before = await sentinels.masterPorts(lab.sentinels, lab.masterName)
      if (over()) return
      if (backoff) {
        // Only a master the sentinels name: anything else is the supervisor's retry to make.
        if (!before.includes(node.port)) return
        if (stateOf(node.name)?.state !== 'BACKOFF') return // the retry came first
        const [outcome] = supervisor.stop({ kind: 'process', name: stateOf(node.name)!.name })
        if (outcome && !outcome.ok) throw new Error(`could not cancel the supervisor's retry: ${outcome.message}`)
        from = 'STOPPED'
      }
      // A silent set of sentinels is treated like a master: holding a replica a while costs
      // little, restarting a master at once can cost every key.
      let confirmed = before.includes(node.port)
      const wasMaster = confirmed || before.every((a) => a === null)
      if (!wasMaster) {
        holds.delete(node.name)
        return restart(node, e.t, false, ` (${how}; the sentinels see 127.0.0.1:${mostReported(before)} as the master, so it comes back at once as a replica)`, from)
      }
      const none = noFailover(node)
      if (none) {
        holds.delete(node.name)
        return restart(node, e.t, false, ` (${how}; it was the master, but no failover will happen: ${none})`, from)
      }
      const deadlineMs = lab.spec.downAfterMs + lab.spec.failoverTimeoutMs + marginMs
      const deadline = e.t + deadlineMs
      emit({
        kind: 'hold', t: Date.now(), node: node.name, port: node.port, reason: how, deadlineMs,
        text: `${node.name} (127.0.0.1:${node.port}) died (${how}) ${confirmed ? 'while the sentinels saw it as the master' : 'and no sentinel answers, so it may be the master'}: held down until they fail over ` +
          `(at most ${(deadlineMs / 1000).toFixed(1)} s), so that it rejoins as a replica instead of coming back as an empty master`,
      })
      const release = (after: ReleaseReason, newMaster: number | null, text: string): void => {
        const t = Date.now()
        emit({ kind: 'release', t, node: node.name, port: node.port, after, newMaster, heldMs: t - e.t, text: `${node.name}: ${text} after ${t - e.t} ms held down` })
      }
      for (;;) {
        const reason = noFailover(node)
        if (reason) {
          release('no-failover', null, `no failover will happen (${reason}); restarting it`)
          break
        }
        const now = getLab()
        const answers = await sentinels.masterPorts(now.sentinels, now.masterName)
        if (over()) break
        const agreed = majorityMaster(answers, now.sentinels.length)
        confirmed ||= answers.includes(node.port)
        if (agreed !== null && agreed !== node.port && !confirmed) {
          release('not-master', agreed, `the sentinels answer now and name 127.0.0.1:${agreed} as the master, so it was a replica; restarting it`)
          break
        }
        if (agreed !== null && agreed !== node.port) {
          const unchanged = pointAtNewMaster(node.conf, agreed, now.nodes.find((n) => n.port === agreed)?.linkHost)
          release('failover', agreed, unchanged === null
            ? `the sentinels failed over to 127.0.0.1:${agreed}; restarting it as its replica (replicaof written to its redis.conf)`
            : `the sentinels failed over to 127.0.0.1:${agreed}; restarting it, Sentinel converts it into a replica (its redis.conf was left as it is: ${unchanged})`)
          break
        }
        if (Date.now() >= deadline) {
          const seen = mostReported(answers)
          const why = `no failover within ${deadlineMs} ms (the sentinels ${seen === null ? 'do not answer' : `still report 127.0.0.1:${seen}`})`
          const loss = now.nodes.length > 1 ? lossOnReturn(now.spec.persistence) : null
          if (loss) {
            // Coming back as the master would take the replicas' data with it: leave it down.
            release('deadline', seen, `${why}; NOT restarted: ${loss} and its replicas would resync to it. ` +
              'Start it yourself once you have decided (the app asks first), or make a failover possible')
            return
          }
          release('deadline', seen, `${why}; restarting it anyway`)
          break
        }
        await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), hold.cancel.signal)
        if (over()) break
      }
      if (over()) {
        if (hold.startedElsewhere && !disposed) release('started', null, 'started by someone else; no longer held')
        return
      }
      holds.delete(node.name) // before start(): its STARTING must not read as someone else's start
      restart(node, e.t, true, '', from)
    } finally {
      if (holds.get(node.name) === hold) holds.delete(node.name)
      sentinels.close()
    }
  }

  const listener = (e: TransitionEvent): void => {
    if (disposed) return
    const node = getLab().nodes.find((n) => n.name === e.process.program)
    if (!node) return
    const hold = holds.get(node.name)
    if (e.to === 'STARTING' && hold) {
      hold.startedElsewhere = true
      hold.cancel.abort()
      return
    }
    // A death: an exit the supervisor did not ask for, or a kill by a signal during startsecs.
    const died = e.to === 'EXITED' || (e.to === 'BACKOFF' && /^terminated by SIG/.test(e.process.exitDescription ?? ''))
    if (!died || hold) return
    const run = onDeath(node, e).catch((err: Error) => {
      emit({ kind: 'error', t: Date.now(), node: node.name, port: node.port, text: `${node.name}: restart policy failed: ${err.message}` })
    })
    running.add(run)
    void run.finally(() => running.delete(run))
  }

  supervisor.on('transition', listener)
  let disposing: Promise<void> | null = null
  return () => {
    disposing ??= (async () => {
      disposed = true
      supervisor.off('transition', listener)
      for (const h of holds.values()) h.cancel.abort()
      await Promise.all([...running])
    })()
    return disposing
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done)
  })
}
