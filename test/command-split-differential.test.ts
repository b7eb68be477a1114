// supervisord splits `command=` with Python's shlex.split (POSIX rules, no comments);
// the engine must produce the same argv, or refuse where Python refuses.
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { split } from 'shlex'

const COMMANDS = [
  'sleep 10', '  sleep   10  ', 'echo "a b" \'c d\'', 'echo a\\ b', 'echo "a \\"q\\" b"', "echo 'a \\' b",
  'echo "unclosed', "echo 'unclosed", 'echo a\\', 'echo # not a comment', 'echo a#b', 'echo $HOME ${X} `id`',
  'sh -c "echo hi; exit 3"', 'redis-server /etc/redis/6380.conf --port 6380', 'echo ""', "echo ''", 'echo "a"b\'c\'',
  'echo \\"', 'echo "\\$x \\\\ \\n"', 'echo tab\there', 'echo ü "ß"', 'a|b > c && d',
]

const PY = `
import json, shlex, sys
out = []
for c in json.loads(sys.stdin.read()):
    try:
        out.append(shlex.split(c))
    except ValueError:
        out.append(None)
print(json.dumps(out))
`

describe('command splitting vs Python shlex.split', () => {
  it(`agrees on ${COMMANDS.length} commands`, () => {
    const python = JSON.parse(execFileSync('python3', ['-c', PY], { input: JSON.stringify(COMMANDS) }).toString()) as (string[] | null)[]
    const ours = COMMANDS.map((c) => {
      try {
        return split(c)
      } catch {
        return null
      }
    })
    const diffs = COMMANDS.map((c, i) => ({ c, python: python[i], ours: ours[i] })).filter((d) => JSON.stringify(d.python) !== JSON.stringify(d.ours))
    expect(diffs).toEqual([])
  })
})
