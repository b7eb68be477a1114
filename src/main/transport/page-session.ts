// One page (an Electron window's document, a browser tab on the web bridge) as both
// transports see it: its calls go through here, so the logs it follows and the config files
// it holds open end when it goes away (a closed tab must not leave followers or watches),
// and it is sent only the events it wants (another tab's log flood is not its traffic).
import { resolve } from 'node:path'
import type { ApiEventMessage, SentinelLabApi } from '../../shared/api'
import type { LogBatch, LogFollowStart } from '../../shared/model'
import { dispatch } from './api-guard'

export class PageSession {
  private readonly follows = new Set<number>()
  /** Open counts per resolved path: a page may open a file twice. */
  private readonly opens = new Map<string, number>()
  private closed = false

  constructor(private readonly api: SentinelLabApi) {}

  /** Validate and run one call (ApiError for anything malformed), keeping what it starts on the page's account. */
  async call(method: unknown, args: unknown): Promise<unknown> {
    const result = await dispatch(this.api, method, args)
    const path = Array.isArray(args) && typeof args[0] === 'string' ? resolve(args[0]) : null
    if (method === 'followLog') this.follows.add((result as LogFollowStart).id)
    else if (method === 'unfollowLog') this.follows.delete((args as number[])[0])
    else if (method === 'openConfFile' && path) this.opens.set(path, (this.opens.get(path) ?? 0) + 1)
    else if (method === 'closeConfFile' && path) {
      const n = this.opens.get(path) ?? 0
      if (n <= 1) this.opens.delete(path)
      else this.opens.set(path, n - 1)
    }
    // The page went away while the call ran: what it just started has nobody to end it.
    if (this.closed) this.close()
    return result
  }

  /** Whether this page is sent the event: every event but the lines of logs it does not follow. */
  wants(message: ApiEventMessage): boolean {
    return message.event !== 'log' || this.follows.has((message.payload as LogBatch).id)
  }

  /** The page is gone: stop following its logs and watching its files. Calls still running end theirs when they finish. */
  close(): void {
    this.closed = true
    for (const id of this.follows) void this.api.unfollowLog(id)
    this.follows.clear()
    for (const [path, n] of this.opens) for (let i = 0; i < n; i++) void this.api.closeConfFile(path)
    this.opens.clear()
  }
}
