// The one error type that crosses the API: engines and services throw it with a code the
// renderer can act on; anything else reaches the page as 'failed'.
import type { ApiErrorData } from './api'

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: ApiErrorData['code'] = 'failed',
  ) {
    super(message)
  }
}
