// The lab spec on the main side: a full spec from an input (defaults filled in, a random
// password if none was given). The rules themselves are src/shared/lab-spec.ts.
import { randomBytes } from 'node:crypto'
import { type FieldError, LAB_DEFAULTS, type LabSpec, type LabSpecInput, specErrorText, validateSpec } from '../../shared/lab-spec'

/** A random password: 24 bytes from crypto.randomBytes, url-safe base64 (32 characters). */
export function randomPassword(): string {
  return randomBytes(24).toString('base64url')
}

export class SpecError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(specErrorText(errors))
    this.name = 'SpecError'
  }
}

/** The full spec: input validated, defaults filled in, a random password if none was given. */
export function resolveSpec(input: LabSpecInput = {}): LabSpec {
  const errors = validateSpec(input)
  if (errors.length > 0) throw new SpecError(errors)
  return {
    ...LAB_DEFAULTS,
    ...input,
    quorum: input.quorum ?? Math.min(LAB_DEFAULTS.quorum, input.sentinels ?? LAB_DEFAULTS.sentinels),
    ports: { ...(input.ports ?? {}) },
    password: input.password ?? randomPassword(),
  }
}
