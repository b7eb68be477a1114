// One user action as every store runs it: marked busy while in flight (and not started
// twice), a 'busy' toast meanwhile (at once, or only once it is slow), replaced by what the
// action came to, or by why it failed.
import { type ToastMessage, toasts } from './toasts.svelte'

/** Where a store keeps what is in flight: a $state record, by key. */
export type BusyRecord<V> = Record<string, V | undefined>

interface ActionOptions<T, V> {
  /** The toast's key: a newer report on the same thing replaces the older one. */
  toast: string
  /** The store's busy record, the key in it and what to mark (the button that spins). */
  busy?: { record: BusyRecord<V>; key: string; value: V }
  /** The toast while it runs. */
  pending: string
  /** Show the pending toast only once the action is slower than this (a quick one flashes none). */
  pendingAfterMs?: number
  /** What it came to: toast messages, or a line that reads as done; null takes the toast down. */
  done(result: T): ToastMessage[] | string | null
  /** Why it failed, for the toast; null: the caller handles it (the toast comes down). */
  failed(e: unknown): string | null
}

/** Runs `fn` as a user action. Answers its result, or undefined if it failed or was already in flight. */
export async function runAction<T, V>(options: ActionOptions<T, V>, fn: () => Promise<T>): Promise<T | undefined> {
  const { busy, toast } = options
  if (busy && busy.record[busy.key] !== undefined) return undefined
  if (busy) busy.record[busy.key] = busy.value
  const showPending = (): void => toasts.show(toast, [{ text: options.pending, tone: 'busy' }])
  const timer = options.pendingAfterMs ? setTimeout(showPending, options.pendingAfterMs) : (showPending(), null)
  try {
    const result = await fn()
    if (timer) clearTimeout(timer)
    const report = options.done(result)
    if (report === null) toasts.clear(toast)
    else toasts.show(toast, typeof report === 'string' ? [{ text: report, tone: 'ok' }] : report)
    return result
  } catch (e) {
    if (timer) clearTimeout(timer)
    const why = options.failed(e)
    if (why === null) toasts.clear(toast)
    else toasts.show(toast, [{ text: why, tone: 'error' }])
    return undefined
  } finally {
    if (busy) delete busy.record[busy.key]
  }
}
