// Where Sentinel Lab keeps its files, per the platform's conventions. SENTINEL_LAB_HOME
// overrides everything (tests and portable installs use it).
import { homedir } from 'node:os'
import { join } from 'node:path'

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SENTINEL_LAB_HOME) return env.SENTINEL_LAB_HOME
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Sentinel Lab')
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Sentinel Lab')
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'sentinel-lab')
}

export const stateDir = (env?: NodeJS.ProcessEnv): string => join(dataDir(env), 'run')
export const logDir = (env?: NodeJS.ProcessEnv): string => join(dataDir(env), 'logs')
export const recentFile = (env?: NodeJS.ProcessEnv): string => join(dataDir(env), 'recent.json')
