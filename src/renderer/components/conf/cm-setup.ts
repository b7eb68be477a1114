// CodeMirror 6 pieces shared by the text editor and the diff: the highlighting of
// redis.conf / sentinel.conf (a small stream language) and of supervisor .ini files, and a
// theme made of the app's CSS variables, so light and dark follow the app's own tokens.
import { HighlightStyle, StreamLanguage, type StreamParser, syntaxHighlighting } from '@codemirror/language'
import { properties } from '@codemirror/legacy-modes/mode/properties'
import { type Extension, RangeSetBuilder } from '@codemirror/state'
import { Decoration, type DecorationSet, EditorView, ViewPlugin, type ViewUpdate } from '@codemirror/view'
import { tags as t } from '@lezer/highlight'
import type { ConfKind } from '../../../shared/conf'
import { splitConfArgs } from '../../../shared/redis-args'

interface ConfState {
  /** Words seen on this line. */
  word: number
  /** The line's directive ('sentinel' lines name a sub-directive next). */
  first: string
}

const NUMBER = /^-?\d+(?:\.\d+)?(?:[kmg]b?|ms|s)?$/i

/** redis.conf / sentinel.conf: a directive, then its arguments; # comments; quoted strings. */
const redisConf: StreamParser<ConfState> = {
  name: 'redis-conf',
  startState: () => ({ word: 0, first: '' }),
  token(stream, state) {
    if (stream.sol()) {
      state.word = 0
      state.first = ''
    }
    if (stream.eatSpace()) return null
    if (state.word === 0 && stream.peek() === '#') {
      stream.skipToEnd()
      return 'comment'
    }
    if (state.word === 0 && stream.match(/^(?:<{7}|={7}|>{7}|\|{7})/)) {
      stream.skipToEnd()
      return 'invalid'
    }
    const w = state.word++
    const ch = stream.peek()
    if (ch === '"' || ch === "'") {
      stream.next()
      let escaped = false
      for (;;) {
        const c = stream.next()
        if (c === undefined) return 'invalid'
        if (c === ch && !escaped) break
        escaped = ch === '"' && c === '\\' && !escaped
      }
      return 'string'
    }
    stream.match(/^[^\s]+/)
    const word = stream.current()
    if (w === 0) {
      state.first = word.toLowerCase()
      return 'keyword'
    }
    if (w === 1 && state.first === 'sentinel') return 'propertyName'
    if (NUMBER.test(word)) return 'number'
    if (/^(?:yes|no)$/i.test(word)) return 'atom'
    return null
  },
}

const highlight = HighlightStyle.define([
  { tag: t.comment, color: 'var(--faint)', fontStyle: 'italic' },
  { tag: t.keyword, color: 'var(--info)', fontWeight: '600' },
  { tag: t.propertyName, color: 'var(--violet)', fontWeight: '600' },
  { tag: t.heading, color: 'var(--accent)', fontWeight: '700' },
  { tag: t.definition(t.variableName), color: 'var(--info)' },
  { tag: t.quote, color: 'var(--text)' },
  { tag: t.string, color: 'var(--ok)' },
  { tag: t.number, color: 'var(--warn)' },
  { tag: t.atom, color: 'var(--accent)' },
  { tag: t.invalid, color: 'var(--err)', backgroundColor: 'var(--err-bg)' },
])

export function confLanguage(kind: ConfKind): Extension {
  return [StreamLanguage.define(kind === 'supervisor' ? properties : redisConf), syntaxHighlighting(highlight)]
}

/** The editor's look, from the app's tokens (they switch with the theme by themselves). */
export const confTheme = EditorView.theme({
  '&': { color: 'var(--text)', backgroundColor: 'var(--surface)', fontSize: '12px', height: '100%' },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.55' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--text)' },
  '&.cm-focused': { outline: 'none' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'var(--selected) !important',
  },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--hover) 60%, transparent)' },
  '.cm-gutters': { backgroundColor: 'var(--surface-2)', color: 'var(--faint)', borderRight: '1px solid var(--border)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--hover)', color: 'var(--text)' },
  '.cm-selectionMatch': { backgroundColor: 'var(--hit-current)' },
  '.cm-searchMatch': { backgroundColor: 'var(--hit-bg)', outline: '1px solid var(--hit-edge)' },
  '.cm-searchMatch.cm-searchMatch-selected': { backgroundColor: 'var(--hit-edge)' },
  '.cm-panels': { backgroundColor: 'var(--surface-2)', color: 'var(--text)' },
  '.cm-panels.cm-panels-top': { borderBottom: '1px solid var(--border)' },
  '.cm-panels.cm-panels-bottom': { borderTop: '1px solid var(--border)' },
  '.cm-panel.cm-search': { fontFamily: 'var(--font-ui)', fontSize: '12px', padding: '4px 8px' },
  '.cm-panel.cm-search label': { fontSize: '12px' },
  '.cm-textfield': {
    backgroundColor: 'var(--surface)',
    color: 'var(--text)',
    border: '1px solid var(--border-strong)',
    borderRadius: '4px',
    fontSize: '12px',
  },
  '.cm-button': {
    backgroundColor: 'var(--surface)',
    backgroundImage: 'none',
    color: 'var(--text)',
    border: '1px solid var(--border-strong)',
    borderRadius: '4px',
    fontSize: '12px',
  },
  '.cm-panel button[name=close]': { color: 'var(--muted)' },
  '.cm-tooltip': { backgroundColor: 'var(--surface)', color: 'var(--text)', border: '1px solid var(--border-strong)', borderRadius: '6px' },
  '.cm-tooltip-lint': { fontFamily: 'var(--font-ui)', fontSize: '12px', maxWidth: '520px' },
  '.cm-diagnostic': { padding: '4px 8px' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--err)' },
  '.cm-diagnostic-warning': { borderLeftColor: 'var(--warn)' },
  '.cm-diagnostic-info': { borderLeftColor: 'var(--info)' },
  '.cm-lintRange-error': { backgroundColor: 'color-mix(in srgb, var(--err-bg) 70%, transparent)' },
  '.cm-lintRange-warning': { backgroundColor: 'color-mix(in srgb, var(--warn-bg) 70%, transparent)' },
  '.cm-panel.cm-panel-lint ul': { backgroundColor: 'var(--surface)' },
  '.cm-panel.cm-panel-lint ul [aria-selected]': { backgroundColor: 'var(--selected)' },
  // The diff (unified merge view).
  '.cm-changedLine': { backgroundColor: 'var(--ok-bg) !important' },
  '.cm-changedText': { backgroundColor: 'color-mix(in srgb, var(--ok) 28%, transparent) !important', backgroundImage: 'none !important' },
  '.cm-deletedChunk': { backgroundColor: 'var(--err-bg) !important' },
  '.cm-deletedChunk del, .cm-deletedText': { textDecoration: 'line-through', backgroundColor: 'color-mix(in srgb, var(--err) 25%, transparent) !important' },
  '.cm-insertedLine': { backgroundColor: 'var(--ok-bg) !important' },
  '.cm-changeGutter': { width: '3px', paddingLeft: '0' },
  '.cm-changedLineGutter': { backgroundColor: 'var(--ok) !important' },
  '.cm-deletedLineGutter': { backgroundColor: 'var(--err) !important' },
  '.cm-collapsedLines:before, .cm-collapsedLines:after': { content: 'none' },
  '.cm-collapsedLines': {
    backgroundColor: 'var(--surface-2)',
    backgroundImage: 'none',
    color: 'var(--muted)',
    fontFamily: 'var(--font-ui)',
    fontSize: '11px',
    padding: '3px 10px',
    borderTop: '1px solid var(--border)',
    borderBottom: '1px solid var(--border)',
  },
})

// ---- passwords masked in the text ------------------------------------------------------------

/**
 * A directive that holds a password: its words, and how many arguments come before the
 * password; `rules`: the words after those are ACL rules (user), whose >password, <password
 * and #hash rules are passwords.
 */
export interface SecretDirective {
  words: string[]
  skip: number
  rules?: boolean
}

/** Known even before the schema arrives. */
const KNOWN_SECRETS: SecretDirective[] = [
  { words: ['requirepass'], skip: 0 },
  { words: ['masterauth'], skip: 0 },
  { words: ['sentinel', 'auth-pass'], skip: 1 },
  { words: ['sentinel', 'sentinel-pass'], skip: 0 },
  // ACL users (CONFIG REWRITE writes `user default on #<sha256> ~* &* +@all`): the >password,
  // <password, #hash and !hash rules after the name.
  { words: ['user'], skip: 1, rules: true },
]

export function secretDirectives(infos: { name: string; secret: boolean; args: { type: string }[] }[]): SecretDirective[] {
  const out = [...KNOWN_SECRETS]
  for (const d of infos) {
    if (!d.secret) continue
    const words = d.name.toLowerCase().split(' ')
    if (out.some((s) => s.words.join(' ') === words.join(' '))) continue
    const at = d.args.findIndex((a) => a.type === 'password')
    // No password argument (user <name> <rules...>): the passwords are among the rules.
    out.push(at >= 0 ? { words, skip: at } : { words, skip: 1, rules: true })
  }
  return out
}

const WORD = /"(?:[^"\\]|\\.)*"?|'[^']*'?|\S+/g
const ACL_PASSWORD = /^[<>#!]/
const secretMark = Decoration.mark({ class: 'cm-secret', attributes: { title: 'A password: shown with “Show passwords”' } })

/**
 * Where the passwords of a line are (offsets in the line), with a key naming each (the
 * directive and the words before it). Words are split by Redis's rules (a quote inside a
 * word, \' in single quotes); on a line whose quotes do not balance, everything from the
 * password's first word to the end of the line counts as the password.
 */
function secretsIn(text: string, secrets: SecretDirective[]): { start: number; end: number; key: string }[] {
  if (text.trimStart().startsWith('#')) return []
  const split = splitConfArgs(text)
  const words: { value: string; start: number; end: number }[] = split.ok
    ? split.tokens
    : [...text.matchAll(WORD)].map((m) => ({ value: m[0], start: m.index!, end: m.index! + m[0].length }))
  if (!words.length) return []
  const lower = words.map((w) => w.value.toLowerCase())
  for (const s of secrets) {
    if (!s.words.every((w, i) => lower[i] === w)) continue
    const first = s.words.length + s.skip
    const key = lower.slice(0, first).join(' ')
    if (!split.ok) return words[first] ? [{ start: words[first]!.start, end: text.replace(/\r$/, '').length, key: `${key}\0` }] : []
    const targets = s.rules ? words.slice(first).map((w, i) => ({ w, i: first + i })).filter(({ w }) => ACL_PASSWORD.test(w.value)) : words[first] ? [{ w: words[first]!, i: first }] : []
    return targets.map(({ w, i }) => ({ start: w.start, end: w.end, key: `${key}\0${s.rules ? i : ''}` }))
  }
  return []
}

function secretRanges(view: EditorView, secrets: SecretDirective[]): DecorationSet {
  const b = new RangeSetBuilder<Decoration>()
  for (const { from, to } of view.visibleRanges) {
    let pos = from
    while (pos <= to) {
      const line = view.state.doc.lineAt(pos)
      for (const at of secretsIn(line.text, secrets)) b.add(line.from + at.start, line.from + at.end, secretMark)
      pos = line.to + 1
    }
  }
  return b.finish()
}

const DOTS = '\u2022'.repeat(8)

/**
 * The two sides of a diff with their passwords replaced by dots, for views where a mark
 * cannot hide them (the merge view draws removed lines itself). A password that differs
 * from the disk's for the same directive reads "(changed)", so the diff still shows it.
 */
export function maskedForDiff(disk: string, edited: string, secrets: SecretDirective[]): { disk: string; edited: string } {
  const known = new Map<string, Set<string>>()
  const mask = (text: string, label: (key: string, value: string) => string): string =>
    text.split('\n').map((line) => {
      let out = line
      // From the last so that the earlier offsets stay right.
      for (const at of secretsIn(line, secrets).reverse()) out = out.slice(0, at.start) + label(at.key, line.slice(at.start, at.end)) + out.slice(at.end)
      return out
    }).join('\n')
  const maskedDisk = mask(disk, (key, value) => {
    known.set(key, (known.get(key) ?? new Set()).add(value))
    return DOTS
  })
  return { disk: maskedDisk, edited: mask(edited, (key, value) => (known.get(key)?.has(value) ? DOTS : `${DOTS} (changed)`)) }
}

/** Passwords drawn as dots (they stay in the text: copy, search and save see them). */
export function maskSecrets(secrets: SecretDirective[]): Extension {
  return [
    ViewPlugin.fromClass(
      class {
        decorations: DecorationSet
        constructor(view: EditorView) {
          this.decorations = secretRanges(view, secrets)
        }
        update(u: ViewUpdate): void {
          if (u.docChanged || u.viewportChanged) this.decorations = secretRanges(u.view, secrets)
        }
      },
      { decorations: (v) => v.decorations },
    ),
    EditorView.baseTheme({ '.cm-secret': { '-webkit-text-security': 'disc' } }),
  ]
}
