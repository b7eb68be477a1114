// Link faults in Chromium: a lab made with "Link faults" from the New lab form shows its
// Links panel; one click cuts the master and its clients off from the rest (the matrix shows
// the cut links, the timeline bands what happens during the partition), Heal all heals; the
// partition-master drill from the Drills tab loses acknowledged writes, its advice re-runs it
// with min-replicas-to-write 1, and the two compared side by side show the loss bounded.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppService as AppServiceType } from '../../src/main/app/app-service'
import type { WebBridge } from '../../src/main/transport/web-bridge'
import { type AppUnderTest, openAppUnderTest } from './app-under-test'
import { UI_TIMEOUT, text, until } from './locators'

const shots = resolve('test-results/e2e')
const DRILL_TIMEOUT = 120_000

let service: AppServiceType
let bridge: WebBridge
let page: Page
let pageErrors: string[] = []
let app: AppUnderTest | undefined

const linksPanel = (): Locator => page.getByTestId('lab-links')
const cell = (from: string, to: string): Locator => linksPanel().locator(`[data-testid="link-cell"][data-from="${from}"][data-to="${to}"]`)

beforeAll(async () => {
  mkdirSync(shots, { recursive: true })
  app = await openAppUnderTest({ name: 'links', viewport: { width: 1360, height: 1000 }, timeoutMs: UI_TIMEOUT })
  ;({ service, bridge, page, pageErrors } = app)
})

afterAll(async () => {
  expect(app ? await app.close(bridge) : []).toEqual([])
}, 30_000)

describe('link faults in Chromium', () => {
  it('makes a lab with link faults from the form and cuts the master and its clients off in one click', async () => {
    await page.goto(bridge.url)
    await page.getByRole('heading', { name: 'New lab' }).waitFor({ state: 'visible' })
    await page.getByTestId('lab-links-option').check()
    await page.getByRole('button', { name: 'Start', exact: true }).click()
    await linksPanel().waitFor({ state: 'visible', timeout: 30_000 })
    await app!.rememberLabPids()
    const [lab] = await service.listLabs()
    const status = await service.getLab(lab!.id)
    const master = status.nodes.find((n) => n.role === 'master')!.name
    const replica = status.nodes.find((n) => n.role === 'replica')!.name
    // Before: the replicas' connections to the master are there, nothing is cut.
    await until(() => text(cell(replica, master).locator('.cell'))).toMatch(/^\d+$/)
    await linksPanel().getByTestId('preset-master-clients').click()
    await until(() => text(cell(master, replica).locator('.cell'))).toBe('cut')
    expect(await text(cell('client', master).locator('.cell'))).not.toBe('cut')
    await until(() => page.locator('[data-testid="lab-event"][data-type="partition"]').count()).toBe(1)
    // The majority fails over meanwhile: its events sit in the partition's band.
    await until(() => page.locator('[data-testid="lab-event"].partitioned[data-type="+switch-master"]').count(), 20_000).toBeGreaterThan(0)
    await page.screenshot({ path: join(shots, 'links-partition-light.png') })
    await linksPanel().getByTestId('links-heal').click()
    await until(() => text(cell(master, replica).locator('.cell'))).not.toBe('cut')
    await until(() => page.locator('[data-testid="lab-event"][data-type="heal"]').count()).toBe(1)
  }, 60_000)

  it('runs partition-master, re-runs it with min-replicas-to-write 1 from the advice, and compares the two', async () => {
    const drills = page.getByTestId('drills')
    await page.getByTestId('lab-tab-drills').click()
    await drills.getByTestId('drill-scenario').selectOption('partition-master')
    await drills.getByTestId('drill-clients').selectOption('detector')
    await drills.getByTestId('drill-pause').fill('5')
    await drills.getByTestId('drill-run').click()
    await drills.getByTestId('drill-report').waitFor({ state: 'visible', timeout: DRILL_TIMEOUT })
    const open = Number((await text(drills.getByTestId('drill-lost'))).replace(/,/g, ''))
    expect(open, 'the old master acknowledged writes the majority never had').toBeGreaterThan(0)
    await drills.getByTestId('drill-advice').getByRole('listitem').filter({ hasText: 'min-replicas-to-write 1' }).getByRole('button').click()
    await until(() => drills.getByTestId('drill-history').locator('tbody tr').count(), DRILL_TIMEOUT).toBe(2)
    await until(() => text(drills.getByTestId('drill-report').locator('header p'))).toContain('min-replicas-to-write 1')
    expect(await text(drills.getByTestId('drill-verdict'))).toMatch(/NOREPLICAS \d+/)
    await drills.getByTestId('drill-history').getByRole('button', { name: /Compare/ }).click()
    await until(() => drills.getByTestId('drill-lost').count()).toBe(2)
    const [guarded, before] = (await drills.getByTestId('drill-lost').allTextContents()).map((t) => Number(t.replace(/,/g, '')))
    expect(before).toBe(open)
    expect(guarded).toBeLessThan(open)
    await drills.getByTestId('drill-verdict').scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(shots, 'links-drill-compare-light.png') })
    expect(pageErrors).toEqual([])
  }, DRILL_TIMEOUT * 2 + 30_000)
})
