// Reads .ini text the way supervisord 4.2 does: Python 3's RawConfigParser with
// inline_comment_prefixes=(';', '#') and strict=False. Unlike a generic ini reader it keeps
// where every option came from, so an error can name its file and line.
//
// The rules that matter for real files:
// - ';' or '#' starts a comment at the start of a line or after whitespace, so
//   `command=echo a;b` keeps `;b` but `command=echo a ;b` drops it;
// - keys are case-insensitive (lowercased), '=' or ':' separate key and value;
// - an indented line continues the previous value (joined with '\n');
// - a section seen twice (in one file or across included files) is merged, last key wins;
// - [DEFAULT] values are inherited by every section.
import { findCommentStart } from '../../shared/ini-comment'

interface IniOption {
  value: string
  file: string
  line: number
}

export interface IniSection {
  name: string
  file: string
  line: number
  options: Map<string, IniOption>
}

export class IniSyntaxError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
  ) {
    super(message)
  }
}

export class IniDocument {
  readonly sections = new Map<string, IniSection>()
  readonly defaults = new Map<string, IniOption>()

  /** Parse one file's text into this document (merging like RawConfigParser.read). */
  read(text: string, file: string): void {
    let current: Map<string, IniOption> | null = null
    let currentName = ''
    let option: { key: string; lines: string[]; entry: IniOption } | null = null
    let indentLevel = 0
    const finish = (): void => {
      if (option) option.entry.value = option.lines.join('\n').trimEnd()
      option = null
    }
    const lines = text.split(/\r\n|\n|\r/)
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
    lines.forEach((raw, index) => {
      const lineno = index + 1
      const commentStart = findCommentStart(raw)
      const value = (commentStart === -1 ? raw : raw.slice(0, commentStart)).trim()
      if (!value) {
        // A blank line inside a value is kept (empty_lines_in_values); a comment line is not.
        if (commentStart === -1 && option) option.lines.push('')
        return
      }
      const indent = raw.search(/\S/)
      if (current && option && indent > indentLevel) {
        option.lines.push(value)
        return
      }
      indentLevel = indent
      const header = /^\[(.+)\]/.exec(value)
      if (header) {
        finish()
        currentName = header[1]
        if (currentName === 'DEFAULT') {
          current = this.defaults
        } else {
          let section = this.sections.get(currentName)
          if (!section) {
            section = { name: currentName, file, line: lineno, options: new Map() }
            this.sections.set(currentName, section)
          }
          current = section.options
        }
        return
      }
      if (!current) {
        throw new IniSyntaxError(`file contains no section headers: ${JSON.stringify(raw)}`, file, lineno)
      }
      const opt = /^(.*?)\s*[=:]\s*(.*)$/.exec(value)
      if (!opt || opt[1].trim() === '') {
        throw new IniSyntaxError(
          `not a "key = value" line in [${currentName}]: ${JSON.stringify(raw.trim())}`,
          file,
          lineno,
        )
      }
      finish()
      const key = opt[1].trimEnd().toLowerCase()
      const entry: IniOption = { value: opt[2].trim(), file, line: lineno }
      current.set(key, entry)
      option = { key, lines: [entry.value], entry }
    })
    finish()
  }

  sectionNames(): string[] {
    return [...this.sections.keys()]
  }

  get(section: string, key: string): IniOption | undefined {
    return this.sections.get(section)?.options.get(key) ?? this.defaults.get(key)
  }

  keys(section: string): string[] {
    const own = this.sections.get(section)?.options.keys() ?? []
    return [...new Set([...own, ...this.defaults.keys()])]
  }
}

