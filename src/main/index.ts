// The Electron shell, kept thin: a window, a menu, and the IPC adapter that hands
// validated calls to the same service the web bridge uses. Everything else is plain Node.
import { join } from 'node:path'
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell } from 'electron'
import { IPC_CALL, IPC_EVENT } from '../shared/api'
import { ApiError } from '../shared/errors'
import { toErrorData } from './transport/api-guard'
import { IpcPages } from './transport/ipc-pages'
import { type AppPage, isAppPage } from './transport/ipc-sender'
import { AppService } from './app/app-service'
import { appVersion } from './platform/version'

let service: AppService
let quitting = false
const appPage: AppPage = { file: join(__dirname, '../renderer/index.html'), devUrl: process.env['ELECTRON_RENDERER_URL'], packaged: app.isPackaged }

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'Sentinel Lab',
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  })
  win.once('ready-to-show', () => win.show())
  // Links open in the user's browser; the app window never navigates away.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (e) => e.preventDefault())
  if (appPage.devUrl && !appPage.packaged) void win.loadURL(appPage.devUrl)
  else void win.loadFile(appPage.file)
  return win
}

function buildMenu(): void {
  const open = (kind: 'file' | 'folder') => async (): Promise<void> => {
    const path = await service.pickConfigPath(kind)
    if (path) await service.openConfig(path)
  }
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
      {
        label: 'File',
        submenu: [
          { label: 'Open .ini File…', accelerator: 'CmdOrCtrl+O', click: open('file') },
          { label: 'Open Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: open('folder') },
          { type: 'separator' },
          { role: 'quit' },
        ],
      },
      { role: 'editMenu' },
      { role: 'viewMenu' },
      { role: 'windowMenu' },
    ]),
  )
}

void app.whenReady().then(() => {
  service = new AppService({
    transport: 'electron',
    version: appVersion(),
    // Only paths the service resolved from a log source reach here, never one from the renderer.
    revealPath: (path) => shell.showItemInFolder(path),
    pickPath: async (kind) => {
      const win = BrowserWindow.getFocusedWindow()
      const options: Electron.OpenDialogOptions = {
        title: kind === 'file' ? 'Open a supervisord .ini file' : 'Open a folder of .ini files',
        properties: kind === 'file' ? ['openFile'] : ['openDirectory'],
        filters: kind === 'file' ? [{ name: 'supervisord configuration', extensions: ['ini', 'conf'] }, { name: 'All files', extensions: ['*'] }] : [],
      }
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      return result.canceled ? null : (result.filePaths[0] ?? null)
    },
  })
  // No permission (camera, notifications, ...) is ever granted to the renderer.
  // and none is reported as granted when a page only asks whether it has one.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
  // Logs followed and config files open per window's page: a closed (or reloaded-away)
  // window stops following them and watching them.
  const pages = new IpcPages(service)
  const watched = new Set<number>()
  const watch = (wc: Electron.WebContents): void => {
    if (watched.has(wc.id)) return
    watched.add(wc.id)
    const id = wc.id
    wc.on('did-start-navigation', (details) => void (details.isMainFrame && !details.isSameDocument && pages.pageGone(id)))
    wc.on('render-process-gone', () => pages.pageGone(id))
    wc.once('destroyed', () => {
      pages.pageGone(id)
      watched.delete(id)
    })
  }
  ipcMain.handle(IPC_CALL, async (event, method: unknown, args: unknown) => {
    // Only our own page may call: reject frames loaded from anywhere else.
    if (!isAppPage(event.senderFrame?.url ?? '', appPage)) {
      return { error: toErrorData(new ApiError('calls are accepted from the app window only', 'invalid-argument')) }
    }
    watch(event.sender)
    const id = event.sender.id
    const reply = await pages.call(id, method, args)
    // The window closed while the call ran: its session was closed and ends what the call started.
    if (event.sender.isDestroyed()) pages.pageGone(id)
    return reply
  })
  service.events.on('event', (message) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (pages.wants(win.webContents.id, message)) win.webContents.send(IPC_EVENT, message)
    }
  })
  buildMenu()
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

// No orphans: every child stops before the app exits.
app.on('before-quit', (e) => {
  if (quitting || !service) return
  e.preventDefault()
  quitting = true
  void service.shutdown().finally(() => app.quit())
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => app.quit())
