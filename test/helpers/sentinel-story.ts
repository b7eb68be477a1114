// What a lab's sentinels logged about failovers (sdown, odown, selected, promoted, switch,
// convert, tilt), for the failure message of a test that expected one master and saw another.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export function sentinelStory(labDir: string): string {
  const logs = join(labDir, 'logs')
  if (!existsSync(logs)) return `(no logs in ${labDir})`
  return readdirSync(logs)
    .filter((f) => f.startsWith('sentinel'))
    .flatMap((f) => readFileSync(join(logs, f), 'utf8').split('\n').filter((l) => /[+-](sdown|odown|switch-master|failover|selected|promoted|tilt|convert)/.test(l)).map((l) => `${f}: ${l}`))
    .join('\n')
}
