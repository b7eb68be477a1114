// Every call that crosses a transport (Electron IPC, the WebSocket bridge) is checked here
// against the method table before it reaches the service: the renderer is not trusted to
// send well-formed data.
import { API, type ApiMethod, type SentinelLabApi } from '../../shared/api'
import { ApiError, type ApiErrorData } from '../../shared/errors'

/** Validate and run one call. Throws ApiError for anything malformed. */
export async function dispatch(api: SentinelLabApi, method: unknown, args: unknown): Promise<unknown> {
  if (typeof method !== 'string' || !Object.hasOwn(API, method)) {
    throw new ApiError(`unknown method: ${String(method).slice(0, 64)}`, 'invalid-argument')
  }
  if (!Array.isArray(args)) throw new ApiError('arguments must be an array', 'invalid-argument')
  API[method as ApiMethod].args(args)
  const fn = api[method as ApiMethod] as (...a: unknown[]) => Promise<unknown>
  return fn.apply(api, args)
}

/** What an error looks like on the wire. */
export function toErrorData(e: unknown): ApiErrorData {
  if (e instanceof ApiError) return { message: e.message, code: e.code }
  return { message: e instanceof Error ? e.message : String(e), code: 'failed' }
}
