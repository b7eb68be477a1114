// The one error type that crosses the API: engines and services throw it with a code the
// renderer can act on; anything else reaches the page as 'failed'.

/** Errors cross the transports as plain data. */
export interface ApiErrorData {
  message: string
  /**
   * 'needs-confirmation': the call would lose data; the message says what, and the caller
   * may ask the user and call again confirmed. 'conflict': a save based on a version the
   * disk no longer holds (merge, then save again).
   */
  code: 'invalid-argument' | 'not-found' | 'failed' | 'needs-confirmation' | 'conflict'
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: ApiErrorData['code'] = 'failed',
  ) {
    super(message)
  }
}
