// A lab's links as the UI and the timeline say them: the faults and the connections between
// the zones, counted per direction, and a change of the links in words.
import type { LabLinksView, LinkChange } from '../../shared/links'
import type { LabLinks } from './lab-links'

/** What the links do now, and the connections between the zones (labs with link faults). */
export function linksView(links: LabLinks): LabLinksView {
  const snap = links.snapshot()
  const pairs = new Map<string, { from: string; to: string; count: number }>()
  for (const c of snap.connections) {
    const k = `${c.from}>${c.to}`
    const p = pairs.get(k) ?? { from: c.from, to: c.to, count: 0 }
    p.count++
    pairs.set(k, p)
  }
  return { zones: snap.zones, faults: snap.faults, pairs: [...pairs.values()] }
}

/** A change of the links, in words, for the timeline. */
export function describeChange(c: LinkChange, reset?: number): string {
  switch (c.op) {
    case 'partition': return `partition: ${c.side.join(', ')} | the rest (every link between the two sides cut)`
    case 'heal': return c.a && c.b ? `link ${c.a} <-> ${c.b} healed` : 'every link healed'
    case 'reset': return `link ${c.a} <-> ${c.b}: ${reset ?? 0} connection(s) reset`
    case 'set': {
      const f = c.change
      const what = f.cut ? 'cut' : f.cut === false && !f.latencyMs && !f.bytesPerSecond ? 'healed' : [f.latencyMs ? `+${f.latencyMs} ms${f.jitterMs ? ` (±${f.jitterMs})` : ''}` : null, f.bytesPerSecond ? `${f.bytesPerSecond} B/s` : null].filter(Boolean).join(', ')
      return `link ${c.a} ${c.oneway ? '->' : '<->'} ${c.b}: ${what}`
    }
  }
}
