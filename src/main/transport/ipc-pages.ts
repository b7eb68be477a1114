// The Electron IPC adapter's bookkeeping, without Electron: one PageSession per window's
// document, keyed by its WebContents id. A reload keeps the WebContents but ends the page,
// so a navigation closes the session and the next call opens a fresh one.
import type { ApiEventMessage, SentinelLabApi, WireResponse } from '../../shared/api'
import { toErrorData } from './api-guard'
import { PageSession } from './page-session'

export class IpcPages {
  private readonly pages = new Map<number, PageSession>()

  constructor(private readonly api: SentinelLabApi) {}

  /** One call from window `id`, answered as the wire does (result or error, never a throw). */
  async call(id: number, method: unknown, args: unknown): Promise<Omit<WireResponse, 'id'>> {
    try {
      return { result: await this.session(id).call(method, args) }
    } catch (e) {
      return { error: toErrorData(e) }
    }
  }

  wants(id: number, message: ApiEventMessage): boolean {
    return this.pages.get(id)?.wants(message) ?? message.event !== 'log'
  }

  /** Window `id` left its page (navigation, reload, crash, closed). */
  pageGone(id: number): void {
    this.pages.get(id)?.close()
    this.pages.delete(id)
  }

  private session(id: number): PageSession {
    let page = this.pages.get(id)
    if (!page) this.pages.set(id, (page = new PageSession(this.api)))
    return page
  }
}
