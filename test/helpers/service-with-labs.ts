// The real AppService in a fresh SENTINEL_LAB_HOME, for tests that run labs through it and
// watch its 'conf' events. The test notes each lab status it gets (remember); after all its
// tests the service is shut down and not one of those processes may still be alive.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect } from 'vitest'
import type { ApiEventMessage } from '../../src/shared/api'
import type { ConfChangedEvent } from '../../src/shared/conf'
import type { LabStatus } from '../../src/shared/model'
import type { AppService } from '../../src/main/app/app-service'
import { alive } from '../lab/proc'

export interface ServiceWithLabs {
  service: AppService
  home: string
  /** Every 'conf' event, in order. */
  confEvents: ConfChangedEvent[]
  /** Note a lab's pids (to check at the end that they are gone); answers the status. */
  remember(s: LabStatus): LabStatus
}

export async function serviceWithLabs(prefix: string, beforeShutdown: () => void = () => {}): Promise<ServiceWithLabs> {
  const home = mkdtempSync(join(tmpdir(), prefix))
  // Read by the service's paths when it is imported: set first.
  process.env.SENTINEL_LAB_HOME = home
  const { AppService } = await import('../../src/main/app/app-service')
  const service = new AppService({ transport: 'web', version: 'test' })
  const confEvents: ConfChangedEvent[] = []
  service.events.on('event', (m: ApiEventMessage) => void (m.event === 'conf' && confEvents.push(m.payload as ConfChangedEvent)))
  const pids = new Set<number>()
  afterAll(async () => {
    beforeShutdown()
    await service.shutdown()
    const left = [...pids].filter(alive)
    for (const pid of left) process.kill(pid, 'SIGKILL')
    rmSync(home, { recursive: true, force: true })
    expect(left).toEqual([])
  }, 30_000)
  return {
    service, home, confEvents,
    remember: (s) => {
      for (const m of [...s.nodes, ...s.sentinels]) if (m.pid > 0) pids.add(m.pid)
      return s
    },
  }
}
