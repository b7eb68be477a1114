// Small helpers that every rule uses to say where a finding is and how to write a fix.
import { basename, dirname } from 'node:path'
import type { ConfEdit, DoctorFinding } from '../../shared/conf'
import type { Written } from './conf-view'
import type { Member } from './deployment'

export type Where = Pick<DoctorFinding, 'file' | 'line' | 'column' | 'directive'>

/** At a written directive (its first word, or its `arg`-th word when given). */
export function at(w: Written, directive: string, arg?: number): Where {
  const column = arg === undefined ? w.column : (w.argColumns[arg] ?? w.column)
  return { file: w.file, line: w.line, column, directive }
}

/** At the top of a member's file, for what is missing from it. */
export function atTop(m: Member, directive: string): Where {
  return { file: m.file.path, line: 1, column: 1, directive }
}

/** A short, recognisable name for a file in titles: 'redis_6380/redis.conf'. */
export function label(path: string): string {
  return `${basename(dirname(path))}/${basename(path)}`
}

/** What a member is, in words: 'redis.conf of port 6380' style. */
export function describe(m: Member): string {
  return `${label(m.file.path)} (port ${m.port})`
}

export function setEdit(file: string, directive: string, args: string[]): ConfEdit {
  return { file, op: 'set', directive, args }
}

export function unsetEdit(file: string, directive: string): ConfEdit {
  return { file, op: 'unset', directive }
}

/** Sort by file, line, column: the order a compiler prints in. */
export function byLocation(a: DoctorFinding, b: DoctorFinding): number {
  return (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)
}
