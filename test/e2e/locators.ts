// What every e2e test reads from the page: a poll with a deadline, and an element's text or
// attribute that is empty (or null) while the element is not there yet.
import type { Locator } from 'playwright-core'
import { expect } from 'vitest'

export const UI_TIMEOUT = 20_000

/** expect.poll with the e2e interval and deadline: `await until(() => text(x)).toBe('...')`. */
export function until<T>(fn: () => Promise<T>, timeout = UI_TIMEOUT): ReturnType<typeof expect.poll<T>> {
  return expect.poll(fn, { timeout, interval: 50 })
}

export const text = async (l: Locator): Promise<string> => ((await l.count()) ? ((await l.first().textContent()) ?? '').trim() : '')

export const attr = async (l: Locator, name: string): Promise<string | null> => ((await l.count()) ? l.first().getAttribute(name) : null)
