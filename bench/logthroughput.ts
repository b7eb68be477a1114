// logthroughput: `yes` with a 76-byte line writes as fast as it can into a stdout log that
// rotates at 10MB with 5 backups, for a fixed window, once under the engine's CLI and once
// under supervisord (one after the other, so they do not compete for the CPUs).
//
// Bytes through the supervising process are its /proc/<pid>/io wchar over the window (the
// log writes; its own output is a few hundred bytes), cross-checked against what `yes`
// wrote into the pipe (its wchar). CPU is utime+stime of the supervising process from
// /proc/<pid>/stat over the same window, all threads, in CLK_TCK ticks. Every log file
// (x.log, x.log.1..5) is stat()ed every 25 ms during the window and once after the stop;
// the largest size seen is reported.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { childrenOf, cpuSplit, procIo } from './procfs'
import type { BenchResult, Row } from './report'
import { type Side, delay, startEngine, startSupervisord, writePrograms } from './sides'

const LINE = 'sentinel-lab log throughput benchmark 0123456789 abcdefghijklmnopqrstuvwxyz'
const MAXBYTES = 10 * 1024 * 1024
const BACKUPS = 5
const MiB = 1024 * 1024
const GiB = 1024 * MiB

const PROGRAMS = `[program:yes]
command=yes ${LINE}
startsecs=0
autorestart=false
redirect_stderr=true
stdout_logfile=%(ENV_BENCH_LOG_DIR)s/yes.log
stdout_logfile_maxbytes=10MB
stdout_logfile_backups=${BACKUPS}
`

export interface LogThroughputOptions {
  /** Measurement window per side. */
  seconds: number
  /** Writing before the window opens (start-up, first rotations). */
  warmupSeconds: number
}

export const defaults: LogThroughputOptions = { seconds: 8, warmupSeconds: 1 }

export interface SideFigures {
  seconds: number
  /** Bytes the supervising process wrote (wchar) / read (rchar) in the window. */
  bytesWritten: number
  bytesRead: number
  /** Bytes `yes` wrote into the pipe in the window. */
  producerBytes: number
  cpuSeconds: number
  userSecondsPerGiB: number
  systemSecondsPerGiB: number
  mibPerSecond: number
  cpuSecondsPerGiB: number
  maxLogFileBytes: number
  logFiles: number
}

export async function logThroughputBench(opts: LogThroughputOptions = defaults, progress: (s: string) => void = () => {}): Promise<BenchResult> {
  const programs = writePrograms(PROGRAMS)
  try {
    progress('engine CLI')
    const engine = await measure('engine', programs.file, opts)
    progress('supervisord')
    const sd = await measure('supervisord', programs.file, opts)
    const rows: Row[] = [
      {
        benchmark: 'logthroughput', metric: 'log write throughput', unit: 'MiB/s',
        engine: engine.mibPerSecond, supervisord: sd.mibPerSecond,
        goal: `>= supervisord (${sd.mibPerSecond.toFixed(0)})`, pass: engine.mibPerSecond >= sd.mibPerSecond,
      },
      {
        benchmark: 'logthroughput', metric: 'CPU of the supervising process per GiB', unit: 's/GiB',
        engine: engine.cpuSecondsPerGiB, supervisord: sd.cpuSecondsPerGiB,
        goal: `<= supervisord/2 (${(sd.cpuSecondsPerGiB / 2).toFixed(2)})`, pass: engine.cpuSecondsPerGiB <= sd.cpuSecondsPerGiB / 2,
      },
      {
        benchmark: 'logthroughput', metric: 'largest log file seen (maxbytes 10 MiB)', unit: 'MiB',
        engine: engine.maxLogFileBytes / MiB, supervisord: sd.maxLogFileBytes / MiB,
        goal: '<= 10 MiB', pass: engine.maxLogFileBytes <= MAXBYTES,
      },
    ]
    const notes = [
      `${opts.seconds} s window per side after ${opts.warmupSeconds} s warm-up; engine wrote ${(engine.bytesWritten / GiB).toFixed(2)} GiB with ${engine.cpuSeconds.toFixed(2)} CPU s, supervisord ${(sd.bytesWritten / GiB).toFixed(2)} GiB with ${sd.cpuSeconds.toFixed(2)} CPU s.`,
    ]
    notes.push(
      `CPU per GiB split user/system: engine ${engine.userSecondsPerGiB.toFixed(2)}/${engine.systemSecondsPerGiB.toFixed(2)} s, supervisord ${sd.userSecondsPerGiB.toFixed(2)}/${sd.systemSecondsPerGiB.toFixed(2)} s.`,
    )
    for (const [name, f] of [['engine', engine], ['supervisord', sd]] as const) {
      // What yes wrote and what reached the logs differ by at most the pipe's contents.
      const gap = Math.abs(f.producerBytes - f.bytesWritten)
      if (gap > 4 * MiB) notes.push(`${name}: yes wrote ${f.producerBytes} bytes in the window but ${f.bytesWritten} were written to the logs (gap ${gap}).`)
    }
    return { name: 'logthroughput', rows, notes, details: { options: opts, line: LINE, engine, supervisord: sd } }
  } finally {
    programs.cleanup()
  }
}

async function measure(kind: Side['kind'], programsFile: string, opts: LogThroughputOptions): Promise<SideFigures> {
  const logDir = mkdtempSync(join(tmpdir(), `bench-logs-${kind}-`))
  const side = kind === 'engine' ? startEngine(programsFile, { BENCH_LOG_DIR: logDir }) : startSupervisord(programsFile, { BENCH_LOG_DIR: logDir })
  const files = [join(logDir, 'yes.log'), ...Array.from({ length: BACKUPS }, (_, i) => join(logDir, `yes.log.${i + 1}`))]
  let maxSize = 0
  let logFiles = 0
  const sizes = (): void => {
    let n = 0
    for (const f of files) {
      try {
        maxSize = Math.max(maxSize, statSync(f).size)
        n++
      } catch {
        // not rotated that far yet, or mid-rename
      }
    }
    logFiles = Math.max(logFiles, n)
  }
  try {
    let yesPid = 0
    await side.until(() => (yesPid = childrenOf(side.pid).find((p) => p.comm === 'yes')?.pid ?? 0) !== 0, 15_000, 'the yes child')
    side.track(yesPid)
    await delay(opts.warmupSeconds * 1000)
    const sample = () => ({ t: performance.now(), cpu: cpuSplit(side.pid), io: procIo(side.pid), yes: procIo(yesPid).wchar })
    const a = sample()
    const end = a.t + opts.seconds * 1000
    while (performance.now() < end) {
      sizes()
      await delay(Math.min(25, Math.max(0, end - performance.now())))
    }
    const b = sample()
    const seconds = (b.t - a.t) / 1000
    const bytesWritten = b.io.wchar - a.io.wchar
    const user = b.cpu.user - a.cpu.user
    const system = b.cpu.system - a.cpu.system
    const cpu = user + system
    await side.stop()
    sizes()
    return {
      seconds,
      bytesWritten,
      bytesRead: b.io.rchar - a.io.rchar,
      producerBytes: b.yes - a.yes,
      cpuSeconds: cpu,
      userSecondsPerGiB: user / (bytesWritten / GiB),
      systemSecondsPerGiB: system / (bytesWritten / GiB),
      mibPerSecond: bytesWritten / MiB / seconds,
      cpuSecondsPerGiB: cpu / (bytesWritten / GiB),
      maxLogFileBytes: maxSize,
      logFiles,
    }
  } finally {
    await side.stop()
    rmSync(logDir, { recursive: true, force: true })
  }
}
