// Findings as a compiler prints them: `path:line:col: severity [id] title`, the explanation
// indented below, then the fix; passwords in a fix are masked by the schema's secret flag
// (secrets.ts: a terminal is often shared or recorded). Then one summary line.
import { isAbsolute, relative } from 'node:path'
import type { ConfEdit, DoctorFinding } from '../../shared/conf'
import { maskEdit } from './secrets'

const WIDTH = 96

function shown(path: string, cwd: string): string {
  const r = relative(cwd, path)
  return r !== '' && !r.startsWith('..') && !isAbsolute(r) ? r : path
}

function wrap(text: string, indent: string): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > WIDTH) {
      lines.push(indent + line)
      line = word
    } else line = line === '' ? word : `${line} ${word}`
  }
  if (line !== '') lines.push(indent + line)
  return lines
}

function edit(e: ConfEdit, cwd: string): string {
  const args = (maskEdit(e).args ?? []).map((a) => (a.includes(' ') || a === '' ? JSON.stringify(a) : a))
  return `${e.op} ${e.directive}${args.length > 0 ? ` ${args.join(' ')}` : ''}   (${shown(e.file, cwd)})`
}

export function formatFinding(f: DoctorFinding, cwd = process.cwd()): string {
  const where = f.file ? `${shown(f.file, cwd)}:${f.line ?? 1}:${f.column ?? 1}: ` : 'sentinel-lab doctor: '
  const out = [`${where}${f.severity} [${f.id}] ${f.title}`, ...wrap(f.explanation, '    ')]
  if (f.fix) {
    out.push(...wrap(`fix: ${f.fix.label}`, '    '))
    for (const e of f.fix.edits) out.push(`      ${edit(e, cwd)}`)
  }
  return out.join('\n')
}

export function summarize(findings: readonly DoctorFinding[], files: number): string {
  const count = (s: DoctorFinding['severity']): number => findings.filter((f) => f.severity === s).length
  const [e, w, i] = [count('error'), count('warning'), count('info')]
  const inFiles = `${files} file${files === 1 ? '' : 's'}`
  if (findings.length === 0) return `no problems found in ${inFiles}`
  const part = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`
  return `${[part(e, 'error'), part(w, 'warning'), ...(i > 0 ? [part(i, 'note')] : [])].join(', ')} in ${inFiles}`
}
