// The renderer in real Chromium, against the real service over the web bridge: open a file
// through the UI, watch programs go RUNNING, stop / start them, kill one from outside and
// see it come back, see a broken one fail with its reason, a malformed file's located error,
// the reconnecting state, and the bridge refusing strangers. Also: a failed first open
// leaves no path in the header, the path field's text is replaced by typing, and a start
// that fails says which process and why, and where its log is. Screenshots go to
// test-results/e2e/.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { AppService as AppServiceType } from '../../src/main/app/app-service'
import type { WebBridge } from '../../src/main/transport/web-bridge'
import { type AppUnderTest, openAppUnderTest, rendererDir } from './app-under-test'
import { UI_TIMEOUT, attr, text, until } from './locators'

const shots = resolve('test-results/e2e')

let work: string
let service: AppServiceType
let bridge: WebBridge
let startWebBridge: typeof import('../../src/main/transport/web-bridge').startWebBridge
let context: BrowserContext
let page: Page
let goodIni: string
let badIni: string
let pageErrors: string[] = []
let app: AppUnderTest | undefined

const row = (name: string): Locator => page.locator(`tr[data-name="${name}"]`)
const stateOf = (name: string): Locator => row(name).locator('[data-testid="state"]')
const pidOf = async (name: string): Promise<number> => Number(await text(row(name).locator('[data-testid="pid"]')))
const enginePid = (name: string): number => service.supervisor.snapshot().processes.find((p) => p.name === name)?.pid ?? 0

// playwright-core has no web-first assertions: poll with a deadline instead.
const visible = (l: Locator): Promise<void> => l.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT })
const hidden = (l: Locator): Promise<void> => l.first().waitFor({ state: 'hidden', timeout: UI_TIMEOUT })
const disabled = (l: Locator): Promise<boolean> => l.isDisabled()

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sentinel-lab-e2e-work-'))
  mkdirSync(shots, { recursive: true })

  goodIni = join(work, 'lab.ini')
  writeFileSync(
    goodIni,
    [
      '[program:sleeper]',
      'command=sleep 1000',
      'startsecs=0',
      'autorestart=true',
      '',
      '[program:worker]',
      'command=sleep 1000',
      'startsecs=0',
      'autorestart=true',
      '',
      '[program:broken]',
      'command=/bin/sh -c "exit 3"',
      'startsecs=1',
      'startretries=1',
      '',
      '[program:queue-a]',
      'command=sleep 1000',
      'startsecs=0',
      '',
      '[program:queue-b]',
      'command=sleep 1000',
      'startsecs=0',
      '',
      '[group:queues]',
      'programs=queue-a,queue-b',
      '',
      // Started by hand, it fails after a second: the start call answers only then.
      '[program:flaky]',
      'command=/bin/sh -c "sleep 1; echo boom >&2; exit 2"',
      'autostart=false',
      'startsecs=3',
      'startretries=0',
      '',
    ].join('\n'),
  )
  badIni = join(work, 'malformed.ini')
  writeFileSync(badIni, ['[program:ok]', 'command=sleep 1000', '', '[program:bad]', 'command=sleep 1000', 'startsecs=abc', ''].join('\n'))

  app = await openAppUnderTest({ name: 'programs', viewport: { width: 1280, height: 640 }, timeoutMs: UI_TIMEOUT })
  ;({ service, bridge, startWebBridge, context, page, pageErrors } = app)
})

afterAll(async () => {
  await context?.close()
  await service?.shutdown()
  await bridge?.close()
  app?.removeDirs()
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('programs view in Chromium', () => {
  it('shows a failed first open as an error above the open form, with no path in the header', async () => {
    await page.goto(bridge.url)
    // Started with no configuration, the app opens on the Lab view: Programs is one click away.
    await page.getByRole('heading', { name: 'New lab' }).waitFor({ state: 'visible' })
    await page.getByRole('tab', { name: 'Programs', exact: true }).click()
    await visible(page.getByRole('heading', { name: 'Open a supervisord configuration' }))
    const field = page.locator('#config-path')
    await until(() => field.inputValue()).toContain(process.cwd())
    // The prefilled text is selected: typing replaces it instead of appending to it.
    const selection = (): Promise<string> =>
      field.evaluate((el) => {
        const input = el as unknown as { selectionStart: number; selectionEnd: number; value: string }
        return `${input.selectionStart}-${input.selectionEnd}/${input.value.length}`
      })
    await until(async () => (await selection()) === `0-${(await field.inputValue()).length}/${(await field.inputValue()).length}`).toBe(true)
    const missing = join(work, 'nowhere.ini')
    await page.keyboard.type(missing)
    expect(await field.inputValue()).toBe(missing)
    await field.press('Enter')
    const banner = page.getByTestId('load-error')
    await until(() => text(banner)).toContain('no such file or folder')
    await until(() => text(banner)).toContain('Check the path')
    expect(await text(banner)).not.toContain('Fix the file')
    expect(await text(page.getByTestId('config-path'))).toBe('No configuration open')

    // Focus by click selects it all again.
    await page.getByRole('heading', { name: 'Open a supervisord configuration' }).click()
    await field.click()
    await until(async () => (await selection()) === `0-${missing.length}/${missing.length}`).toBe(true)
    await page.keyboard.type(badIni)
    await page.keyboard.press('Enter')
    await until(() => text(banner)).toContain(`${badIni}:6 [program:bad] startsecs`)
    await until(() => text(banner)).toContain('Fix the file, then open it again')
    expect(await text(page.getByTestId('config-path'))).toBe('No configuration open')
    // The error sits above the form, inside the empty state.
    const bannerBox = await banner.boundingBox()
    const formBox = await page.getByRole('form', { name: 'Open a configuration' }).boundingBox()
    expect(bannerBox!.y + bannerBox!.height).toBeLessThanOrEqual(formBox!.y)
    await page.screenshot({ path: join(shots, 'empty-state-error-light.png') })
  })

  it('shows an empty state, then opens a file typed into the path field and runs its programs', async () => {
    await page.goto(bridge.url)
    await page.getByRole('heading', { name: 'New lab' }).waitFor({ state: 'visible' })
    await page.getByRole('tab', { name: 'Programs', exact: true }).click()
    await visible(page.getByRole('heading', { name: 'Open a supervisord configuration' }))
    const field = page.locator('#config-path')
    // Prefilled from the main process's working directory.
    await until(() => field.inputValue()).toContain(process.cwd())
    await page.screenshot({ path: join(shots, 'empty-state-light.png') })
    await field.fill(goodIni)
    await field.press('Enter')

    await until(() => attr(page.getByTestId('config-path'), 'title')).toBe(goodIni)
    for (const name of ['sleeper', 'worker']) {
      await until(() => text(stateOf(name))).toBe('RUNNING')
      await until(() => pidOf(name)).toBeGreaterThan(0)
      expect(await pidOf(name)).toBe(enginePid(name))
    }
    await until(() => text(row('sleeper').locator('[data-testid="desc"]'))).toMatch(/^uptime 0:00:\d\d$/)
    // The uptime ticks without any event.
    const first = await text(row('sleeper').locator('[data-testid="desc"]'))
    await until(() => text(row('sleeper').locator('[data-testid="desc"]')), 5_000).not.toBe(first)
  })

  it('acts on a whole group from its header row', async () => {
    const members = ['queues:queue-a', 'queues:queue-b']
    await visible(page.locator('tr[data-group="queues"]'))
    for (const name of members) await until(() => text(stateOf(name))).toBe('RUNNING')
    await page.getByRole('button', { name: 'Stop group queues', exact: true }).click()
    for (const name of members) await until(() => text(stateOf(name))).toBe('STOPPED')
    await until(() => text(page.locator('tr[data-group="queues"]'))).toContain('0/2 running')
    await page.getByRole('button', { name: 'Start group queues', exact: true }).click()
    for (const name of members) await until(() => text(stateOf(name))).toBe('RUNNING')
    await until(() => disabled(page.getByRole('button', { name: 'Start group queues', exact: true }))).toBe(true)
  })

  it('stops a program from its row and starts it again', async () => {
    await row('worker').getByRole('button', { name: 'Stop worker', exact: true }).click()
    await until(() => text(stateOf('worker'))).toBe('STOPPED')
    await until(() => text(row('worker').locator('[data-testid="pid"]'))).toBe('—')
    await until(() => disabled(row('worker').getByRole('button', { name: 'Stop worker', exact: true }))).toBe(true)
    await until(() => disabled(row('worker').getByRole('button', { name: 'Send a signal to worker', exact: true }))).toBe(true)
    await until(() => text(page.getByTestId('toasts'))).toContain('Stopped worker')

    await row('worker').getByRole('button', { name: 'Start worker', exact: true }).click()
    await until(() => text(stateOf('worker'))).toBe('RUNNING')
    await until(() => disabled(row('worker').getByRole('button', { name: 'Start worker', exact: true }))).toBe(true)
    await until(async () => (await pidOf('worker')) === enginePid('worker') && enginePid('worker') > 0).toBe(true)
  })

  it('shows a new pid RUNNING after a program is killed from outside', async () => {
    const before = await pidOf('sleeper')
    expect(before).toBe(enginePid('sleeper'))
    process.kill(before, 'SIGKILL')
    // The engine restarts it (autorestart=true): the row shows RUNNING with another pid.
    await until(async () => ((await text(stateOf('sleeper'))) === 'RUNNING' ? pidOf('sleeper') : before)).not.toBe(before)
    expect(await pidOf('sleeper')).toBeGreaterThan(0)
    expect(await pidOf('sleeper')).toBe(enginePid('sleeper'))
  })

  it('shows a program that exits at once in BACKOFF / FATAL with its reason', async () => {
    await until(() => text(stateOf('broken'))).toMatch(/BACKOFF|FATAL/)
    await until(() => text(row('broken').locator('[data-testid="desc"]'))).toMatch(/Exited too quickly/)
    await until(() => text(stateOf('broken'))).toBe('FATAL')
    await until(() => disabled(row('broken').getByRole('button', { name: 'Start broken', exact: true }))).toBe(false)
  })

  it('drives the selected row from the keyboard and filters with /', async () => {
    await row('worker').click()
    await until(() => attr(row('worker'), 'aria-selected')).toBe('true')
    await page.keyboard.press('k')
    await until(() => attr(row('sleeper'), 'aria-selected')).toBe('true')
    await page.keyboard.press('j')
    await until(() => attr(row('worker'), 'aria-selected')).toBe('true')
    await page.keyboard.press('x')
    await until(() => text(stateOf('worker'))).toBe('STOPPED')
    await page.keyboard.press('s')
    await until(() => text(stateOf('worker'))).toBe('RUNNING')

    await page.keyboard.press('/')
    await until(() => page.locator('#filter').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true)
    await page.keyboard.type('fatal')
    await until(() => page.locator('tbody tr[data-name]').count()).toBe(1)
    await visible(row('broken'))
    await page.keyboard.press('Escape')
    await until(() => page.locator('tbody tr[data-name]').count()).toBe(6)

    await page.keyboard.press('?')
    await visible(page.getByRole('dialog', { name: 'Keyboard shortcuts' }))
    await page.screenshot({ path: join(shots, 'shortcuts-light.png') })
    await page.keyboard.press('Escape')
    await hidden(page.getByRole('dialog', { name: 'Keyboard shortcuts' }))
  })

  it('shows a start that fails as an error naming the process, and where its log is', async () => {
    const toastsEl = page.getByTestId('toasts')
    await row('flaky').getByRole('button', { name: 'Start flaky', exact: true }).click()
    // The call answers once flaky settled (about a second): meanwhile the row is busy.
    await until(() => attr(row('flaky'), 'aria-busy')).toBe('true')
    await until(() => text(toastsEl)).toContain('Starting flaky…')
    await page.screenshot({ path: join(shots, 'start-pending-light.png') })
    // The error names the process and the reason (the main process adds where its log is).
    const error = toastsEl.locator('[data-tone="error"]')
    await until(() => text(error)).toMatch(/^Could not start flaky: \S/)
    await until(() => attr(row('flaky'), 'aria-busy')).toBe('false')
    expect(await text(toastsEl)).not.toContain('Starting flaky…')
    expect(await text(toastsEl)).not.toContain('Started flaky')
    expect(await text(stateOf('flaky'))).toBe('FATAL')

    // The status cell names the log file, and the path can be copied (or is selected to copy).
    const logfile = service.supervisor.snapshot().processes.find((p) => p.name === 'flaky')?.stderrLogfile
    expect(logfile).toBeTruthy()
    await until(() => text(row('flaky').getByTestId('log-path'))).toBe(logfile)
    expect(await text(error)).toContain(logfile!)
    const copy = row('flaky').locator('button.copy')
    await copy.click()
    await until(() => attr(copy, 'title')).toMatch(/^(Copied|Selected)/)
    if ((await attr(copy, 'title'))?.startsWith('Selected')) {
      expect(await page.evaluate(() => (globalThis as unknown as { getSelection(): { toString(): string } | null }).getSelection()?.toString())).toBe(logfile)
    }
    await page.screenshot({ path: join(shots, 'start-failed-light.png') })
  })

  it('looks right in light and dark, and remembers the theme', async () => {
    await page.emulateMedia({ colorScheme: 'light' })
    await row('sleeper').click()
    await until(() => text(stateOf('worker'))).toBe('RUNNING')
    await page.screenshot({ path: join(shots, 'programs-light.png') })

    await page.getByTestId('theme-toggle').click()
    await until(() => attr(page.locator('html'), 'data-theme')).toBe('dark')
    await page.screenshot({ path: join(shots, 'programs-dark.png') })
    const signal = row('sleeper').getByRole('button', { name: 'Send a signal to sleeper', exact: true })
    await signal.click()
    await visible(page.getByRole('menu', { name: 'Signals for sleeper' }))
    await page.screenshot({ path: join(shots, 'signal-menu-dark.png') })
    await page.keyboard.press('Escape')
    await hidden(page.getByRole('menu'))

    await page.reload()
    await until(() => attr(page.locator('html'), 'data-theme')).toBe('dark')
    await until(() => text(stateOf('sleeper'))).toBe('RUNNING')
    await page.getByTestId('theme-toggle').click()
    await until(() => attr(page.locator('html'), 'data-theme')).toBe('light')
  })

  it('shows a malformed file as a located error and keeps the running programs', async () => {
    const field = page.locator('#config-path')
    await page.keyboard.press('Control+o')
    await visible(field)
    await page.keyboard.press('Escape')
    await hidden(field)
    await page.getByRole('button', { name: 'Open…', exact: true }).click()
    await visible(field)
    await field.fill(badIni)
    await field.press('Enter')
    const banner = page.getByTestId('load-error')
    await until(() => text(banner)).toContain('The configuration was not applied')
    await until(() => text(banner)).toContain(`${badIni}:6 [program:bad] startsecs`)
    await until(() => text(stateOf('sleeper'))).toBe('RUNNING')
    // The header keeps the configuration that runs; the banner names the failed file.
    expect(await attr(page.getByTestId('config-path'), 'title')).toBe(goodIni)
    await page.screenshot({ path: join(shots, 'load-error-light.png') })
  })

  it('shows the disconnected state and recovers when the bridge comes back', async () => {
    const { port, token } = bridge
    await bridge.close()
    await until(() => text(page.getByTestId('connection'))).toMatch(/disconnected, reconnecting/)
    await visible(page.getByTestId('offline'))
    // Meanwhile a program changes: the UI must pick it up after reconnecting.
    await service.stop({ kind: 'process', name: 'worker' })
    bridge = await startWebBridge({ service, rendererDir, port, token })
    await until(() => text(page.getByTestId('connection'))).toBe('connected')
    await hidden(page.getByTestId('offline'))
    await until(() => text(stateOf('worker'))).toBe('STOPPED')
  })

  it('raised no page error and no CSP violation', () => {
    expect(pageErrors).toEqual([])
  })
})

describe('web bridge admission', () => {
  const attempt = (url: string, origin: string): Promise<number> =>
    new Promise((resolvePromise, reject) => {
      const ws = new WebSocket(url, { headers: { origin } })
      ws.once('open', () => {
        ws.close()
        resolvePromise(101)
      })
      ws.once('unexpected-response', (_req, res) => {
        resolvePromise(res.statusCode ?? 0)
        ws.terminate()
      })
      ws.once('error', (e) => reject(e))
    })
  const wsUrl = (token: string): string => `ws://127.0.0.1:${bridge.port}/api?token=${encodeURIComponent(token)}`
  const ownOrigin = (): string => `http://127.0.0.1:${bridge.port}`

  it('accepts the right token from its own origin', async () => {
    expect(await attempt(wsUrl(bridge.token), ownOrigin())).toBe(101)
  })

  it('refuses a wrong token', async () => {
    expect(await attempt(wsUrl(`${bridge.token.slice(0, -1)}${bridge.token.endsWith("x") ? "y" : "x"}`), ownOrigin())).toBe(403)
    expect(await attempt(wsUrl(''), ownOrigin())).toBe(403)
  })

  it('refuses a foreign Origin even with the right token', async () => {
    expect(await attempt(wsUrl(bridge.token), 'http://evil.example')).toBe(403)
    expect(await attempt(wsUrl(bridge.token), `http://127.0.0.1:${bridge.port + 1}`)).toBe(403)
  })
})
