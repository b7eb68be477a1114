// The Lab screen's two forms, New lab and Attach: their values, their error line, and what
// they turn into (a lab spec, an attach target). The store runs the calls; the forms know
// only what the user typed.
import type { AttachTarget } from '../../shared/model'
import { APP_LAB_TIMERS, type API_LAB_FIELDS, LAB_DEFAULTS, type LabSpecInput } from '../../shared/lab-spec'
import { parseAddresses } from './lab-actions'

type LabSpecValues = Required<Pick<LabSpecInput, (typeof API_LAB_FIELDS)[number]>>

/** The form starts from the spec's own defaults; a lab made in the app runs fast timers. */
const LAB_FORM_DEFAULTS: LabSpecValues = {
  name: '',
  replicas: LAB_DEFAULTS.replicas,
  sentinels: LAB_DEFAULTS.sentinels,
  quorum: LAB_DEFAULTS.quorum,
  downAfterMs: LAB_DEFAULTS.downAfterMs,
  timers: APP_LAB_TIMERS,
  persistence: LAB_DEFAULTS.persistence,
  links: LAB_DEFAULTS.links,
}

export class NewLabForm {
  values = $state<LabSpecValues>({ ...LAB_FORM_DEFAULTS })
  error = $state<string | null>(null)

  /** The spec to create: a number field left empty takes the default, a blank name an automatic one. */
  spec(): LabSpecInput {
    const f = this.values
    const spec: LabSpecInput = { timers: f.timers, persistence: f.persistence }
    for (const k of ['replicas', 'sentinels', 'quorum', 'downAfterMs'] as const) {
      const v = f[k] as number | null
      if (typeof v === 'number' && Number.isFinite(v)) spec[k] = v
    }
    if (f.name.trim()) spec.name = f.name.trim()
    if (f.links) spec.links = true
    return spec
  }
}

interface AttachValues {
  sentinels: string
  masterName: string
  password: string
  sentinelPassword: string
  name: string
}

const ATTACH_DEFAULTS: AttachValues = { sentinels: '', masterName: 'mymaster', password: '', sentinelPassword: '', name: '' }

export class AttachForm {
  values = $state<AttachValues>({ ...ATTACH_DEFAULTS })
  error = $state<string | null>(null)

  /** The target typed in, with a few words for the toasts; or why it is not one (shown as the form's error). */
  target(): { target: AttachTarget; what: string } | { invalid: string } {
    const f = this.values
    const { addresses, bad } = parseAddresses(f.sentinels)
    if (addresses.length === 0) return { invalid: 'Give at least one sentinel address (host:port).' }
    if (bad.length) return { invalid: `Not host:port: ${bad.join(', ')}` }
    const masterName = f.masterName.trim() || 'mymaster'
    const target: AttachTarget = { kind: 'addresses', sentinels: addresses, masterName }
    if (f.password) target.password = f.password
    if (f.sentinelPassword) target.sentinelPassword = f.sentinelPassword
    if (f.name.trim()) target.name = f.name.trim()
    return { target, what: `${masterName} via ${addresses[0]}` }
  }

  /** Passwords do not stay in the form once attached. */
  reset(): void {
    this.values = { ...ATTACH_DEFAULTS }
    this.error = null
  }
}
