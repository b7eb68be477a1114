// logflood: a program's log streaming into an open pane in Chromium, end to end through the
// real app (`sentinel-lab serve` in its own process, the renderer over the web bridge):
//  1. paced: a program writes 10,000 lines/s for --seconds while its pane follows them:
//     frames over 50 ms in the renderer (requestAnimationFrame gaps), lines delivered.
//  2. flood: a program writes as fast as it can (about a million lines or more) while its
//     pane is open: throughput to disk, CPU seconds of the engine process per GiB logged,
//     lines delivered vs skipped (back-pressure), frames over 50 ms, and the renderer's heap
//     after a million lines (after a forced GC, through the DevTools protocol).
// supervisord has no pane to compare with (its web UI shows a fixed tail); its disk
// throughput on the same kind of flood is in `npm run bench -- logthroughput`.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import WebSocket from 'ws'
import type { ApiEventMessage, WireResponse } from '../src/shared/api'
import type { LogBatch } from '../src/shared/model'
import { cpuSeconds } from './procfs'
import type { BenchResult, Row } from './report'
import { REPO_ROOT } from './sides'

export interface LogFloodOptions {
  /** Seconds of the paced phase. */
  seconds: number
  /** Lines the flood program writes. */
  floodLines: number
}

export const defaults: LogFloodOptions = { seconds: 10, floodLines: 2_000_000 }

const PACED_RATE = 10_000
const FRAME_BUDGET_MS = 50
const HEAP_GOAL_MB = 150
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']

/** A Node one-liner writing `rate` numbered lines per second (in 10 ms ticks) until killed. */
function pacedProgram(rate: number): string {
  const perTick = Math.round(rate / 100)
  const js = `let n=0;setInterval(()=>{let s='';for(let i=0;i<${perTick};i++)s+='paced line '+(++n)+' '+'x'.repeat(60)+'\\n';process.stdout.write(s)},10)`
  return `${process.execPath} -e "${js.replace(/"/g, '\\"')}"`
}

function floodProgram(lines: number): string {
  // seq is as fast as a writer gets without a compiler; about 7 bytes a line: pad to ~70.
  return `sh -c "seq -f 'flood line %%.0f xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' 1 ${lines}"`
}

export async function logFloodBench(opts: LogFloodOptions = defaults, progress: (s: string) => void = () => {}): Promise<BenchResult> {
  const home = mkdtempSync(join(tmpdir(), 'sentinel-lab-logflood-'))
  const ini = join(home, 'flood.ini')
  writeFileSync(ini, [
    '[program:paced]', `command=${pacedProgram(PACED_RATE)}`, 'autostart=false', 'startsecs=0', 'stdout_logfile_maxbytes=50MB', 'stdout_logfile_backups=2', '',
    '[program:flood]', `command=${floodProgram(opts.floodLines)}`, 'autostart=false', 'autorestart=false', 'startsecs=0', 'stdout_logfile_maxbytes=200MB', 'stdout_logfile_backups=2', '',
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

    const phase = async (program: string, run: () => Promise<void>): Promise<{ frames: number[]; delivered: number; skipped: number }> => {
      await page.getByRole('button', { name: `Log of ${program}`, exact: true }).click()
      await page.getByTestId('log-pane').last().waitFor()
      const counted = api.count()
      // In the page (a string: this file is compiled without the DOM's types).
      await page.evaluate(`(() => {
        window.__frames = []; window.__on = true; let last = performance.now()
        const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__on) requestAnimationFrame(tick) }
        requestAnimationFrame(tick)
      })()`)
      await run()
      const frames = (await page.evaluate('(() => { window.__on = false; return window.__frames })()')) as number[]
      return { frames, ...counted() }
    }

    progress(`paced: ${PACED_RATE} lines/s for ${opts.seconds} s`)
    const paced = await phase('paced', async () => {
      await api.call('start', [{ kind: 'process', name: 'paced' }])
      await new Promise((r) => setTimeout(r, opts.seconds * 1000))
      await api.call('stop', [{ kind: 'process', name: 'paced' }])
    })

    progress(`flood: ${opts.floodLines} lines as fast as they come`)
    const cpu0 = cpuSeconds(serve.pid!)
    let floodMs = 0
    const flood = await phase('flood', async () => {
      const t0 = performance.now()
      await api.call('start', [{ kind: 'process', name: 'flood' }])
      await api.until((s) => s === 'EXITED', 'flood')
      floodMs = performance.now() - t0
      // Let the pane take what the batcher still delivers.
      await new Promise((r) => setTimeout(r, 1500))
    })
    const cpu = cpuSeconds(serve.pid!) - cpu0
    const snapshot = (await api.call('getSnapshot', [])) as { processes: { name: string; stdoutLogfile: string | null }[] }
    const bytes = logBytes(snapshot.processes.find((p) => p.name === 'flood')?.stdoutLogfile ?? '')
    await cdp.send('HeapProfiler.collectGarbage')
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }
    api.close()

    const over = (f: number[]): number => f.filter((d) => d > FRAME_BUDGET_MS).length
    const heapMb = heap.usedSize / 2 ** 20
    const gib = bytes / 2 ** 30
    const row = (metric: string, unit: string, engine: number, goal: string | null = null, pass: boolean | null = null): Row =>
      ({ benchmark: 'logflood', metric, unit, engine, supervisord: null, goal, pass })
    const rows: Row[] = [
      row(`paced ${PACED_RATE} lines/s: frames over ${FRAME_BUDGET_MS} ms`, 'frames', over(paced.frames), '0', over(paced.frames) === 0),
      row('paced: longest frame', 'ms', Math.max(0, ...paced.frames)),
      row('paced: lines delivered to the pane', 'lines', paced.delivered),
      row('paced: lines skipped (back-pressure)', 'lines', paced.skipped),
      row('flood: throughput to disk', 'MiB/s', bytes / 2 ** 20 / (floodMs / 1000)),
      row('flood: engine CPU per GiB logged', 's/GiB', gib > 0 ? cpu / gib : Number.NaN),
      row(`flood: frames over ${FRAME_BUDGET_MS} ms`, 'frames', over(flood.frames)),
      row('flood: longest frame', 'ms', Math.max(0, ...flood.frames)),
      row('flood: lines delivered to the pane', 'lines', flood.delivered),
      row('flood: lines skipped (back-pressure; all on disk)', 'lines', flood.skipped),
      row(`renderer heap after ${((paced.delivered + flood.delivered + flood.skipped) / 1e6).toFixed(1)} M lines written (${((paced.delivered + flood.delivered) / 1e3).toFixed(0)} k delivered)`, 'MB', heapMb, `< ${HEAP_GOAL_MB} MB`, heapMb < HEAP_GOAL_MB),
    ]
    return {
      name: 'logflood',
      rows,
      details: { paced: { frames: paced.frames.length }, flood: { frames: flood.frames.length, ms: floodMs, bytes, cpu } },
      notes: [
        `flood wrote ${(bytes / 2 ** 20).toFixed(0)} MiB in ${(floodMs / 1000).toFixed(1)} s; the pane keeps the newest 200,000 lines it got, the file keeps all`,
        'engine CPU per GiB here includes following the file for the pane (reading and splitting every line, also those then skipped); without a pane it is about 1 s/GiB (logthroughput)',
      ],
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
  /** Start counting the lines of 'log' events; the returned function reads the counts. */
  count(): () => { delivered: number; skipped: number }
  /** Resolves once a transition of `program` reaches a state `done` accepts. */
  until(done: (state: string) => boolean, program: string): Promise<void>
  close(): void
}

/** A second client of the web bridge: it calls the API and sees the events the page sees. */
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
    count: () => {
      const c = { delivered: 0, skipped: 0 }
      const l = (m: ApiEventMessage): void => {
        if (m.event !== 'log') return
        const b = m.payload as LogBatch
        c.delivered += b.lines.length
        c.skipped += b.skipped
      }
      listeners.add(l)
      return () => (listeners.delete(l), { ...c })
    },
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
