// Sandboxed preload: the renderer's only door to the main process. It exposes two
// functions, a call and an event subscription, on the one typed contract; nothing of
// Node or Electron leaks through. Bundled to one CommonJS file (sandboxed preloads cannot
// load modules), so it imports only 'electron' and the shared constants.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { IPC_CALL, IPC_EVENT, type ApiEventMessage } from '../shared/api'

interface PreloadBridge {
  call(method: string, args: unknown[]): Promise<unknown>
  onEvent(listener: (message: ApiEventMessage) => void): () => void
}

const bridge: PreloadBridge = {
  call: (method, args) => ipcRenderer.invoke(IPC_CALL, method, args),
  onEvent: (listener) => {
    const handler = (_e: IpcRendererEvent, message: ApiEventMessage): void => listener(message)
    ipcRenderer.on(IPC_EVENT, handler)
    return () => ipcRenderer.off(IPC_EVENT, handler)
  },
}

contextBridge.exposeInMainWorld('sentinelLab', bridge)
