// One node action of a lab the app runs, carried out by its supervisor: kill -9, pause
// (SIGSTOP: a hung process that keeps its connections), resume, stop, start and restart.
// A paused process is woken before a stop or a restart, which it would otherwise sit on.
import type { LabNodeAction } from '../../shared/model'
import { ApiError } from '../../shared/errors'
import type { Supervisor } from '../supervisor/supervisor'

/** `paused`: the lab's paused members (kept up to date); `note`: the lab's timeline note. */
export async function supervisedNodeAction(supervisor: Supervisor, name: string, action: LabNodeAction, paused: Set<string>, note: (type: string, text: string) => void): Promise<void> {
  const target = { kind: 'process', name } as const
  const pid = supervisor.snapshot().processes.find((p) => p.program === name)?.pid ?? 0
  const check = (outcomes: { ok: boolean; message: string | null }[]): void => {
    const bad = outcomes.find((o) => !o.ok)
    if (bad) throw new ApiError(`${action} ${name}: ${bad.message}`, 'failed')
  }
  switch (action) {
    case 'kill':
      // A paused process dies of SIGKILL too; the restart policy decides when it returns.
      check(supervisor.signal(target, 'KILL'))
      note('kill', `kill -9 ${name} (pid ${pid})`)
      break
    case 'pause':
      check(supervisor.signal(target, 'STOP'))
      paused.add(name)
      note('pause', `paused ${name} (SIGSTOP, pid ${pid}): it holds its connections open and answers nothing`)
      break
    case 'resume':
      check(supervisor.signal(target, 'CONT'))
      paused.delete(name)
      note('resume', `resumed ${name} (SIGCONT, pid ${pid})`)
      break
    case 'stop':
      // A stopped (SIGSTOP) process would sit on SIGTERM until stopwaitsecs: wake it first.
      if (paused.delete(name)) supervisor.signal(target, 'CONT')
      check(supervisor.stop(target))
      note('stop', `stopped ${name}`)
      break
    case 'start':
      note('start', `starting ${name}`)
      // Asked for by name: it starts now, whatever its depends_on says (the lab is up already).
      check(await Promise.all(supervisor.start(target, { ignoreDependencies: true }).map((o) => (o.ok ? supervisor.settle(o.name) : o))))
      break
    case 'restart':
      if (paused.delete(name)) supervisor.signal(target, 'CONT')
      note('restart', `restarting ${name}`)
      check(await Promise.all((await supervisor.restart(target, { ignoreDependencies: true })).map((o) => (o.ok ? supervisor.settle(o.name) : o))))
      break
  }
}
