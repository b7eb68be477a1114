// Global shortcuts. Keys typed into a field belong to the field, except Escape and Ctrl/Cmd+O.
interface ShortcutHandlers {
  move(delta: 1 | -1): void
  action(a: 'start' | 'stop' | 'restart'): void
  /** Open the selected program's log in a pane. */
  log(): void
  focusFilter(): void
  open(): void
  help(): void
  escape(): void
}

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el || !el.tagName) return false
  return el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT'
}

export function handleShortcut(e: KeyboardEvent, h: ShortcutHandlers): void {
  const mod = e.ctrlKey || e.metaKey
  if (mod && !e.altKey && e.key.toLowerCase() === 'o') {
    e.preventDefault()
    return h.open()
  }
  if (e.key === 'Escape') return h.escape()
  if (mod || e.altKey || typing(e.target)) return
  // Inside an open menu, a dialog or the log panes the keys are theirs.
  if ((e.target as HTMLElement | null)?.closest?.('[role="menu"], dialog, [data-no-shortcuts]')) return
  const run = (fn: () => void): void => {
    e.preventDefault()
    fn()
  }
  switch (e.key) {
    case 'ArrowDown':
    case 'j':
      return run(() => h.move(1))
    case 'ArrowUp':
    case 'k':
      return run(() => h.move(-1))
    case 's':
      return run(() => h.action('start'))
    case 'x':
      return run(() => h.action('stop'))
    case 'r':
      return run(() => h.action('restart'))
    case 'l':
      return run(h.log)
    case '/':
      return run(h.focusFilter)
    case '?':
      return run(h.help)
  }
}
