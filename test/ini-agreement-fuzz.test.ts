// One verdict on a supervisor .ini: the editor's checker (iniDiagnostics, also the doctor's),
// the engine's loader (`sentinel-lab supervise`) and supervisord 4.2 itself (its option
// processing, run on the same files) accept or refuse the same seeded, generated files.
// Files that use Sentinel Lab's own keys (depends_on, ready_port, which supervisord ignores)
// are compared between the editor and the loader only.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { iniDiagnostics } from '../src/main/conf/ini-loader-check'
import { ConfigError } from '../src/main/supervisor/config-error'
import { loadSupervisorConfig } from '../src/main/supervisor/config-loader'
import { rng } from './helpers/rng'

const dir = mkdtempSync(join(tmpdir(), 'ini-agreement-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Lines every reader accepts. */
const GOOD = [
  'command=sleep 1', 'command=echo %(program_name)s %(here)s', 'autostart=false', 'numprocs=1', 'priority=5', 'startsecs=3',
  'autorestart=unexpected', 'exitcodes=0,2', 'stopsignal=TERM', 'stopasgroup=true', 'stdout_logfile=AUTO', 'stdout_logfile=NONE',
  'stdout_logfile_maxbytes=1MB', 'redirect_stderr=true', 'environment=A="1",B=2', 'umask=022', '; a comment', 'directory=/tmp',
  'startretries=2', 'process_name=%(program_name)s', 'numprocs_start=3', 'stopwaitsecs=2', 'depends_on=a',
]
/** Lines that some reader may refuse (or that are accepted though they look wrong). */
const BAD = [
  'command=', 'command=sleep %(ENV_HOME', 'command=echo %(ENV_SENTINEL_LAB_UNSET_X)s', 'autostart=false junk', 'autostart=maybe',
  'numprocs=2', 'numprocs=-1', 'numprocs=0', 'numprocs=x', 'process_name=%(program_name)s_%(process_num)02d', 'priority=abc',
  'startsecs=-1', 'autorestart=sometimes', 'exitcodes=a', 'stopsignal=FOO', 'stopwaitsecs=x', 'killasgroup=false',
  'stdout_logfile=/nonexistent-sentinel-lab-dir/a.log', 'stdout_logfile_maxbytes=1XB', 'stdout_logfile_backups=-1', 'environment=A',
  'umask=9', 'novalue', '  continued', 'unknownkey=1', 'directory=/nonexistent-sentinel-lab-dir', 'serverurl=AUTO',
  'depends_on=nothing-here', 'ready_port=70000',
]
const SECTIONS = [
  '[program:b]\ncommand=sleep 2', '[program:c]', '[group:g]\nprograms=a', '[group:g]\nprograms=a,zz', '[group:h]', '[include]', '[include]\nfiles=',
  '[include]\nfiles=/nonexistent-sentinel-lab-dir/*.ini', '[program:bad name]\ncommand=x', '[unknown_section]',
  '[supervisord]\nchildlogdir=/nonexistent-sentinel-lab-dir', '[supervisord]\nchildlogdir=/tmp', '[supervisord]\numask=08',
]

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!

/** A file of [supervisord] and one program, with a few lines changed: most files load, many do not. */
function generate(random: () => number): string {
  const lines = ['[supervisord]', '[program:a]', 'command=sleep 1']
  const n = 1 + Math.floor(random() * 8)
  for (let i = 0; i < n; i++) {
    const r = random()
    lines.push(r < 0.06 ? pick(random, SECTIONS) : r < 0.16 ? pick(random, BAD) : pick(random, GOOD))
  }
  return `${lines.join('\n')}\n`
}

/** The interpreter of the installed supervisord (its shebang), which has its Python package. */
function supervisordPython(): string {
  const path = execFileSync('sh', ['-c', 'command -v supervisord']).toString().trim()
  return readFileSync(path, 'utf8').split('\n')[0]!.replace(/^#!\s*/, '').split(' ')[0]!
}

function loaderRefuses(path: string): string | null {
  try {
    loadSupervisorConfig(path)
    return null
  } catch (e) {
    if (e instanceof ConfigError) return e.message
    throw e
  }
}

describe('the editor, the loader and supervisord 4.2 agree on .ini files', () => {
  it('on 1,500 seeded generated files: each accepts or refuses the same ones', () => {
    const random = rng(20261207)
    const paths = Array.from({ length: 1500 }, (_, i) => {
      const path = join(dir, `f${i}.ini`)
      writeFileSync(path, generate(random))
      return path
    })
    const theirs = JSON.parse(
      execFileSync(supervisordPython(), [join(__dirname, 'fixtures-ini', 'supervisord_verdict.py')], {
        input: JSON.stringify(paths), cwd: dir, maxBuffer: 64 * 1024 * 1024,
      }).toString(),
    ) as (string | null)[]
    const disagreements: string[] = []
    let refused = 0
    paths.forEach((path, i) => {
      const text = readFileSync(path, 'utf8')
      const editor = iniDiagnostics(text, path).filter((d) => d.severity === 'error').map((d) => `${d.line}: ${d.message}`)
      const loader = loaderRefuses(path)
      const ownKeys = /^(depends_on|ready_port)=/m.test(text)
      const supervisord = ownKeys ? (loader === null ? null : 'n/a') : theirs[i]!
      if (loader !== null) refused++
      if ((editor.length > 0) !== (loader !== null) || (loader !== null) !== (supervisord !== null)) {
        disagreements.push(`${path}\n${text}  editor: ${editor.join(' | ') || 'accepts'}\n  loader: ${loader ?? 'accepts'}\n  supervisord: ${supervisord ?? 'accepts'}`)
      }
    })
    // Both verdicts occur, or the comparison would prove little.
    expect(refused).toBeGreaterThan(300)
    expect(paths.length - refused).toBeGreaterThan(100)
    expect(disagreements.slice(0, 5).join('\n\n'), `${disagreements.length} of ${paths.length} disagree`).toBe('')
  })
})
