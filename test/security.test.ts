// Static checks of the Electron security posture and the process-spawning rules. They read
// the sources (and the built preload) with TypeScript's parser, so comments and strings do
// not fool them, and each one fails with the file and the offending code.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Script } from 'node:vm'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { isAppPage } from '../src/main/transport/ipc-sender'

const root = resolve(__dirname, '..')
const src = join(root, 'src')
const rel = (p: string): string => relative(root, p).split(sep).join('/')

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })
}

const CODE = /\.(ts|tsx|mts|cts|js|mjs|cjs|svelte)$/
const sourceFiles = walk(src).filter((f) => CODE.test(f) && !f.endsWith('.d.ts'))

/** The script part of a file: the whole file, or a .svelte file's <script> blocks. */
function scriptText(file: string): string {
  const text = readFileSync(file, 'utf8')
  if (!file.endsWith('.svelte')) return text
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n;\n')
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, scriptText(file), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
}

/** Every module a file loads: static and type imports, re-exports, import(), require(). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(scriptText(file), true, true)
  return info.importedFiles.map((f) => f.fileName)
}

function visit(node: ts.Node, fn: (n: ts.Node) => void): void {
  fn(node)
  node.forEachChild((c) => visit(c, fn))
}

const where = (sf: ts.SourceFile, n: ts.Node): string =>
  `${rel(sf.fileName)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}: ${n.getText().slice(0, 120)}`

describe('Electron window', () => {
  const file = join(src, 'main', 'index.ts')

  it('creates every BrowserWindow with contextIsolation, sandbox and no nodeIntegration', () => {
    const sf = parse(file)
    const windows: ts.NewExpression[] = []
    visit(sf, (n) => {
      if (ts.isNewExpression(n) && n.expression.getText() === 'BrowserWindow') windows.push(n)
    })
    expect(windows.length, 'src/main/index.ts should create a BrowserWindow').toBeGreaterThan(0)
    for (const win of windows) {
      const options = win.arguments?.[0]
      expect(options && ts.isObjectLiteralExpression(options), `${where(sf, win)}: options must be an object literal`).toBe(true)
      const prefsProp = (options as ts.ObjectLiteralExpression).properties.find(
        (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === 'webPreferences',
      )
      expect(prefsProp && ts.isObjectLiteralExpression(prefsProp.initializer), `${where(sf, win)}: webPreferences must be an object literal`).toBe(true)
      const prefs = prefsProp!.initializer as ts.ObjectLiteralExpression
      expect(prefs.properties.some((p) => ts.isSpreadAssignment(p)), `${where(sf, prefs)}: no spread in webPreferences`).toBe(false)
      const value = (key: string): string | undefined =>
        prefs.properties
          .filter((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === key)
          .map((p) => p.initializer.getText())
          .at(-1)
      expect(value('contextIsolation'), 'contextIsolation').toBe('true')
      expect(value('sandbox'), 'sandbox').toBe('true')
      expect(value('nodeIntegration'), 'nodeIntegration').toBe('false')
      // Not set, or set to the safe value.
      expect([undefined, 'false']).toContain(value('nodeIntegrationInWorker'))
      expect([undefined, 'false']).toContain(value('nodeIntegrationInSubFrames'))
      expect([undefined, 'true']).toContain(value('webSecurity'))
      expect([undefined, 'false']).toContain(value('allowRunningInsecureContent'))
      expect([undefined, 'false']).toContain(value('webviewTag'))
      // The preload is the CommonJS bundle (a sandboxed preload cannot be an ES module).
      expect(value('preload')).toMatch(/['"]\.\.\/preload\/index\.js['"]/)
    }
  })
})

describe('IPC callers', () => {
  const page = { file: '/opt/Sentinel Lab/resources/app.asar/out/renderer/index.html', packaged: true }

  it("accepts the app's own index.html (with a hash or query), and nothing else from file://", () => {
    expect(isAppPage(pathToFileURL(page.file).href, page)).toBe(true)
    expect(isAppPage(`${pathToFileURL(page.file).href}#/drills?x=1`, page)).toBe(true)
    expect(isAppPage('file:///tmp/evil.html', page)).toBe(false)
    expect(isAppPage('file:///opt/Sentinel%20Lab/resources/app.asar/out/renderer/index.html.evil.html', page)).toBe(false)
    expect(isAppPage('file://host/opt/Sentinel%20Lab/resources/app.asar/out/renderer/index.html', page)).toBe(false)
    expect(isAppPage('', page)).toBe(false)
    expect(isAppPage('not a url', page)).toBe(false)
  })

  it('accepts the dev server only in development, by its exact origin', () => {
    const dev = { ...page, packaged: false, devUrl: 'http://localhost:5173' }
    expect(isAppPage('http://localhost:5173/index.html', dev)).toBe(true)
    expect(isAppPage('http://localhost:51730/', dev)).toBe(false)
    expect(isAppPage('http://localhost:5173.evil.example/', dev)).toBe(false)
    // A packaged app ignores ELECTRON_RENDERER_URL, whoever set it.
    expect(isAppPage('http://localhost:5173/index.html', { ...dev, packaged: true })).toBe(false)
    expect(isAppPage('https://example.com/', page)).toBe(false)
  })

  it('the shell refuses every permission request and every permission check', () => {
    const text = readFileSync(join(src, 'main', 'index.ts'), 'utf8')
    expect(text).toMatch(/setPermissionRequestHandler\(\(_wc, _perm, cb\) => cb\(false\)\)/)
    expect(text).toMatch(/setPermissionCheckHandler\(\(\) => false\)/)
    expect(text).toMatch(/isAppPage\(event\.senderFrame\?\.url/)
  })
})

describe('preload bundle', () => {
  const file = join(root, 'out', 'preload', 'index.js')

  it('is CommonJS that requires only electron', () => {
    if (!existsSync(file)) throw new Error(`${rel(file)} is missing: build the app first (\`npx electron-vite build\`, or \`npm test\`)`)
    const code = readFileSync(file, 'utf8')
    expect(code, 'no top-level import statements').not.toMatch(/^\s*import\s*[\w{*'"]/m)
    expect(code, 'no export statements').not.toMatch(/^\s*export\s/m)
    expect(code).toMatch(/require\(\s*["']electron["']\s*\)/)
    // It must compile as a classic script (ESM syntax would be a SyntaxError here).
    expect(() => new Script(code, { filename: file })).not.toThrow()
    // A sandboxed preload can require only a few modules; this one needs only electron.
    const required = [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1])
    expect([...new Set(required)]).toEqual(['electron'])
  })
})

describe('renderer page', () => {
  function csp(file: string): Map<string, string[]> {
    const html = readFileSync(file, 'utf8')
    const metas = [...html.matchAll(/<meta\b[^>]*>/gi)].map((m) => m[0]).filter((m) => /http-equiv\s*=\s*["']content-security-policy["']/i.test(m))
    expect(metas.length, `${rel(file)} should have exactly one CSP meta`).toBe(1)
    const content = /content\s*=\s*"([^"]*)"/i.exec(metas[0]!)?.[1] ?? /content\s*=\s*'([^']*)'/i.exec(metas[0]!)?.[1]
    expect(content, `${rel(file)}: CSP meta without content`).toBeTruthy()
    return new Map(
      content!
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map((d) => [d[0]!.toLowerCase(), d.slice(1)]),
    )
  }

  for (const file of [join(src, 'renderer', 'index.html'), join(root, 'out', 'renderer', 'index.html')]) {
    it(`${rel(file)} has a CSP with default-src 'self' and no 'unsafe-eval'`, () => {
      if (!existsSync(file)) throw new Error(`${rel(file)} is missing: build the app first`)
      const policy = csp(file)
      expect(policy.get('default-src')).toContain("'self'")
      const all = [...policy.values()].flat()
      expect(all).not.toContain("'unsafe-eval'")
      expect(all).not.toContain("'wasm-unsafe-eval'")
      expect(policy.get('default-src')).not.toContain('*')
      // Scripts: never inline (default-src applies when script-src is absent).
      expect(policy.get('script-src') ?? policy.get('default-src')).not.toContain("'unsafe-inline'")
      expect(policy.get('object-src')).toEqual(["'none'"])
    })
  }
})

describe('module boundaries', () => {
  it('finds the sources', () => {
    expect(sourceFiles.map(rel)).toContain('src/main/index.ts')
    expect(sourceFiles.map(rel)).toContain('src/preload/index.ts')
    expect(sourceFiles.map(rel)).toContain('src/renderer/main.ts')
  })

  it("imports 'electron' only in src/main/index.ts and src/preload/", () => {
    const offenders = sourceFiles
      .filter((f) => rel(f) !== 'src/main/index.ts' && !rel(f).startsWith('src/preload/'))
      .flatMap((f) => importsOf(f).filter((m) => m === 'electron' || m.startsWith('electron/')).map((m) => `${rel(f)} imports '${m}'`))
    expect(offenders).toEqual([])
  })

  it('keeps the renderer free of Node modules and of src/main', () => {
    const builtins = new Set(builtinModules)
    const mainDir = join(src, 'main')
    const offenders = sourceFiles
      .filter((f) => rel(f).startsWith('src/renderer/'))
      .flatMap((f) =>
        importsOf(f)
          .filter((m) => {
            if (m.startsWith('node:') || builtins.has(m) || builtins.has(m.split('/')[0]!)) return true
            if (m === 'electron' || m.startsWith('electron/')) return true
            if (m.startsWith('.')) {
              const target = resolve(dirname(f), m)
              return target === mainDir || target.startsWith(mainDir + sep)
            }
            return /(^|\/)src\/main(\/|$)/.test(m)
          })
          .map((m) => `${rel(f)} imports '${m}'`),
      )
    expect(offenders).toEqual([])
  })
})

describe('child processes', () => {
  const CHILD_PROCESS = new Set(['child_process', 'node:child_process'])
  const SPAWNERS = new Set(['spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork', 'exec', 'execSync'])

  it('never runs a command through a shell', () => {
    const offenders: string[] = []
    for (const f of sourceFiles) {
      const sf = parse(f)
      const namespaces = new Set<string>()
      visit(sf, (n) => {
        // import { exec } / import * as cp / import cp from 'child_process'
        if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && CHILD_PROCESS.has(n.moduleSpecifier.text)) {
          const b = n.importClause?.namedBindings
          if (n.importClause?.name) namespaces.add(n.importClause.name.text)
          if (b && ts.isNamespaceImport(b)) namespaces.add(b.name.text)
          if (b && ts.isNamedImports(b)) {
            for (const e of b.elements) {
              const imported = (e.propertyName ?? e.name).text
              if (imported === 'exec' || imported === 'execSync') offenders.push(`${where(sf, e)} (use execFile/execFileSync)`)
            }
          }
        }
        // require('child_process') in any form
        if (
          ts.isCallExpression(n) &&
          n.expression.getText() === 'require' &&
          n.arguments[0] &&
          ts.isStringLiteral(n.arguments[0]) &&
          CHILD_PROCESS.has(n.arguments[0].text)
        ) {
          const parent = n.parent
          if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) namespaces.add(parent.name.text)
          else if (ts.isVariableDeclaration(parent) && ts.isObjectBindingPattern(parent.name)) {
            for (const e of parent.name.elements) {
              const imported = (e.propertyName ?? e.name).getText()
              if (imported === 'exec' || imported === 'execSync') offenders.push(`${where(sf, e)} (use execFile/execFileSync)`)
            }
          } else if (ts.isPropertyAccessExpression(parent) && (parent.name.text === 'exec' || parent.name.text === 'execSync')) {
            offenders.push(where(sf, parent))
          }
        }
        // { shell: <anything but false> } anywhere
        if (ts.isPropertyAssignment(n) && n.name.getText().replace(/['"]/g, '') === 'shell' && n.initializer.kind !== ts.SyntaxKind.FalseKeyword) {
          offenders.push(`${where(sf, n)} (no shell option)`)
        }
        if (ts.isShorthandPropertyAssignment(n) && n.name.text === 'shell') offenders.push(`${where(sf, n)} (no shell option)`)
      })
      // cp.exec(...) / cp.execSync(...) through a namespace
      visit(sf, (n) => {
        if (
          ts.isPropertyAccessExpression(n) &&
          ts.isIdentifier(n.expression) &&
          namespaces.has(n.expression.text) &&
          (n.name.text === 'exec' || n.name.text === 'execSync')
        ) {
          offenders.push(`${where(sf, n)} (use execFile/execFileSync)`)
        }
      })
      // Calls of the spawning functions must not pass an options object built elsewhere with a shell.
      visit(sf, (n) => {
        if (!ts.isCallExpression(n)) return
        const callee = ts.isPropertyAccessExpression(n.expression) ? n.expression.name.text : n.expression.getText()
        if (!SPAWNERS.has(callee)) return
        for (const a of n.arguments) {
          if (ts.isObjectLiteralExpression(a) && a.properties.some((p) => ts.isSpreadAssignment(p) && /shell/i.test(p.getText()))) {
            offenders.push(`${where(sf, a)} (spread of shell options)`)
          }
        }
      })
      // Belt and braces on the raw text.
      const text = readFileSync(f, 'utf8')
      for (const m of text.matchAll(/\bshell\s*:\s*true\b/g)) offenders.push(`${rel(f)}: '${m[0]}'`)
    }
    expect([...new Set(offenders)]).toEqual([])
  })

  it('finds the spawning code it checks', () => {
    // Guards against the check passing vacuously if the spawning code moves or is renamed.
    const spawning = sourceFiles.filter((f) => importsOf(f).some((m) => CHILD_PROCESS.has(m))).map(rel)
    expect(spawning).toEqual(expect.arrayContaining(['src/main/supervisor/process.ts']))
  })
})
