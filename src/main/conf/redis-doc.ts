// A lossless redis.conf / sentinel.conf: every line kept as written (text, line ending,
// comments, blanks, order), each directive line also read into words by Redis's own rules.
// text() gives back the input byte-for-byte until an edit; an edit rewrites only the lines
// it touches, and a line whose words would not change is not rewritten at all (its quoting
// and spacing stay). The document knows no directive: schema.ts and conf-edit.ts do.
import { type ArgToken, quoteConfArg, splitConfArgs } from '../../shared/redis-args'
import { dominantEol } from './eol'

type ConfLineKind = 'blank' | 'comment' | 'directive' | 'error'

export interface ConfLine {
  /** As written, without its line ending. */
  raw: string
  /** '\n', '\r\n', or '' for a last line without one. */
  eol: string
  kind: ConfLineKind
  /** Directive lines: the first word, lower-cased as Redis does. */
  name: string
  /** Directive lines: every word, the name included. */
  tokens: ArgToken[]
  /** Error lines (unbalanced quotes): what is wrong and where (0-based offset in raw). */
  error?: { offset: number; message: string }
}

function readLine(raw: string, eol: string): ConfLine {
  const trimmed = raw.replace(/^[ \t\r\n]+/, '')
  if (trimmed.replace(/[ \t\r\n]+$/, '') === '') return { raw, eol, kind: 'blank', name: '', tokens: [] }
  if (trimmed.startsWith('#')) return { raw, eol, kind: 'comment', name: '', tokens: [] }
  const split = splitConfArgs(raw)
  if (!split.ok) return { raw, eol, kind: 'error', name: '', tokens: [], error: { offset: split.offset, message: split.message } }
  if (split.tokens.length === 0) return { raw, eol, kind: 'blank', name: '', tokens: [] }
  return { raw, eol, kind: 'directive', name: split.tokens[0].value.toLowerCase(), tokens: split.tokens }
}

export class RedisConfDocument {
  private constructor(readonly lines: ConfLine[]) {}

  static parse(text: string): RedisConfDocument {
    const lines: ConfLine[] = []
    let at = 0
    while (at < text.length) {
      const nl = text.indexOf('\n', at)
      const end = nl === -1 ? text.length : nl
      const cr = nl !== -1 && end > at && text[end - 1] === '\r'
      const raw = text.slice(at, cr ? end - 1 : end)
      lines.push(readLine(raw, nl === -1 ? '' : cr ? '\r\n' : '\n'))
      at = nl === -1 ? text.length : nl + 1
    }
    return new RedisConfDocument(lines)
  }

  text(): string {
    let out = ''
    for (const l of this.lines) out += l.raw + l.eol
    return out
  }

  /** The line ending most lines use ('\n' for an empty file). */
  eol(): string {
    return dominantEol(this.lines)
  }

  /** Directive lines (with their index) whose name is one of `names` (lower case), in file order. */
  find(names: readonly string[]): { index: number; line: ConfLine }[] {
    const out: { index: number; line: ConfLine }[] = []
    this.lines.forEach((line, index) => {
      if (line.kind === 'directive' && names.includes(line.name)) out.push({ index, line })
    })
    return out
  }

  /** The words after the name, as Redis reads them. */
  static args(line: ConfLine): string[] {
    return line.tokens.slice(1).map((t) => t.value)
  }

  /**
   * Give the directive line at `index` these words after its name. The name keeps its
   * spelling and the line its indentation and ending; unchanged words leave the line as is.
   */
  replace(index: number, args: readonly string[]): void {
    const old = this.lines[index]
    if (old?.kind !== 'directive') throw new Error(`line ${index + 1} is not a directive`)
    const current = RedisConfDocument.args(old)
    if (current.length === args.length && current.every((v, i) => v === args[i])) return
    const head = old.raw.slice(0, old.tokens[0].end)
    this.lines[index] = readLine([head, ...args.map(quoteConfArg)].join(' '), old.eol)
  }

  /** Insert a new directive line before line `index` (the end when index = lines.length). */
  insert(index: number, name: string, args: readonly string[]): void {
    const eol = this.eol()
    const previous = this.lines[index - 1]
    // A last line without an ending gets one, or the new line would be glued to it.
    if (index === this.lines.length && previous && previous.eol === '') this.lines[index - 1] = { ...previous, eol }
    const text = [quoteConfArg(name), ...args.map(quoteConfArg)].join(' ')
    this.lines.splice(index, 0, readLine(text, index === this.lines.length && previous?.eol === '' ? '' : eol))
  }

  /** Remove line `index`. */
  remove(index: number): void {
    this.lines.splice(index, 1)
  }
}
