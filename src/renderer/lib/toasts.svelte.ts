// Brief, non-blocking messages: action results and errors. Errors stay longer.
import type { Tone } from './format'

export interface Toast {
  id: number
  text: string
  tone: Tone
}

const LIFETIME: Record<Tone, number> = { ok: 3_500, warn: 6_000, error: 10_000 }
const MAX = 3

class ToastStore {
  items = $state<Toast[]>([])
  private nextId = 1

  push(text: string, tone: Tone = 'ok'): void {
    const id = this.nextId++
    this.items = [...this.items, { id, text, tone }].slice(-MAX)
    setTimeout(() => this.dismiss(id), LIFETIME[tone])
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id)
  }
}

export const toasts = new ToastStore()
