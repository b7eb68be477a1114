// What every e2e test starts from: a fresh SENTINEL_LAB_HOME, the real service behind the
// web bridge (in-process), and Debian's Chromium on the bridge's URL, with page errors and
// CSP violations collected. Each test tears down in its own order (close the browser,
// then the service and the bridge), then calls removeDirs().
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import type { LabService } from '../../src/main/service'
import type { WebBridge, startWebBridge as StartWebBridge } from '../../src/main/server/web-bridge'

export const rendererDir = resolve('out/renderer')
export const CHROMIUM = '/usr/bin/chromium'

export interface AppUnderTest {
  home: string
  service: LabService
  bridge: WebBridge
  startWebBridge: typeof StartWebBridge
  context: BrowserContext
  page: Page
  /** Uncaught page errors and console errors (CSP violations among them). */
  pageErrors: string[]
  removeDirs(): void
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

  const { LabService } = await import('../../src/main/service')
  const { startWebBridge } = await import('../../src/main/server/web-bridge')
  const service = new LabService({ transport: 'web', version: 'e2e' })
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
  return {
    home, service, bridge, startWebBridge, context, page, pageErrors,
    removeDirs: () => {
      for (const dir of [home, profile]) rmSync(dir, { recursive: true, force: true })
    },
  }
}
