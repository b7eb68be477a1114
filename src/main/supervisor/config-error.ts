// A located configuration problem, thrown by the loader: file, line, section, key, message.
import type { ConfigIssue } from '../../shared/model'

export class ConfigError extends Error {
  constructor(readonly issue: ConfigIssue) {
    super(formatIssue(issue))
  }
}

export function formatIssue(i: ConfigIssue): string {
  const where = [i.file + (i.line ? `:${i.line}` : ''), i.section && `[${i.section}]`, i.key]
    .filter(Boolean)
    .join(' ')
  return `${where}: ${i.message}`
}

export function issue(severity: ConfigIssue['severity'], file: string, line: number, section: string | null,
  key: string | null, message: string): ConfigIssue {
  return { severity, file, line, section, key, message }
}
