// The log panes in real Chromium, against the real service over the web bridge and a real
// lab (redis-server, redis-sentinel): open sentinel-1's log from its card (its existing
// lines: +monitor), a manual failover (the +switch-master line shows, highlighted), search
// (only the matching lines stay; a bad regex says why), a replica's log as a second tab,
// opening the same log again only brings its tab forward, closing a tab unfollows; the web
// bridge goes away and comes back: the pane follows again and shows what the sentinel wrote
// meanwhile; stop the lab: nothing is left running. The timeline and the logs link both
// ways: a timeline entry's line in a sentinel's log, a log line's event in the timeline.
// Then the Programs view: a program's stdout and stderr logs from its row; 210,000 lines
// written while followed (the pane keeps the newest 200,000 and says where the older ones
// are; only the rows on screen are in the DOM; scrolling up pauses, "N new lines" goes
// back); a rotated log shows "— rotated —".
// Screenshots (light and dark) go to test-results/e2e/logs-*.png.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppService as AppServiceType } from '../../src/main/app/app-service'
import type { WebBridge } from '../../src/main/transport/web-bridge'
import { type AppUnderTest, openAppUnderTest, rendererDir } from './app-under-test'
import { UI_TIMEOUT, attr, text, until } from './locators'
import { alive } from '../lab/proc'

const shots = resolve('test-results/e2e')
const FAILOVER_TIMEOUT = 40_000

let service: AppServiceType
let bridge: WebBridge
let context: BrowserContext
let page: Page
let pageErrors: string[] = []
let app: AppUnderTest | undefined
let labId = ''
let replicaName = ''
let ini = ''
/** Every pid the lab ever had, to prove none is left. */
/** The API calls the page sent over the WebSocket, by method. */
const sent: string[] = []

const view = (): Locator => page.getByTestId('lab-view')
const sentinelCard = (name: string): Locator => view().locator(`[data-testid="lab-sentinel"][data-name="${name}"]`)
const nodeCard = (name: string): Locator => view().locator(`[data-testid="lab-node"][data-name="${name}"]`)
const tabs = (): Locator => page.getByTestId('log-tab')
const selectedTab = (): Locator => page.locator('[data-testid="log-tab"][aria-selected="true"]')
const pane = (title: string): Locator => page.locator(`[data-testid="log-pane"][data-title="${title}"]`)
/** chatty's stdout or stderr pane. */
const channel = (c: 'stdout' | 'stderr'): Locator => page.locator(`[data-testid="log-pane"][data-title="chatty"][data-detail="${c}"]`)
const rows = (title: string): Locator => pane(title).locator('[data-kind="line"]')
const rowTexts = async (title: string): Promise<string[]> => (await rows(title).allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())
/** An element's computed background colour (run in the page; this file has no DOM types). */
const BACKGROUND = (el: unknown): string =>
  (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor
/** Whether an element is wholly within the scrolling box around it that `selector` names (run in the page). */
type Box = { top: number; bottom: number }
type Boxed = { getBoundingClientRect(): Box; closest(selector: string): Boxed | null }
const inside = (el: Boxed, selector: string): boolean => {
  const r = el.getBoundingClientRect()
  const v = el.closest(selector)?.getBoundingClientRect()
  return Boolean(v) && r.top >= v!.top && r.bottom <= v!.bottom
}
const unfollows = (): number => sent.filter((m) => m === 'unfollowLog').length
const follows = (): number => sent.filter((m) => m === 'followLog').length

beforeAll(async () => {
  mkdirSync(shots, { recursive: true })
  app = await openAppUnderTest({ name: 'logs', viewport: { width: 1280, height: 900 }, timeoutMs: UI_TIMEOUT })
  ;({ service, bridge, context, page, pageErrors } = app)
  const home = app.home
  ini = join(home, 'programs.ini')
  writeFileSync(
    ini,
    [
      // 14 bursts of 15,000 lines (slower than a pane takes them: nothing is skipped), then one on stderr.
      '[program:chatty]',
      `command=/bin/sh -c 'for i in $(seq 0 13); do seq $((i*15000+1)) $((i*15000+15000)); sleep 0.4; done; echo an error >&2; exec sleep 1000'`,
      `stdout_logfile=${join(home, 'chatty.log')}`,
      `stderr_logfile=${join(home, 'chatty-err.log')}`,
      'autostart=false',
      'startsecs=0',
      '',
      // 100,000 lines at once (about 590 KB) into a log rotated at 100 KB, then a last line.
      '[program:rotor]',
      `command=/bin/sh -c 'seq 1 100000; sleep 0.5; echo the end; exec sleep 1000'`,
      `stdout_logfile=${join(home, 'rotor.log')}`,
      'stdout_logfile_maxbytes=100KB',
      'stdout_logfile_backups=2',
      'redirect_stderr=true',
      'autostart=false',
      'startsecs=0',
      '',
    ].join('\n'),
  )
  page.on('websocket', (ws) =>
    ws.on('framesent', (f) => {
      try {
        const m = JSON.parse(String(f.payload)) as { method?: string }
        if (typeof m.method === 'string') sent.push(m.method)
      } catch {
        // not a call
      }
    }),
  )
})

afterAll(async () => {
  // No lab process may outlive the test.
  expect(app ? await app.close(bridge) : []).toEqual([])
}, 30_000)

describe('log panes in Chromium', () => {
  it("creates a lab with one click and opens sentinel-1's log from its card: its existing lines, read apart", async () => {
    await page.goto(bridge.url)
    await page.getByRole('tab', { name: 'Lab', exact: true }).click()
    await page.getByRole('heading', { name: 'New lab' }).waitFor({ state: 'visible' })
    await page.getByRole('button', { name: 'Start', exact: true }).click()
    await until(() => text(page.getByTestId('lab-healthy')), 40_000).toMatch(/^HEALTHY in \d+ ms$/)
    labId = (await view().getAttribute('data-id')) ?? ''
    expect(labId).not.toBe('')
    await until(() => view().locator('[data-testid="lab-sentinel"] [data-testid="ok"]').allTextContents()).toEqual(['OK', 'OK', 'OK'])
    await app!.rememberLabPids()
    expect(await page.getByTestId('log-dock').count()).toBe(0)

    await sentinelCard('sentinel-1').getByRole('button', { name: 'Log of sentinel-1', exact: true }).click()
    await until(() => tabs().count()).toBe(1)
    expect(await attr(selectedTab(), 'data-title')).toBe('sentinel-1')
    // The focus went to the new tab.
    await until(() => page.evaluate<string>("document.activeElement?.getAttribute('data-title') ?? ''")).toBe('sentinel-1')
    await until(() => attr(pane('sentinel-1'), 'data-status')).toBe('following')
    // Its file, with a copy button.
    expect(await text(pane('sentinel-1').getByTestId('log-file'))).toMatch(/sentinel-1.*\.log$/)
    // The sentinel's first lines are there: +monitor, read apart (role, time, level, event).
    await page.getByTestId('log-search').fill('+monitor')
    await until(() => rowTexts('sentinel-1')).toEqual([expect.stringMatching(/^sentinel \d\d:\d\d:\d\d\.\d{3} WARN \+monitor master mymaster 127\.0\.0\.1 \d+ quorum 2$/)])
    const monitor = pane('sentinel-1').locator('[data-event="+monitor"]')
    expect(await attr(monitor, 'data-level')).toBe('warning')
    expect(await text(monitor.locator('.role'))).toBe('sentinel')
    expect(await text(monitor.locator('mark'))).toBe('+monitor')
    // Copy: no selection, so the lines on screen (here the one), as they are in the file.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(bridge.url).origin })
    await pane('sentinel-1').getByTestId('log-copy').click()
    await until(() => page.evaluate<string>('navigator.clipboard.readText()')).toMatch(/^\d+:X \d+ \w{3} \d{4} [\d:.]+ # \+monitor master mymaster 127\.0\.0\.1 \d+ quorum 2$/)
    expect(await text(pane('sentinel-1').locator('.copied'))).toBe('Copied 1 line')
    await page.getByTestId('log-search').fill('')
    await until(async () => (await rows('sentinel-1').count()) > 3).toBe(true)
    await page.screenshot({ path: join(shots, 'logs-sentinel-light.png') })
  }, 90_000)

  it('fails over by hand: the +switch-master line shows in the pane, standing out', async () => {
    const before = await pane('sentinel-1').locator('[data-event="+switch-master"]').count()
    expect(before).toBe(0)
    await page.getByRole('button', { name: 'Failover', exact: true }).click()
    const line = pane('sentinel-1').locator('[data-event="+switch-master"]')
    await until(() => line.count(), FAILOVER_TIMEOUT).toBe(1)
    expect(await attr(line, 'data-family')).toBe('switch')
    expect(await attr(line, 'class')).toMatch(/\bswitch\b/)
    // Highlighted: a tinted background and the event name on a solid colour.
    const bg = await line.evaluate(BACKGROUND)
    expect(bg).not.toBe('rgba(0, 0, 0, 0)')
    const ev = line.locator('.ev')
    expect(await text(ev)).toBe('+switch-master')
    expect(await ev.evaluate(BACKGROUND)).not.toBe('rgba(0, 0, 0, 0)')
    expect(await text(line)).toMatch(/\+switch-master mymaster 127\.0\.0\.1 \d+ 127\.0\.0\.1 \d+$/)
    // Still following: the newest line is on screen.
    expect(await attr(pane('sentinel-1'), 'data-following')).toBe('true')
    await until(() => text(page.getByTestId('lab-state')), FAILOVER_TIMEOUT).toBe('HEALTHY')
    await app!.rememberLabPids()
    await page.screenshot({ path: join(shots, 'logs-switch-master-light.png') })
  }, 90_000)

  it("links the timeline and the sentinels' logs both ways: the +switch-master entry's line in sentinel-2's log, and back", async () => {
    const entry = view().locator('[data-testid="lab-event"][data-source="sentinel"][data-type="+switch-master"]').first()
    const toLog = entry.getByRole('button', { name: 'Show +switch-master in the log of sentinel-2', exact: true })
    await until(() => toLog.count(), FAILOVER_TIMEOUT).toBe(1)
    const payload = await text(entry.locator('.text'))
    expect(payload).toMatch(/^mymaster 127\.0\.0\.1 \d+ 127\.0\.0\.1 \d+$/)
    // Timeline → log: sentinel-2's log opens as a second tab, scrolled to that line, highlighted.
    await toLog.click()
    await until(() => attr(selectedTab(), 'data-title')).toBe('sentinel-2')
    expect(await tabs().count()).toBe(2)
    const line = pane('sentinel-2').locator('.row.revealed')
    await until(() => line.count()).toBe(1)
    expect(await attr(line, 'data-event')).toBe('+switch-master')
    expect((await text(line)).endsWith(`+switch-master ${payload}`)).toBe(true)
    expect(await line.evaluate(inside, '[data-testid="log-lines"]')).toBe(true)
    // Paused there, so the line stays put.
    expect(await attr(pane('sentinel-2'), 'data-following')).toBe('false')
    await page.screenshot({ path: join(shots, 'logs-timeline-to-log-light.png') })

    // Log → timeline, from the Programs view: the event's badge brings the Lab screen back, the entry in view and highlighted.
    await page.getByRole('tab', { name: 'Programs', exact: true }).click()
    await view().waitFor({ state: 'detached' })
    const row = pane('sentinel-2').locator('[data-event="+switch-master"]').filter({ hasText: payload }).last()
    await row.getByRole('button', { name: "Show +switch-master in the lab's timeline", exact: true }).click()
    await view().waitFor({ state: 'visible' })
    const revealed = view().locator('[data-testid="lab-event"].revealed')
    await until(() => attr(revealed, 'data-id')).toBe(await attr(entry, 'data-id'))
    expect(await revealed.evaluate(inside, '[data-testid="lab-view"]')).toBe(true)
    await page.screenshot({ path: join(shots, 'logs-log-to-timeline-light.png') })

    // Tidy up: sentinel-2's tab closes, sentinel-1's comes forward, following.
    await page.getByRole('button', { name: 'Close the log of sentinel-2', exact: true }).click()
    await until(() => tabs().count()).toBe(1)
    expect(await attr(selectedTab(), 'data-title')).toBe('sentinel-1')
    expect(await attr(pane('sentinel-1'), 'data-following')).toBe('true')
  }, 60_000)

  it('searches: only the matching lines stay; then a bad regex says why', async () => {
    const all = await rows('sentinel-1').count()
    const search = pane('sentinel-1').getByTestId('log-search')
    await search.fill('switch')
    await until(async () => {
      const t = await rowTexts('sentinel-1')
      return t.length > 0 && t.every((l) => /switch/i.test(l))
    }).toBe(true)
    const shown = await rowTexts('sentinel-1')
    expect(shown.length).toBeLessThan(all)
    expect(shown.some((l) => l.includes('+switch-master'))).toBe(true)
    expect(await text(pane('sentinel-1').getByTestId('log-match-count'))).toBe(`${shown.length} match${shown.length === 1 ? '' : 'es'}`)
    expect(await pane('sentinel-1').locator('mark').count()).toBeGreaterThanOrEqual(shown.length)
    await page.screenshot({ path: join(shots, 'logs-search-light.png') })

    // Highlight instead of filter: every line again, the matches marked.
    await pane('sentinel-1').getByTestId('log-only-matching').uncheck()
    await until(async () => (await rows('sentinel-1').count()) > shown.length).toBe(true)
    expect(await pane('sentinel-1').locator('.row.hit').count()).toBeGreaterThan(0)
    await pane('sentinel-1').getByTestId('log-only-matching').check()

    // A regex; then one that does not compile.
    await pane('sentinel-1').getByTestId('log-regex').click()
    expect(await attr(pane('sentinel-1').getByTestId('log-regex'), 'aria-pressed')).toBe('true')
    await search.fill('\\+(switch-master|monitor) ')
    await until(async () => (await pane('sentinel-1').locator('[data-event]').evaluateAll((els) => els.map((e) => e.getAttribute('data-event')))).sort()).toEqual(['+monitor', '+switch-master'])
    await search.fill('(switch')
    await until(() => text(pane('sentinel-1').getByTestId('log-query-error'))).toBe('Not a valid regular expression: Unterminated group')
    expect(await attr(search, 'aria-invalid')).toBe('true')
    expect(await pane('sentinel-1').getByTestId('log-query-error').getAttribute('role')).toBe('alert')
    await page.screenshot({ path: join(shots, 'logs-bad-regex-light.png') })
    await search.fill('')
    await pane('sentinel-1').getByTestId('log-regex').click()
    await until(() => pane('sentinel-1').getByTestId('log-query-error').count()).toBe(0)
    await until(async () => (await rows('sentinel-1').count()) > shown.length).toBe(true)
    // Following again at the end.
    await until(() => attr(pane('sentinel-1'), 'data-following')).toBe('true')
  })

  it("opens a replica's log as a second tab; the same log again only brings its tab forward; closing a tab unfollows", async () => {
    replicaName = (await view().locator('[data-testid="lab-node"][data-role="replica"]').first().getAttribute('data-name'))!
    const followsBefore = follows()
    await nodeCard(replicaName).getByRole('button', { name: `Log of ${replicaName}`, exact: true }).click()
    await until(() => tabs().count()).toBe(2)
    expect(await attr(selectedTab(), 'data-title')).toBe(replicaName)
    await until(() => attr(pane(replicaName), 'data-status')).toBe('following')
    await until(async () => (await rows(replicaName).count()) > 0).toBe(true)
    // A redis-server's lines, read apart: a replica's or a master's (it may have been either).
    expect(await pane(replicaName).locator('[data-level] .role').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^(replica|master|child)$/)]))
    expect(await text(pane(replicaName).getByTestId('log-file'))).toMatch(new RegExp(`${replicaName}.*\\.log$`))
    // The inactive pane is out of the way (and out of the tab order).
    expect(await pane('sentinel-1').isVisible()).toBe(false)
    await page.screenshot({ path: join(shots, 'logs-two-tabs-light.png') })

    // sentinel-1 again: no third tab, its tab comes forward, nothing followed twice.
    await sentinelCard('sentinel-1').getByRole('button', { name: 'Log of sentinel-1', exact: true }).click()
    await until(() => attr(selectedTab(), 'data-title')).toBe('sentinel-1')
    expect(await tabs().count()).toBe(2)
    expect(follows()).toBe(followsBefore + 1)
    expect(await pane('sentinel-1').isVisible()).toBe(true)

    // Keyboard: the arrows move between tabs.
    await page.keyboard.press('ArrowRight')
    await until(() => attr(selectedTab(), 'data-title')).toBe(replicaName)
    await page.keyboard.press('ArrowLeft')
    await until(() => attr(selectedTab(), 'data-title')).toBe('sentinel-1')

    // The dark theme, both tabs, the switch-master line on screen.
    await page.getByTestId('theme-toggle').click()
    await until(() => attr(page.locator('html'), 'data-theme')).toBe('dark')
    await page.screenshot({ path: join(shots, 'logs-switch-master-dark.png') })
    await pane('sentinel-1').getByTestId('log-search').fill('down|switch|failover')
    await pane('sentinel-1').getByTestId('log-regex').click()
    await pane('sentinel-1').getByTestId('log-only-matching').uncheck()
    await until(async () => (await pane('sentinel-1').locator('mark').count()) > 0).toBe(true)
    await page.screenshot({ path: join(shots, 'logs-highlight-dark.png') })
    await pane('sentinel-1').getByTestId('log-search').fill('')
    await pane('sentinel-1').getByTestId('log-regex').click()
    await pane('sentinel-1').getByTestId('log-only-matching').check()

    // The dock stays on the Programs view.
    await page.getByRole('tab', { name: 'Programs', exact: true }).click()
    await until(() => page.getByTestId('log-dock').isVisible()).toBe(true)
    await page.screenshot({ path: join(shots, 'logs-programs-view-dark.png') })
    await page.getByRole('tab', { name: 'Lab', exact: true }).click()
    await view().waitFor({ state: 'visible' })

    // Close the replica's tab: its follow ends.
    const unfollowsBefore = unfollows()
    await page.getByRole('button', { name: `Close the log of ${replicaName}`, exact: true }).click()
    await until(() => tabs().count()).toBe(1)
    expect(await attr(selectedTab(), 'data-title')).toBe('sentinel-1')
    await until(async () => unfollows()).toBe(unfollowsBefore + 1)
    await page.getByTestId('theme-toggle').click()
    await until(() => attr(page.locator('html'), 'data-theme')).toBe('light')
  }, 60_000)

  it('follows again after the web bridge reconnects, with what the sentinel wrote meanwhile', async () => {
    const switches = await pane('sentinel-1').locator('[data-event="+switch-master"]').count()
    const followsBefore = follows()
    const { port, token } = bridge
    await bridge.close()
    // Under load (other test files running) the reconnect backoff and the failover take longer.
    await until(() => text(page.getByTestId('connection'))).toMatch(/disconnected, reconnecting/)
    await until(() => attr(pane('sentinel-1'), 'data-status')).toBe('disconnected')
    // Meanwhile the sentinels fail over again: sentinel-1 writes another +switch-master.
    await service.failoverLab(labId)
    await app!.rememberLabPids()
    bridge = await app!.startWebBridge({ service, rendererDir, port, token })
    await until(() => text(page.getByTestId('connection')), FAILOVER_TIMEOUT).toBe('connected')
    await until(async () => follows(), FAILOVER_TIMEOUT).toBe(followsBefore + 1)
    await until(() => attr(pane('sentinel-1'), 'data-status'), FAILOVER_TIMEOUT).toBe('following')
    await until(() => pane('sentinel-1').locator('[data-kind="reconnected"]').count(), FAILOVER_TIMEOUT).toBe(1)
    await until(() => text(pane('sentinel-1').locator('[data-kind="reconnected"]')), FAILOVER_TIMEOUT).toMatch(/^— reconnected: \d+ lines? written meanwhile —$/)
    await pane('sentinel-1').getByTestId('log-search').fill('+switch-master')
    await until(() => pane('sentinel-1').locator('[data-event="+switch-master"]').count(), FAILOVER_TIMEOUT).toBe(switches + 1)
    await pane('sentinel-1').getByTestId('log-search').fill('')
    await until(() => text(page.getByTestId('lab-state')), FAILOVER_TIMEOUT).toBe('HEALTHY')
  }, 180_000)

  it('stops the lab (the pane shows the sentinel exiting); nothing is left running; closing the last tab removes the dock', async () => {
    await app!.rememberLabPids()
    await page.getByRole('button', { name: 'Stop', exact: true }).click()
    await until(() => text(page.getByTestId('lab-state')), 30_000).toBe('STOPPED')
    expect(app!.labPids.size).toBeGreaterThanOrEqual(6)
    expect([...app!.labPids].filter(alive)).toEqual([])
    await until(async () => (await rowTexts('sentinel-1')).some((l) => l.includes('Sentinel is now ready to exit, bye bye...'))).toBe(true)
    await page.screenshot({ path: join(shots, 'logs-stopped-light.png') })
    const unfollowsBefore = unfollows()
    await page.getByRole('button', { name: 'Close the log of sentinel-1', exact: true }).click()
    await until(() => page.getByTestId('log-dock').count()).toBe(0)
    await until(async () => unfollows()).toBe(unfollowsBefore + 1)
  })

  it("opens a program's stdout and stderr logs from its row, as two tabs", async () => {
    await service.openConfig(ini)
    await page.getByRole('tab', { name: 'Programs', exact: true }).click()
    const row = page.locator('tbody tr[data-name="chatty"]')
    await row.waitFor({ state: 'visible' })
    // rotor sends stderr to stdout: no stderr log button.
    expect(await page.locator('tbody tr[data-name="rotor"]').getByTestId('program-stderr-log').count()).toBe(0)
    await row.getByRole('button', { name: 'Log of chatty', exact: true }).click()
    await until(() => attr(selectedTab(), 'data-title')).toBe('chatty')
    expect(await text(selectedTab())).toBe('chatty stdout')
    await until(() => text(channel('stdout').getByTestId('log-empty'))).toBe('No line yet: what it writes shows here.')
    await row.getByRole('button', { name: 'stderr log of chatty', exact: true }).click()
    await until(() => tabs().count()).toBe(2)
    expect(await text(selectedTab())).toBe('chatty stderr')
    expect(await text(channel('stderr').getByTestId('log-file'))).toMatch(/chatty-err\.log$/)
    expect(await text(channel('stdout').getByTestId('log-file'))).toMatch(/chatty\.log$/)
    await page.getByRole('tab', { name: 'chatty stdout', exact: true }).click()
    await until(() => text(selectedTab())).toBe('chatty stdout')
  })

  it('210,000 lines while following: the newest 200,000 kept, the rest said to be in the file, few rows in the DOM', async () => {
    const chatty = channel('stdout')
    await page.locator('tbody tr[data-name="chatty"]').getByRole('button', { name: 'Start chatty', exact: true }).click()
    await until(async () => (await chatty.locator('[data-kind="line"]').allTextContents()).map((t) => t.trim()).includes('210000'), 60_000).toBe(true)
    expect(await chatty.locator('[data-kind="skipped"]').count()).toBe(0)
    await until(() => text(chatty.locator('.foot .n'))).toBe('200,000 lines')
    expect(await text(chatty.getByTestId('log-older'))).toBe('10,000 lines dropped from the view (it keeps the newest 200,000): older lines are in the file')
    // Virtualized: a few screens of rows, not 200,000.
    const inDom = await chatty.locator('[data-kind]').count()
    expect(inDom).toBeGreaterThan(5)
    expect(inDom).toBeLessThan(150)
    expect(await attr(chatty, 'data-following')).toBe('true')
    await page.screenshot({ path: join(shots, 'logs-program-light.png') })

    // Home on the lines: paused at the oldest kept line; the new-lines button brings the end back.
    const lines = chatty.getByTestId('log-lines')
    await lines.focus()
    await page.keyboard.press('Home')
    await until(() => attr(chatty, 'data-following')).toBe('false')
    await until(async () => (await chatty.locator('[data-kind="line"]').first().textContent())?.trim()).toBe('10001')
    await chatty.getByTestId('log-jump').click()
    await until(() => attr(chatty, 'data-following')).toBe('true')
    await until(async () => (await chatty.locator('[data-kind="line"]').allTextContents()).map((t) => t.trim()).includes('210000')).toBe(true)

    // Clear the view (not the file): nothing shown, and it says where the lines are.
    await chatty.getByTestId('log-clear').click()
    await until(() => chatty.locator('[data-kind="line"]').count()).toBe(0)
    expect(await text(chatty.getByTestId('log-empty'))).toBe('No line yet: what it writes shows here.')
    expect(await text(chatty.getByTestId('log-older'))).toBe('210,000 lines cleared from the view: older lines are in the file')

    // Its stderr pane got its one line.
    await page.getByRole('tab', { name: 'chatty stderr', exact: true }).click()
    await until(() => channel('stderr').locator('[data-kind="line"]').allTextContents()).toEqual(['an error'])
  }, 90_000)

  it('a rotated log shows "— rotated —" (and lines skipped while the pane was behind, if any) and goes on in the new file', async () => {
    // The file exists before the pane follows it: a file that first appears already rotated
    // (a slow machine) has no rotation to show from the follower's point of view.
    writeFileSync(join(app!.home, 'rotor.log'), '')
    await page.locator('tbody tr[data-name="rotor"]').getByRole('button', { name: 'Log of rotor', exact: true }).click()
    await until(() => text(selectedTab())).toBe('rotor stdout')
    const rotor = pane('rotor')
    await until(() => attr(rotor, 'data-status')).toBe('following')
    await page.locator('tbody tr[data-name="rotor"]').getByRole('button', { name: 'Start rotor', exact: true }).click()
    await until(async () => (await rotor.locator('[data-kind="line"]').allTextContents()).map((t) => t.trim()).at(-1), 30_000).toBe('the end')
    // Markers stay when only the matching lines show: the rotations (and skips) are on screen.
    await rotor.getByTestId('log-search').fill('end')
    await until(async () => (await rotor.locator('[data-kind="line"]').allTextContents()).map((t) => t.trim())).toEqual(['the end'])
    await until(() => rotor.locator('[data-kind="rotated"]').count()).toBeGreaterThan(0)
    await until(async () => new Set((await rotor.locator('[data-kind="rotated"]').allTextContents()).map((t) => t.trim()))).toEqual(new Set(['— rotated —']))
    for (const t of await rotor.locator('[data-kind="skipped"]').allTextContents())
      expect(t.trim()).toMatch(/^… [\d,]+ lines? skipped while the pane was behind \(they are in the file\)$/)
    await page.getByTestId('theme-toggle').click()
    await until(() => attr(page.locator('html'), 'data-theme')).toBe('dark')
    await page.screenshot({ path: join(shots, 'logs-rotated-dark.png') })
    await page.getByTestId('theme-toggle').click()
    await until(() => attr(page.locator('html'), 'data-theme')).toBe('light')
    // Close every tab: the dock goes.
    for (const name of ['rotor stdout', 'chatty stderr', 'chatty stdout']) await page.getByRole('button', { name: `Close the log of ${name}`, exact: true }).click()
    await until(() => page.getByTestId('log-dock').count()).toBe(0)
  }, 60_000)

  it('raised no page error and no CSP violation', () => {
    expect(pageErrors).toEqual([])
  })
})
