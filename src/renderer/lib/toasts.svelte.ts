// Brief, non-blocking messages: action results and errors. Errors stay longer.
// A toast may carry a key (what it reports on: "process:worker", "config"): a newer report
// with the same key replaces the older one, so no stale result sits beside a newer one.
import type { Tone } from './format'

/** 'busy': an action still in flight; it stays until its result replaces it. */
type ToastTone = Tone | 'info' | 'busy'

export interface Toast {
  id: number
  text: string
  tone: ToastTone
  key: string | null
}

export interface ToastMessage {
  text: string
  tone: ToastTone
}

const LIFETIME: Record<ToastTone, number> = { ok: 3_500, info: 6_000, warn: 6_000, error: 10_000, busy: 120_000 }
const MAX = 3

class ToastStore {
  items = $state<Toast[]>([])
  private nextId = 1

  push(text: string, tone: ToastTone = 'ok', key: string | null = null): void {
    this.show(key, [{ text, tone }])
  }

  /** Replace whatever was shown under `key` (if any) with these messages. */
  show(key: string | null, messages: ToastMessage[]): void {
    const kept = key === null ? this.items : this.items.filter((t) => t.key !== key)
    const added = messages.map((m) => ({ ...m, key, id: this.nextId++ }))
    this.items = [...kept, ...added].slice(-MAX)
    for (const t of added) setTimeout(() => this.dismiss(t.id), LIFETIME[t.tone])
  }

  /** Take down what was shown under `key`. */
  clear(key: string): void {
    this.items = this.items.filter((t) => t.key !== key)
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id)
  }
}

export const toasts = new ToastStore()
