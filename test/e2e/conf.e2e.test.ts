// Config editing in real Chromium, against the real service over the web bridge and a real
// lab (fast timers): open a sentinel's sentinel.conf from its card ("Edit config"), type a
// bad down-after-milliseconds in the form (an inline diagnostic in the text, a message under
// the field), fix it, Ctrl+S: the diff and the plan (live: SENTINEL SET), Save and apply;
// SENTINEL MASTER on that sentinel then reports the new value. Then a mistake in a replica's
// redis.conf (daemonize yes) typed in the text and saved without applying: the doctor panel
// shows it, a click on its location shows the line, its one-click fix removes it from the
// file. Then changes on disk under the editor: a quiet reload, a clean merge, a conflict
// settled by choice. Screenshots (light and dark) go to test-results/e2e/conf-*.png.
import { execFileSync } from 'node:child_process'
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import Redis from 'ioredis'
import type { BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppService as AppServiceType } from '../../src/main/app/app-service'
import type { WebBridge } from '../../src/main/transport/web-bridge'
import { type AppUnderTest, openAppUnderTest } from './app-under-test'
import { UI_TIMEOUT, attr, text, until } from './locators'

const shots = resolve('test-results/e2e')

let service: AppServiceType
let bridge: WebBridge
let context: BrowserContext
let page: Page
let pageErrors: string[] = []
let app: AppUnderTest | undefined
let labId = ''

const editor = (): Locator => page.getByTestId('conf-editor')
const field = (key: string): Locator => editor().locator(`[data-testid="conf-field"][data-key="${key}"]`)
const textArea = (): Locator => editor().locator('[data-testid="conf-text"]')
const review = (): Locator => page.getByTestId('conf-review')


/** SENTINEL MASTER <name> on one sentinel, as a record. */
async function sentinelMaster(port: number, name: string, password: string): Promise<Record<string, string>> {
  for (const auth of [undefined, password]) {
    const r = new Redis({ host: '127.0.0.1', port, password: auth, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    r.on('error', () => {})
    try {
      await r.connect()
      const flat = (await r.call('SENTINEL', 'MASTER', name)) as string[]
      const out: Record<string, string> = {}
      for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!
      return out
    } catch (e) {
      if (auth !== undefined || !/NOAUTH|AUTH/i.test(String(e))) throw e
    } finally {
      r.disconnect()
    }
  }
  throw new Error('unreachable')
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true })
  app = await openAppUnderTest({ name: 'conf', viewport: { width: 1280, height: 860 }, timeoutMs: UI_TIMEOUT })
  ;({ service, bridge, context, page, pageErrors } = app)
})

afterAll(async () => {
  // No lab process may outlive the test.
  expect(app ? await app.close(bridge) : []).toEqual([])
}, 30_000)

describe('config editing in Chromium', () => {
  it('creates a lab with fast timers', async () => {
    await page.goto(bridge.url)
    await page.getByRole('tab', { name: 'Lab' }).click()
    await page.getByRole('heading', { name: 'New lab' }).waitFor({ state: 'visible' })
    await page.getByRole('button', { name: 'Start', exact: true }).click()
    await until(() => text(page.getByTestId('lab-healthy')), 40_000).toMatch(/^HEALTHY in \d+ ms$/)
    labId = (await page.getByTestId('lab-view').getAttribute('data-id')) ?? ''
    expect(labId).not.toBe('')
    await until(() => page.locator('[data-testid="lab-sentinel"] [data-testid="ok"]').allTextContents()).toEqual(['OK', 'OK', 'OK'])
    await app!.rememberLabPids()
  }, 60_000)

  it("changes a sentinel's down-after-milliseconds: a bad value is flagged inline, the diff says live, and SENTINEL MASTER reports the new value", async () => {
    const lab = await service.getLab(labId)
    const sentinel = lab.sentinels[0]!
    const masterName = lab.masterName
    const key = `sentinel down-after-milliseconds ${masterName}`
    // "Edit config" on the sentinel's card: the Files tab, at its sentinel.conf.
    const card = page.locator(`[data-testid="lab-sentinel"][data-name="${sentinel.name}"]`)
    await card.getByTestId('member-menu').click()
    await page.getByRole('menu').getByRole('menuitem', { name: /^Edit config/ }).waitFor({ state: 'visible' })
    await page.screenshot({ path: join(shots, 'conf-menu-light.png') })
    await page.getByRole('menu').getByRole('menuitem', { name: /^Edit config/ }).click()
    await until(() => attr(page.getByTestId('lab-tab-files'), 'aria-selected')).toBe('true')
    await until(() => attr(editor(), 'data-path')).toMatch(/sentinel\.conf$/)
    expect(await text(editor().locator('h2'))).toBe(`${sentinel.name}/sentinel.conf`)
    const path = (await attr(editor(), 'data-path'))!
    await field(key).waitFor({ state: 'visible' })
    const input = field(key).locator('input')
    const before = await input.inputValue()
    expect(before).toMatch(/^\d+$/)
    // The file list names lab.ini and every member's file.
    expect(await page.getByTestId('conf-file').count()).toBe(1 + lab.nodes.length + lab.sentinels.length)

    // A bad value: the field says so, and the text shows the checks' diagnostic on that line.
    await input.fill('abc')
    await until(() => text(field(key).getByTestId('conf-field-problem'))).toMatch(/abc|number|milliseconds/i)
    await until(() => textArea().locator('.cm-lintRange-error').count()).toBeGreaterThan(0)
    await until(() => textArea().locator('.cm-lint-marker-error').count()).toBeGreaterThan(0)
    expect(await text(textArea().locator('.cm-lintRange-error'))).toBe('abc')
    await until(() => text(page.getByTestId('conf-status'))).toMatch(/1 error/)
    expect(await attr(editor(), 'data-dirty')).toBe('true')
    // Its message on hover stays inside the text (it covers neither the buttons nor runs off the window).
    await textArea().locator('.cm-lintRange-error').hover()
    const tip = textArea().locator('.cm-tooltip-lint')
    await tip.waitFor({ state: 'visible' })
    const [tipBox, textBox] = [await tip.boundingBox(), await textArea().boundingBox()]
    expect(tipBox!.x).toBeGreaterThanOrEqual(textBox!.x - 1)
    expect(tipBox!.x + tipBox!.width).toBeLessThanOrEqual(textBox!.x + textBox!.width + 1)
    expect(tipBox!.y).toBeGreaterThanOrEqual(textBox!.y - 1)
    await page.screenshot({ path: join(shots, 'conf-bad-value-light.png') })
    await page.mouse.move(0, 0)

    // Fixed: no diagnostic left; the text holds the new line.
    await input.fill('5000')
    await until(() => textArea().locator('.cm-lintRange-error').count()).toBe(0)
    await until(() => field(key).getByTestId('conf-field-problem').count()).toBe(0)
    await until(() => text(page.getByTestId('conf-status'))).toBe('no problem')
    expect(await text(textArea().locator('.cm-content'))).toContain(`${key} 5000`)

    // Ctrl+S: the diff and the plan, said plainly.
    await page.keyboard.press('Control+s')
    await review().waitFor({ state: 'visible' })
    const step = review().locator(`[data-testid="plan-step"][data-directive^="sentinel down-after-milliseconds"]`)
    await step.waitFor({ state: 'visible' })
    expect(await attr(step, 'data-how')).toBe('live')
    expect(await text(step)).toMatch(new RegExp(`live.*SENTINEL SET ${masterName} down-after-milliseconds 5000`, 's'))
    await until(() => review().locator('[data-testid="conf-diff"] .cm-deletedChunk').count()).toBeGreaterThan(0)
    expect(await text(review().locator('[data-testid="conf-diff"] .cm-changedLine'))).toContain('5000')
    await page.screenshot({ path: join(shots, 'conf-review-light.png') })
    // Escape keeps editing; Ctrl+S again opens the review.
    await page.keyboard.press('Escape')
    await until(() => review().count()).toBe(0)
    // Keyboard only: once the check is in, Enter is "Save and apply" (it restarts nothing).
    await page.keyboard.press('Control+s')
    await review().getByTestId('save-apply').waitFor({ state: 'visible' })
    await until(() => attr(page.locator(':focus'), 'data-testid')).toBe('save-apply')
    await page.keyboard.press('Enter')
    await until(() => review().count()).toBe(0)
    await page.getByTestId('conf-saved').waitFor({ state: 'visible' })
    expect(await text(page.getByTestId('conf-saved'))).toMatch(/SENTINEL SET/)

    // Applied live: the sentinel reports it, and it still runs with the same pid.
    const password = service.labs.layout(labId).password
    await until(async () => (await sentinelMaster(sentinel.port, masterName, password))['down-after-milliseconds']).toBe('5000')
    expect((await service.getLab(labId)).sentinels.find((s) => s.name === sentinel.name)?.pid).toBe(sentinel.pid)
    // The file holds it (Sentinel may have rewritten the file since: the editor follows).
    await until(async () => /^sentinel down-after-milliseconds \S+ 5000$/m.test(readFileSync(path, 'utf8'))).toBe(true)
    await until(() => attr(editor(), 'data-dirty')).toBe('false')
    await page.screenshot({ path: join(shots, 'conf-saved-light.png') })
    // The Overview shows what each sentinel runs with: this one 5000 ms, the others the lab's 1500.
    await page.getByTestId('lab-tab-overview').click()
    const downAfter = (name: string) => page.locator(`[data-testid="lab-sentinel"][data-name="${name}"] [data-testid="down-after"]`)
    await until(() => text(downAfter(sentinel.name))).toBe('5000 ms')
    const other = (await service.getLab(labId)).sentinels.find((s) => s.name !== sentinel.name)!
    await until(() => text(downAfter(other.name))).toBe('1500 ms')
    await page.getByTestId('lab-tab-files').click()
  }, 90_000)

  it('the doctor shows a mistake typed into a redis.conf (daemonize yes), and its one-click fix removes it', async () => {
    const lab = await service.getLab(labId)
    const replica = lab.nodes.find((n) => n.role === 'replica')!
    const file = page.locator(`[data-testid="conf-file"][data-member="${replica.name}"]`)
    await file.click()
    await until(() => attr(editor(), 'data-path')).toMatch(/redis\.conf$/)
    const path = (await attr(editor(), 'data-path'))!
    // Passwords are masked in the form, shown on demand.
    const pass = field('requirepass').locator('input')
    await pass.waitFor({ state: 'visible' })
    expect(await pass.getAttribute('type')).toBe('password')
    await field('requirepass').getByRole('button', { name: /^Show/ }).click()
    expect(await pass.getAttribute('type')).toBe('text')
    await field('requirepass').getByRole('button', { name: /^Hide/ }).click()
    expect(await pass.getAttribute('type')).toBe('password')

    // In the text, passwords are dots until asked for.
    await until(() => textArea().locator('.cm-secret').count()).toBe(2)
    await editor().getByTestId('conf-reveal').click()
    await until(() => textArea().locator('.cm-secret').count()).toBe(0)
    await editor().getByTestId('conf-reveal').click()
    await until(() => textArea().locator('.cm-secret').count()).toBe(2)

    // Typed in the text, at the end of the file.
    await textArea().locator('.cm-content').click()
    await page.keyboard.press('Control+End')
    await page.keyboard.press('Enter')
    await page.keyboard.type('daemonize yes')
    await until(() => attr(editor(), 'data-dirty')).toBe('true')
    await until(() => field('daemonize').locator('select').inputValue()).toBe('yes')
    // Before the save: the header counts the doctor's finding on the edited text (the text
    // marks it), and the doctor panel shows it, as of the unsaved edits (no fix yet).
    await until(() => text(page.getByTestId('conf-status'))).toMatch(/^1 error/)
    const draftFinding = page.locator('[data-testid="doctor-finding"][data-id="daemonize-under-supervisor"][data-unsaved="true"]')
    await until(() => draftFinding.count()).toBe(1)
    expect(await draftFinding.getByTestId('doctor-fix').count()).toBe(0)
    await page.screenshot({ path: join(shots, 'conf-doctor-unsaved-light.png') })
    await page.keyboard.press('Control+s')
    await review().waitFor({ state: 'visible' })
    await review().getByTestId('save-only').waitFor({ state: 'visible' })
    await until(() => review().getByTestId('save-only').isEnabled()).toBe(true)
    // The plan: a restart, and why (a word apart); "Save only" says what becomes of a change not applied.
    const restartStep = review().locator('[data-testid="plan-step"][data-directive="daemonize"]')
    expect(await text(restartStep)).toMatch(new RegExp(`restarts ${replica.name} \\(daemonize`))
    const risk = review().getByTestId('review-unapplied-risk')
    expect(await text(risk)).toMatch(new RegExp(`${replica.name} keeps running with its current values`))
    expect(await text(risk)).toMatch(/CONFIG REWRITE.*rewrites redis\.conf from its running config.*can be lost/)
    await page.screenshot({ path: join(shots, 'conf-review-save-only-light.png') })
    await review().getByTestId('save-only').click()
    await until(() => review().count()).toBe(0)
    await until(async () => /^daemonize yes$/m.test(readFileSync(path, 'utf8'))).toBe(true)

    // The doctor (run again after the save) finds it, located in that file.
    const finding = page.locator('[data-testid="doctor-finding"][data-id="daemonize-under-supervisor"]')
    await until(() => finding.count(), 30_000).toBeGreaterThan(0)
    expect(await attr(finding, 'data-severity')).toBe('error')
    expect(await text(finding.getByTestId('doctor-location'))).toContain(`${replica.name}/redis.conf`)
    await page.screenshot({ path: join(shots, 'conf-doctor-light.png') })

    // Dark theme: the same screen, then the review dialog.
    await page.getByTestId('theme-toggle').click()
    await until(() => attr(page.locator('html'), 'data-theme')).toBe('dark')
    await finding.getByTestId('doctor-location').click()
    await until(() => editor().locator('.cm-activeLine').textContent()).toBe('daemonize yes')
    // Shown: the line is inside the text's scrolled view.
    await until(async () => {
      const line = await editor().locator('.cm-activeLine').boundingBox()
      const port = await textArea().locator('.cm-scroller').boundingBox()
      return Boolean(line && port && line.y >= port.y && line.y + line.height <= port.y + port.height)
    }).toBe(true)
    await page.screenshot({ path: join(shots, 'conf-doctor-dark.png') })

    // The fix: the line goes from the file, the editor follows, the finding goes.
    await finding.getByTestId('doctor-fix').click()
    await until(async () => /^daemonize yes$/m.test(readFileSync(path, 'utf8'))).toBe(false)
    await until(() => finding.count(), 30_000).toBe(0)
    await until(async () => (await text(textArea().locator('.cm-content'))).includes('daemonize yes')).toBe(false)
    expect(await attr(editor(), 'data-dirty')).toBe('false')
    // The form follows the fixed file too: daemonize is no again (the lab's own line).
    await until(() => field('daemonize').locator('select').inputValue()).toBe('no')
    await until(() => text(page.getByTestId('conf-status'))).toBe('no problem')
    await page.screenshot({ path: join(shots, 'conf-fixed-dark.png') })

    // The same mistake made in the form (its select), saved, fixed: the select shows the fixed value.
    await field('daemonize').locator('select').selectOption('yes')
    await until(async () => (await text(textArea().locator('.cm-content'))).includes('daemonize yes')).toBe(true)
    await page.keyboard.press('Control+s')
    await review().getByTestId('save-only').waitFor({ state: 'visible' })
    await until(() => review().getByTestId('save-only').isEnabled()).toBe(true)
    await review().getByTestId('save-only').click()
    await until(() => review().count()).toBe(0)
    await until(() => finding.getByTestId('doctor-fix').count(), 30_000).toBe(1)
    await finding.getByTestId('doctor-fix').click()
    await until(async () => /^daemonize yes$/m.test(readFileSync(path, 'utf8'))).toBe(false)
    await until(async () => (await text(textArea().locator('.cm-content'))).includes('daemonize yes')).toBe(false)
    await until(() => field('daemonize').locator('select').inputValue()).toBe('no')
    await until(() => finding.count(), 30_000).toBe(0)
  }, 90_000)

  it('looks right in the dark theme: the form with a bad value, and the review', async () => {
    const lab = await service.getLab(labId)
    const sentinel = lab.sentinels[1]!
    await page.locator(`[data-testid="conf-file"][data-member="${sentinel.name}"]`).click()
    await until(() => attr(editor(), 'data-path')).toMatch(/sentinel\.conf$/)
    const key = `sentinel down-after-milliseconds ${lab.masterName}`
    await field(key).locator('input').fill('12x')
    await until(() => textArea().locator('.cm-lintRange-error').count()).toBeGreaterThan(0)
    await page.screenshot({ path: join(shots, 'conf-bad-value-dark.png') })
    await field(key).locator('input').fill('4000')
    await until(() => textArea().locator('.cm-lintRange-error').count()).toBe(0)
    await page.keyboard.press('Control+s')
    await review().locator('[data-testid="plan-step"]').first().waitFor({ state: 'visible' })
    await page.screenshot({ path: join(shots, 'conf-review-dark.png') })
    await page.keyboard.press('Escape')
    await until(() => review().count()).toBe(0)
    // Another file and back: the unsaved edit is still there (the list marks it meanwhile).
    const other = page.locator(`[data-testid="conf-file"][data-member="${lab.sentinels[2]!.name}"]`)
    await other.click()
    await until(() => attr(editor(), 'data-path')).toMatch(new RegExp(`${lab.sentinels[2]!.name}/sentinel\\.conf$`))
    expect(await page.locator(`[data-testid="conf-file"][data-member="${sentinel.name}"] [aria-label="unsaved edits"]`).count()).toBe(1)
    await page.locator(`[data-testid="conf-file"][data-member="${sentinel.name}"]`).click()
    await until(() => field(key).locator('input').inputValue()).toBe('4000')
    expect(await attr(editor(), 'data-dirty')).toBe('true')
    // Revert: nothing unsaved, nothing changed on disk.
    await editor().getByRole('button', { name: 'Revert' }).click()
    await until(() => attr(editor(), 'data-dirty')).toBe('false')
    await page.getByTestId('theme-toggle').click()
    await until(() => attr(page.locator('html'), 'data-theme')).toBe('light')
  }, 60_000)

  it("judges directives for the installed release: the header names it, a later release's directive is an error that says so", async () => {
    const lab = await service.getLab(labId)
    const node = lab.nodes[1]!
    await page.locator(`[data-testid="conf-file"][data-member="${node.name}"]`).click()
    await until(() => attr(editor(), 'data-path')).toMatch(/redis\.conf$/)
    const version = execFileSync('/usr/bin/redis-server', ['--version'], { encoding: 'utf8' }).match(/v=(\d+\.\d+\.\d+)/)![1]
    await until(() => text(editor().getByTestId('conf-release'))).toBe(`checked for Redis ${version}`)
    expect(await attr(editor().getByTestId('conf-release'), 'title')).toContain('redis-server')
    await textArea().locator('.cm-content').click()
    await page.keyboard.press('Control+End')
    await page.keyboard.press('Enter')
    await page.keyboard.type('locale-collate ""')
    await until(() => text(page.getByTestId('conf-status'))).toMatch(/^1 error/)
    expect(await text(textArea().locator('.cm-lintRange-error'))).toBe('locale-collate')
    await textArea().locator('.cm-lintRange-error').hover()
    await until(() => text(textArea().locator('.cm-tooltip-lint'))).toContain(`added in Redis 7.2; this machine has Redis ${version}`)
    await page.screenshot({ path: join(shots, 'conf-release-verdict-light.png') })
    await page.mouse.move(0, 0)
    await editor().getByRole('button', { name: 'Revert' }).click()
    await until(() => attr(editor(), 'data-dirty')).toBe('false')
  }, 60_000)

  it('follows the file on disk: a quiet reload with no unsaved edit, a clean merge, a conflict settled by choice', async () => {
    const lab = await service.getLab(labId)
    const replica = lab.nodes.filter((n) => n.role === 'replica')[1]!
    await page.locator(`[data-testid="conf-file"][data-member="${replica.name}"]`).click()
    await until(() => attr(editor(), 'data-path')).toMatch(new RegExp(`${replica.name}/redis\\.conf$`))
    const path = (await attr(editor(), 'data-path'))!
    const content = (): Promise<string> => text(textArea().locator('.cm-content'))
    const rewrite = (from: RegExp, to: string): void => writeFileSync(path, readFileSync(path, 'utf8').replace(from, to))

    // Nothing unsaved: the editor takes the new file and says so.
    appendFileSync(path, '# touched outside the app\n')
    await page.getByTestId('conf-reloaded').waitFor({ state: 'visible' })
    await until(async () => (await content()).includes('# touched outside the app')).toBe(true)
    expect(await attr(editor(), 'data-dirty')).toBe('false')

    // An unsaved edit, and another line changed on disk: they merge cleanly.
    await field('repl-diskless-sync-delay').locator('input').fill('2')
    await until(() => attr(editor(), 'data-dirty')).toBe('true')
    rewrite(/^always-show-logo no$/m, 'always-show-logo yes')
    const banner = page.getByTestId('conf-changed-on-disk')
    await banner.getByTestId('keep-mine').waitFor({ state: 'visible' })
    expect(await text(banner.getByTestId('disk-changes'))).toContain('always-show-logo yes')
    await page.screenshot({ path: join(shots, 'conf-merge-light.png') })
    await banner.getByTestId('keep-mine').click()
    await until(() => banner.count()).toBe(0)
    const merged = await content()
    expect(merged).toContain('always-show-logo yes')
    expect(merged).toContain('repl-diskless-sync-delay 2')
    expect(await attr(editor(), 'data-dirty')).toBe('true')

    // The same line changed both here and on disk: a conflict; the disk's side is chosen.
    rewrite(/^repl-diskless-sync-delay 0$/m, 'repl-diskless-sync-delay 7')
    await until(() => banner.getByTestId('conflict').count()).toBe(1)
    await page.screenshot({ path: join(shots, 'conf-conflict-light.png') })
    await banner.getByTestId('conflict').getByLabel('Take the disk’s').check()
    await banner.getByTestId('resolve').click()
    await until(() => banner.count()).toBe(0)
    await until(async () => (await content()).includes('repl-diskless-sync-delay 7')).toBe(true)
    expect(await content()).not.toContain('repl-diskless-sync-delay 2')
    // Nothing left to save: the editor holds the disk's file.
    await until(() => attr(editor(), 'data-dirty')).toBe('false')
  }, 60_000)

  it('keeps the chosen file across tabs, keeps CRLF endings, masks passwords in the disk-change banner, and follows the lab stopping', async () => {
    const lab = await service.getLab(labId)
    const replica = lab.nodes.filter((n) => n.role === 'replica')[1]!
    const path = (await attr(editor(), 'data-path'))!
    expect(path).toMatch(new RegExp(`${replica.name}/redis\\.conf$`))
    const original = readFileSync(path, 'utf8')
    const content = (): Promise<string> => text(textArea().locator('.cm-content'))

    // The file turns CRLF on disk: the editor reloads it quietly.
    const crlf = original.replace(/\r?\n/g, '\r\n')
    writeFileSync(path, crlf)
    await page.getByTestId('conf-reloaded').waitFor({ state: 'visible' })

    // Overview and back: the Files tab shows the file last chosen, not the "Edit config" target.
    await page.getByTestId('lab-tab-overview').click()
    await until(() => editor().count()).toBe(0)
    await page.getByTestId('lab-tab-files').click()
    await until(() => attr(editor(), 'data-path')).toBe(path)

    // Typed in the text of the CRLF file, saved: every line still ends with CRLF.
    await textArea().locator('.cm-content').click()
    await page.keyboard.press('Control+End')
    await page.keyboard.type('# typed in a CRLF file')
    await page.keyboard.press('Enter')
    await until(() => attr(editor(), 'data-dirty')).toBe('true')
    await page.keyboard.press('Control+s')
    await review().getByTestId('save-only').waitFor({ state: 'visible' })
    await until(() => review().getByTestId('save-only').isEnabled()).toBe(true)
    // Only the typed line differs.
    expect(await text(review().getByTestId('review-summary'))).toBe('1 line added')
    await review().getByTestId('save-only').click()
    await until(() => review().count()).toBe(0)
    const saved = readFileSync(path, 'utf8')
    expect(saved).toBe(`${crlf}# typed in a CRLF file\r\n`)
    expect(/(^|[^\r])\n/.test(saved)).toBe(false)

    // Nothing changed: Ctrl+S says so in the dialog.
    await page.keyboard.press('Control+s')
    await review().getByTestId('review-refused').waitFor({ state: 'visible' })
    expect(await text(review().getByTestId('review-refused'))).toMatch(/Nothing to save/)
    expect(await review().getByTestId('save-only').isDisabled()).toBe(true)
    await page.keyboard.press('Escape')
    await until(() => review().count()).toBe(0)

    // The password changed on disk under an unsaved edit: the banner shows dots, and the
    // review waits until the change is resolved.
    const password = service.labs.layout(labId).password
    await field('repl-diskless-sync-delay').locator('input').fill('3')
    await until(() => attr(editor(), 'data-dirty')).toBe('true')
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^masterauth .*$/m, 'masterauth new-disk-secret'))
    const banner = page.getByTestId('conf-changed-on-disk')
    await banner.getByTestId('keep-mine').waitFor({ state: 'visible' })
    const shown = await text(banner.getByTestId('disk-changes'))
    expect(shown).not.toContain('new-disk-secret')
    expect(shown).not.toContain(password)
    expect(shown).toMatch(/masterauth •+ \(changed\)/)
    expect(await editor().getByTestId('conf-review-button').isDisabled()).toBe(true)
    expect(await text(editor().getByTestId('conf-save-blocked'))).toMatch(/resolve that first/)
    await page.screenshot({ path: join(shots, 'conf-banner-masked-light.png') })
    await editor().getByTestId('conf-reveal').click()
    await until(() => text(banner.getByTestId('disk-changes'))).toContain('masterauth new-disk-secret')
    await editor().getByTestId('conf-reveal').click()
    await banner.getByTestId('keep-mine').click()
    await until(() => banner.count()).toBe(0)
    expect(await editor().getByTestId('conf-review-button').isEnabled()).toBe(true)

    // Both sides of a conflict on a password line: dots.
    await field('masterauth').locator('input').fill('mine-secret')
    await until(async () => (await content()).includes('masterauth')).toBe(true)
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^masterauth .*$/m, 'masterauth theirs-secret'))
    await until(() => banner.getByTestId('conflict').count()).toBe(1)
    const sides = await text(banner.getByTestId('conflict'))
    expect(sides).not.toContain('mine-secret')
    expect(sides).not.toContain('theirs-secret')
    expect(sides).toContain('masterauth ••••••••')
    await page.screenshot({ path: join(shots, 'conf-conflict-masked-light.png') })
    await banner.getByRole('button', { name: 'Discard my edits' }).click()
    await until(() => banner.count()).toBe(0)
    writeFileSync(path, original)
    await until(async () => (await content()).includes('# typed in a CRLF file')).toBe(false)
    await until(() => attr(editor(), 'data-dirty')).toBe('false')

    // The lab stops: "read by … (running)" follows.
    await until(() => text(editor().locator('.owner'))).toBe(`read by ${replica.name} (running)`)
    await app!.rememberLabPids()
    await service.stopLab(labId)
    await until(() => text(editor().locator('.owner')), 30_000).toBe(`read by ${replica.name} (not running)`)
  }, 90_000)

  it("edits the open supervisor configuration's .ini from the programs view: a form field changes its line only", async () => {
    const ini = join(app!.home, 'hand-written.ini')
    const original = '; kept as written\n[program:sleeper]\ncommand = sleep 1000   ; a comment after the value\nautostart = false\nstartsecs=0\n'
    writeFileSync(ini, original)
    await service.openConfig(ini)
    await page.getByRole('tab', { name: 'Programs' }).click()
    await page.getByTestId('programs-tab-files').click()
    await until(() => attr(editor(), 'data-path')).toBe(ini)
    const autostart = field('program:sleeper.autostart').locator('select')
    await until(() => autostart.inputValue()).toBe('false')
    await autostart.selectOption('true')
    const startsecs = field('program:sleeper.startsecs').locator('input')
    await startsecs.fill('soon')
    await until(() => text(field('program:sleeper.startsecs').getByTestId('conf-field-problem'))).toMatch(/soon/)
    await startsecs.fill('0')
    await until(() => field('program:sleeper.startsecs').getByTestId('conf-field-problem').count()).toBe(0)
    await page.screenshot({ path: join(shots, 'conf-ini-light.png') })
    // Search in the text (Ctrl+F), Escape closes it.
    await textArea().locator('.cm-content').click()
    await page.keyboard.press('Control+f')
    await textArea().locator('.cm-search').waitFor({ state: 'visible' })
    await page.keyboard.type('sleep')
    await page.keyboard.press('Enter')
    await until(() => textArea().locator('.cm-searchMatch').count()).toBeGreaterThan(0)
    await page.keyboard.press('Escape')
    await until(() => textArea().locator('.cm-search').count()).toBe(0)
    await page.keyboard.press('Control+s')
    await review().getByTestId('save-only').waitFor({ state: 'visible' })
    await until(() => review().getByTestId('save-only').isEnabled()).toBe(true)
    await review().getByTestId('save-only').click()
    await until(() => review().count()).toBe(0)
    await until(async () => readFileSync(ini, 'utf8')).toBe(original.replace('autostart = false', 'autostart = true'))
    await page.getByTestId('programs-tab-table').click()
  }, 60_000)

  it('raised no page error and no CSP violation', () => {
    expect(pageErrors).toEqual([])
  })
})
