// The sentinels of a deployment: each needs its own myid, enough of them to elect a leader
// after losing one (a failover needs a majority of all the sentinels Sentinel knows of), a
// quorum they can reach, and no ghost entries that count as sentinels but never vote.
import type { DoctorFinding } from '../../shared/conf'
import { type FileSet, masterNames, sentinelCount, sentinelCountKnown } from './deployment'
import { at, describe, label, setEdit, unsetEdit } from './finding'

export function duplicateMyidRule(set: FileSet): DoctorFinding[] {
  const byId = new Map<string, typeof set.sentinels>()
  for (const s of set.sentinels) {
    const id = s.conf.sentinel('myid').at(-1)?.args[1]
    if (!id) continue
    byId.set(id.toLowerCase(), [...(byId.get(id.toLowerCase()) ?? []), s])
  }
  const out: DoctorFinding[] = []
  for (const [id, same] of byId) {
    if (same.length < 2) continue
    for (const s of same.slice(1)) {
      const line = s.conf.sentinel('myid').at(-1)!
      out.push({
        id: 'duplicate-myid', severity: 'error', ...at(line, 'sentinel myid', 1),
        title: `sentinel myid ${id.slice(0, 8)}… is also the myid of ${same.filter((o) => o !== s).map((o) => label(o.file.path)).join(', ')}`,
        explanation: `Copied sentinel.conf files keep the same myid. Sentinels know each other by this id: each one takes the others' hello messages for its own and ignores them, so they never see each other. SENTINEL CKQUORUM fails, no leader can be elected and no failover ever happens. Without a myid line, Sentinel generates a fresh one at start and writes it back to the file.`,
        fix: { label: `Remove sentinel myid from ${label(s.file.path)} (Sentinel generates a new one)`, edits: [unsetEdit(s.file.path, 'sentinel myid')] },
      })
    }
  }
  return out
}

export function sentinelCountRules(set: FileSet): DoctorFinding[] {
  const out: DoctorFinding[] = []
  for (const d of set.deployments) {
    for (const name of masterNames(d)) {
      if (!sentinelCountKnown(set, d, name)) continue
      const monitors = d.monitors.filter((m) => m.name === name)
      const n = sentinelCount(d, name)
      const majority = Math.floor(n / 2) + 1
      for (const m of monitors) {
        if (!(m.quorum > n)) continue
        out.push({
          id: 'quorum-too-high', severity: 'error', ...at(m.at, `sentinel monitor ${m.name}`, 4),
          title: `quorum ${m.quorum} is more than the ${n} sentinel(s) that watch ${m.name}`,
          explanation: `A master is objectively down (ODOWN) only when ${m.quorum} sentinels agree it is down, and only ${n} watch ${m.name}: it can never reach ODOWN, so no failover ever happens.`,
          fix: {
            label: `Set the quorum of ${m.name} to ${majority} in ${label(m.sentinel.file.path)}`,
            edits: [setEdit(m.sentinel.file.path, `sentinel monitor ${m.name}`, [m.host, String(m.port), String(majority)])],
          },
        })
      }
      const first = monitors[0]
      if (n < 3) {
        out.push({
          id: 'too-few-sentinels', severity: 'warning', ...at(first.at, `sentinel monitor ${name}`),
          title: `only ${n} sentinel(s) watch ${name}: at least 3 are needed`,
          explanation: `A failover needs a leader elected by a majority of the sentinels (${majority} of ${n}). ${n === 1 ? 'With one sentinel, the master and that sentinel failing together (one machine) means no failover, and nothing double-checks its judgement.' : 'With two, losing either sentinel leaves one, which is not a majority: no failover.'} Run 3 (or 5) sentinels.`,
        })
      } else if (n % 2 === 0) {
        out.push({
          id: 'even-sentinels', severity: 'warning', ...at(first.at, `sentinel monitor ${name}`),
          title: `${n} sentinels watch ${name}: an odd number is better`,
          explanation: `A failover needs ${majority} of ${n} sentinels to elect a leader: ${n} sentinels survive the loss of ${n - majority}, no more than ${n - 1} would, and a split into two halves elects nobody.`,
        })
      }
    }
  }
  return out
}

export function staleKnownSentinelRule(set: FileSet): DoctorFinding[] {
  const out: DoctorFinding[] = []
  for (const s of set.sentinels) {
    for (const line of s.conf.sentinel('known-sentinel')) {
      const [, name, host, port, id] = line.args
      if (port !== '0') continue
      const key = `sentinel known-sentinel ${name} ${host} ${port}${id ? ` ${id}` : ''}`
      out.push({
        id: 'stale-known-sentinel', severity: 'warning', ...at(line, `sentinel known-sentinel ${name}`, 3),
        title: `known-sentinel with port 0 in ${label(s.file.path)}: a sentinel that does not exist`,
        explanation: `${describe(s)} counts this entry as one of the sentinels watching ${name}, but nothing listens on port 0: it is always down and never votes. Sentinel counts it when it works out the majority a leader needs, so failovers need more votes than the real sentinels can give and abort (-failover-abort-not-elected). It stays until SENTINEL RESET ${name} or until the line is removed.`,
        fix: { label: `Remove this known-sentinel line from ${label(s.file.path)}`, edits: [unsetEdit(s.file.path, key)] },
      })
    }
  }
  return out
}
