// The Lab screen in real Chromium, against the real service over the web bridge and real
// redis-server / redis-sentinel: create a lab with one click (HEALTHY, roles, sentinels OK);
// kill -9 the master from its card (held down until the sentinels fail over, the lab's own
// 'kill' and 'hold' entries and Sentinel's +switch-master in the timeline, a replica
// promoted, the old master back as a linked replica); a manual failover; pause and resume
// a replica; the data-loss confirmation on restarting the master (Cancel changes nothing);
// a second lab side by side on other ports; destroy it through the confirmation dialog
// (folder gone, out of the list); stop the first; nothing of either lab is left running.
// Screenshots (light and dark) go to test-results/e2e/lab-*.png.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppService as AppServiceType } from '../../src/main/app/app-service'
import type { WebBridge } from '../../src/main/transport/web-bridge'
import { type AppUnderTest, openAppUnderTest } from './app-under-test'
import { UI_TIMEOUT, attr, text, until } from './locators'
import { alive } from '../lab/proc'
import { sentinelStory } from '../helpers/sentinel-story'

const shots = resolve('test-results/e2e')
/** A kill -9 of the master: down-after, the election, the hold's release, the rejoin. */
const FAILOVER_TIMEOUT = 40_000

let service: AppServiceType
let bridge: WebBridge
let context: BrowserContext
let page: Page
let pageErrors: string[] = []
let app: AppUnderTest | undefined
/** Every pid any lab ever had, to prove none is left. */
/** The lab created first, and the one created beside it. */
let firstId = ''
let secondId = ''

const view = (): Locator => page.getByTestId('lab-view')
const nodes = (role: string): Locator => view().locator(`[data-testid="lab-node"][data-role="${role}"]`)
const node = (name: string): Locator => view().locator(`[data-testid="lab-node"][data-name="${name}"]`)
const events = (type: string, source: 'lab' | 'sentinel'): Locator => view().locator(`[data-testid="lab-event"][data-source="${source}"][data-type="${type}"]`)
const items = (): Locator => page.getByTestId('lab-item')
/** Open a card's action menu and pick an action. */
const act = async (card: Locator, label: RegExp): Promise<void> => {
  await card.getByTestId('member-menu').click()
  await page.getByRole('menu').getByRole('menuitem', { name: label }).click()
}
const ports = async (id: string): Promise<number[]> => {
  const s = await service.getLab(id)
  return [...s.nodes, ...s.sentinels].map((m) => m.port)
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true })
  app = await openAppUnderTest({ name: 'lab', viewport: { width: 1280, height: 800 }, timeoutMs: UI_TIMEOUT })
  ;({ service, bridge, context, page, pageErrors } = app)
})

afterAll(async () => {
  // No lab process may outlive the test.
  expect(app ? await app.close(bridge) : []).toEqual([])
}, 30_000)

describe('lab screen in Chromium', () => {
  it('creates a lab with one click and shows HEALTHY, the master, 2 replicas and 3 sentinels', async () => {
    await page.goto(bridge.url)
    await page.getByRole('tab', { name: 'Lab' }).click()
    // No lab yet: the create form is there, with its defaults (no persistence).
    await page.getByRole('heading', { name: 'New lab' }).waitFor({ state: 'visible' })
    expect(await page.getByLabel('Persistence').inputValue()).toBe('none')
    await page.screenshot({ path: join(shots, 'lab-new-light.png') })
    await page.getByRole('button', { name: 'Start', exact: true }).click()
    await until(() => text(page.getByTestId('lab-healthy')), 40_000).toMatch(/^HEALTHY in \d+ ms$/)
    firstId = (await view().getAttribute('data-id')) ?? ''
    expect(firstId).not.toBe('')
    // The settings line starts with the release the lab runs, as its redis-server says it.
    const version = execFileSync('/usr/bin/redis-server', ['--version'], { encoding: 'utf8' }).match(/v=(\d+\.\d+\.\d+)/)![1]
    expect(await text(page.getByTestId('lab-settings'))).toMatch(new RegExp(`^Redis ${version.replace(/\./g, '\\.')} · 2 replicas · 3 sentinels`))
    expect((await service.listLabs()).map((l) => l.id)).toEqual([firstId])
    await until(() => items().count()).toBe(1)
    expect(await attr(items(), 'data-id')).toBe(firstId)
    await until(() => nodes('master').count()).toBe(1)
    await until(() => nodes('replica').count()).toBe(2)
    await until(() => view().locator('[data-testid="lab-sentinel"]').count()).toBe(3)
    await until(() => view().locator('[data-testid="lab-node"] [data-testid="link"]').allTextContents()).toEqual(['up', 'up'])
    await until(() => view().locator('[data-testid="lab-sentinel"] [data-testid="ok"]').allTextContents()).toEqual(['OK', 'OK', 'OK'])
    await until(() => text(page.getByTestId('lab-state'))).toBe('HEALTHY')
    const masterPort = await text(nodes('master').locator('[data-testid="port"]'))
    expect(await view().locator('[data-testid="lab-sentinel"] [data-testid="believes"]').allTextContents()).toEqual([masterPort, masterPort, masterPort])
    for (const pid of await view().locator('[data-testid="lab-node"] [data-testid="pid"]').allTextContents()) expect(Number(pid)).toBeGreaterThan(0)
    expect(await text(page.getByTestId('lab-dir'))).toBe((await service.getLab(firstId)).dir)
    await app!.rememberLabPids()
    await page.screenshot({ path: join(shots, 'lab-healthy-light.png') })
  })

  it('kills the master from its card: held down, kill/hold and +switch-master in the timeline, a replica promoted, the old master back as a replica', async () => {
    const master = nodes('master')
    const oldName = (await master.getAttribute('data-name'))!
    const oldPid = Number(await text(master.locator('[data-testid="pid"]')))
    await act(master, /^Kill -9/)
    // The restart policy holds it down until the sentinels have failed over.
    await until(() => node(oldName).locator('[data-testid="held"]').count(), FAILOVER_TIMEOUT).toBe(1)
    expect(await text(node(oldName).locator('[data-testid="held"]'))).toBe('held down until failover')
    await page.screenshot({ path: join(shots, 'lab-kill-held-light.png') })
    expect(alive(oldPid)).toBe(false)
    await until(() => events('kill', 'lab').count()).toBeGreaterThan(0)
    await until(() => events('hold', 'lab').count()).toBeGreaterThan(0)
    await until(() => events('+switch-master', 'sentinel').count(), FAILOVER_TIMEOUT).toBeGreaterThan(0)
    // A former replica is the master on screen, and the sentinels agree on it.
    await until(async () => (await nodes('master').count()) === 1 && (await attr(nodes('master'), 'data-name')) !== oldName, FAILOVER_TIMEOUT).toBe(true)
    const newPort = await text(nodes('master').locator('[data-testid="port"]'))
    await until(() => view().locator('[data-testid="lab-sentinel"] [data-testid="believes"]').allTextContents()).toEqual([newPort, newPort, newPort])
    // The old master comes back (a new pid), as a replica with its link up, no longer held.
    await until(() => attr(node(oldName), 'data-role'), FAILOVER_TIMEOUT).toBe('replica')
    await until(() => text(node(oldName).locator('[data-testid="link"]')), FAILOVER_TIMEOUT).toBe('up')
    await until(() => node(oldName).locator('[data-testid="held"]').count()).toBe(0)
    const pid = Number(await text(node(oldName).locator('[data-testid="pid"]')))
    expect(pid).toBeGreaterThan(0)
    expect(pid).not.toBe(oldPid)
    await until(() => text(page.getByTestId('lab-state')), FAILOVER_TIMEOUT).toBe('HEALTHY')
    await app!.rememberLabPids()
    await page.screenshot({ path: join(shots, 'lab-kill-recovered-light.png') })
  }, 120_000)

  it('fails over by hand: the master changes on screen and +switch-master shows in the timeline', async () => {
    // One master on screen and every sentinel believes in it (mid-failover two nodes answer
    // role:master for a moment: no single reading is the answer), or null.
    const believes = view().locator('[data-testid="lab-sentinel"] [data-testid="believes"]')
    const agreedMaster = async (): Promise<string | null> => {
      if ((await nodes('master').count()) !== 1) return null
      const port = await text(nodes('master').locator('[data-testid="port"]'))
      const b = await believes.allTextContents()
      return b.length === 3 && b.every((x) => x === port) ? port : null
    }
    let before: string | null = null
    await until(async () => (before = await agreedMaster()), FAILOVER_TIMEOUT).not.toBeNull()
    const switches = await events('+switch-master', 'sentinel').count()
    await page.getByRole('button', { name: 'Failover', exact: true }).click()
    const converged = async (): Promise<string | null> => {
      const port = await agreedMaster()
      return port !== null && port !== before ? port : null
    }
    try {
      await until(converged, FAILOVER_TIMEOUT).not.toBeNull()
    } catch (e) {
      // Which master the sentinels chose, and when: the failure says what happened.
      throw new Error(`${(e as Error).message}\nbefore ${before}; masters on screen ${(await nodes('master').locator('[data-testid="port"]').allTextContents()).join(', ')}; sentinels believe ${(await believes.allTextContents()).join(', ')}:\n${sentinelStory((await service.getLab(firstId)).dir!)}`)
    }
    await until(() => events('+switch-master', 'sentinel').count()).toBeGreaterThan(switches)
    // Newest first: the top +switch-master is this one, seen by every sentinel.
    await until(() => text(events('+switch-master', 'sentinel').first().locator('.seen'))).toBe('seen by 3')
    await until(() => events('failover', 'lab').count()).toBeGreaterThan(0)
    // The old master rejoins as a linked replica (fast timers).
    await until(() => view().locator('[data-testid="lab-node"] [data-testid="link"]').allTextContents(), FAILOVER_TIMEOUT).toEqual(['up', 'up'])
    await until(() => text(page.getByTestId('lab-state'))).toBe('HEALTHY')
    // A timeline longer than the window scrolls inside the lab view: the page itself never
    // scrolls (its screen-reader labels once stretched it, and the wheel moved the whole app).
    await view().hover()
    await page.mouse.wheel(0, 5000)
    expect(await page.evaluate<[boolean, number]>('[document.documentElement.scrollHeight <= window.innerHeight, window.scrollY]')).toEqual([true, 0])
    await app!.rememberLabPids()
  }, 90_000)

  it('pauses a replica (the paused badge shows) and resumes it (the badge goes)', async () => {
    const replica = nodes('replica').first()
    const name = (await replica.getAttribute('data-name'))!
    const card = node(name)
    // Resume does not apply to a running node: it is disabled, with the reason.
    await card.getByTestId('member-menu').click()
    await expect.poll(() => page.getByRole('menuitem', { name: /^Resume/ }).isDisabled()).toBe(true)
    await page.keyboard.press('Escape')
    await until(() => page.getByRole('menu').count()).toBe(0)

    await act(card, /^Pause/)
    await until(() => card.locator('[data-testid="paused"]').count()).toBe(1)
    expect(await card.getAttribute('data-paused')).toBe('true')
    await until(() => events('pause', 'lab').count()).toBeGreaterThan(0)
    await page.screenshot({ path: join(shots, 'lab-paused-light.png') })
    await card.getByTestId('member-menu').click()
    await expect.poll(() => page.getByRole('menuitem', { name: /^Pause/ }).isDisabled()).toBe(true)
    await page.getByRole('menuitem', { name: /^Resume/ }).click()
    await until(() => card.locator('[data-testid="paused"]').count()).toBe(0)
    expect(await card.getAttribute('data-paused')).toBe('false')
    await until(() => events('resume', 'lab').count()).toBeGreaterThan(0)
    await until(() => text(card.locator('[data-testid="link"]'))).toBe('up')
    await until(() => text(page.getByTestId('lab-state'))).toBe('HEALTHY')
  })

  it('asks before restarting the master without persistence; Cancel (or Escape) leaves it untouched', async () => {
    const master = nodes('master')
    const name = (await master.getAttribute('data-name'))!
    const pid = Number(await text(master.locator('[data-testid="pid"]')))
    const restarts = await events('restart', 'lab').count()
    await act(master, /^Restart/)
    const dialog = page.getByRole('dialog')
    await dialog.waitFor({ state: 'visible' })
    expect(await dialog.getAttribute('aria-modal')).toBe('true')
    expect(await text(dialog.locator('h2'))).toBe(`Restart ${name}?`)
    expect(await text(dialog.locator('p').first())).toMatch(/ALL data is lost/)
    await dialog.getByRole('button', { name: 'Restart anyway' }).waitFor({ state: 'visible' })
    // Cancel has the first focus: Enter on a dangerous question does nothing harmful.
    expect(await page.evaluate<string>("document.activeElement?.textContent?.trim() ?? ''")).toBe('Cancel')
    await page.screenshot({ path: join(shots, 'lab-confirm-restart-light.png') })
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await until(() => page.getByRole('dialog').count()).toBe(0)
    expect(Number(await text(node(name).locator('[data-testid="pid"]')))).toBe(pid)
    expect((await service.getLab(firstId)).nodes.find((n) => n.name === name)?.pid).toBe(pid)
    expect(alive(pid)).toBe(true)
    // Escape cancels too.
    await act(node(name), /^Restart/)
    await page.getByRole('dialog').waitFor({ state: 'visible' })
    await page.keyboard.press('Escape')
    await until(() => page.getByRole('dialog').count()).toBe(0)
    expect((await service.getLab(firstId)).nodes.find((n) => n.name === name)?.pid).toBe(pid)
    expect(await events('restart', 'lab').count()).toBe(restarts)
    expect(await attr(node(name), 'data-role')).toBe('master')
  })

  it('creates a second lab beside the first, on other ports; both are listed', async () => {
    await page.getByRole('button', { name: 'New lab' }).click()
    await page.getByLabel('Name', { exact: true }).fill('second')
    await page.getByRole('button', { name: 'Start', exact: true }).click()
    await until(async () => (await attr(view(), 'data-id')) ?? '', 40_000).toMatch(/^second-/)
    secondId = (await view().getAttribute('data-id'))!
    await until(() => text(page.getByTestId('lab-healthy')), 40_000).toMatch(/^HEALTHY in \d+ ms$/)
    await until(() => text(page.getByTestId('lab-state'))).toBe('HEALTHY')
    await until(() => items().count()).toBe(2)
    expect(new Set(await items().evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))))).toEqual(new Set([firstId, secondId]))
    // Both run: the first is still HEALTHY in the list.
    await until(() => attr(page.locator(`[data-testid="lab-item"][data-id="${firstId}"]`), 'data-state')).toBe('healthy')
    const [a, b] = [await ports(firstId), await ports(secondId)]
    expect(a.filter((p) => b.includes(p))).toEqual([])
    const shown = (await view().locator('[data-testid="lab-node"] [data-testid="port"]').allTextContents()).map((p) => Number(p.slice(1)))
    for (const p of shown) expect(b).toContain(p)
    await app!.rememberLabPids()
    await page.screenshot({ path: join(shots, 'lab-two-labs-light.png') })

    // The same screen in the dark theme, with a node's menu open.
    await page.getByTestId('theme-toggle').click()
    await until(() => attr(page.locator('html'), 'data-theme')).toBe('dark')
    await page.screenshot({ path: join(shots, 'lab-two-labs-dark.png') })
    await nodes('replica').first().getByTestId('member-menu').click()
    await page.getByRole('menu').waitFor({ state: 'visible' })
    await page.screenshot({ path: join(shots, 'lab-menu-dark.png') })
    await page.keyboard.press('Escape')
    await until(() => page.getByRole('menu').count()).toBe(0)
    await page.getByRole('button', { name: 'Attach…' }).click()
    await page.getByRole('heading', { name: 'Attach to a Sentinel deployment' }).waitFor({ state: 'visible' })
    expect(await page.getByLabel('Password', { exact: true }).getAttribute('type')).toBe('password')
    expect(await page.getByLabel('Sentinel password').getAttribute('type')).toBe('password')
    expect(await page.getByLabel('Master name').inputValue()).toBe('mymaster')
    await page.screenshot({ path: join(shots, 'lab-attach-dark.png') })
    await page.getByRole('button', { name: 'Cancel' }).click()
    await until(() => attr(view(), 'data-id')).toBe(secondId)
  }, 90_000)

  it('destroys the second lab through the confirmation dialog: its folder is gone and it leaves the list', async () => {
    const dir = (await service.getLab(secondId)).dir!
    expect(existsSync(dir)).toBe(true)
    const before = await service.getLab(secondId)
    const pids = [...before.nodes, ...before.sentinels].map((m) => m.pid).filter((p) => p > 0)
    expect(pids.length).toBe(6)
    await page.getByRole('button', { name: 'Destroy…' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor({ state: 'visible' })
    expect(await text(dialog.getByTestId('confirm-detail'))).toBe(dir)
    expect(await text(dialog.locator('p').first())).toMatch(/deletes its folder .*Redis data, the logs and the configuration files/)
    await page.screenshot({ path: join(shots, 'lab-destroy-dialog-dark.png') })
    await dialog.getByRole('button', { name: 'Destroy', exact: true }).click()
    await until(async () => existsSync(dir), 30_000).toBe(false)
    await until(() => items().count()).toBe(1)
    expect(await attr(items(), 'data-id')).toBe(firstId)
    expect((await service.listLabs()).map((l) => l.id)).toEqual([firstId])
    expect(pids.filter(alive)).toEqual([])
    // The first lab is shown again, still running.
    await until(() => attr(view(), 'data-id')).toBe(firstId)
    await until(() => text(page.getByTestId('lab-state'))).toBe('HEALTHY')
    await page.screenshot({ path: join(shots, 'lab-after-destroy-dark.png') })
    await page.getByTestId('theme-toggle').click()
    await until(() => attr(page.locator('html'), 'data-theme')).toBe('light')
  })

  it('attaches to the first lab by its sentinel addresses (monitor only: Failover and Detach), then detaches', async () => {
    const first = await service.getLab(firstId)
    const password = service.labs.layout(firstId).password
    await page.getByRole('button', { name: 'Attach…' }).click()
    await page.getByLabel(/^Sentinel addresses/).fill(first.sentinels.map((s) => `127.0.0.1:${s.port}`).join(',\n'))
    await page.getByLabel('Password', { exact: true }).fill(password)
    await page.getByRole('button', { name: 'Attach', exact: true }).click()
    await until(() => page.getByTestId('attached-marker').count()).toBe(1)
    const attachedId = (await attr(view(), 'data-id'))!
    expect(attachedId).not.toBe(firstId)
    expect((await service.listLabs()).find((l) => l.id === attachedId)?.kind).toBe('attached')
    await until(() => items().count()).toBe(2)
    expect(await page.locator(`[data-testid="lab-item"][data-id="${attachedId}"] [data-testid="attached"]`).count()).toBe(1)
    // The same topology, seen from outside: the master, 2 replicas, 3 sentinels OK; no process actions.
    await until(() => nodes('master').count()).toBe(1)
    await until(() => nodes('replica').count()).toBe(2)
    await until(() => view().locator('[data-testid="lab-sentinel"] [data-testid="ok"]').allTextContents()).toEqual(['OK', 'OK', 'OK'])
    const masterPort = Number((await text(nodes('master').locator('[data-testid="port"]'))).slice(1))
    expect(masterPort).toBe(first.nodes.find((n) => n.role === 'master')?.port)
    expect(await view().getByTestId('member-menu').count()).toBe(0)
    const buttons = await view().locator('.bar button, [role="toolbar"] button').allTextContents()
    // Failover's menu (safe switch-over or SENTINEL FAILOVER) is an icon button beside it.
    expect(buttons.map((b) => b.trim()).filter(Boolean)).toEqual(['Detach', 'Failover'])
    expect(await view().getByTestId('failover-menu').count()).toBe(1)
    await page.screenshot({ path: join(shots, 'lab-attached-light.png') })
    await page.getByRole('button', { name: 'Detach', exact: true }).click()
    await until(() => items().count()).toBe(1)
    expect((await service.listLabs()).map((l) => l.id)).toEqual([firstId])
    await until(() => attr(view(), 'data-id')).toBe(firstId)
    // The password went to the main process only: the form no longer holds it.
    await page.getByRole('button', { name: 'Attach…' }).click()
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('')
    await page.getByRole('button', { name: 'Cancel' }).click()
    await until(() => attr(view(), 'data-id')).toBe(firstId)
  })

  it('stops the first lab: nothing is left running', async () => {
    await app!.rememberLabPids()
    await page.getByRole('button', { name: 'Stop', exact: true }).click()
    await until(() => text(page.getByTestId('lab-state')), 30_000).toBe('STOPPED')
    await page.getByRole('button', { name: 'Start', exact: true }).waitFor({ state: 'visible' })
    await until(() => attr(page.locator(`[data-testid="lab-item"][data-id="${firstId}"]`), 'data-state')).toBe('stopped')
    expect(app!.labPids.size).toBeGreaterThanOrEqual(12)
    expect([...app!.labPids].filter(alive)).toEqual([])
    await page.screenshot({ path: join(shots, 'lab-stopped-light.png') })
  })

  it('raised no page error and no CSP violation', () => {
    expect(pageErrors).toEqual([])
  })
})
