// logflood: a program's log streaming into an open pane in Chromium, end to end through the
// real app (`sentinel-lab serve` in its own process, the renderer over the web bridge).
// Lines are counted where they land: the pane in the page (its element carries what it has
// received, data-lines-received / data-lines-skipped), against the lines in the file.
//  1. paced: a program writes 10,000 lines/s for --seconds while its pane follows them:
//     the longest frame in the renderer (requestAnimationFrame gaps; goal: none over 50 ms).
//  2. flood: a program writes as fast as it can (2 M lines) while its pane is open:
//     throughput to disk, CPU seconds of the engine process per GiB logged, lines delivered
//     vs skipped (back-pressure), frames over 50 ms.
//  3. steady: a program writes 40,000 lines/s (under the 50,000 lines/s a pane is sent at
//     most) until its pane has received 1,000,000 lines; then the renderer's heap after a
//     forced GC, through the DevTools protocol (goal: under 150 MB).
// A phase whose pane received no line (or no frame was seen) measured nothing: the bench
// throws, and `npm run bench` exits 1 without printing its rows.
// supervisord has no pane to compare with (its web UI shows a fixed tail); its disk
// throughput on the same kind of flood is in `npm run bench -- logthroughput`.
import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import WebSocket from 'ws'
import type { ApiEventMessage, WireResponse } from '../src/shared/api'
import { cpuSeconds } from './procfs'
import type { BenchResult, Row } from './report'
import { REPO_ROOT } from './sides'

export interface LogFloodOptions {
  /** Seconds of the paced phase. */
  seconds: number
  /** Lines the flood program writes. */
  floodLines: number
  /** Lines the steady phase's pane must receive before the heap is measured. */
  deliveredLines: number
}

export const defaults: LogFloodOptions = { seconds: 10, floodLines: 2_000_000, deliveredLines: 1_000_000 }

const PACED_RATE = 10_000
const STEADY_RATE = 40_000
const FRAME_BUDGET_MS = 50
const HEAP_GOAL_MB = 150
/** How long the pane may take to account for every line in the file once the writer stopped. */
const SETTLE_MS = 30_000
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']

/** A Node one-liner writing `rate` numbered lines per second (every 10 ms, catching up with the clock: timers drift) until killed. */
function pacedProgram(label: string, rate: number): string {
  const js = `let n=0;const t0=Date.now();setInterval(()=>{const want=Math.floor((Date.now()-t0)*${rate}/1000);let s='';while(n<want)s+='${label} line '+(++n)+' '+'x'.repeat(60)+'\\n';if(s)process.stdout.write(s)},10)`
  return `${process.execPath} -e "${js.replace(/"/g, '\\"')}"`
}

function floodProgram(lines: number): string {
  // seq is as fast as a writer gets without a compiler; about 7 bytes a line: pad to ~70.
  return `sh -c "seq -f 'flood line %%.0f xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' 1 ${lines}"`
}

const fmtLines = (n: number): string => n.toLocaleString('en-US')

interface PaneCounts {
  received: number
  skipped: number
}

/** What the program's stdout pane in the page has received (read from its element). */
async function paneCounts(page: Page, program: string): Promise<PaneCounts> {
  // In the page (a string: this file is compiled without the DOM's types).
  const c = (await page.evaluate(`(() => {
    const el = document.querySelector('[data-testid="log-pane"][data-title=${JSON.stringify(program)}][data-detail="stdout"]')
    if (!el) return null
    return { received: el.getAttribute('data-lines-received'), skipped: el.getAttribute('data-lines-skipped') }
  })()`)) as { received: string | null; skipped: string | null } | null
  if (!c) throw new Error(`no log pane of ${program} (stdout) in the page`)
  if (c.received === null || c.skipped === null) throw new Error(`the log pane of ${program} has no data-lines-received / data-lines-skipped (a renderer built before they were added?)`)
  return { received: Number(c.received), skipped: Number(c.skipped) }
}

/** Polls `check` every 100 ms until it answers something other than null, or the deadline passes (then null). */
async function poll<T>(check: () => Promise<T | null>, timeoutMs: number): Promise<T | null> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v !== null) return v
    if (Date.now() >= deadline) return null
    await new Promise((r) => setTimeout(r, 100))
  }
}

interface PhaseResult extends PaneCounts {
  program: string
  frames: number[]
  /** Lines in the program's log file (with its backups). */
  written: number
  /** Written but neither received nor counted as skipped by the pane when the bench gave up waiting. */
  unaccounted: number
}

export async function logFloodBench(opts: LogFloodOptions = defaults, progress: (s: string) => void = () => {}): Promise<BenchResult> {
  const home = mkdtempSync(join(tmpdir(), 'sentinel-lab-logflood-'))
  const ini = join(home, 'flood.ini')
  writeFileSync(ini, [
    '[program:paced]', `command=${pacedProgram('paced', PACED_RATE)}`, 'autostart=false', 'startsecs=0', 'stdout_logfile_maxbytes=50MB', 'stdout_logfile_backups=2', '',
    '[program:flood]', `command=${floodProgram(opts.floodLines)}`, 'autostart=false', 'autorestart=false', 'startsecs=0', 'stdout_logfile_maxbytes=200MB', 'stdout_logfile_backups=2', '',
    '[program:steady]', `command=${pacedProgram('steady', STEADY_RATE)}`, 'autostart=false', 'startsecs=0', 'stdout_logfile_maxbytes=200MB', 'stdout_logfile_backups=2', '',
  ].join('\n'))
  let serve: ChildProcess | null = null
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
  try {
    progress('starting sentinel-lab serve')
    serve = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'sentinel-lab.js'), 'serve', ini, '--port', '0'], { env: { ...process.env, SENTINEL_LAB_HOME: home }, stdio: ['ignore', 'pipe', 'inherit'] })
    const url = await new Promise<string>((resolve, reject) => {
      let out = ''
      serve!.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out)
        if (m) resolve(m[0])
      })
      serve!.once('exit', (code) => reject(new Error(`serve exited (${code}): ${out}`)))
    })
    const api = await connectApi(url)
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const cdp = await page.context().newCDPSession(page)
    await page.goto(url)
    const logfile = async (program: string): Promise<string> => {
      const snapshot = (await api.call('getSnapshot', [])) as { processes: { name: string; stdoutLogfile: string | null }[] }
      const path = snapshot.processes.find((p) => p.name === program)?.stdoutLogfile
      if (!path) throw new Error(`${program} has no stdout log file`)
      return path
    }

    /** Opens the program's pane, runs `run` (which starts and ends the writer) while frames are timed, then waits until the pane accounts for every line in the file. */
    const phase = async (program: string, run: () => Promise<void>): Promise<PhaseResult> => {
      await page.getByRole('button', { name: `Log of ${program}`, exact: true }).click()
      const pane = page.locator(`[data-testid="log-pane"][data-title="${program}"][data-detail="stdout"]`)
      await pane.waitFor()
      // Following before the writer starts: every line then comes as a 'log' batch.
      if ((await poll(async () => ((await pane.getAttribute('data-status')) === 'following' ? true : null), 10_000)) === null) {
        throw new Error(`the pane of ${program} is not following its log after 10 s (status ${await pane.getAttribute('data-status')})`)
      }
      await page.evaluate(`(() => {
        window.__frames = []; window.__on = true; let last = performance.now()
        const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__on) requestAnimationFrame(tick) }
        requestAnimationFrame(tick)
      })()`)
      await run()
      const path = await logfile(program)
      // The file may still take the writer's last lines: count again until the pane accounts for all.
      let written = logLines(path)
      let counts: PaneCounts
      const deadline = Date.now() + SETTLE_MS
      for (;;) {
        const target = written
        counts = (await poll(async () => {
          const now = await paneCounts(page, program)
          return now.received + now.skipped >= target ? now : null
        }, Math.max(0, deadline - Date.now()))) ?? (await paneCounts(page, program))
        written = logLines(path)
        if (written === target || Date.now() >= deadline) break
      }
      const frames = (await page.evaluate('(() => { window.__on = false; return window.__frames })()')) as number[]
      if (counts.received === 0) throw new Error(`the pane of ${program} received no line (${fmtLines(written)} in the file, ${fmtLines(counts.skipped)} counted as skipped): nothing was measured`)
      if (frames.length === 0) throw new Error(`no animation frame in the page while ${program} wrote: nothing was measured`)
      return { program, frames, written, ...counts, unaccounted: Math.max(0, written - counts.received - counts.skipped) }
    }

    progress(`paced: ${PACED_RATE} lines/s for ${opts.seconds} s`)
    let pacedMs = 0
    const paced = await phase('paced', async () => {
      const t0 = performance.now()
      await api.call('start', [{ kind: 'process', name: 'paced' }])
      await new Promise((r) => setTimeout(r, opts.seconds * 1000))
      await api.call('stop', [{ kind: 'process', name: 'paced' }])
      pacedMs = performance.now() - t0
    })

    progress(`flood: ${opts.floodLines} lines as fast as they come`)
    const cpu0 = cpuSeconds(serve.pid!)
    let floodMs = 0
    const flood = await phase('flood', async () => {
      const t0 = performance.now()
      const exited = api.until((s) => s === 'EXITED', 'flood')
      await api.call('start', [{ kind: 'process', name: 'flood' }])
      await exited
      floodMs = performance.now() - t0
    })
    const cpu = cpuSeconds(serve.pid!) - cpu0
    const bytes = logBytes(await logfile('flood'))

    progress(`steady: ${STEADY_RATE} lines/s until its pane has received ${opts.deliveredLines} lines`)
    let steadyMs = 0
    let reached = false
    const steady = await phase('steady', async () => {
      const t0 = performance.now()
      await api.call('start', [{ kind: 'process', name: 'steady' }])
      const timeout = (opts.deliveredLines / STEADY_RATE) * 3000 + 30_000
      reached = (await poll(async () => ((await paneCounts(page, 'steady')).received >= opts.deliveredLines ? true : null), timeout)) !== null
      await api.call('stop', [{ kind: 'process', name: 'steady' }])
      steadyMs = performance.now() - t0
    })
    await cdp.send('HeapProfiler.collectGarbage')
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }
    api.close()

    const phases = [paced, flood, steady]
    const delivered = phases.reduce((n, p) => n + p.received, 0)
    const over = (f: number[]): number => f.filter((d) => d > FRAME_BUDGET_MS).length
    const longest = (f: number[]): number => Math.max(0, ...f)
    const heapMb = heap.usedSize / 2 ** 20
    const gib = bytes / 2 ** 30
    const row = (metric: string, unit: string, engine: number, goal: string | null = null, pass: boolean | null = null): Row =>
      ({ benchmark: 'logflood', metric, unit, engine, supervisord: null, goal, pass })
    const counted = (name: string, p: PhaseResult): Row[] => [
      row(`${name}: lines written`, 'lines', p.written),
      row(`${name}: lines delivered to the pane`, 'lines', p.received),
      row(`${name}: lines skipped (back-pressure; all on disk)`, 'lines', p.skipped),
    ]
    const rows: Row[] = [
      ...counted(`paced ${fmtLines(PACED_RATE)} lines/s`, paced),
      row('paced: rate written (start to stop)', 'lines/s', paced.written / (pacedMs / 1000)),
      row(`paced ${fmtLines(PACED_RATE)} lines/s: longest frame`, 'ms', longest(paced.frames), `<= ${FRAME_BUDGET_MS} ms`, longest(paced.frames) <= FRAME_BUDGET_MS),
      row(`paced: frames over ${FRAME_BUDGET_MS} ms`, 'frames', over(paced.frames)),
      ...counted('flood', flood),
      row('flood: throughput to disk', 'MiB/s', bytes / 2 ** 20 / (floodMs / 1000)),
      row('flood: engine CPU per GiB logged', 's/GiB', gib > 0 ? cpu / gib : Number.NaN),
      row(`flood: frames over ${FRAME_BUDGET_MS} ms`, 'frames', over(flood.frames)),
      row('flood: longest frame', 'ms', longest(flood.frames)),
      ...counted(`steady ${fmtLines(STEADY_RATE)} lines/s`, steady),
      row('steady: rate written (start to stop)', 'lines/s', steady.written / (steadyMs / 1000)),
      row('steady: longest frame', 'ms', longest(steady.frames)),
      row(`renderer heap after ${fmtLines(steady.received)} lines delivered to one pane (${fmtLines(delivered)} to the three)`, 'MB', heapMb, `< ${HEAP_GOAL_MB} MB after ${fmtLines(opts.deliveredLines)}`, reached && heapMb < HEAP_GOAL_MB),
    ]
    const notes = [
      `flood wrote ${(bytes / 2 ** 20).toFixed(0)} MiB in ${(floodMs / 1000).toFixed(1)} s; steady ran ${(steadyMs / 1000).toFixed(1)} s; each pane keeps the newest 200,000 lines it got, the file keeps all`,
      'engine CPU per GiB here includes following the file for the pane (reading and splitting every line, also those then skipped); without a pane it is about 1 s/GiB (logthroughput)',
    ]
    if (!reached) notes.push(`the steady pane received only ${fmtLines(steady.received)} of the ${fmtLines(opts.deliveredLines)} lines the heap goal is measured after: MISS`)
    for (const p of phases) {
      if (p.unaccounted > 0) notes.push(`${p.program}: ${fmtLines(p.unaccounted)} lines in the file were neither delivered to the pane nor counted as skipped ${SETTLE_MS / 1000} s after the writer stopped`)
    }
    const detail = (p: PhaseResult): Record<string, number> => ({ frames: p.frames.length, written: p.written, delivered: p.received, skipped: p.skipped, unaccounted: p.unaccounted })
    return {
      name: 'logflood',
      rows,
      details: { paced: { ...detail(paced), ms: pacedMs }, flood: { ...detail(flood), ms: floodMs, bytes, cpu }, steady: { ...detail(steady), ms: steadyMs }, heapBytes: heap.usedSize },
      notes,
    }
  } finally {
    await browser.close()
    if (serve && serve.exitCode === null) {
      serve.kill('SIGTERM')
      await new Promise((r) => serve!.once('exit', r))
    }
    rmSync(home, { recursive: true, force: true })
  }
}

/** Lines (newlines) in a log file and its rotated backups. */
function logLines(path: string): number {
  const buf = Buffer.alloc(4 * 2 ** 20)
  let lines = 0
  for (const suffix of ['', '.1', '.2']) {
    let fd: number
    try {
      fd = openSync(path + suffix, 'r')
    } catch {
      continue // not rotated that far
    }
    try {
      for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
        for (let i = buf.indexOf(10); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) lines++
      }
    } finally {
      closeSync(fd)
    }
  }
  return lines
}

/** Bytes of a log file and its rotated backups. */
function logBytes(path: string): number {
  let total = 0
  for (const suffix of ['', '.1', '.2']) {
    try {
      total += statSync(path + suffix).size
    } catch {
      // not rotated that far
    }
  }
  return total
}

interface ApiConnection {
  call(method: string, args: unknown[]): Promise<unknown>
  /** Resolves once a transition of `program` reaches a state `done` accepts. */
  until(done: (state: string) => boolean, program: string): Promise<void>
  close(): void
}

/** A second client of the web bridge: it calls the API and sees the events sent to every page (not
 *  log lines: those go only to the page that follows that log, so they are counted in the page). */
async function connectApi(pageUrl: string): Promise<ApiConnection> {
  const u = new URL(pageUrl)
  const ws = new WebSocket(`ws://${u.host}/api?token=${u.searchParams.get('token')}`, { headers: { origin: u.origin } })
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)))
  let next = 1
  const pending = new Map<number, (r: WireResponse) => void>()
  const listeners = new Set<(m: ApiEventMessage) => void>()
  ws.on('message', (raw) => {
    const msg = JSON.parse(String(raw)) as Partial<WireResponse> & Partial<ApiEventMessage>
    if (msg.event !== undefined) {
      for (const l of listeners) l(msg as ApiEventMessage)
    } else if (typeof msg.id === 'number' && pending.has(msg.id)) {
      pending.get(msg.id)!(msg as WireResponse)
      pending.delete(msg.id)
    }
  })
  return {
    call: (method, args) => new Promise((resolve, reject) => {
      const id = next++
      pending.set(id, (r) => (r.error ? reject(new Error(r.error.message)) : resolve(r.result)))
      ws.send(JSON.stringify({ id, method, args }))
    }),
    until: (done, program) => new Promise((resolve) => {
      const l = (m: ApiEventMessage): void => {
        const p = m.payload as { name?: string; to?: string }
        if (m.event === 'transition' && p.name === program && p.to && done(p.to)) {
          listeners.delete(l)
          resolve()
        }
      }
      listeners.add(l)
    }),
    close: () => ws.close(),
  }
}
