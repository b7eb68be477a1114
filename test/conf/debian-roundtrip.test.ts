// Debian's shipped redis.conf and sentinel.conf (read from the installed redis-server and
// redis-sentinel packages): they round-trip byte for byte, validate with no error, and an
// edit of one directive changes only that line.
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { getDirective, setDirective } from '../../src/main/conf/conf-edit'
import { RedisConfDocument } from '../../src/main/conf/redis-doc'
import { validateConf } from '../../src/main/conf/validate'

const FILES = [
  { path: '/etc/redis/redis.conf', kind: 'redis', pkg: 'redis-server', minLines: 2000 },
  { path: '/etc/redis/sentinel.conf', kind: 'sentinel', pkg: 'redis-sentinel', minLines: 300 },
] as const

function read(path: string, pkg: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: install the Debian package ${pkg} (apt-get install ${pkg}); CI installs it`)
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    // Debian ships it 0640 root:redis (or redis:redis).
    throw new Error(`${path} cannot be read (${e instanceof Error ? e.message : String(e)}): run the tests as root or as a member of the group redis`)
  }
}

const changedLines = (a: string, b: string): number[] => {
  const x = a.split('\n')
  const y = b.split('\n')
  const out: number[] = []
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) out.push(i + 1)
  return out
}

describe.each(FILES)('$path', ({ path, kind, pkg, minLines }) => {
  it('round-trips byte for byte', () => {
    const text = read(path, pkg)
    expect(text.split('\n').length).toBeGreaterThan(minLines)
    const back = RedisConfDocument.parse(text).text()
    expect(Buffer.from(back).equals(Buffer.from(text))).toBe(true)
  })

  it('validates with no error and no warning', () => {
    const diagnostics = validateConf(read(path, pkg), kind, path)
    expect(diagnostics.filter((d) => d.severity !== 'info')).toEqual([])
  })

  it('an edit of one directive changes only its line', () => {
    const text = read(path, pkg)
    const doc = RedisConfDocument.parse(text)
    const key = kind === 'redis' ? 'port' : 'sentinel down-after-milliseconds mymaster'
    expect(getDirective(doc, kind, key)).toHaveLength(1)
    setDirective(doc, kind, key, ['6390'])
    const after = doc.text()
    const line = text.split('\n').findIndex((l) => (kind === 'redis' ? /^port /.test(l) : /^sentinel down-after-milliseconds /.test(l))) + 1
    expect(changedLines(text, after)).toEqual([line])
    expect(after.length - text.length).toBe(kind === 'redis' ? 0 : -1)
  })
})
