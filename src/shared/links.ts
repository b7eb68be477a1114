// Link faults as the API carries them: what each direction of a link between two zones
// (a lab's members by name, and 'client': everything on 127.0.0.1) does now.

export interface LinkFault {
  /** Bytes from a to b are held until healed (a blackhole: connections stay open). */
  cut: boolean
  latencyMs: number
  jitterMs: number
  /** null: no limit. */
  bytesPerSecond: number | null
}

export interface LinkState {
  from: string
  to: string
  fault: LinkFault
}

/** A lab's links, as its status carries them (labs with link faults only). */
export interface LabLinksView {
  zones: string[]
  faults: LinkState[]
  /** Open connections per (caller -> member). */
  pairs: { from: string; to: string; count: number }[]
}

/** What a page may ask of a lab's links. */
export type LinkChange =
  | { op: 'set'; a: string; b: string; change: Partial<LinkFault>; oneway?: boolean }
  | { op: 'partition'; side: string[] }
  | { op: 'heal'; a?: string; b?: string }
  | { op: 'reset'; a: string; b: string }
