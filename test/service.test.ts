// The service answers start / restart the way supervisorctl does: once each process has
// settled (RUNNING, or failed with the reason and where its log is), and a file that does
// not load is reported without being shown as open.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const home = mkdtempSync(join(tmpdir(), 'sl-service-'))
process.env.SENTINEL_LAB_HOME = home
const { AppService } = await import('../src/main/app/app-service')
const service = new AppService({ transport: 'web', version: 'test' })

beforeAll(async () => {
  writeFileSync(join(home, 'bad.ini'), '[program:x]\ncommand=sleep 1\nautostart=maybe\n')
  writeFileSync(
    join(home, 'lab.ini'),
    `[program:slow]
command=sleep 1000
startsecs=1
autostart=false

[program:broken]
command=sh -c "exit 3"
startsecs=1
startretries=0
autostart=false

[program:missing]
command=no-such-command-here
autostart=false
startretries=0

[program:later]
command=sleep 1000
autostart=false
depends_on=slow
`,
  )
})

afterAll(async () => {
  await service.shutdown()
  rmSync(home, { recursive: true, force: true })
})

describe('AppService', () => {
  it('does not show a file that failed to load as the open configuration', async () => {
    const snap = await service.openConfig(join(home, 'bad.ini'))
    expect(snap.configPath).toBeNull()
    expect(snap.issues[0]).toMatchObject({ severity: 'error', line: 3, section: 'program:x', key: 'autostart' })
  })

  it('answers start once the process is RUNNING, after startsecs', async () => {
    await service.openConfig(join(home, 'lab.ini'))
    const t0 = Date.now()
    const [outcome] = await service.start({ kind: 'process', name: 'slow' })
    expect(outcome).toEqual({ name: 'slow', ok: true, message: null })
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900)
    expect((await service.getSnapshot()).processes.find((p) => p.name === 'slow')?.state).toBe('RUNNING')
  })

  it('reports a start that fails, with the reason and the log to read', async () => {
    const [outcome] = await service.start({ kind: 'process', name: 'broken' })
    expect(outcome.ok).toBe(false)
    expect(outcome.message).toMatch(/exited too quickly/i)
    expect(outcome.message).toMatch(/see .*broken-stderr\.log/)
    const [missing] = await service.start({ kind: 'process', name: 'missing' })
    expect(missing.ok).toBe(false)
    expect(missing.message).toMatch(/can't find command 'no-such-command-here'/)
  })

  it('says what a held-back process waits for', async () => {
    await service.stop({ kind: 'process', name: 'slow' })
    const [outcome] = await service.start({ kind: 'process', name: 'later' })
    expect(outcome).toEqual({ name: 'later', ok: true, message: 'waiting for slow' })
  })
})
