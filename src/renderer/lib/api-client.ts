// The renderer's one door to the main process. It speaks the shared contract over
// whichever transport exists: Electron's preload bridge (window.sentinelLab) or the web
// bridge's WebSocket. Nothing else in the UI knows which one is in use.
import {
  API_METHODS,
  WS_PATH,
  callTimeoutMs,
  type ApiEventMessage,
  type ApiEventName,
  type ApiEvents,
  type ApiMethod,
  type SentinelLabApi,
  type WireRequest,
  type WireResponse,
} from '../../shared/api'
import type { ApiErrorData } from '../../shared/errors'

/** Errors from the main process keep their code; the client adds its own two. */
type ApiErrorCode = ApiErrorData['code'] | 'timeout' | 'disconnected'

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: ApiErrorCode,
    readonly method?: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** 'open': calls go through. 'connecting' / 'reconnecting': they wait (up to their timeout). */
export type ConnectionStatus =
  | { state: 'connecting' }
  | { state: 'open' }
  | { state: 'reconnecting'; attempt: number; retryInMs: number }
  | { state: 'failed'; reason: string }

export interface ApiClient {
  api: SentinelLabApi
  on<K extends ApiEventName>(event: K, cb: (payload: ApiEvents[K]) => void): () => void
  onStatus(cb: (status: ConnectionStatus) => void): () => void
  /** Called after a reconnect: events may have been missed, so state should be re-read. */
  onReconnect(cb: () => void): () => void
  readonly transport: 'electron' | 'web'
  close(): void
}

interface Transport {
  call(method: ApiMethod, args: unknown[], timeoutMs: number): Promise<unknown>
  close(): void
}


export function createApi(): ApiClient {
  const eventListeners = new Map<ApiEventName, Set<(payload: never) => void>>()
  const statusListeners = new Set<(s: ConnectionStatus) => void>()
  const reconnectListeners = new Set<() => void>()
  let status: ConnectionStatus = { state: 'connecting' }

  const emitEvent = (message: ApiEventMessage): void => {
    for (const cb of eventListeners.get(message.event) ?? []) {
      try {
        ;(cb as (p: unknown) => void)(message.payload)
      } catch (e) {
        console.error(`listener for '${message.event}' failed`, e)
      }
    }
  }
  const setStatus = (s: ConnectionStatus): void => {
    const wasDown = status.state === 'reconnecting'
    status = s
    for (const cb of statusListeners) cb(s)
    if (wasDown && s.state === 'open') for (const cb of reconnectListeners) cb()
  }

  const bridge = typeof window !== 'undefined' ? window.sentinelLab : undefined
  const transport: Transport = bridge ? electronTransport(bridge, emitEvent, setStatus) : webSocketTransport(emitEvent, setStatus)

  const api = Object.fromEntries(
    API_METHODS.map((m) => [m, (...args: unknown[]) => transport.call(m, args, callTimeoutMs(m))]),
  ) as unknown as SentinelLabApi

  return {
    api,
    transport: bridge ? 'electron' : 'web',
    on(event, cb) {
      let set = eventListeners.get(event)
      if (!set) eventListeners.set(event, (set = new Set()))
      const fn = cb as (payload: never) => void
      set.add(fn)
      return () => set.delete(fn)
    },
    onStatus(cb) {
      statusListeners.add(cb)
      cb(status)
      return () => statusListeners.delete(cb)
    },
    onReconnect(cb) {
      reconnectListeners.add(cb)
      return () => reconnectListeners.delete(cb)
    },
    close: () => transport.close(),
  }
}

function isErrorData(v: unknown): v is ApiErrorData {
  return typeof v === 'object' && v !== null && typeof (v as ApiErrorData).message === 'string'
}

function electronTransport(
  bridge: SentinelLabBridge,
  emit: (m: ApiEventMessage) => void,
  setStatus: (s: ConnectionStatus) => void,
): Transport {
  const off = bridge.onEvent(emit)
  queueMicrotask(() => setStatus({ state: 'open' }))
  return {
    async call(method, args, timeoutMs) {
      let timer: ReturnType<typeof setTimeout> | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ApiError(`${method} timed out after ${timeoutMs / 1000} s`, 'timeout', method)), timeoutMs)
      })
      try {
        const envelope = (await Promise.race([bridge.call(method, args), timeout])) as { result?: unknown; error?: unknown }
        if (envelope && isErrorData(envelope.error)) throw new ApiError(envelope.error.message, envelope.error.code, method)
        return envelope?.result
      } finally {
        clearTimeout(timer)
      }
    },
    close: off,
  }
}

interface Pending {
  method: ApiMethod
  resolve: (v: unknown) => void
  reject: (e: ApiError) => void
  timer: ReturnType<typeof setTimeout>
}

const TOKEN_KEY = 'sentinel-lab:token'

function webSocketTransport(emit: (m: ApiEventMessage) => void, setStatus: (s: ConnectionStatus) => void): Transport {
  // The token is read once, kept for this tab only (a reload still works), and taken out of
  // the address bar and the history: it is a secret.
  const given = new URLSearchParams(location.search).get('token')
  if (given) {
    sessionStorage.setItem(TOKEN_KEY, given)
    history.replaceState(history.state, '', location.pathname + location.hash)
  }
  const token = given ?? sessionStorage.getItem(TOKEN_KEY) ?? ''
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  const url = `${scheme}://${location.host}${WS_PATH}?token=${encodeURIComponent(token)}`
  const pending = new Map<number, Pending>()
  /** Frames written while the socket was down; sent on (re)connect. */
  const queue: WireRequest[] = []
  let nextId = 1
  let ws: WebSocket | null = null
  let attempt = 0
  let closed = false
  let retryTimer: ReturnType<typeof setTimeout> | undefined

  if (!token) {
    queueMicrotask(() => setStatus({ state: 'failed', reason: 'The page URL has no ?token=. Open the URL that `sentinel-lab serve` printed.' }))
  } else connect()

  function connect(): void {
    const socket = new WebSocket(url)
    ws = socket
    socket.onopen = () => {
      attempt = 0
      setStatus({ state: 'open' })
      for (const frame of queue.splice(0)) if (pending.has(frame.id)) socket.send(JSON.stringify(frame))
    }
    socket.onmessage = (ev) => {
      let msg: Partial<WireResponse & ApiEventMessage>
      try {
        msg = JSON.parse(String(ev.data)) as Partial<WireResponse & ApiEventMessage>
      } catch {
        return
      }
      if (typeof msg.event === 'string') return emit(msg as ApiEventMessage)
      if (typeof msg.id !== 'number') return
      const p = pending.get(msg.id)
      if (!p) return
      pending.delete(msg.id)
      clearTimeout(p.timer)
      if (isErrorData(msg.error)) p.reject(new ApiError(msg.error.message, msg.error.code, p.method))
      else p.resolve(msg.result)
    }
    socket.onclose = () => {
      if (ws !== socket) return
      ws = null
      // Calls in flight may or may not have run: they fail; calls not yet sent wait.
      const queued = new Set(queue.map((f) => f.id))
      for (const [id, p] of pending) {
        if (queued.has(id)) continue
        pending.delete(id)
        clearTimeout(p.timer)
        p.reject(new ApiError(`${p.method}: connection lost before the answer arrived`, 'disconnected', p.method))
      }
      if (closed) return
      attempt++
      const retryInMs = Math.min(250 * 2 ** (attempt - 1), 5_000)
      setStatus({ state: 'reconnecting', attempt, retryInMs })
      retryTimer = setTimeout(connect, retryInMs)
    }
  }

  return {
    call(method, args, timeoutMs) {
      return new Promise((resolve, reject) => {
        const id = nextId++
        const frame: WireRequest = { id, method, args }
        const timer = setTimeout(() => {
          pending.delete(id)
          const i = queue.findIndex((f) => f.id === id)
          if (i >= 0) queue.splice(i, 1)
          reject(new ApiError(`${method} timed out after ${timeoutMs / 1000} s`, ws ? 'timeout' : 'disconnected', method))
        }, timeoutMs)
        pending.set(id, { method, resolve, reject, timer })
        if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame))
        else queue.push(frame)
      })
    },
    close() {
      closed = true
      clearTimeout(retryTimer)
      ws?.close()
    },
  }
}
