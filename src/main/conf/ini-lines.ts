// The lines of a supervisor .ini file, each kept exactly as written and classified the way
// supervisord's reader sees it (Python's RawConfigParser with inline_comment_prefixes=
// (';', '#'), strict=False, as src/main/supervisor/ini-parser.ts mirrors it). Unlike that
// reader this never throws: a line it would reject is kept as an 'error' line, so that an
// editor can hold any text and a validator can point at every bad line, not just the first.
import { findCommentStart } from '../../shared/ini-comment'

type IniLineKind = 'blank' | 'comment' | 'section' | 'key' | 'continuation' | 'error'

export interface IniLine {
  /** As written, without its line ending. */
  raw: string
  /** '\n', '\r\n', or '' for a last line without one. */
  eol: string
  kind: IniLineKind
  /** The section the line is in (the header's own name for a section line), or null before any. */
  section: string | null
  /** Key lines: the key as supervisord reads it (lower case); continuation and blank lines inside a value: the key they extend. */
  key?: string
  /** Key lines: 0-based offsets in raw of the key [keyStart, keyEnd), and of the value [valueStart, valueEnd) (the inline comment excluded). */
  keyStart?: number
  keyEnd?: number
  valueStart?: number
  valueEnd?: number
  /** Section lines: offsets of the whole [header]. */
  headerEnd?: number
  /** Error lines: why supervisord rejects the line. */
  error?: string
}

export function splitLines(text: string): { raw: string; eol: string }[] {
  const out: { raw: string; eol: string }[] = []
  let at = 0
  while (at < text.length) {
    const nl = text.indexOf('\n', at)
    const end = nl === -1 ? text.length : nl
    const cr = nl !== -1 && end > at && text[end - 1] === '\r'
    out.push({ raw: text.slice(at, cr ? end - 1 : end), eol: nl === -1 ? '' : cr ? '\r\n' : '\n' })
    at = nl === -1 ? text.length : nl + 1
  }
  return out
}

/** Classify every line. Blank lines between a key and its continuation lines belong to the value. */
export function parseIniLines(text: string): IniLine[] {
  const lines: IniLine[] = []
  let section: string | null = null
  // The open option (a continuation line may still extend it) and the indent of its key line.
  let option: string | null = null
  let indentLevel = 0
  // Blank lines seen since the open option's last line: part of the value only if a continuation follows.
  let pendingBlanks: IniLine[] = []
  for (const { raw, eol } of splitLines(text)) {
    const commentStart = findCommentStart(raw)
    const content = (commentStart === -1 ? raw : raw.slice(0, commentStart)).trim()
    if (!content) {
      const line: IniLine = { raw, eol, kind: commentStart === -1 ? 'blank' : 'comment', section }
      if (line.kind === 'blank' && option !== null) pendingBlanks.push(line)
      lines.push(line)
      continue
    }
    const indent = raw.search(/\S/)
    if (section !== null && option !== null && indent > indentLevel) {
      for (const b of pendingBlanks) b.key = option
      pendingBlanks = []
      lines.push({ raw, eol, kind: 'continuation', section, key: option })
      continue
    }
    pendingBlanks = []
    indentLevel = indent
    const header = /^\[(.+)\]/.exec(content)
    if (header) {
      section = header[1]
      option = null
      lines.push({ raw, eol, kind: 'section', section, headerEnd: indent + header[0].length })
      continue
    }
    if (section === null) {
      lines.push({ raw, eol, kind: 'error', section, error: 'a line before the first [section] header' })
      continue
    }
    const opt = /^(.*?)\s*[=:]\s*(.*)$/.exec(content)
    if (!opt || opt[1].trim() === '') {
      lines.push({ raw, eol, kind: 'error', section, error: 'not a "key = value" line (or an indented continuation of one)' })
      continue
    }
    const keyStart = indent
    const keyEnd = keyStart + opt[1].trimEnd().length
    const valueEnd = indent + content.length
    const valueStart = valueEnd - opt[2].length
    option = opt[1].trimEnd().toLowerCase()
    lines.push({ raw, eol, kind: 'key', section, key: option, keyStart, keyEnd, valueStart, valueEnd })
  }
  return lines
}

export interface KeySpan {
  /** [start, end) line indexes: the key line and its continuation (blank and comment lines inside it included). */
  start: number
  end: number
}

/** Every occurrence of a key (lower case) in a section, in file order: the last one is what supervisord reads. */
export function keySpans(lines: readonly IniLine[], section: string, key: string): KeySpan[] {
  const spans: KeySpan[] = []
  lines.forEach((l, i) => {
    if (l.kind !== 'key' || l.section !== section || l.key !== key) return
    let end = i + 1
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j]
      if (next.kind === 'continuation') end = j + 1
      else if (next.kind !== 'blank' && next.kind !== 'comment') break
    }
    spans.push({ start: i, end })
  })
  return spans
}

/** The value of one occurrence, as supervisord reads it: lines joined with '\n', comments left out, trailing blanks cut. */
export function spanValue(lines: readonly IniLine[], span: KeySpan): string {
  return lines
    .slice(span.start, span.end)
    .filter((l) => l.kind !== 'comment')
    .map(lineValue)
    .join('\n')
    .replace(/\s+$/, '')
}

/** What a key or continuation line contributes to its value, as supervisord reads it. */
function lineValue(line: IniLine): string {
  if (line.kind === 'key') return line.raw.slice(line.valueStart, line.valueEnd)
  if (line.kind === 'continuation') {
    const commentStart = findCommentStart(line.raw)
    return (commentStart === -1 ? line.raw : line.raw.slice(0, commentStart)).trim()
  }
  return ''
}
