// lab.json records every member by name; older files (ports and myids only) still read,
// their names derived as before. No processes: files only.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { buildLab, randomMyid, readLab, renderLabJson, writeLabFiles } from '../../src/main/lab/blueprint'
import { type Lab, type LabMembers, layoutMembers, membersOf } from '../../src/main/lab/layout'

const temps: string[] = []

afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
})

function mkTemp(): string {
  const d = mkdtempSync(join(tmpdir(), 'lab-blueprint-'))
  temps.push(d)
  return d
}

function shape(lab: Lab): unknown {
  return {
    nodes: lab.nodes.map((n) => [n.name, n.port, n.initialRole, n.dir, n.conf, n.log]),
    sentinels: lab.sentinels.map((s) => [s.name, s.port, s.myid, s.dir, s.conf, s.log]),
    master: lab.master.name, replicas: lab.replicas.map((r) => r.name), ports: lab.ports, spec: lab.spec,
  }
}

function editJson(lab: Lab, edit: (file: Record<string, unknown>) => void): void {
  const file = JSON.parse(readFileSync(lab.labJson, 'utf8')) as Record<string, unknown>
  edit(file)
  writeFileSync(lab.labJson, JSON.stringify(file, null, 2))
}

describe('lab.json', () => {
  it('records every member by name, and reads back the same lab', async () => {
    const lab = await buildLab({ name: 'names', replicas: 2, sentinels: 3 }, { dir: join(mkTemp(), 'lab') })
    const file = JSON.parse(readFileSync(lab.labJson, 'utf8'))
    expect(file.nodes).toEqual([
      { name: 'redis-master', port: lab.master.port, initialRole: 'master' },
      { name: 'redis-replica-1', port: lab.replicas[0].port, initialRole: 'replica' },
      { name: 'redis-replica-2', port: lab.replicas[1].port, initialRole: 'replica' },
    ])
    expect(file.sentinels.map((s: { name: string }) => s.name)).toEqual(['sentinel-1', 'sentinel-2', 'sentinel-3'])
    expect(file.myids).toEqual(lab.sentinels.map((s) => s.myid))
    expect(shape(readLab(lab.dir))).toEqual(shape(lab))
  })

  it('an old lab.json without names still reads: names derived from the ports, as before', async () => {
    const lab = await buildLab({ name: 'old', replicas: 2, sentinels: 3 }, { dir: join(mkTemp(), 'lab') })
    editJson(lab, (f) => {
      delete f.nodes
      delete f.sentinels
    })
    expect(readFileSync(lab.labJson, 'utf8')).not.toContain('"nodes"')
    const back = readLab(lab.dir)
    expect(shape(back)).toEqual(shape(lab))
    expect(back.nodes.map((n) => n.name)).toEqual(['redis-master', 'redis-replica-1', 'redis-replica-2'])
    expect(back.sentinels.map((s) => s.name)).toEqual(['sentinel-1', 'sentinel-2', 'sentinel-3'])
    expect(back.spec).toMatchObject({ replicas: 2, sentinels: 3 })
  })

  it('names that no longer follow the indices survive a write and a read; the counts follow the members', async () => {
    const built = await buildLab({ name: 'gaps', replicas: 1, sentinels: 3 }, { dir: join(mkTemp(), 'lab') })
    const members: LabMembers = membersOf(built)
    // redis-replica-1 and sentinel-1 gone, redis-replica-3 and sentinel-4 came.
    members.nodes = [members.nodes[0], { name: 'redis-replica-3', port: built.replicas[0].port, initialRole: 'replica' }]
    members.sentinels = [...members.sentinels.slice(1), { name: 'sentinel-4', port: built.sentinels[0].port, myid: randomMyid() }]
    const lab = layoutMembers(built.dir, built.spec, members, built.binaries)
    expect(lab.spec).toMatchObject({ replicas: 1, sentinels: 3 })
    expect(lab.replicas[0].dir).toBe(join(built.dir, 'redis-replica-3'))
    writeLabFiles(lab)
    expect(shape(readLab(lab.dir))).toEqual(shape(lab))

    // createdAt survives a rewrite; updatedAt says when.
    const created = JSON.parse(readFileSync(lab.labJson, 'utf8')).createdAt
    const rewritten = JSON.parse(renderLabJson(lab, created))
    expect(rewritten.createdAt).toBe(created)
    expect(typeof rewritten.updatedAt).toBe('string')

    // The member lists win over stale counts in the spec.
    editJson(lab, (f) => {
      (f.spec as Record<string, unknown>).replicas = 5
    })
    expect(readLab(lab.dir).spec.replicas).toBe(1)
  })

  it('bad member lists get a located error', async () => {
    const lab = await buildLab({ name: 'bad', replicas: 1, sentinels: 2 }, { dir: join(mkTemp(), 'lab') })
    const good = readFileSync(lab.labJson, 'utf8')
    const expectError = (edit: (f: Record<string, any>) => void, message: RegExp): void => {
      writeFileSync(lab.labJson, good)
      editJson(lab, edit)
      expect(() => readLab(lab.dir)).toThrow(message)
    }
    expectError((f) => (f.nodes[1].name = 'redis-master'), /lab\.json: two members are named redis-master/)
    expectError((f) => (f.sentinels[1].port = f.sentinels[0].port), /sentinel-2: port \d+ is used twice/)
    expectError((f) => (f.sentinels[1].myid = f.sentinels[0].myid), /sentinel-2: myid [0-9a-f]{40} is used twice/)
    expectError((f) => (f.sentinels[0].myid = 'xyz'), /sentinel-1: bad myid "xyz"/)
    expectError((f) => (f.nodes[1].name = '../escape'), /bad member name "\.\.\/escape"/)
    expectError((f) => (f.nodes[1].name = 'logs'), /bad member name "logs"/)
    expectError((f) => (f.sentinels = []), /a lab needs at least one sentinel/)
    expectError((f) => (f.sentinels = undefined), /"nodes" and "sentinels" must both be lists/)
    expectError((f) => {
      delete f.nodes
      delete f.sentinels
      f.myids = f.myids.slice(1)
    }, /"myids" must hold one myid per sentinel \(2\)/)
  })
})
