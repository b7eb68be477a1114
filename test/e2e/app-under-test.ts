// What every e2e test starts from: a fresh SENTINEL_LAB_HOME, the real service behind the
// web bridge (in-process), and Debian's Chromium on the bridge's URL, with page errors and
// CSP violations collected. Tests that run labs remember their pids as they go and end with
// close(), which answers the lab processes still alive (none, or the test fails); others
// tear down in their own order and call removeDirs().
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import type { AppService } from '../../src/main/app/app-service'
import type { WebBridge, startWebBridge as StartWebBridge } from '../../src/main/transport/web-bridge'
import { alive } from '../lab/proc'

export const rendererDir = resolve('out/renderer')
export const CHROMIUM = '/usr/bin/chromium'

export interface AppUnderTest {
  home: string
  service: AppService
  bridge: WebBridge
  startWebBridge: typeof StartWebBridge
  context: BrowserContext
  page: Page
  /** Uncaught page errors and console errors (CSP violations among them). */
  pageErrors: string[]
  removeDirs(): void
  /** Pids of the lab processes seen so far (rememberLabPids). */
  labPids: Set<number>
  /** Note the pids of every lab this app runs now: close() checks they are gone. */
  rememberLabPids(): Promise<void>
  /** Browser, service and `bridge` (the current one: a test may have restarted it) closed, folders removed; the lab pids still alive. */
  close(bridge: WebBridge): Promise<number[]>
}

export async function openAppUnderTest(options: {
  name: string
  viewport: { width: number; height: number }
  timeoutMs: number
  /** Runs once SENTINEL_LAB_HOME is set, before the service is created. */
  prepare?: (home: string) => void
}): Promise<AppUnderTest> {
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error(`${rendererDir}/index.html is missing: build the app first (\`npx electron-vite build\`)`)
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`)
  const home = mkdtempSync(join(tmpdir(), `sentinel-lab-e2e-${options.name}-home-`))
  // Set before the service is imported: its paths are read from here.
  process.env['SENTINEL_LAB_HOME'] = home
  const profile = mkdtempSync(join(tmpdir(), `sentinel-lab-e2e-${options.name}-chromium-`))
  options.prepare?.(home)

  const { AppService } = await import('../../src/main/app/app-service')
  const { startWebBridge } = await import('../../src/main/transport/web-bridge')
  const service = new AppService({ transport: 'web', version: 'e2e' })
  const bridge = await startWebBridge({ service, rendererDir, port: 0 })

  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: options.viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(options.timeoutMs)
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    // The reconnect test closes the bridge on purpose: the browser's own complaint is expected.
    if (m.type() === 'error' && !/WebSocket connection to .* failed/.test(m.text())) pageErrors.push(`console: ${m.text()}`)
  })
  const removeDirs = (): void => {
    for (const dir of [home, profile]) rmSync(dir, { recursive: true, force: true })
  }
  const labPids = new Set<number>()
  const rememberLabPids = async (): Promise<void> => {
    for (const l of await service.listLabs()) {
      if (l.kind !== 'owned' || l.runningElsewhere) continue
      const s = await service.getLab(l.id).catch(() => null)
      for (const m of [...(s?.nodes ?? []), ...(s?.sentinels ?? [])]) if (m.pid > 0) labPids.add(m.pid)
    }
  }
  return {
    home, service, bridge, startWebBridge, context, page, pageErrors, removeDirs, labPids, rememberLabPids,
    close: async (current) => {
      await context.close()
      await rememberLabPids().catch(() => {})
      await service.shutdown()
      await current.close()
      removeDirs()
      return [...labPids].filter(alive)
    },
  }
}
