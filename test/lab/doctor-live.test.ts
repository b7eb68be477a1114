// The doctor's live rules against real processes: redis-server / redis-sentinel 7.0 on free
// ports, a plain TCP listener that is not Redis, files made unwritable for real (as root
// with the immutable attribute, since root ignores mode bits, as access(2) does). Also
// checks the Redis facts the file rules' fixes rely on.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs'
import { type Server, connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { DoctorFinding } from '../../src/shared/conf'
import { setDirective, unsetDirective } from '../../src/main/conf/conf-edit'
import { RedisConfDocument } from '../../src/main/conf/redis-doc'
import { type DoctorFile, diagnoseFiles, diagnoseLive } from '../../src/main/doctor'
import { ask } from '../../src/main/sentinel/resp-probe'
import { freePorts } from '../../src/main/lab/ports'
import { waitFor } from '../helpers/wait'

const PW = 'live-pw-1'
const children: ChildProcess[] = []
const undo: (() => void)[] = []
const temps: string[] = []

afterEach(async () => {
  for (const u of undo.splice(0).reverse()) u()
  const running = children.splice(0).filter((c) => c.exitCode === null && c.signalCode === null)
  for (const c of running) c.kill('SIGKILL')
  await Promise.all(running.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)))))
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
})

function mkTemp(): string {
  const d = mkdtempSync(join(tmpdir(), 'doctor-live-'))
  temps.push(d)
  return d
}

function writeConf(dir: string, name: string, lines: string[]): DoctorFile {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, name)
  writeFileSync(path, `${lines.join('\n')}\n`)
  return { path, kind: name.startsWith('sentinel') ? 'sentinel' : 'redis', text: readFileSync(path, 'utf8') }
}

function nodeLines(port: number, dir: string, extra: string[] = []): string[] {
  return [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, 'save ""', 'appendonly no', `requirepass ${PW}`, `masterauth ${PW}`, ...extra]
}

/** Start a process and keep its output; stopped by pid after the test. */
function start(bin: 'redis-server' | 'redis-sentinel', conf: string): { child: ChildProcess; output: () => string } {
  const child = spawn(`/usr/bin/${bin}`, [conf], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  return { child, output: () => out }
}

async function untilAnswers(port: number): Promise<void> {
  const deadline = Date.now() + 5000
  for (;;) {
    try {
      if ((await ask(port, [['PING']])) !== null) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`nothing answered on ${port} within 5 s`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function startNode(file: DoctorFile, port: number): Promise<ChildProcess> {
  const { child } = start('redis-server', file.path)
  await untilAnswers(port)
  return child
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))))
}

/** Make a file or folder unwritable for real, for whoever runs the test; undone after it. */
function makeUnwritable(path: string): void {
  if (process.getuid?.() === 0) {
    execFileSync('chattr', ['+i', path])
    undo.push(() => execFileSync('chattr', ['-i', path]))
  } else {
    chmodSync(path, 0o555)
    undo.push(() => chmodSync(path, 0o755))
  }
}

function only(findings: DoctorFinding[], id: string): DoctorFinding[] {
  return findings.filter((f) => f.id === id)
}

describe('port-taken', () => {
  it('a listener that does not speak Redis on the file\'s port: error; once it is gone: nothing', async () => {
    const [port] = await freePorts(1)
    const root = mkTemp()
    const file = writeConf(join(root, 'node'), 'redis.conf', nodeLines(port, join(root, 'node')))
    // It reads what it is sent (or its sockets would never end) and answers like an HTTP server.
    const server: Server = createServer((s) => {
      s.resume()
      s.end('HTTP/1.1 400 Bad Request\r\n\r\n')
    })
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
    try {
      const found = only(await diagnoseLive([file]), 'port-taken')
      expect(found).toHaveLength(1)
      expect(found[0]).toMatchObject({ severity: 'error', file: file.path, line: 1, directive: 'port' })
      expect(found[0].title).toMatch(/does not answer as Redis/)
    } finally {
      await new Promise((r) => server.close(r))
    }
    expect(await diagnoseLive([file])).toEqual([])
  })

  it('another redis-server on the port (another config file): error naming it; the file\'s own process: nothing', async () => {
    const [port] = await freePorts(1)
    const root = mkTemp()
    const running = writeConf(join(root, 'a'), 'redis.conf', nodeLines(port, join(root, 'a')))
    const other = writeConf(join(root, 'b'), 'redis.conf', nodeLines(port, join(root, 'b')))
    await startNode(running, port)
    expect(await diagnoseLive([running])).toEqual([])
    const found = only(await diagnoseLive([other]), 'port-taken')
    expect(found).toHaveLength(1)
    expect(found[0].explanation).toContain(running.path)
  })
})

/** A master (bind-source-addr 127.9.9.2) and its replica (bind-source-addr `replicaSource`), running; once the master's CLIENT LIST matches `linked`. */
async function replicatedPair(replicaSource: string, linked: RegExp): Promise<{ master: DoctorFile; replica: DoctorFile }> {
  const [mp, rp] = await freePorts(2)
  const root = mkTemp()
  const master = writeConf(join(root, 'm'), 'redis.conf', nodeLines(mp, join(root, 'm'), ['bind-source-addr 127.9.9.2']))
  const replica = writeConf(join(root, 'r'), 'redis.conf', nodeLines(rp, join(root, 'r'), [`bind-source-addr ${replicaSource}`, `replicaof 127.0.0.1 ${mp}`]))
  await startNode(master, mp)
  await startNode(replica, rp)
  await waitFor(async () => linked.test(String((await ask(mp, [['AUTH', PW], ['CLIENT', 'LIST']]))?.[1])), `the replica connected (${linked})`, 5000)
  return { master, replica }
}

describe('link identity (bind-source-addr)', () => {
  it('an address this machine lacks: an error at its line; the replica really connects from 127.0.0.1 and the master shows it: an error there too', async () => {
    // 192.0.2.1 (TEST-NET-1) is on no interface: bind() fails and Redis falls back silently.
    const { master, replica } = await replicatedPair('192.0.2.1', /flags=S/)
    const findings = await diagnoseLive([master, replica])
    const unavailable = only(findings, 'bind-source-unavailable')
    expect(unavailable).toHaveLength(1)
    expect(unavailable[0]).toMatchObject({ severity: 'error', file: replica.path, line: 8, directive: 'bind-source-addr' })
    expect(unavailable[0].title).toContain('192.0.2.1')
    const strangers = only(findings, 'link-unidentified')
    expect(strangers).toHaveLength(1)
    expect(strangers[0]).toMatchObject({ severity: 'error', file: master.path, directive: 'bind-source-addr' })
    expect(strangers[0].title).toContain('127.0.0.1')
    expect(strangers[0].explanation).toContain('a replica')
  })

  it('addresses that exist: no finding, and the master sees its replica by its own address', async () => {
    const { master, replica } = await replicatedPair('127.9.9.3', /addr=127\.9\.9\.3:\d+ .*flags=S/)
    expect(await diagnoseLive([master, replica])).toEqual([])
  })
})

describe('protected mode and aliased loopback callers', () => {
  it('a node without a password refuses a replica whose bind-source-addr is 127.9.9.3 (Redis really answers DENIED): an error with a fix; protected-mode no: nothing', async () => {
    const [mp, rp] = await freePorts(2)
    const root = mkTemp()
    const open = (extra: string[]): string[] => [`port ${mp}`, 'bind 127.0.0.1', `dir ${join(root, 'm')}`, 'save ""', 'appendonly no', ...extra]
    let master = writeConf(join(root, 'm'), 'redis.conf', open([]))
    const replica = writeConf(join(root, 'r'), 'redis.conf', [`port ${rp}`, 'bind 127.0.0.1', `dir ${join(root, 'r')}`, 'save ""', 'bind-source-addr 127.9.9.3', `replicaof 127.0.0.1 ${mp}`])
    const found = only(diagnoseFiles([master, replica]), 'clients-locked-out')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ severity: 'error', file: master.path, directive: 'protected-mode' })
    expect(found[0].explanation).toContain('127.9.9.3')
    expect(found[0].fix?.edits).toEqual([{ file: master.path, op: 'set', directive: 'protected-mode', args: ['no'] }])
    // What Redis does: a caller from 127.9.9.3 is refused.
    await startNode(master, mp)
    const denied = await new Promise<string>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: mp, localAddress: '127.9.9.3' }, () => s.write('PING\r\n'))
      s.once('data', (d) => (s.destroy(), resolve(d.toString())))
      s.once('error', reject)
    })
    expect(denied).toMatch(/^-DENIED/)
    master = writeConf(join(root, 'm'), 'redis.conf', open(['protected-mode no']))
    expect(only(diagnoseFiles([master, replica]), 'clients-locked-out')).toEqual([])
  })
})

describe('port-not-answering', () => {
  it('a paused node (SIGSTOP) is not "taken by another process": a warning that nothing answers; resumed: nothing', async () => {
    const [port] = await freePorts(1)
    const root = mkTemp()
    const file = writeConf(join(root, 'n'), 'redis.conf', nodeLines(port, join(root, 'n')))
    const node = await startNode(file, port)
    node.kill('SIGSTOP')
    try {
      const found = await diagnoseLive([file])
      expect(found.map((f) => [f.id, f.severity])).toEqual([['port-not-answering', 'warning']])
    } finally {
      node.kill('SIGCONT')
    }
    expect(await diagnoseLive([file])).toEqual([])
  })
})

describe('requirepass-live-differs', () => {
  it('changed at run time: refused (warning), removed (error); set back: nothing', async () => {
    const [port] = await freePorts(1)
    const root = mkTemp()
    const file = writeConf(join(root, 'n'), 'redis.conf', nodeLines(port, join(root, 'n')))
    await startNode(file, port)
    expect(await ask(port, [['AUTH', PW], ['CONFIG', 'SET', 'requirepass', 'changed']])).toEqual(['OK', 'OK'])
    const refused = only(await diagnoseLive([file]), 'requirepass-live-differs')
    expect(refused).toHaveLength(1)
    expect(refused[0]).toMatchObject({ severity: 'warning', directive: 'requirepass', line: 6 })

    expect(await ask(port, [['AUTH', 'changed'], ['CONFIG', 'SET', 'requirepass', '']])).toEqual(['OK', 'OK'])
    const none = only(await diagnoseLive([file]), 'requirepass-live-differs')
    expect(none).toHaveLength(1)
    expect(none[0]).toMatchObject({ severity: 'error' })
    expect(none[0].title).toMatch(/no password/)

    expect(await ask(port, [['CONFIG', 'SET', 'requirepass', PW]])).toEqual(['OK'])
    expect(await diagnoseLive([file])).toEqual([])
  })
})

describe('monitor-points-at-replica', () => {
  it('a sentinel.conf monitoring a running replica: error, the fix monitors its master; monitoring the master: nothing', async () => {
    const [mPort, rPort, sPort] = await freePorts(3)
    const root = mkTemp()
    const master = writeConf(join(root, 'm'), 'redis.conf', nodeLines(mPort, join(root, 'm')))
    const replica = writeConf(join(root, 'r'), 'redis.conf', nodeLines(rPort, join(root, 'r'), [`replicaof 127.0.0.1 ${mPort}`]))
    await startNode(master, mPort)
    await startNode(replica, rPort)
    const sentinel = (port: number): DoctorFile => writeConf(join(root, 's'), 'sentinel.conf', [
      `port ${sPort}`, `sentinel monitor mymaster 127.0.0.1 ${port} 1`, `sentinel auth-pass mymaster ${PW}`,
    ])
    const wrong = only(await diagnoseLive([sentinel(rPort)]), 'monitor-points-at-replica')
    expect(wrong).toHaveLength(1)
    expect(wrong[0]).toMatchObject({ severity: 'error', line: 2, directive: 'sentinel monitor mymaster' })
    expect(wrong[0].fix?.edits).toEqual([{ file: join(root, 's', 'sentinel.conf'), op: 'set', directive: 'sentinel monitor mymaster', args: ['127.0.0.1', String(mPort), '1'] }])
    expect(only(await diagnoseLive([sentinel(mPort)]), 'monitor-points-at-replica')).toEqual([])
  })
})

describe('conf-not-writable', () => {
  it('an unwritable sentinel.conf: error; and Sentinel 7.0 really refuses to start on it', async () => {
    const [mPort, sPort] = await freePorts(2)
    const root = mkTemp()
    const file = writeConf(join(root, 's'), 'sentinel.conf', [`port ${sPort}`, `sentinel monitor mymaster 127.0.0.1 ${mPort} 1`])
    expect(only(await diagnoseLive([file]), 'conf-not-writable')).toEqual([])
    makeUnwritable(file.path)
    const found = only(await diagnoseLive([file]), 'conf-not-writable')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ severity: 'error', file: file.path })
    expect(found[0].title).toMatch(/refuses to start/)
    const { child, output } = start('redis-sentinel', file.path)
    expect(await exited(child)).not.toBe(0)
    expect(output()).toMatch(/is not writable/)
  })

  it('an unwritable folder: error; Sentinel starts but cannot save its generated myid', async () => {
    const [mPort, sPort] = await freePorts(2)
    const root = mkTemp()
    const file = writeConf(join(root, 's'), 'sentinel.conf', [`port ${sPort}`, `sentinel monitor mymaster 127.0.0.1 ${mPort} 1`])
    makeUnwritable(join(root, 's'))
    const found = only(await diagnoseLive([file]), 'conf-not-writable')
    expect(found).toHaveLength(1)
    expect(found[0].title).toMatch(/folder/)
    const { output } = start('redis-sentinel', file.path)
    await waitFor(() => /Sentinel ID is/.test(output()), 'the sentinel to start')
    expect(output()).toMatch(/not able to save the new configuration/)
    expect(readFileSync(file.path, 'utf8')).not.toMatch(/myid/)
  })

  it('a watched node\'s unwritable redis.conf: warning (a failover cannot be recorded); not watched: nothing', async () => {
    const [port, sPort] = await freePorts(2)
    const root = mkTemp()
    const node = writeConf(join(root, 'n'), 'redis.conf', nodeLines(port, join(root, 'n')))
    const sentinel = writeConf(join(root, 's'), 'sentinel.conf', [`port ${sPort}`, `sentinel monitor mymaster 127.0.0.1 ${port} 1`, `sentinel auth-pass mymaster ${PW}`])
    makeUnwritable(node.path)
    expect(only(await diagnoseLive([node]), 'conf-not-writable')).toEqual([])
    const found = only(await diagnoseLive([node, sentinel]), 'conf-not-writable')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ severity: 'warning', file: node.path })
  })
})

describe('what the duplicate-myid fix relies on', () => {
  it('Redis 7.0: a sentinel.conf without a myid gets one generated at start, written back to the file', async () => {
    const [mPort, sPort] = await freePorts(2)
    const root = mkTemp()
    const file = writeConf(join(root, 's'), 'sentinel.conf', [`port ${sPort}`, `sentinel monitor mymaster 127.0.0.1 ${mPort} 1`])
    const { output } = start('redis-sentinel', file.path)
    const id = await waitFor(() => /^sentinel myid ([0-9a-f]{40})$/m.exec(readFileSync(file.path, 'utf8'))?.[1], 'a myid in the file')
    // The file is written before the log line: wait for the line too.
    await waitFor(() => output().includes(`Sentinel ID is ${id}`), 'the sentinel to log the same id')
  })
})

describe('missing-path', () => {
  it('dir, the folder of logfile and an include that do not exist: an error at each line, and redis-server really exits on each; created: nothing', async () => {
    const [port] = await freePorts(1)
    const root = mkTemp()
    const gone = join(root, 'gone')
    const cases: [string, RegExp][] = [
      [`dir ${join(gone, 'data')}`, /FATAL CONFIG FILE ERROR[\s\S]*No such file or directory/],
      [`logfile ${join(gone, 'logs', 'redis.log')}`, /Can't open the log file/],
      [`include ${join(gone, 'extra.conf')}`, /can't open config file/],
    ]
    for (const [line, says] of cases) {
      const file = writeConf(join(root, 'n'), 'redis.conf', [`port ${port}`, 'bind 127.0.0.1', 'save ""', line])
      const found = only(await diagnoseLive([file]), 'missing-path')
      expect(found, line).toEqual([expect.objectContaining({ severity: 'error', file: file.path, line: 4, column: line.indexOf(' ') + 2 })])
      const { child, output } = start('redis-server', file.path)
      expect(await exited(child), line).not.toBe(0)
      expect(output(), line).toMatch(says)
    }
    mkdirSync(join(gone, 'data'), { recursive: true })
    mkdirSync(join(gone, 'logs'))
    writeFileSync(join(gone, 'extra.conf'), '')
    const fine = writeConf(join(root, 'n'), 'redis.conf', [`port ${port}`, ...cases.map(([l]) => l)])
    expect(only(await diagnoseLive([fine]), 'missing-path')).toEqual([])
  })
})

/** Edit a file on disk with the conf editor (lossless), answering it as the doctor reads it. */
function editConf(file: DoctorFile, change: (doc: RedisConfDocument) => void): DoctorFile {
  const doc = RedisConfDocument.parse(readFileSync(file.path, 'utf8'))
  change(doc)
  writeFileSync(file.path, doc.text())
  return { ...file, text: doc.text() }
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM')
  await exited(child)
}

describe('requirepass-overridden', () => {
  it('Redis 7.0 really writes `user default ... #sha256` at CONFIG REWRITE, and it wins over a requirepass changed later; the fix (remove the line) lets requirepass apply', async () => {
    const [port] = await freePorts(1)
    const root = mkTemp()
    let file = writeConf(join(root, 'n'), 'redis.conf', nodeLines(port, join(root, 'n')))
    expect(only(diagnoseFiles([file]), 'requirepass-overridden')).toEqual([])
    let node = await startNode(file, port)
    expect(await ask(port, [['AUTH', PW], ['CONFIG', 'REWRITE']])).toEqual(['OK', 'OK'])
    const sha = createHash('sha256').update(PW).digest('hex')
    expect(readFileSync(file.path, 'utf8')).toContain(`user default on #${sha} ~* &* +@all`)
    await stop(node)

    // The password is changed in the file, as a user would (and the lab's nodes share it).
    file = editConf(file, (doc) => {
      setDirective(doc, 'redis', 'requirepass', ['new-pw-2'])
      setDirective(doc, 'redis', 'masterauth', ['new-pw-2'])
    })
    const found = only(diagnoseFiles([file]), 'requirepass-overridden')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ severity: 'warning', file: file.path, directive: 'user default' })
    expect(found[0].fix?.edits).toEqual([{ file: file.path, op: 'unset', directive: 'user default' }])

    // Started again: the new password is refused, the old one still works.
    node = await startNode(file, port)
    const [wrong] = (await ask(port, [['AUTH', 'new-pw-2']]))!
    expect(wrong).toMatchObject({ error: expect.stringMatching(/^WRONGPASS/) })
    expect(await ask(port, [['AUTH', PW]])).toEqual(['OK'])
    await stop(node)

    // The fix applied: requirepass is the password again.
    file = editConf(file, (doc) => expect(unsetDirective(doc, 'redis', 'user default')).toBe(1))
    expect(only(diagnoseFiles([file]), 'requirepass-overridden')).toEqual([])
    await startNode(file, port)
    expect(await ask(port, [['AUTH', 'new-pw-2']])).toEqual(['OK'])
    const [old] = (await ask(port, [['AUTH', PW]]))!
    expect(old).toMatchObject({ error: expect.stringMatching(/^WRONGPASS/) })
  })
})

describe('file-differs-from-running', () => {
  it('a node\'s file edited after its start: a warning per setting, at its line, no fix, no password shown; applied (CONFIG SET): nothing', async () => {
    const [port] = await freePorts(1)
    const root = mkTemp()
    let file = writeConf(join(root, 'n'), 'redis.conf', nodeLines(port, join(root, 'n'), ['maxmemory 100mb', 'maxmemory-policy allkeys-lru']))
    await startNode(file, port)
    expect(await diagnoseLive([file])).toEqual([])

    file = editConf(file, (doc) => {
      setDirective(doc, 'redis', 'maxmemory', ['200mb'])
      setDirective(doc, 'redis', 'masterauth', ['other-pw-3'])
      setDirective(doc, 'redis', 'replica-priority', ['10'])
    })
    const found = only(await diagnoseLive([file]), 'file-differs-from-running')
    expect(found.map((f) => [f.directive, f.line, f.severity])).toEqual([
      ['masterauth', 7, 'warning'], ['maxmemory', 8, 'warning'], ['replica-priority', 10, 'warning'],
    ])
    expect(found[1].title).toBe('maxmemory: the file says 209715200, the running node uses 104857600')
    expect(found[1].explanation).toMatch(/applies only when the process restarts/)
    expect(found[1].explanation).toMatch(/CONFIG REWRITE/)
    expect(found.every((f) => f.fix === undefined)).toBe(true)
    expect(JSON.stringify(found)).not.toMatch(/other-pw-3|live-pw-1/)
    expect(found[0].title).toMatch(/another password/)

    // The file's values applied live: they agree again.
    const applied = await ask(port, [['AUTH', PW], ['CONFIG', 'SET', 'maxmemory', '200mb', 'masterauth', 'other-pw-3', 'replica-priority', '10']])
    expect(applied).toEqual(['OK', 'OK'])
    expect(only(await diagnoseLive([file]), 'file-differs-from-running')).toEqual([])
    // A setting removed from the file goes back to Redis's default at a restart: that differs too.
    file = editConf(file, (doc) => unsetDirective(doc, 'redis', 'maxmemory-policy'))
    const removed = only(await diagnoseLive([file]), 'file-differs-from-running')
    expect(removed.map((f) => [f.directive, f.line])).toEqual([['maxmemory-policy', 1]])
    expect(removed[0].title).toMatch(/noeviction \(not written: the default\), the running node uses allkeys-lru/)
  })

  it('a sentinel\'s file edited after its start (down-after-milliseconds, quorum): warnings; applied with SENTINEL SET (Sentinel rewrites its file): nothing', async () => {
    const [mPort, sPort] = await freePorts(2)
    const root = mkTemp()
    let file = writeConf(join(root, 's'), 'sentinel.conf', [
      `port ${sPort}`, `dir ${join(root, 's')}`, `sentinel monitor mymaster 127.0.0.1 ${mPort} 2`, 'sentinel down-after-milliseconds mymaster 5000',
    ])
    start('redis-sentinel', file.path)
    await untilAnswers(sPort)
    // Sentinel writes its myid into the file at start: read what it wrote.
    await waitFor(() => readFileSync(file.path, 'utf8').includes('sentinel myid'), 'the sentinel to write its myid')
    file = { ...file, text: readFileSync(file.path, 'utf8') }
    expect(only(await diagnoseLive([file]), 'file-differs-from-running')).toEqual([])

    file = editConf(file, (doc) => {
      setDirective(doc, 'sentinel', 'sentinel down-after-milliseconds mymaster', ['7000'])
      setDirective(doc, 'sentinel', 'sentinel monitor mymaster', ['127.0.0.1', String(mPort), '1'])
    })
    const found = only(await diagnoseLive([file]), 'file-differs-from-running')
    expect(found.map((f) => f.directive).sort()).toEqual(['sentinel down-after-milliseconds mymaster', 'sentinel monitor mymaster'])
    const dam = found.find((f) => f.directive === 'sentinel down-after-milliseconds mymaster')!
    expect(dam.title).toBe('down-after-milliseconds of mymaster: the file says 7000, the running sentinel uses 5000')
    expect(dam.explanation).toMatch(/next config flush/)
    expect(dam.explanation).toContain(`redis-cli -p ${sPort} SENTINEL SET mymaster down-after-milliseconds 7000`)

    expect(await ask(sPort, [['SENTINEL', 'SET', 'mymaster', 'down-after-milliseconds', '7000', 'quorum', '1']])).toEqual(['OK'])
    file = { ...file, text: readFileSync(file.path, 'utf8') }
    expect(only(await diagnoseLive([file]), 'file-differs-from-running')).toEqual([])
  })
})
