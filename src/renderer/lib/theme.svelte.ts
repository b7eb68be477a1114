// Light / dark: follows the system until the user picks one; the pick is remembered.
type ThemeChoice = 'system' | 'light' | 'dark'

const KEY = 'sentinel-lab:theme'

function read(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY)
    return v === 'light' || v === 'dark' ? v : 'system'
  } catch {
    return 'system'
  }
}

class Theme {
  choice = $state<ThemeChoice>(read())
  private systemDark = $state(typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches)
  /** What is shown now. */
  effective = $derived<'light' | 'dark'>(this.choice === 'system' ? (this.systemDark ? 'dark' : 'light') : this.choice)

  constructor() {
    if (typeof matchMedia === 'function') {
      matchMedia('(prefers-color-scheme: dark)').addEventListener('change', (e) => (this.systemDark = e.matches))
    }
    this.apply()
  }

  /** Flip between light and dark (from whatever is shown now), and remember it. */
  toggle(): void {
    this.set(this.effective === 'dark' ? 'light' : 'dark')
  }

  set(choice: ThemeChoice): void {
    this.choice = choice
    try {
      if (choice === 'system') localStorage.removeItem(KEY)
      else localStorage.setItem(KEY, choice)
    } catch {
      // Storage may be unavailable; the choice still holds for this session.
    }
    this.apply()
  }

  private apply(): void {
    if (this.choice === 'system') delete document.documentElement.dataset['theme']
    else document.documentElement.dataset['theme'] = this.choice
  }
}

export const theme = new Theme()
