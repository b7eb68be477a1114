// The Drills tab in Chromium, against a real lab the app runs: a fresh start lands on the Lab
// view; pause-master run from the form with both clients shows a chart per run with the fault
// and Sentinel's events marked, the verdicts side by side (ioredis's defaults lose
// acknowledged writes, failoverDetector + commandTimeout none), the story and the advice; a
// second drill is kept, listed and compared; the connection panel hides the password until
// asked. Screenshots in test-results/e2e (light and dark).
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppService as AppServiceType } from '../../src/main/app/app-service'
import type { WebBridge } from '../../src/main/transport/web-bridge'
import { type AppUnderTest, openAppUnderTest } from './app-under-test'
import { UI_TIMEOUT, attr, text, until } from './locators'

const shots = resolve('test-results/e2e')
const DRILL_TIMEOUT = 150_000

let service: AppServiceType
let bridge: WebBridge
let page: Page
let pageErrors: string[] = []
let app: AppUnderTest | undefined
let labId = ''

const drills = (): Locator => page.getByTestId('drills')

beforeAll(async () => {
  mkdirSync(shots, { recursive: true })
  app = await openAppUnderTest({ name: 'drills', viewport: { width: 1360, height: 900 }, timeoutMs: UI_TIMEOUT })
  ;({ service, bridge, page, pageErrors } = app)
})

afterAll(async () => {
  expect(app ? await app.close(bridge) : []).toEqual([])
}, 30_000)

describe('drills in Chromium', () => {
  it('opens on the Lab view with its New lab form when started with no file and no lab', async () => {
    await page.goto(bridge.url)
    await page.getByRole('heading', { name: 'New lab' }).waitFor({ state: 'visible' })
    expect(await attr(page.getByRole('tab', { name: 'Lab', exact: true }), 'aria-selected')).toBe('true')
  })

  it('runs pause-master from the Drills tab: charts with the faults marked, the verdicts side by side, the story, the advice', async () => {
    const lab = await service.createLab({ replicas: 2, sentinels: 3, timers: 'fast' })
    labId = lab.id
    await app!.rememberLabPids()
    await page.locator(`[data-testid="lab-item"][data-id="${labId}"]`).click()
    await page.getByTestId('lab-tab-drills').click()
    await drills().getByTestId('drill-scenario').selectOption('pause-master')
    await drills().getByTestId('drill-pause').fill('4')
    expect(await drills().getByTestId('drill-clients').inputValue()).toBe('both')
    await drills().getByTestId('drill-run').click()
    await until(() => drills().getByTestId('drill-progress').count()).toBe(1)
    await drills().getByTestId('drill-report').waitFor({ state: 'visible', timeout: DRILL_TIMEOUT })

    const charts = drills().getByTestId('drill-chart')
    await until(() => charts.count()).toBe(2)
    expect(await charts.nth(0).locator('canvas').count()).toBeGreaterThan(0)
    const marks = await charts.nth(0).getByTestId('drill-mark').allTextContents()
    expect(marks.some((m) => /pause redis-master/.test(m))).toBe(true)
    expect(marks.some((m) => /resume redis-master/.test(m))).toBe(true)
    expect(marks.some((m) => /\+switch-master/.test(m))).toBe(true)
    const lost = (await drills().getByTestId('drill-lost').allTextContents()).map((t) => Number(t.replace(/,/g, '')))
    expect(lost[0], 'ioredis defaults: the split brain').toBeGreaterThan(0)
    expect(lost[1], 'failoverDetector + commandTimeout').toBe(0)
    expect(await text(drills().getByTestId('drill-advice'))).toMatch(/lost 0 acknowledged writes instead of/)
    const story = await drills().getByTestId('drill-story').locator('li').allTextContents()
    expect(story.some((l) => /hangs \(SIGSTOP/.test(l))).toBe(true)
    expect(story.some((l) => /\+convert-to-slave/.test(l))).toBe(true)
    expect(story.some((l) => /acknowledged writes? (is|are) missing from the final master/.test(l))).toBe(true)
    await page.screenshot({ path: join(shots, 'drills-report-light.png') })
    await drills().getByTestId('drill-verdict').scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(shots, 'drills-verdict-light.png') })
    await drills().getByTestId('drill-story').scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(shots, 'drills-story-light.png') })
    await page.getByTestId('theme-toggle').click()
    await page.screenshot({ path: join(shots, 'drills-report-dark.png') })
    await page.getByTestId('theme-toggle').click()

    // The story's Sentinel lines lead to the lab's timeline.
    await drills().getByRole('button', { name: 'Show +switch-master in the timeline' }).first().click()
    await until(() => page.getByTestId('lab-tab-overview').getAttribute('aria-selected')).toBe('true')
    await page.getByTestId('lab-tab-drills').click()
  }, DRILL_TIMEOUT + 30_000)

  it('keeps each drill, lists it, and compares two; the connection panel masks the password until asked', async () => {
    await drills().getByTestId('drill-scenario').selectOption('failover')
    await drills().getByTestId('drill-clients').selectOption('detector')
    await drills().getByTestId('drill-run').click()
    await until(() => drills().getByTestId('drill-history').locator('tbody tr').count(), DRILL_TIMEOUT).toBe(2)
    await until(() => text(drills().getByTestId('drill-report').locator('h3'))).toBe('failover')
    expect(await drills().getByTestId('drill-lost').allTextContents()).toEqual(['0'])
    await drills().getByTestId('drill-history').getByRole('button', { name: 'Compare' }).click()
    await until(() => drills().getByTestId('drill-lost').count()).toBe(3)

    const panel = drills().getByTestId('drill-connect')
    await panel.locator('summary').click()
    const snippet = panel.getByTestId('drill-snippet')
    const status = await service.getLab(labId)
    expect(await text(snippet)).toContain(`port: ${status.sentinels[0].port}`)
    expect(await text(snippet)).toContain('<password>')
    const password = (await service.getLabConnection(labId)).password!
    expect(await text(snippet)).not.toContain(password)
    await panel.getByRole('button', { name: 'Show password' }).click()
    expect(await text(snippet)).toContain(password)
    await panel.getByRole('tab', { name: 'Redisson' }).click()
    expect(await text(snippet)).toContain('sentinelServersConfig')
    await page.screenshot({ path: join(shots, 'drills-history-light.png') })
    expect(pageErrors).toEqual([])
  }, DRILL_TIMEOUT)
})
