// Reads test/fixtures/samples/sample-failover-events.txt (a copy of the project's shared
// samples, so a clone tests on its own): "  +1.566 s  26381  +sdown  <payload>"
// (seconds after the kill, the sentinel's port, the channel, the payload); '#' lines are comments.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

export interface SampleLine {
  seconds: number
  sentinel: string
  channel: string
  payload: string
  line: string
}

export const SAMPLE_FILE = resolve(import.meta.dirname, '../fixtures/samples/sample-failover-events.txt')

export function readSampleEvents(file = SAMPLE_FILE): SampleLine[] {
  const out: SampleLine[] = []
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue
    const m = /^\s*\+(\d+(?:\.\d+)?) s\s+(\d+)\s+(\S+)\s+(.*?)\s*$/.exec(line)
    if (!m) throw new Error(`unexpected sample line: ${line}`)
    out.push({ seconds: Number(m[1]), sentinel: m[2], channel: m[3], payload: m[4], line })
  }
  return out
}
