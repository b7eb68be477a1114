import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildLab, readLab } from '../../src/main/lab/blueprint'
import { freePorts } from '../../src/main/lab/ports'
import { LAB_DEFAULTS as DEFAULTS, validateSpec } from '../../src/shared/lab-spec'
import { SpecError, randomPassword, resolveSpec } from '../../src/main/lab/spec'

describe('lab spec', () => {
  it('defaults follow the tutorial, with a random url-safe password', () => {
    const a = resolveSpec()
    expect(a).toMatchObject({ replicas: 2, sentinels: 3, quorum: 2, downAfterMs: 1500, persistence: 'none', timers: 'realistic', ports: {} })
    expect(a.password).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(resolveSpec().password).not.toBe(a.password)
    expect(randomPassword()).not.toBe(randomPassword())
    expect(DEFAULTS.masterName).toBe('mymaster')
    expect(resolveSpec({ sentinels: 1 }).quorum).toBe(1)
  })

  it('bad input gets located errors', () => {
    const fields = (input: unknown): string[] => validateSpec(input).map((e) => e.field)
    expect(validateSpec({})).toEqual([])
    expect(fields({ quorum: 4, sentinels: 3 })).toEqual(['quorum'])
    expect(validateSpec({ quorum: 4 })[0].message).toMatch(/must not exceed the number of sentinels \(3\)/)
    expect(fields({ masterName: 'my master' })).toEqual(['masterName'])
    expect(fields({ masterName: 'ok.name-1_x' })).toEqual([])
    expect(fields({ name: '../x' })).toEqual(['name'])
    expect(fields({ replicas: -1 })).toEqual(['replicas'])
    expect(fields({ sentinels: 0 })).toContain('sentinels')
    expect(fields({ replicas: 1.5 })).toEqual(['replicas'])
    expect(fields({ ports: { basePort: 80 } })).toEqual(['ports.basePort'])
    expect(fields({ ports: { basePort: 50000 } })).toEqual(['ports.basePort'])
    expect(fields({ ports: { basePort: 6380 } })).toEqual([])
    expect(fields({ ports: { base: 6380 } })).toEqual(['ports.base'])
    expect(fields({ persistence: 'disk' })).toEqual(['persistence'])
    expect(fields({ timers: 'slow' })).toEqual(['timers'])
    expect(fields({ password: 'has space' })).toEqual(['password'])
    expect(fields({ pasword: 'x' })).toEqual(['pasword'])
    expect(() => resolveSpec({ quorum: 9 })).toThrow(SpecError)
  })

  it('free ports are distinct and never 6379 / 26379', async () => {
    const ports = await freePorts(20)
    expect(new Set(ports).size).toBe(20)
    expect(ports).not.toContain(6379)
    expect(ports).not.toContain(26379)
  })

  it('a lab is found again from its folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-spec-'))
    try {
      const lab = await buildLab({ name: 'again', persistence: 'aof' }, { dir: join(dir, 'lab') })
      const again = readLab(lab.dir)
      expect(again).toEqual(lab)
      await expect(buildLab({ name: 'again' }, { dir: lab.dir })).rejects.toThrow(/already exists/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
