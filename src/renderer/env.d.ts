/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { ApiEventMessage } from '../shared/api'
import type { ApiErrorData } from '../shared/errors'

declare global {
  /** What the sandboxed preload exposes in Electron (src/preload/index.ts). Absent in a browser. */
  interface SentinelLabBridge {
    /** Resolves to an envelope: exactly one of result / error is set. */
    call(method: string, args: unknown[]): Promise<{ result?: unknown; error?: ApiErrorData } | unknown>
    onEvent(listener: (message: ApiEventMessage) => void): () => void
  }
  interface Window {
    sentinelLab?: SentinelLabBridge
  }
}

export {}
