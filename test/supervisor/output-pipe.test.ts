// Children write into real pipes, as under supervisord: /dev/stdout can be reopened, and
// redirect_stderr puts both streams on one pipe in the order they were written.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Supervisor } from '../../src/main/supervisor/supervisor'
import { cleanTemps, mkTemp, waitFor } from './helpers'

let sup: Supervisor | null = null
afterEach(async () => {
  await sup?.shutdown()
  sup = null
  cleanTemps()
})

async function run(ini: string): Promise<string> {
  const dir = mkTemp()
  writeFileSync(join(dir, 'p.ini'), ini.replaceAll('DIR', dir))
  sup = new Supervisor({ logDir: join(dir, 'logs'), stateDir: join(dir, 'state') })
  await sup.load(join(dir, 'p.ini'))
  return dir
}

describe('output pipes', () => {
  it('lets a program reopen /dev/stdout and /dev/stderr', async () => {
    const dir = await run(`[program:dev]
command=sh -c "echo out > /dev/stdout && echo err > /dev/stderr && exec sleep 60"
startsecs=0
stdout_logfile=DIR/out.log
stderr_logfile=DIR/err.log
`)
    await waitFor(() => readFileSync(join(dir, 'out.log'), 'utf8') === 'out\n' && readFileSync(join(dir, 'err.log'), 'utf8') === 'err\n', { timeout: 5000 })
    expect(sup!.snapshot().processes[0].state).toBe('RUNNING')
  })

  it('keeps stdout and stderr in write order with redirect_stderr', async () => {
    const dir = await run(`[program:mixed]
command=sh -c "for i in 1 2 3 4 5; do echo out$i; echo err$i >&2; done; exec sleep 60"
startsecs=0
redirect_stderr=true
stdout_logfile=DIR/mixed.log
`)
    const expected = [1, 2, 3, 4, 5].map((i) => `out${i}\nerr${i}\n`).join('')
    await waitFor(() => readFileSync(join(dir, 'mixed.log'), 'utf8') === expected, { timeout: 5000 })
  })
})
