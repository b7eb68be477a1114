// supervisord expands options with Python's `%` operator; the engine's pyFormat must give
// the same string, or fail where Python fails, for the conversions config files use.
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { pyFormat } from '../src/main/supervisor/py-format'

const EXPANSIONS = { program_name: 'web', process_num: 7, numprocs: 12, group_name: 'g', ENV_HOME: '/home/u', here: '/etc/x' }
const SPECS = ['s', 'd', 'i', '02d', '03d', '-4d', '+d', ' d', '5s', '-5s', '.2s', 'x', 'X', 'o', 'r', 'f', '.1f', '05.1f', 'c', 'q', '']
const KEYS = ['program_name', 'process_num', 'numprocs', 'group_name', 'ENV_HOME', 'here', 'missing']

const templates: string[] = ['plain', '100%%', '%', 'a%', '%(program_name)', '%(program_name', '%()s']
for (const key of KEYS) for (const spec of SPECS) templates.push(`<%(${key})${spec}>`)
templates.push('%(program_name)s_%(process_num)02d', '%(here)s/%(program_name)s.log', '%%(program_name)s')

const PY = `
import json, sys
exp = json.loads(sys.argv[1])
out = []
for t in json.loads(sys.stdin.read()):
    try:
        out.append(t % exp)
    except Exception:
        out.append(None)
print(json.dumps(out))
`

describe('pyFormat vs Python %', () => {
  it(`agrees on ${templates.length} templates`, () => {
    const python = JSON.parse(
      execFileSync('python3', ['-c', PY, JSON.stringify(EXPANSIONS)], { input: JSON.stringify(templates) }).toString(),
    ) as (string | null)[]
    const ours = templates.map((t) => {
      try {
        return pyFormat(t, EXPANSIONS)
      } catch {
        return null
      }
    })
    const diffs = templates.map((t, i) => ({ t, python: python[i], ours: ours[i] })).filter((d) => d.python !== d.ours)
    expect(diffs).toEqual([])
  })

  it('refuses a bare %s, where Python would print the whole dictionary, and says how to fix it', () => {
    expect(() => pyFormat('printf %s x', EXPANSIONS)).toThrow(/write %%s for a literal '%s'/)
  })
})
