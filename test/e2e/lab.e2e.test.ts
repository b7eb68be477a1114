// The Lab view in real Chromium, against the real service over the web bridge and real
// redis-server / redis-sentinel: open the Lab tab, Start, see HEALTHY and the topology, a
// manual failover moves the master on screen with +switch-master in the timeline, Stop,
// and nothing of the lab is left running. Screenshots go to test-results/e2e/.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LabService as LabServiceType } from '../../src/main/service'
import type { WebBridge } from '../../src/main/server/web-bridge'
import { type AppUnderTest, openAppUnderTest } from './app-under-test'

const shots = resolve('test-results/e2e')
const UI_TIMEOUT = 20_000

let service: LabServiceType
let bridge: WebBridge
let context: BrowserContext
let page: Page
let pageErrors: string[] = []
let app: AppUnderTest | undefined
/** Every pid the lab ever had, to prove none is left. */
const labPids = new Set<number>()

const until = <T>(fn: () => Promise<T>, timeout = UI_TIMEOUT) => expect.poll(fn, { timeout, interval: 50 })
const text = async (l: Locator): Promise<string> => ((await l.count()) ? ((await l.first().textContent()) ?? '').trim() : '')
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
const nodes = (role: string): Locator => page.locator(`[data-testid="lab-node"][data-role="${role}"]`)
const rememberPids = async (): Promise<void> => {
  const s = await service.getLab()
  for (const n of s.nodes) if (n.pid > 0) labPids.add(n.pid)
  for (const p of service.lab['supervisor']?.snapshot().processes ?? []) if (p.pid > 0) labPids.add(p.pid)
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true })
  app = await openAppUnderTest({ name: 'lab', viewport: { width: 1280, height: 720 }, timeoutMs: UI_TIMEOUT })
  ;({ service, bridge, context, page, pageErrors } = app)
})

afterAll(async () => {
  await context?.close()
  await rememberPids().catch(() => {})
  await service?.shutdown()
  await bridge?.close()
  const left = [...labPids].filter(alive)
  app?.removeDirs()
  expect(left).toEqual([])
}, 30_000)

describe('lab view in Chromium', () => {
  it('starts a lab with one click and shows HEALTHY, the master, 2 replicas and 3 sentinels', async () => {
    await page.goto(bridge.url)
    await page.getByRole('tab', { name: 'Lab' }).click()
    await until(() => text(page.getByTestId('lab-state'))).toBe('STOPPED')
    await page.getByRole('button', { name: 'Start', exact: true }).click()
    await until(() => text(page.getByTestId('lab-healthy'))).toMatch(/^HEALTHY in \d+ ms$/)
    await until(() => nodes('master').count()).toBe(1)
    await until(() => nodes('replica').count()).toBe(2)
    await until(() => page.locator('[data-testid="lab-sentinel"]').count()).toBe(3)
    await until(() => page.locator('[data-testid="lab-node"] [data-testid="link"]').allTextContents()).toEqual(['up', 'up'])
    await until(() => page.locator('[data-testid="lab-sentinel"] [data-testid="ok"]').allTextContents()).toEqual(['OK', 'OK', 'OK'])
    await until(() => text(page.getByTestId('lab-state'))).toBe('HEALTHY')
    const masterPort = await text(nodes('master').locator('[data-testid="port"]'))
    expect(await page.locator('[data-testid="lab-sentinel"] [data-testid="believes"]').allTextContents()).toEqual([masterPort, masterPort, masterPort])
    for (const pid of await page.locator('[data-testid="lab-node"] [data-testid="pid"]').allTextContents()) expect(Number(pid)).toBeGreaterThan(0)
    await rememberPids()
    await page.screenshot({ path: join(shots, 'lab-healthy-light.png') })
  })

  it('fails over by hand: the master changes on screen and +switch-master shows in the timeline', async () => {
    const before = await text(nodes('master').locator('[data-testid="port"]'))
    await page.getByRole('button', { name: 'Failover', exact: true }).click()
    await until(() => text(nodes('master').locator('[data-testid="port"]'))).not.toBe(before)
    const after = await text(nodes('master').locator('[data-testid="port"]'))
    await until(() => page.locator('[data-testid="lab-event"][data-type="+switch-master"]').count()).toBeGreaterThan(0)
    await until(() => text(page.locator('[data-testid="lab-event"][data-type="+switch-master"] .seen'))).toBe('seen by 3')
    await until(() => page.locator('[data-testid="lab-sentinel"] [data-testid="believes"]').allTextContents()).toEqual([after, after, after])
    // The old master rejoins as a linked replica (fast timers).
    await until(() => page.locator('[data-testid="lab-node"] [data-testid="link"]').allTextContents()).toEqual(['up', 'up'])
    await until(() => text(page.getByTestId('lab-state'))).toBe('HEALTHY')
    await rememberPids()
    await page.screenshot({ path: join(shots, 'lab-failover-light.png') })
  })

  it('stops the lab', async () => {
    await rememberPids()
    await page.getByRole('button', { name: 'Stop', exact: true }).click()
    await until(() => text(page.getByTestId('lab-state'))).toBe('STOPPED')
    await page.getByRole('button', { name: 'Start', exact: true }).waitFor({ state: 'visible' })
    expect([...labPids].filter(alive)).toEqual([])
  })

  it('raised no page error and no CSP violation', () => {
    expect(pageErrors).toEqual([])
  })
})
