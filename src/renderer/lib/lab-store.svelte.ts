// The renderer's picture of the app's lab: the last LabStatus, replaced by every 'lab'
// event, plus the form's values and what is in flight.
import type { LabSpecInput, LabStatus } from '../../shared/model'
import type { ApiClient } from './api-client'

export const LAB_DEFAULTS: Required<Omit<LabSpecInput, 'name'>> = {
  replicas: 2,
  sentinels: 3,
  quorum: 2,
  downAfterMs: 1500,
  timers: 'fast',
}

export class LabStore {
  status = $state<LabStatus | null>(null)
  spec = $state<Required<Omit<LabSpecInput, 'name'>>>({ ...LAB_DEFAULTS })
  /** The last call's error, said plainly. */
  error = $state<string | null>(null)
  busy = $state<'start' | 'stop' | 'failover' | null>(null)

  constructor(private readonly client: ApiClient) {}

  /** Subscribe and read the first status. Returns the teardown. */
  start(): () => void {
    const offs = [
      this.client.on('lab', (s) => (this.status = s)),
      this.client.onReconnect(() => void this.refresh()),
    ]
    void this.refresh()
    return () => offs.forEach((off) => off())
  }

  async refresh(): Promise<void> {
    try {
      this.status = await this.client.api.getLab()
    } catch {
      // Not connected yet: the 'lab' events and the reconnect bring it.
    }
  }

  startLab(): Promise<void> {
    return this.call('start', () => this.client.api.startLab({ ...this.spec }))
  }

  stopLab(): Promise<void> {
    return this.call('stop', () => this.client.api.stopLab())
  }

  failover(): Promise<void> {
    return this.call('failover', () => this.client.api.failoverLab())
  }

  private async call(what: 'start' | 'stop' | 'failover', fn: () => Promise<LabStatus>): Promise<void> {
    this.busy = what
    this.error = null
    try {
      this.status = await fn()
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e)
    } finally {
      this.busy = null
    }
  }
}
