// The table's rows in display order: groups in priority order, a header row for groups
// of more than one program, and the filter applied. Pure, so it is easy to reason about.
import type { ProcessInfo, SupervisorSnapshot } from '../../shared/model'

export type Row =
  | { kind: 'group'; name: string; total: number; running: number; shown: number }
  | { kind: 'process'; process: ProcessInfo; inGroup: boolean }

/** Every word must match the name, group or state (case-insensitive). */
export function matches(p: ProcessInfo, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean)
  const hay = `${p.name} ${p.group} ${p.state}`.toLowerCase()
  return words.every((w) => hay.includes(w))
}

export function buildRows(s: SupervisorSnapshot | null, filter: string): Row[] {
  if (!s) return []
  const byName = new Map(s.processes.map((p) => [p.name, p]))
  const rows: Row[] = []
  const seen = new Set<string>()
  for (const g of s.groups) {
    const members = g.processes.map((n) => byName.get(n)).filter((p): p is ProcessInfo => p !== undefined)
    members.forEach((p) => seen.add(p.name))
    const shown = members.filter((p) => matches(p, filter))
    // A homogeneous group (program foo, process foo) is just a row; a real group gets a header.
    const real = members.length > 1 || (members.length === 1 && members[0]!.name !== g.name)
    if (real && (shown.length > 0 || g.name.toLowerCase().includes(filter.trim().toLowerCase()))) {
      rows.push({ kind: 'group', name: g.name, total: members.length, running: members.filter((p) => p.state === 'RUNNING').length, shown: shown.length })
    }
    for (const p of shown) rows.push({ kind: 'process', process: p, inGroup: real })
  }
  // Anything the groups do not list still shows.
  for (const p of s.processes) if (!seen.has(p.name) && matches(p, filter)) rows.push({ kind: 'process', process: p, inGroup: false })
  return rows
}
