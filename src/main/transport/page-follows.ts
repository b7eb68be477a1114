// Which logs each page (a browser tab on the web bridge, an Electron window) follows, so
// that a page that goes away stops following them: a closed tab must not leave followers,
// and so that a page is sent only the lines of the logs it follows (another tab's flood is
// not its traffic).
import type { ApiEventMessage } from '../../shared/api'
import type { LogBatch } from '../../shared/model'

/** Keep the set of follow ids of one page in step with its followLog / unfollowLog calls. */
export function trackFollows(follows: Set<number>, method: unknown, args: unknown, result: unknown): void {
  if (method === 'followLog') follows.add((result as { id: number }).id)
  else if (method === 'unfollowLog' && Array.isArray(args)) follows.delete(args[0] as number)
}

/** Whether a page following `follows` is to be sent this event: every event but another page's log lines. */
export function pageWants(follows: ReadonlySet<number>, message: ApiEventMessage): boolean {
  return message.event !== 'log' || follows.has((message.payload as LogBatch).id)
}
