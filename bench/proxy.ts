// proxy: what the link-fault front costs when no fault is set. redis-benchmark (SET and GET,
// 50 clients, pipelining 1 and 16) against one redis-server, directly and through a
// member's front proxy (as a lab with link faults runs it: in this process), in one run.
// Goals: throughput through the proxy at least 0.8 of direct; p50 latency added under 50 µs.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LabLinks, frontHost } from '../src/main/links/lab-links'
import { freePorts } from '../src/main/lab/ports'
import type { BenchResult, Row } from './report'
import { delay } from './sides'

export interface ProxyBenchOptions {
  requests: number
  clients: number
}

export const defaults: ProxyBenchOptions = { requests: 100_000, clients: 50 }

interface Figures {
  rps: number
  p50: number
}

export async function proxyBench(o: ProxyBenchOptions, progress: (s: string) => void): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-proxy-'))
  const [port] = await freePorts(1)
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' })
  const links = new LabLinks()
  const rows: Row[] = []
  const details: Record<string, unknown> = {}
  try {
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'ignore' })
        break
      } catch {
        await delay(50)
      }
    }
    await links.start([{ name: 'node', host: frontHost(port), port }])
    for (const pipeline of [1, 16]) {
      for (const test of ['set', 'get'] as const) {
        progress(`proxy: ${test} -P ${pipeline} direct, then through the front`)
        const direct = await runAsync(port, '127.0.0.1', test, pipeline, o)
        const proxied = await runAsync(port, frontHost(port), test, pipeline, o)
        details[`${test}-P${pipeline}`] = { direct, proxied }
        const none = direct.rps === 0 || proxied.rps === 0
        rows.push({ benchmark: 'proxy', metric: `${test.toUpperCase()} -P ${pipeline}, ${o.clients} clients: throughput`, unit: 'req/s', engine: proxied.rps, supervisord: direct.rps, goal: '>= 0.8x direct', pass: !none && proxied.rps >= 0.8 * direct.rps })
        rows.push({ benchmark: 'proxy', metric: `${test.toUpperCase()} -P ${pipeline}: p50 latency added`, unit: 'ms', engine: proxied.p50 - direct.p50, supervisord: null, goal: pipeline === 1 ? '< 0.05' : null, pass: pipeline === 1 ? !none && proxied.p50 - direct.p50 < 0.05 : null })
      }
    }
    // One client, one request at a time: what a request pays for the proxy when nothing saturates.
    progress('proxy: SET, 1 client, direct, then through the front')
    const direct1 = await runWith(port, '127.0.0.1', 'set', 1, 20_000, 1)
    const proxied1 = await runWith(port, frontHost(port), 'set', 1, 20_000, 1)
    details['set-c1'] = { direct: direct1, proxied: proxied1 }
    rows.push({ benchmark: 'proxy', metric: 'SET, 1 client: p50 latency added', unit: 'ms', engine: proxied1.p50 - direct1.p50, supervisord: null, goal: '< 0.05', pass: direct1.rps > 0 && proxied1.rps > 0 && proxied1.p50 - direct1.p50 < 0.05 })
    rows.push({ benchmark: 'proxy', metric: 'SET, 1 client: throughput', unit: 'req/s', engine: proxied1.rps, supervisord: direct1.rps, goal: null, pass: null })
  } finally {
    await links.close()
    server.kill('SIGTERM')
    await new Promise((r) => server.once('exit', r))
    rmSync(dir, { recursive: true, force: true })
  }
  return {
    name: 'proxy',
    rows,
    details,
    notes: ["the 'supervisord' column of the throughput rows is redis-benchmark straight to the server; 'engine' is through the member's front proxy (Node, in the benchmark's process, as in a lab run by 'up --links')"],
  }
}

/** redis-benchmark as a child process, awaited without blocking this process (the proxy lives here). */
function runAsync(port: number, host: string, test: 'set' | 'get', pipeline: number, o: ProxyBenchOptions): Promise<Figures> {
  return runWith(port, host, test, pipeline, o.requests, o.clients)
}

function runWith(port: number, host: string, test: 'set' | 'get', pipeline: number, requests: number, clients: number): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-benchmark', ['-h', host, '-p', String(port), '-t', test, '-n', String(requests), '-c', String(clients), '-P', String(pipeline), '-q', '--csv'], { stdio: ['ignore', 'pipe', 'ignore'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.once('error', reject)
    child.once('exit', () => {
      const row = out.split('\n').find((l) => l.startsWith(`"${test.toUpperCase()}"`))
      if (!row) return reject(new Error(`redis-benchmark printed no ${test} row: ${out.slice(0, 200)}`))
      const cells = JSON.parse(`[${row}]`) as string[]
      resolve({ rps: Number(cells[1]), p50: Number(cells[4]) })
    })
  })
}
