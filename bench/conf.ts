// conf: how fast the config editor answers, on Debian's shipped redis.conf (2,276 lines)
// as the text of a running lab's node file:
//  - checkConf over the real web bridge (WebSocket, token, Origin): what the editor calls as
//    the user types (diagnostics, the doctor over the lab's 7 files, the apply plan);
//  - the pieces in this process: parse (lossless) + validate, the doctor over the lab's files;
//  - a save: temp file + fsync + rename + fsync of the folder, and the backup;
//  - merging an unsaved edit with a Sentinel rewrite of sentinel.conf (three-way).
// Reference: redis-server reading the same file: its start-up to "Ready to accept
// connections" on a free port (it parses the file, then sets up: an upper bound of its parse).
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import { confVersion, readConfFile, saveConfFile } from '../src/main/conf/conf-file'
import { merge3 } from '../src/main/conf/merge3'
import { RedisConfDocument } from '../src/main/conf/redis-doc'
import { validateConf } from '../src/main/conf/validate'
import { diagnoseFiles } from '../src/main/doctor'
import { freePorts } from '../src/main/lab/ports'
import type { BenchResult, Row } from './report'
import { type Summary, summarize } from './stats'

export interface ConfOptions {
  runs: number
}

export const defaults: ConfOptions = { runs: 200 }

const DEBIAN = '/etc/redis/redis.conf'
/** One frame at 60 Hz: an answer within it is felt as immediate while typing. */
const TYPING_GOAL_MS = 16

function timeRuns(runs: number, f: () => void): Summary {
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    f()
    samples.push(performance.now() - t)
  }
  return summarize(samples)
}

async function redisServerReady(conf: string, dir: string): Promise<number> {
  const [port] = await freePorts(1)
  const t = performance.now()
  const child = spawn('redis-server', [conf, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no', '--logfile', '', '--save', '', '--appendonly', 'no', '--supervised', 'no', '--pidfile', ''], { stdio: ['ignore', 'pipe', 'pipe'] })
  try {
    return await new Promise<number>((resolveReady, reject) => {
      let out = ''
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('Ready to accept connections')) resolveReady(performance.now() - t)
      })
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready: ${out.slice(-300)}`)))
    })
  } finally {
    child.kill('SIGKILL')
  }
}

export async function confBench(opts: ConfOptions = defaults, progress: (s: string) => void = () => {}): Promise<BenchResult> {
  const debian = readFileSync(DEBIAN, 'utf8')
  const home = mkdtempSync(join(tmpdir(), 'sentinel-lab-bench-conf-'))
  process.env['SENTINEL_LAB_HOME'] = home
  const { AppService } = await import('../src/main/app/app-service')
  const { startWebBridge } = await import('../src/main/transport/web-bridge')
  const service = new AppService({ transport: 'web', version: 'bench' })
  const bridge = await startWebBridge({ service, rendererDir: resolve('out/renderer'), port: 0 })
  const notes: string[] = []
  try {
    progress('conf: starting a lab')
    const lab = await service.createLab({ name: 'bench-conf', timers: 'fast' })
    const files = await service.listConfFiles(lab.id)
    const node = files.find((f) => f.label === 'redis-replica-1/redis.conf')!
    const sentinel = files.find((f) => f.kind === 'sentinel')!

    // checkConf over the bridge, as the renderer calls it.
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/api?token=${encodeURIComponent(bridge.token)}`, { origin: `http://127.0.0.1:${bridge.port}` })
    await new Promise<void>((ok, fail) => {
      ws.once('open', () => ok())
      ws.once('error', fail)
    })
    let id = 0
    const call = (method: string, args: unknown[]): Promise<unknown> =>
      new Promise((ok, fail) => {
        const mine = ++id
        const onMessage = (data: WebSocket.RawData): void => {
          const m = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } }
          if (m.id !== mine) return
          ws.off('message', onMessage)
          if (m.error) fail(new Error(m.error.message))
          else ok(m.result)
        }
        ws.on('message', onMessage)
        ws.send(JSON.stringify({ id: mine, method, args }))
      })
    progress(`conf: checkConf over the bridge x${opts.runs}`)
    const bridgeSamples: number[] = []
    for (let i = 0; i < opts.runs; i++) {
      const text = `${debian}# edit ${i}\n` // a new text each time, as typing makes
      const t = performance.now()
      await call('checkConf', [node.path, text])
      bridgeSamples.push(performance.now() - t)
    }
    ws.close()
    const overBridge = summarize(bridgeSamples)

    progress('conf: in-process pieces')
    const parse = timeRuns(opts.runs, () => RedisConfDocument.parse(debian).text())
    const validate = timeRuns(opts.runs, () => validateConf(debian, 'redis', DEBIAN))
    const labFiles = files.map((f) => ({ path: f.path, kind: f.kind, text: f.path === node.path ? debian : readFileSync(f.path, 'utf8') }))
    const doctor = timeRuns(Math.min(opts.runs, 50), () => diagnoseFiles(labFiles))

    // A save with its backup, on a copy of the node's file (the lab keeps running on its own).
    const scratch = mkdtempSync(join(tmpdir(), 'sentinel-lab-bench-save-'))
    const target = join(scratch, 'redis.conf')
    saveConfFile(target, debian, null, 0o600)
    const saves: number[] = []
    for (let i = 0; i < Math.min(opts.runs, 50); i++) {
      const disk = readConfFile(target)
      const next = `${disk.text}# save ${i}\n`
      const t = performance.now()
      saveConfFile(target, next, disk.version)
      saves.push(performance.now() - t)
    }
    rmSync(scratch, { recursive: true, force: true })
    const save = summarize(saves)

    // An unsaved edit merged with what Sentinel wrote after a failover-like rewrite.
    const base = readFileSync(sentinel.path, 'utf8')
    const mine = base.replace(/^(sentinel down-after-milliseconds \S+) \d+$/m, '$1 4321')
    const theirs = `${base.replace(/^sentinel config-epoch (\S+) \d+$/m, 'sentinel config-epoch $1 7')}# Generated by CONFIG REWRITE\nsentinel current-epoch 7\n`
    const merge = timeRuns(opts.runs, () => merge3(base, mine, theirs))
    if (merge3(base, mine, theirs).conflicts.length > 0) notes.push('the sample merge conflicted (it should merge cleanly)')

    progress('conf: redis-server reading the same file')
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-lab-bench-redis-'))
    const ready: number[] = []
    try {
      for (let i = 0; i < 7; i++) ready.push(await redisServerReady(DEBIAN, dir))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    const redis = summarize(ready)

    const row = (metric: string, ms: number, goal?: number): Row => ({
      benchmark: 'conf', metric, unit: 'ms', engine: Number(ms.toFixed(3)), supervisord: null,
      goal: goal === undefined ? null : `<= ${goal} ms`, pass: goal === undefined ? null : ms <= goal,
    })
    notes.push(`Debian's redis.conf: ${debian.split('\n').length - 1} lines, ${confVersion(debian)}; checkConf answers diagnostics, the doctor over the lab's ${files.length} files and the apply plan`)
    notes.push(`reference: redis-server ${DEBIAN} (a free port) from spawn to "Ready to accept connections": median ${redis.median.toFixed(1)} ms (parse + start-up; Redis has no check-only mode)`)
    return {
      name: 'conf',
      rows: [
        row('checkConf over the web bridge (as you type) median', overBridge.median, TYPING_GOAL_MS),
        row('checkConf over the web bridge p90', overBridge.p90),
        row('parse + text() of Debian redis.conf median', parse.median),
        row('validate Debian redis.conf median', validate.median),
        row("doctor over a lab's files median", doctor.median),
        row('save: temp + fsync + rename + backup median', save.median),
        row('merge an edit with a Sentinel rewrite median', merge.median),
        row('redis-server: spawn -> ready on the same file median (reference)', redis.median),
      ],
      details: { overBridge, parse, validate, doctor, save, merge, redis },
      notes,
    }
  } finally {
    await service.shutdown()
    await bridge.close()
    rmSync(home, { recursive: true, force: true })
  }
}
