// The built sentinel-lab CLI as the lab tests run it: a child process per command, its
// output kept, every child stopped (SIGTERM, then SIGKILL after 15 s) by stopChildren().
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'

const ROOT = resolve(__dirname, '..', '..')
export const CLI = join(ROOT, 'bin', 'sentinel-lab.js')

/** Throws with the fix when the CLI was not built (npm test builds it first). */
export function requireBuiltCli(): void {
  if (!existsSync(join(ROOT, 'out', 'main', 'cli.js'))) {
    throw new Error('out/main/cli.js is missing: run `npx electron-vite build` first (npm test does)')
  }
}

export interface CliNode {
  name: string
  port: number
  pid: number
  role: string
}

/** What `sentinel-lab up --json` prints. */
export interface UpJson {
  name: string
  dir: string
  healthyMs: number
  master: CliNode
  replicas: CliNode[]
  sentinels: CliNode[]
}

export interface Run {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const children: ChildProcess[] = []

/** Start `sentinel-lab ARGS` with SENTINEL_LAB_HOME=home. */
export function cli(args: string[], home: string): Run {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, SENTINEL_LAB_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let out = ''
  let err = ''
  child.stdout!.on('data', (b) => (out += b))
  child.stderr!.on('data', (b) => (err += b))
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })))
  return { child, stdout: () => out, stderr: () => err, exit }
}

/** Run `sentinel-lab ARGS` to its end. */
export async function run(args: string[], home: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = cli(args, home)
  const { code } = await r.exit
  return { code, stdout: r.stdout(), stderr: r.stderr() }
}

/** Stop every child started so far. */
export async function stopChildren(): Promise<void> {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGTERM')
      await new Promise<void>((r) => {
        const t = setTimeout(() => (c.kill('SIGKILL'), r()), 15_000)
        c.once('exit', () => (clearTimeout(t), r()))
      })
    }
  }
}

/** Run `sentinel-lab up ARGS --json --dir DIR` and wait for its JSON line (it keeps running: stopChildren() ends it). */
export async function upAndReady(args: string[], dir: string, home: string, timeoutMs = 30_000): Promise<Run> {
  const up = cli(['up', ...args, '--json', '--dir', dir], home)
  let exited = false
  void up.exit.then(() => (exited = true))
  const deadline = Date.now() + timeoutMs
  while (!up.stdout().includes('\n') && !exited) {
    if (Date.now() > deadline) throw new Error(`\`up\` printed no JSON within ${timeoutMs} ms: ${up.stderr()}`)
    await new Promise((r) => setTimeout(r, 20))
  }
  if (exited) throw new Error(`\`up\` exited: ${up.stderr()}`)
  return up
}
