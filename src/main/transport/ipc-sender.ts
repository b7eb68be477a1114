// Which pages may call the API over IPC: the app's own index.html, and the dev server's page
// only while developing. Any other file:// page (a file the user opened by a link, say) or a
// packaged app given ELECTRON_RENDERER_URL by whoever started it is refused.
import { pathToFileURL } from 'node:url'

export interface AppPage {
  /** The bundled renderer's index.html (an absolute path). */
  file: string
  /** ELECTRON_RENDERER_URL, as electron-vite sets it in development. */
  devUrl?: string
  packaged: boolean
}

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

export function isAppPage(frameUrl: string, page: AppPage): boolean {
  const url = parse(frameUrl)
  if (!url) return false
  if (url.protocol === 'file:') return url.host === '' && url.pathname === pathToFileURL(page.file).pathname
  const dev = !page.packaged && page.devUrl ? parse(page.devUrl) : null
  return dev !== null && (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === dev.origin
}
