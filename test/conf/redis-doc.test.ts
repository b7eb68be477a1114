// The lossless redis.conf document: what goes in comes out byte for byte, Redis's quoting
// rules read words as redis-server does, and an edit rewrites only the lines it touches.
import { describe, expect, it } from 'vitest'
import { quoteConfArg, splitConfArgs } from '../../src/shared/redis-args'
import { RedisConfDocument } from '../../src/main/conf/redis-doc'

const roundTrip = (text: string): string => RedisConfDocument.parse(text).text()

describe('round trip', () => {
  const samples: Record<string, string> = {
    empty: '',
    'only a newline': '\n',
    'LF file': '# comment\nport 6380\n\nmaxmemory 100mb\n',
    'CRLF file': '# comment\r\nport 6380\r\n\r\nmaxmemory 100mb\r\n',
    'mixed endings': 'port 1\r\nbind 127.0.0.1\nsave ""\r\n',
    'no final newline': 'port 6380\nmaxmemory 1gb',
    'no final newline, CRLF before': 'port 6380\r\nmaxmemory 1gb',
    'trailing whitespace': 'port 6380   \nbind 127.0.0.1\t \n   \n',
    tabs: '\tport\t6380\n\t# indented comment\n',
    'lone CR inside a line': 'requirepass a\rb\n',
    'double quotes and escapes': 'requirepass "a\\"b\\\\c\\n\\r\\t\\x41\\x7e"\n',
    'single quotes': "masterauth 'it\\'s secret'\n",
    'quote inside a bare word': 'rename-command FLUSHALL ab"c d"\n',
    'unbalanced quotes kept': 'requirepass "open\nport 1\n',
    'unicode': 'logfile "/tmp/журнал.log"\n# ✓ done\n',
    'blank lines only': '\n\n\r\n\n',
  }
  for (const [name, text] of Object.entries(samples)) it(name, () => expect(roundTrip(text)).toBe(text))
})

describe('reading words the way Redis does', () => {
  const words = (line: string): string[] => {
    const r = splitConfArgs(line)
    if (!r.ok) throw new Error(r.message)
    return r.tokens.map((t) => t.value)
  }

  it('decodes double-quoted escapes', () => {
    expect(words('requirepass "a\\"b\\\\c\\n\\r\\t\\x41\\x7e"')).toEqual(['requirepass', 'a"b\\c\n\r\tA~'])
  })
  it('takes only \\\' in single quotes', () => {
    expect(words("masterauth 'it\\'s \\n'")).toEqual(['masterauth', "it's \\n"])
  })
  it('stops at a NUL, as Redis reading a C string does', () => {
    expect(words('maxmemory 1gb\0 junk "')).toEqual(['maxmemory', '1gb'])
    expect(roundTrip('maxmemory 1gb\0 junk "\n')).toBe('maxmemory 1gb\0 junk "\n')
  })
  it('reads an empty quoted word as a word', () => {
    expect(words('save ""')).toEqual(['save', ''])
  })
  it('reads a quote in a bare word as a quoted part of the same word', () => {
    expect(splitConfArgs('x ab"c d"e').ok).toBe(false)
    expect(words('x ab"c d"')).toEqual(['x', 'abc d'])
  })
  it('refuses a closing quote glued to the next word and an unclosed quote', () => {
    const glued = splitConfArgs('requirepass "abc"def')
    expect(glued.ok).toBe(false)
    if (!glued.ok) expect(glued.offset).toBe(17)
    const open = splitConfArgs("masterauth 'abc")
    expect(open.ok).toBe(false)
    if (!open.ok) expect(open.offset).toBe(11)
  })
  it('keeps where each word was written', () => {
    const r = splitConfArgs('  save  "900 1"\t300')
    expect(r.ok && r.tokens.map((t) => [t.start, t.end, t.quoted])).toEqual([
      [2, 6, false],
      [8, 15, true],
      [16, 19, false],
    ])
  })
  it('quotes what needs quoting and reads it back', () => {
    for (const v of ['plain', '', 'two words', 'q"uote', "it's", 'back\\slash', 'nl\nx', 'tab\tx', '\x01\x7f', 'ünï', '#hash']) {
      const q = quoteConfArg(v)
      expect(words(`k ${q}`)[1], `value ${JSON.stringify(v)} written as ${q}`).toBe(v)
    }
    expect(quoteConfArg('100mb')).toBe('100mb')
    expect(quoteConfArg('')).toBe('""')
  })
})

describe('lines', () => {
  it('tells comments, blanks, directives and broken lines apart', () => {
    const doc = RedisConfDocument.parse('# c\n\n  \nPort 6380\nrequirepass "x\n')
    expect(doc.lines.map((l) => l.kind)).toEqual(['comment', 'blank', 'blank', 'directive', 'error'])
    expect(doc.lines[3].name).toBe('port')
    expect(doc.lines[4].error?.offset).toBe(12)
  })
  it('finds directive lines by lower-case name in file order', () => {
    const doc = RedisConfDocument.parse('save 900 1\nport 1\nSAVE 300 10\n')
    expect(doc.find(['save']).map((f) => [f.index, RedisConfDocument.args(f.line)])).toEqual([
      [0, ['900', '1']],
      [2, ['300', '10']],
    ])
  })
})

describe('edits touch only their lines', () => {
  const original = '# head\r\n  maxmemory   100mb  \r\nrequirepass "se cret"\r\n\r\n# tail\r\nport 6380'

  it('replace rewrites one line, keeps its indentation, spelling and line ending', () => {
    const doc = RedisConfDocument.parse(original)
    doc.replace(1, ['1gb'])
    expect(doc.text()).toBe(original.replace('  maxmemory   100mb  ', '  maxmemory 1gb'))
  })
  it('replace with the same words leaves the line exactly as written', () => {
    const doc = RedisConfDocument.parse(original)
    doc.replace(2, ['se cret'])
    doc.replace(1, ['100mb'])
    expect(doc.text()).toBe(original)
  })
  it('replace quotes values that need it', () => {
    const doc = RedisConfDocument.parse(original)
    doc.replace(2, ['new "one"'])
    expect(doc.text()).toBe(original.replace('requirepass "se cret"', 'requirepass "new \\"one\\""'))
    expect(RedisConfDocument.args(doc.lines[2])).toEqual(['new "one"'])
  })
  it('insert at the end of a file without a final newline keeps it without one', () => {
    const doc = RedisConfDocument.parse(original)
    doc.insert(doc.lines.length, 'masterauth', ['pw'])
    expect(doc.text()).toBe(`${original}\r\nmasterauth pw`)
  })
  it('insert uses the line ending most lines use', () => {
    const doc = RedisConfDocument.parse('a 1\nb 2\n')
    doc.insert(1, 'c', ['3'])
    expect(doc.text()).toBe('a 1\nc 3\nb 2\n')
    const crlf = RedisConfDocument.parse('a 1\r\nb 2\r\n')
    crlf.insert(2, 'c', ['3'])
    expect(crlf.text()).toBe('a 1\r\nb 2\r\nc 3\r\n')
  })
  it('remove drops one line and nothing else', () => {
    const doc = RedisConfDocument.parse(original)
    doc.remove(2)
    expect(doc.text()).toBe(original.replace('requirepass "se cret"\r\n', ''))
  })
  it('refuses to replace a line that is not a directive', () => {
    const doc = RedisConfDocument.parse(original)
    expect(() => doc.replace(0, ['x'])).toThrow(/not a directive/)
  })
})
