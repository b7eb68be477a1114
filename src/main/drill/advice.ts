// What to change, with the evidence of the runs just made: each piece of advice names the
// numbers it rests on and comes with the re-run that shows it (one click in the app).
import { CLIENT_LABELS, type DrillAdvice, type DrillRequest, type DrillRun, type Scenario } from '../../shared/drill'

export function adviceFor(scenario: Scenario, request: DrillRequest, runs: readonly DrillRun[]): DrillAdvice[] {
  const out: DrillAdvice[] = []
  const byClient = new Map(runs.map((r) => [r.client, r]))
  const plain = byClient.get('default')
  const detector = byClient.get('detector')
  const lost = (r: DrillRun): number => r.verdict.lostAcked

  if (plain && lost(plain) > 0) {
    out.push({
      text: detector
        ? `With ${CLIENT_LABELS.detector} this client lost ${lost(detector)} acknowledged write${lost(detector) === 1 ? '' : 's'} instead of ${lost(plain)}.`
        : `${lost(plain)} acknowledged writes were lost with ${CLIENT_LABELS.default}: try ${CLIENT_LABELS.detector}.`,
      rerun: { ...request, clients: ['detector'] },
    })
  }
  const anyLost = runs.some((r) => lost(r) > 0)
  if (anyLost && !(request.minReplicas ?? 0) && scenario.name !== 'failover') {
    out.push({
      text: 'min-replicas-to-write 1 (with min-replicas-max-lag 2) makes a master that lost its replicas refuse writes (NOREPLICAS): the loss is bounded by the lag, not by the outage.',
      rerun: { ...request, minReplicas: 1 },
    })
  }
  if (scenario.name === 'failover' && request.safe === false && anyLost) {
    out.push({
      text: `SENTINEL FAILOVER lost ${Math.max(...runs.map(lost))} acknowledged writes: the old master went on accepting writes until Sentinel demoted it. The safe switch-over pauses writes, lets the replicas catch up, and loses none.`,
      rerun: { ...request, safe: true },
    })
  }
  const slowest = plain?.verdict.maxLatencyMs ?? 0
  if (plain && plain.settings.commandTimeoutMs === null && slowest > 2000) {
    out.push({
      text: `Without a command timeout one write waited ${(slowest / 1000).toFixed(1)} s for an answer${detector ? `; with a 500 ms timeout the longest wait was ${(detector.verdict.maxLatencyMs / 1000).toFixed(1)} s` : ''}. An application request should not hang for as long as the failover takes.`,
      rerun: { ...request, clients: ['detector'] },
    })
  }
  return out
}
