// A lab folder as blueprint.ts writes it must satisfy the doctor: no error and no warning
// from its files (each persistence mode), from `sentinel-lab doctor` on the folder, and from
// the live rules while the lab runs for real under the supervisor engine (the doctor must
// recognise each process as the one its file configures).
import { appendFileSync, chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { buildLab } from '../../src/main/lab/blueprint'
import { diagnoseFiles, diagnoseLive } from '../../src/main/doctor'
import { collectFiles } from '../../src/main/doctor/collect'
import { doctorCommand } from '../../src/main/cli/doctor-command'
import { waitHealthy } from '../../src/main/lab/health'
import { Supervisor } from '../../src/main/supervisor/supervisor'
import { alive } from './proc'

const temps: string[] = []
const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  vi.restoreAllMocks()
  for (const c of cleanups.splice(0).reverse()) await c()
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
})

function mkTemp(): string {
  const d = mkdtempSync(join(tmpdir(), 'doctor-lab-'))
  temps.push(d)
  return d
}

describe('a freshly generated lab folder', () => {
  for (const persistence of ['none', 'rdb', 'aof'] as const) {
    it(`persistence ${persistence}: no finding from its files`, async () => {
      const lab = await buildLab({ name: `doc-${persistence}`, persistence }, { dir: join(mkTemp(), 'lab') })
      const files = collectFiles([lab.dir])
      expect(files.map((f) => f.kind).sort()).toEqual(['redis', 'redis', 'redis', 'sentinel', 'sentinel', 'sentinel', 'supervisor', 'supervisor'])
      expect(diagnoseFiles(files)).toEqual([])
    })
  }

  it('sentinel-lab doctor on the folder: "no problems found", exit 0', async () => {
    const lab = await buildLab({ name: 'doc-cli' }, { dir: join(mkTemp(), 'lab') })
    let out = ''
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true))
    const code = await doctorCommand([lab.dir, '--files-only'])
    vi.restoreAllMocks()
    // Which release judged the files, then the verdict.
    // (The 'valkey' test project runs this file again with Valkey's binaries.)
    const product = /valkey/.test(process.env.SENTINEL_LAB_REDIS_SERVER ?? '') ? 'Valkey' : 'Redis'
    expect(out.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^Checked for ${product} \\d+\\.\\d+\\.\\d+ \\(/.*-server, /.*-sentinel\\)\\.$`)), 'no problems found in 8 files'])
    expect(code).toBe(0)
  })

  it('running under the supervisor engine: the live rules find nothing either; a node\'s conf made to need masterauth is found', async () => {
    const root = mkTemp()
    const lab = await buildLab({ name: 'doc-live' }, { dir: join(root, 'lab') })
    const sv = new Supervisor({ logDir: join(root, 'sv-logs'), stateDir: join(root, 'sv-state') })
    cleanups.push(() => sv.shutdown())
    await sv.load(lab.ini)
    await waitHealthy(lab, { timeoutMs: 15_000 })
    const files = collectFiles([lab.dir])
    expect(await diagnoseLive(files)).toEqual([])
    let out = ''
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true))
    const code = await doctorCommand([lab.dir]) // live: it connects to every port of the lab
    vi.restoreAllMocks()
    expect({ code, out: out.trim().split('\n').at(-1) }).toEqual({ code: 0, out: 'no problems found in 8 files' })

    // The same running lab, one file changed as the tutorial has it: the doctor sees it.
    const changed = files.map((f) => (f.path === lab.master.conf ? { ...f, text: f.text.replace(/^masterauth .*\n/m, '') } : f))
    const found = await diagnoseLive(changed)
    // ...and that the running master still has the masterauth its file no longer gives.
    expect(found.map((f) => [f.id, f.file, f.directive])).toEqual([
      ['file-differs-from-running', lab.master.conf, 'masterauth'], ['masterauth-missing', lab.master.conf, 'masterauth'],
    ])
    expect(found[0].title).toBe('masterauth: the file says none (not written: the default), the running node uses a password')

    const pids = sv.snapshot().processes.map((p) => p.pid).filter((p) => p > 0)
    await sv.shutdown()
    for (const pid of pids) expect({ pid, alive: alive(pid) }).toEqual({ pid, alive: false })
  })
})

describe("a lab's files are judged by the lab's own binaries", () => {
  it('a Valkey lab (a file using primaryuser, a Valkey name) is checked for Valkey, whatever PATH holds', async () => {
    // Stand-ins that only say their version: the doctor with --files-only runs nothing else.
    const bin = mkTemp()
    for (const name of ['valkey-server', 'valkey-sentinel']) {
      writeFileSync(join(bin, name), '#!/bin/sh\necho "Valkey server v=8.0.1 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=39f7c371e0a96e3d"\n')
      chmodSync(join(bin, name), 0o755)
    }
    const lab = await buildLab({ name: 'doc-valkey' }, { dir: join(mkTemp(), 'lab'), binaries: { redisServer: join(bin, 'valkey-server'), redisSentinel: join(bin, 'valkey-sentinel') } })
    appendFileSync(lab.nodes[1].conf, 'primaryuser default\n')
    let out = ''
    vi.spyOn(process.stdout, 'write').mockImplementation((x: string | Uint8Array) => ((out += String(x)), true))
    const code = await doctorCommand([lab.dir, '--files-only'])
    vi.restoreAllMocks()
    expect(out.trim().split('\n')).toEqual([`Checked for Valkey 8.0.1 (${join(bin, 'valkey-server')}, ${join(bin, 'valkey-sentinel')}).`, 'no problems found in 8 files'])
    expect(code).toBe(0)
  })
})
