import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

const root = __dirname
const alias = { '@shared': resolve(root, 'src/shared') }

export default defineConfig({
  // Electron main process + the headless CLI (out/main/index.js, out/main/cli.js).
  // Dependencies stay external (electron-vite's default build.externalizeDeps).
  main: {
    resolve: { alias },
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          index: resolve(root, 'src/main/index.ts'),
          cli: resolve(root, 'src/main/cli/index.ts'),
        },
        // Format follows package.json: no "type": "module" -> CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].js' },
      },
    },
  },
  // Sandboxed preload: must be a single CommonJS file, out/preload/index.js.
  preload: {
    resolve: { alias },
    build: {
      outDir: 'out/preload',
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].js' },
      },
    },
  },
  // Renderer: served from file:// by Electron and over http by the web bridge,
  // hence the relative base.
  renderer: {
    root: resolve(root, 'src/renderer'),
    base: './',
    resolve: { alias },
    plugins: [svelte({ configFile: resolve(root, 'svelte.config.mjs') })],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: {
        input: { index: resolve(root, 'src/renderer/index.html') },
      },
    },
  },
})
