// The doctor: rules over config files read together (a lab folder, or the paths given to
// `sentinel-lab doctor`) and, when the processes run, over what they show. Each finding
// says what will happen and why, where it is written, and, where it is safe, how to fix it.
import type { DoctorFinding } from '../../shared/conf'
import { type DoctorFile, type FileSet, readFileSet } from './deployment'
import { byLocation } from './finding'
import { linkIdentityRules } from './live-links'
import { monitorRules } from './live-monitor'
import { portRules } from './live-ports'
import { runningSettingsRules } from './live-settings'
import { writableRules } from './live-writable'
import { authPassRules, masterauthRules, requirepassOverriddenRule, requirepassRules } from './rules-auth'
import { sharedDataFileRule, sharedPidfileRule } from './rules-files'
import { missingPathRule } from './rules-paths'
import { daemonizeRule, restartWithoutPersistenceRule } from './rules-process'
import { duplicatePortRule, lockoutRule, replicaofRule } from './rules-network'
import { duplicateMyidRule, sentinelCountRules, staleKnownSentinelRule } from './rules-sentinels'

/** What the doctor knows of a lab that runs, beyond its files (optional). */
interface DoctorLive {
  /** Sentinel's password for asking it (a lab's sentinels have none). */
  password?: string
}

export type { DoctorFile }

type FileRule = (set: FileSet) => DoctorFinding[]

const FILE_RULES: readonly FileRule[] = [
  masterauthRules, requirepassRules, authPassRules, requirepassOverriddenRule,
  duplicateMyidRule, sentinelCountRules, staleKnownSentinelRule,
  daemonizeRule, restartWithoutPersistenceRule,
  duplicatePortRule, replicaofRule, lockoutRule,
  sharedPidfileRule, sharedDataFileRule,
]

/** Rules over a set of files read together (a lab folder, or paths given to the CLI). */
export function diagnoseFiles(files: readonly DoctorFile[]): DoctorFinding[] {
  const set = readFileSet(files)
  return FILE_RULES.flatMap((rule) => rule(set)).sort(byLocation)
}

/** The file rules plus what only a running deployment shows (ports taken, monitor pointing at a replica, ...). */
export async function diagnoseLive(files: readonly DoctorFile[], live: DoctorLive = {}): Promise<DoctorFinding[]> {
  const set = readFileSet(files)
  const fromFiles = FILE_RULES.flatMap((rule) => rule(set))
  const [ports, monitors, settings, links] = await Promise.all([
    portRules(set, live.password), monitorRules(set), runningSettingsRules(set, live.password), linkIdentityRules(set, live.password),
  ])
  // What this machine has (folders, writable files) counts only where the files are used.
  return [...fromFiles, ...missingPathRule(set), ...writableRules(set), ...ports, ...monitors, ...settings, ...links].sort(byLocation)
}
