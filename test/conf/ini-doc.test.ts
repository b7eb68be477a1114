// The lossless supervisor .ini document: byte-for-byte round trips, edits that touch only
// their own lines, values read as supervisord reads them (checked against Python's own
// configparser, configured as supervisord configures it), and located diagnostics.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { diffComm } from 'node-diff3'
import { afterAll, describe, expect, it } from 'vitest'
import { IniDocument, IniValueError, validateIni } from '../../src/main/conf/ini-doc'
import { buildLab } from '../../src/main/lab/blueprint'
import { IniDocument as EngineIni, IniSyntaxError } from '../../src/main/supervisor/ini-parser'
import { rng } from '../helpers/rng'

const HAND_WRITTEN = [
  '; Sentinel lab, by hand',
  '# another comment style',
  '',
  '[supervisord]',
  'nodaemon = true      ; stay in the foreground',
  '',
  '[program:redis-master]',
  'command   =   redis-server /etc/redis/6380.conf',
  'autostart: true',
  'environment=A="x,y",',
  '    B="z"',
  '  ; a comment inside the value',
  '    C=1',
  'stdout_logfile=/var/log/redis;master.log',
  '',
  '; trailing section comment',
  '',
  '[program:sentinel]',
  'command=redis-sentinel /etc/redis/sentinel.conf #  inline hash comment',
  '\tpriority=10',
  '',
  '[group:lab]',
  'programs=redis-master,sentinel',
]

const crlf = (lines: string[], finalNewline = true): string => lines.join('\r\n') + (finalNewline ? '\r\n' : '')
const lf = (lines: string[], finalNewline = true): string => lines.join('\n') + (finalNewline ? '\n' : '')

/** The lines removed from `before` and added in `after`, by a line diff. */
function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const removed: string[] = []
  const added: string[] = []
  for (const part of diffComm(before.split('\n'), after.split('\n'))) {
    if (part.buffer1) removed.push(...part.buffer1)
    if (part.buffer2) added.push(...part.buffer2)
  }
  return { removed, added }
}

describe('round trip', () => {
  it.each([
    ['LF', lf(HAND_WRITTEN)],
    ['CRLF', crlf(HAND_WRITTEN)],
    ['no final newline', lf(HAND_WRITTEN, false)],
    ['CRLF, no final newline', crlf(HAND_WRITTEN, false)],
    ['empty', ''],
    ['only a newline', '\n'],
    ['garbage before any section, odd spacing, tabs', 'junk line\n  [ spaced ]  \n=novalue\n\tk\t=\tv\t\n\n\n'],
    ['mixed endings', '[a]\r\nx=1\ny=2\r\n'],
  ])('%s: text() gives the input back byte-for-byte', (_name, text) => {
    expect(IniDocument.parse(text).text()).toBe(text)
  })

  it('reads values as supervisord does: continuation joined, comment lines and inline comments cut, a;b kept', () => {
    const doc = IniDocument.parse(crlf(HAND_WRITTEN))
    expect(doc.sections()).toEqual(['supervisord', 'program:redis-master', 'program:sentinel', 'group:lab'])
    expect(doc.get('supervisord', 'nodaemon')).toBe('true')
    expect(doc.get('program:redis-master', 'command')).toBe('redis-server /etc/redis/6380.conf')
    expect(doc.get('program:redis-master', 'AUTOSTART')).toBe('true')
    expect(doc.get('program:redis-master', 'environment')).toBe('A="x,y",\nB="z"\nC=1')
    expect(doc.get('program:redis-master', 'stdout_logfile')).toBe('/var/log/redis;master.log')
    expect(doc.get('program:sentinel', 'command')).toBe('redis-sentinel /etc/redis/sentinel.conf\npriority=10')
    // An indented key after an unindented one is a continuation line, as configparser reads it.
    expect(doc.get('program:sentinel', 'priority')).toBeUndefined()
    expect(doc.get('program:nope', 'command')).toBeUndefined()
  })

  it('a section seen twice is merged (last key wins) and [DEFAULT] fills in', () => {
    const doc = IniDocument.parse('[DEFAULT]\nstartsecs=5\n[program:a]\ncommand=one\n[program:b]\ncommand=b\n[program:a]\ncommand=two\n')
    expect(doc.get('program:a', 'command')).toBe('two')
    expect(doc.get('program:a', 'startsecs')).toBe('5')
    expect(doc.get('program:none', 'startsecs')).toBeUndefined()
    expect(doc.sections()).toEqual(['program:a', 'program:b'])
  })
})

describe('edits patch only their own lines', () => {
  it('set keeps the spacing style around the separator and the inline comment', () => {
    const before = lf(HAND_WRITTEN)
    const doc = IniDocument.parse(before)
    doc.set('supervisord', 'nodaemon', 'false')
    doc.set('program:redis-master', 'command', 'redis-server /etc/redis/6390.conf')
    doc.set('program:redis-master', 'autostart', 'false')
    const after = doc.text()
    expect(after.split('\n').filter((l, i) => l !== before.split('\n')[i])).toEqual([
      'nodaemon = false      ; stay in the foreground',
      'command   =   redis-server /etc/redis/6390.conf',
      'autostart: false',
    ])
    expect(after.split('\n')).toHaveLength(before.split('\n').length)
  })

  it('a multi-line value is replaced as a whole; comment lines inside it stay', () => {
    const before = lf(HAND_WRITTEN)
    const doc = IniDocument.parse(before)
    doc.set('program:redis-master', 'environment', 'X=1,\nY=2')
    expect(changedLines(before, doc.text())).toEqual({
      removed: ['environment=A="x,y",', '    B="z"', '    C=1'],
      added: ['environment=X=1,', '    Y=2'],
    })
    expect(doc.get('program:redis-master', 'environment')).toBe('X=1,\nY=2')
    doc.set('program:redis-master', 'environment', 'Z=3')
    expect(doc.get('program:redis-master', 'environment')).toBe('Z=3')
    expect(doc.text()).toContain('environment=Z=3\n  ; a comment inside the value\nstdout_logfile=')
  })

  it('a new key goes after the section’s last key line (and its continuation), in the section’s style', () => {
    const before = lf(HAND_WRITTEN)
    const doc = IniDocument.parse(before)
    doc.set('program:redis-master', 'startsecs', '3')
    doc.set('program:sentinel', 'autorestart', 'true')
    const after = doc.text().split('\n')
    expect(after.indexOf('startsecs=3')).toBe(after.indexOf('stdout_logfile=/var/log/redis;master.log') + 1)
    // [program:sentinel]'s last key line is `command=...` continued by the tab-indented line.
    expect(after.indexOf('autorestart=true')).toBe(after.indexOf('\tpriority=10') + 1)
    expect(changedLines(before, doc.text()).removed).toEqual([])
  })

  it('a new key copies the separator of its neighbours', () => {
    const doc = IniDocument.parse('[program:a]\ncommand = x\n\n[program:b]\ncommand: y\n')
    doc.set('program:a', 'autostart', 'false')
    doc.set('program:b', 'autostart', 'false')
    expect(doc.text()).toBe('[program:a]\ncommand = x\nautostart = false\n\n[program:b]\ncommand: y\nautostart: false\n')
  })

  it('a new section is appended; CRLF and a missing final newline are kept', () => {
    const before = crlf(['[program:a]', 'command=x'], false)
    const doc = IniDocument.parse(before)
    doc.set('program:b', 'command', 'y')
    expect(doc.text()).toBe('[program:a]\r\ncommand=x\r\n\r\n[program:b]\r\ncommand=y')
    doc.set('program:a', 'autostart', 'false')
    expect(doc.text()).toBe('[program:a]\r\ncommand=x\r\nautostart=false\r\n\r\n[program:b]\r\ncommand=y')
    expect(doc.get('program:b', 'command')).toBe('y')
  })

  it('a key in an empty section goes right after the header', () => {
    const doc = IniDocument.parse('[program:a]\n; nothing yet\n[program:b]\ncommand=b\n')
    doc.set('program:a', 'command', 'a')
    expect(doc.text()).toBe('[program:a]\ncommand=a\n; nothing yet\n[program:b]\ncommand=b\n')
  })

  it('unset removes the key line and its continuation lines, nothing else', () => {
    const before = lf(HAND_WRITTEN)
    const doc = IniDocument.parse(before)
    expect(doc.unset('program:redis-master', 'environment')).toBe(true)
    expect(changedLines(before, doc.text())).toEqual({ removed: ['environment=A="x,y",', '    B="z"', '    C=1'], added: [] })
    expect(doc.get('program:redis-master', 'environment')).toBeUndefined()
    expect(doc.unset('program:redis-master', 'environment')).toBe(false)
    expect(doc.unset('program:none', 'command')).toBe(false)
  })

  it('unset of the last line keeps a missing final newline missing', () => {
    const doc = IniDocument.parse('[program:a]\ncommand=x\nautostart=true')
    doc.unset('program:a', 'autostart')
    expect(doc.text()).toBe('[program:a]\ncommand=x')
  })

  it.each([
    ['a value with " ;" (a comment to supervisord)', 'echo a ; b'],
    ['a value with " #"', 'echo #x'],
    ['leading blanks', '  x'],
    ['a continuation line that would be a comment', 'a\n; b'],
  ])('set refuses %s and changes nothing', (_what, value) => {
    const before = lf(HAND_WRITTEN)
    const doc = IniDocument.parse(before)
    expect(() => doc.set('program:redis-master', 'command', value)).toThrow(IniValueError)
    expect(() => doc.set('program:new', 'command', value)).toThrow(IniValueError)
    expect(doc.text()).toBe(before)
  })
})

// ---- against Python's configparser ------------------------------------------------------


const PIECES = [
  '[program:a]', '[program:b]', '[DEFAULT]', '[group:g]', '[a]b]',
  'command=echo hi', 'command = sleep 1 ; note', 'command=a;b', 'command=a ;b', 'command=a #b',
  'Key : value', 'KEY=Value', 'x=', '  indented=continued', '\tmore text',
  '; comment', '# comment', '   ; indented comment', '', '   ', 'a=b # c ; d', 'a=b;c #d ;e',
  'env=A="x,y",B=2', 'path=%(here)s/x', 'k = v = w', 'k:v:w', 'ünï=cödé',
]
const VALUES = ['1', 'true', 'echo a;b', 'x#y', 'multi\nline', 'a\n\nb', 'k = v', '', 'echo "q" \'r\'', 'bad ;comment', ' pad']
const KEYS = ['command', 'autostart', 'key', 'x', 'env', 'new_key']
const SECTIONS = ['program:a', 'program:b', 'group:g', 'program:fresh']

function generate(random: () => number): string {
  const lines: string[] = []
  if (random() < 0.95) lines.push('[program:start]')
  const n = 1 + Math.floor(random() * 12)
  for (let i = 0; i < n; i++) {
    let piece = PIECES[Math.floor(random() * PIECES.length)]
    if (random() < 0.15) piece = ' '.repeat(1 + Math.floor(random() * 3)) + piece
    lines.push(piece)
  }
  const eol = random() < 0.2 ? '\r\n' : '\n'
  return lines.join(eol) + (random() < 0.8 ? eol : '')
}

interface Parsed {
  error?: true
  sections?: Record<string, Record<string, string>>
  defaults?: Record<string, string>
}

function python(texts: string[]): Parsed[] {
  return JSON.parse(execFileSync('python3', [join(__dirname, '..', 'fixtures-ini', 'configparser_dump.py')], {
    input: JSON.stringify(texts),
    maxBuffer: 64 * 1024 * 1024,
  }).toString()) as Parsed[]
}

/** What our document reads, in the dump's shape (only for files Python accepts). */
function ours(doc: IniDocument, like: Parsed): Record<string, Record<string, string | undefined>> {
  const out: Record<string, Record<string, string | undefined>> = {}
  for (const [section, keys] of Object.entries(like.sections ?? {})) {
    out[section] = Object.fromEntries(Object.keys(keys).map((k) => [k, doc.get(section, k)]))
  }
  return out
}

/** Python's view with [DEFAULT] folded in, as get() answers. */
function pythonView(p: Parsed): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  for (const [section, keys] of Object.entries(p.sections ?? {})) out[section] = { ...p.defaults, ...keys }
  return out
}

describe('against Python configparser (supervisord’s reader)', () => {
  const random = rng(4242)
  const texts = Array.from({ length: 1500 }, () => generate(random))
  const originals = python(texts)

  it('1500 generated files: byte-for-byte round trip, and every value read alike', () => {
    const mismatches: unknown[] = []
    texts.forEach((text, i) => {
      const doc = IniDocument.parse(text)
      if (doc.text() !== text) mismatches.push({ text, roundTrip: doc.text() })
      if (originals[i].error) return
      const view = pythonView(originals[i])
      const mine = ours(doc, { sections: view })
      if (JSON.stringify(mine) !== JSON.stringify(view)) mismatches.push({ text, python: view, mine })
    })
    expect(mismatches.slice(0, 3)).toEqual([])
    expect(originals.filter((p) => !p.error).length).toBeGreaterThan(500)
  })

  it('random set / unset: Python reads the new value, every other value unchanged, or the edit is refused and nothing changes', () => {
    const edits: { text: string; edited: string; section: string; key: string; value: string | null }[] = []
    texts.forEach((text, i) => {
      if (originals[i].error) return
      const doc = IniDocument.parse(text)
      const section = SECTIONS[Math.floor(random() * SECTIONS.length)]
      const key = KEYS[Math.floor(random() * KEYS.length)]
      const value = random() < 0.2 ? null : VALUES[Math.floor(random() * VALUES.length)]
      if (value === null) doc.unset(section, key)
      else {
        try {
          doc.set(section, key, value)
        } catch (e) {
          expect(e).toBeInstanceOf(IniValueError)
          expect(doc.text()).toBe(text)
          return
        }
      }
      edits.push({ text, edited: doc.text(), section, key, value })
    })
    const after = python(edits.map((e) => e.edited))
    const before = python(edits.map((e) => e.text))
    const wrong: unknown[] = []
    edits.forEach((e, i) => {
      if (after[i].error) return wrong.push({ ...e, problem: 'Python rejects the edited file' })
      const want = pythonView(before[i])
      const got = pythonView(after[i])
      if (e.value === null) {
        if (want[e.section]) delete want[e.section][e.key]
        // A [DEFAULT] value still shows through.
        if (want[e.section] && before[i].defaults?.[e.key] !== undefined && e.section !== 'DEFAULT') want[e.section][e.key] = before[i].defaults![e.key]
      } else {
        want[e.section] = { ...(want[e.section] ?? before[i].defaults ?? {}), [e.key]: e.value }
      }
      if (JSON.stringify(sorted(got)) !== JSON.stringify(sorted(want))) wrong.push({ ...e, want, got })
    })
    expect(wrong.slice(0, 3)).toEqual([])
    expect(edits.filter((e) => e.value !== null).length).toBeGreaterThan(300)
  })
})

function sorted(v: Record<string, Record<string, string>>): unknown {
  return Object.fromEntries(Object.keys(v).sort().map((s) => [s, Object.fromEntries(Object.keys(v[s]).sort().map((k) => [k, v[s][k]]))]))
}

// ---- the .ini files this repository's tests and lab already use ---------------------------

/** Every string literal in the test sources holding a [program:x] section, ${...} replaced by a word. */
function iniTextsOfTheTests(): { where: string; text: string }[] {
  const root = join(__dirname, '..')
  const files: string[] = []
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== 'node_modules') walk(join(dir, e.name))
      else if (e.name.endsWith('.ts') && !join(dir, e.name).includes(join('test', 'conf'))) files.push(join(dir, e.name))
    }
  }
  walk(root)
  const out: { where: string; text: string }[] = []
  for (const file of files) {
    const source = readFileSync(file, 'utf8')
    for (const m of source.matchAll(/`((?:[^`\\]|\\.)*)`|'((?:[^'\\\n]|\\.)*)'/g)) {
      const body = m[1] ?? m[2]
      if (!body.includes('[program:')) continue
      const text = body
        .replace(/\$\{[^}]*\}/g, 'X')
        .replace(/\\(.)/g, (_all, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c)
      out.push({ where: `${file}:${source.slice(0, m.index).split('\n').length}`, text })
    }
  }
  return out
}

describe('the .ini files the repository already uses', () => {
  const temps: string[] = []
  afterAll(() => {
    for (const d of temps) rmSync(d, { recursive: true, force: true })
  })

  it('every .ini text in the tests round-trips, and reads as the supervisor engine reads it', () => {
    const corpus = iniTextsOfTheTests()
    expect(corpus.length).toBeGreaterThan(50)
    for (const { where, text } of corpus) {
      const doc = IniDocument.parse(text)
      expect(doc.text(), where).toBe(text)
      const engine = new EngineIni()
      try {
        engine.read(text, 'x.ini')
      } catch (e) {
        if (e instanceof IniSyntaxError) continue
        throw e
      }
      for (const section of engine.sectionNames()) {
        for (const key of engine.keys(section)) expect(doc.get(section, key), `${where} ${section}.${key}`).toBe(engine.get(section, key)!.value)
      }
    }
  })

  it('a generated lab.ini and supervisord.conf round-trip and validate clean', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ini-doc-lab-'))
    temps.push(dir)
    const lab = await buildLab({ name: 'ini', replicas: 2, sentinels: 3 }, { dir: join(dir, 'lab') })
    for (const file of [lab.ini, lab.supervisordConf]) {
      const text = readFileSync(file, 'utf8')
      expect(IniDocument.parse(text).text()).toBe(text)
      expect(validateIni(text, file)).toEqual([])
    }
    const doc = IniDocument.parse(readFileSync(lab.ini, 'utf8'))
    expect(doc.sections()).toEqual(expect.arrayContaining(['program:redis-master', 'program:sentinel-1']))
    const before = doc.text()
    doc.set('program:redis-replica-1', 'startsecs', '2')
    doc.set('program:redis-replica-1', 'numprocs_start', '0')
    expect(changedLines(before, doc.text())).toEqual({ removed: ['startsecs=1'], added: ['startsecs=2', 'numprocs_start=0'] })
  })
})

// ---- validation ---------------------------------------------------------------------------

describe('validateIni', () => {
  it('a bad boolean is located at its value and says what is allowed', () => {
    const text = '[program:web]\ncommand=/bin/true\nautostart = maybe ; hmm\n'
    expect(validateIni(text, '/etc/lab.ini')).toEqual([{
      file: '/etc/lab.ini', line: 3, column: 13, endColumn: 18, directive: 'program:web.autostart', severity: 'error', code: 'bad-value',
      message: expect.stringMatching(/maybe.*true\/false, yes\/no, on\/off, 1\/0/),
    }])
  })

  it.each([
    ['autorestart=sometimes', /true, false or unexpected/],
    ['startsecs=soon', /not a whole number/],
    ['stopsignal=STOPPLZ', /not a valid signal name/],
    ['exitcodes=0,300', /0-255/],
    ['stdout_logfile_maxbytes=5XB', /KB, MB or GB/],
    ['environment=A="unclosed', /closing quotation/],
    ['numprocs=many', /not a whole number/],
  ])('%s is refused', (line, message) => {
    const d = validateIni(`[program:web]\ncommand=x\n${line}\n`, 'f.ini')
    expect(d).toHaveLength(1)
    expect(d[0]).toMatchObject({ line: 3, severity: 'error', code: 'bad-value', directive: `program:web.${line.split('=')[0]}` })
    expect(d[0].message).toMatch(message)
  })

  it('what supervisord 4.2 accepts is not refused: numprocs=0 or -1 (no process), a negative startsecs, an empty [include] files=, a [group] without programs=', () => {
    for (const line of ['numprocs=0', 'numprocs=-1', 'startsecs=-1', 'startretries=-2', 'stopwaitsecs=-1']) {
      expect(validateIni(`[program:web]\ncommand=x\n${line}\n`, 'f.ini').filter((d) => d.severity === 'error'), line).toEqual([])
    }
    expect(validateIni('[program:web]\ncommand=x\n[include]\nfiles=\n', 'f.ini').filter((d) => d.severity === 'error')).toEqual([])
    expect(validateIni('[program:web]\ncommand=x\n[group:g]\n', 'f.ini').filter((d) => d.severity === 'error')).toEqual([])
  })

  it('values with %(...)s expansions are left to load time', () => {
    expect(validateIni('[program:web]\ncommand=x\nstartsecs=%(ENV_SECS)s\n', 'f.ini')).toEqual([])
  })

  it('unknown keys are warnings with a suggestion, located at the key', () => {
    const d = validateIni('[program:web]\ncommand=x\n  ; note\nautostrat=true\n', 'f.ini')
    expect(d).toEqual([expect.objectContaining({ line: 4, column: 1, endColumn: 10, severity: 'warning', code: 'unknown-key', directive: 'program:web.autostrat' })])
    expect(d[0].message).toContain('did you mean autostart?')
  })

  it('syntax errors, missing command, unknown sections, bad names, groups, duplicates: each located', () => {
    const text = [
      'orphan=1', // 1: before any section
      '[program:web]', // 2: no command
      'autostart=true',
      'just words', // 4: not key = value
      '[program:bad name]', // 5
      'command=x',
      '[programm:typo]', // 7
      '[group:g]', // 8
      'programs=web,ghost', // 9
      '[program:dup]', // 10
      'command=a', // 11
      'command=b',
      '[program:pair]',
      'command=x',
      'stopasgroup=true',
      'killasgroup=false', // 16
    ].join('\n')
    const d = validateIni(text, 'f.ini').map((x) => [x.line, x.severity, x.code, x.directive])
    expect(d).toEqual(expect.arrayContaining([
      [1, 'error', 'missing-section-header', null],
      [4, 'error', 'syntax', 'program:web'],
      [2, 'error', 'missing-key', 'program:web'],
      [5, 'error', 'bad-name', 'program:bad name'],
      [7, 'warning', 'unknown-section', 'programm:typo'],
      [9, 'warning', 'unknown-program', 'group:g.programs'],
      [11, 'warning', 'duplicate-key', 'program:dup.command'],
      [16, 'error', 'bad-value', 'program:pair.killasgroup'],
    ]))
    expect(d).toHaveLength(8)
  })

  it('never throws, and every diagnostic is inside the text, on 1500 generated files', () => {
    const random = rng(99)
    for (let i = 0; i < 1500; i++) {
      const text = generate(random)
      const lines = text.split('\n')
      for (const d of validateIni(text, 'g.ini')) {
        expect(d.line).toBeGreaterThanOrEqual(1)
        expect(d.line).toBeLessThanOrEqual(lines.length)
        expect(d.column).toBeGreaterThanOrEqual(1)
        expect(d.endColumn).toBeGreaterThan(d.column)
        expect(d.column).toBeLessThanOrEqual(lines[d.line - 1].length + 1)
      }
    }
  })
})

describe('an edit never changes how the rest of the file reads', () => {
  it('a key that would swallow an indented line below it as its continuation is refused', () => {
    // `  junk` is a line supervisord rejects; a key inserted above it would take it as its continuation.
    const text = '[program:a]\n; nothing yet\n  junk\n'
    const doc = IniDocument.parse(text)
    expect(() => doc.set('program:a', 'command', 'x')).toThrow(IniValueError)
    expect(doc.text()).toBe(text)
  })
})
