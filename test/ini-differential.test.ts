// The .ini reader against Python's own configparser, configured as supervisord configures
// it, on thousands of generated files: the same sections, keys and values, or both reject.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { IniDocument, IniSyntaxError } from '../src/main/supervisor/ini-parser'
import { rng } from './helpers/rng'


const PIECES = [
  '[program:a]', '[program:b]', '[DEFAULT]', '[group:g]', '[ x ]', '[a]b]', '[]',
  'command=echo hi', 'command = sleep 1 ; note', 'command=a;b', 'command=a ;b', 'command=a #b',
  'Key : value', 'KEY=Value', 'x=', '=y', 'novalue', '  indented=continued', '\tmore text',
  '; comment', '# comment', '   ; indented comment', '', '   ', 'a=b # c ; d', 'a=b;c #d ;e',
  'env=A="x,y",B=2', 'path=%(here)s/x', 'k=v\\', 'k = v = w', 'k:v:w', 'ünï=cödé',
]

function generate(random: () => number): string {
  const lines: string[] = []
  if (random() < 0.9) lines.push('[program:start]')
  const n = 1 + Math.floor(random() * 12)
  for (let i = 0; i < n; i++) {
    let piece = PIECES[Math.floor(random() * PIECES.length)]
    if (random() < 0.15) piece = ' '.repeat(1 + Math.floor(random() * 3)) + piece
    lines.push(piece)
  }
  const eol = random() < 0.1 ? '\r\n' : '\n'
  return lines.join(eol) + (random() < 0.8 ? eol : '')
}

interface Parsed {
  error?: true
  sections?: Record<string, Record<string, string>>
  defaults?: Record<string, string>
}

function ours(text: string): Parsed {
  const doc = new IniDocument()
  try {
    doc.read(text, 'fuzz.ini')
  } catch (e) {
    if (e instanceof IniSyntaxError) return { error: true }
    throw e
  }
  const sections: Record<string, Record<string, string>> = {}
  for (const [name, s] of doc.sections) sections[name] = Object.fromEntries([...s.options].map(([k, o]) => [k, o.value]))
  return { sections, defaults: Object.fromEntries([...doc.defaults].map(([k, o]) => [k, o.value])) }
}

describe('ini reader vs Python configparser', () => {
  it('agrees on 3000 generated files', () => {
    const random = rng(20261124)
    const texts = Array.from({ length: 3000 }, () => generate(random))
    const theirs = JSON.parse(
      execFileSync('python3', [join(__dirname, 'fixtures-ini', 'configparser_dump.py')], {
        input: JSON.stringify(texts),
        maxBuffer: 64 * 1024 * 1024,
      }).toString(),
    ) as Parsed[]
    const mismatches = texts
      .map((text, i) => ({ text, python: theirs[i], engine: ours(text) }))
      .filter((m) => JSON.stringify(m.python) !== JSON.stringify(m.engine))
    expect(mismatches.slice(0, 3)).toEqual([])
  })
})
