// The layering DESIGN.md draws, checked on the source: each folder of src/main imports only
// from the folders below it, and no file is part of an import circle.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '..')
const MAIN = join(ROOT, 'src/main')

/** Top to bottom: a folder may import from the folders after it, never from those before it. */
const LAYERS = ['cli', 'transport', 'app', 'doctor', 'drill', 'lab', 'links', 'conf', 'supervisor', 'sentinel', 'logs', 'platform']
/** The engines share the bottom row: none of them imports another. */
const ENGINES = new Set(['supervisor', 'sentinel', 'logs'])

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return sourceFiles(p)
    return p.endsWith('.ts') ? [p] : []
  })
}

function resolveImport(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec)
  for (const candidate of [base + '.ts', join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate
  }
  return null
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1])
  return specs.map((s) => resolveImport(file, s)).filter((p): p is string => p !== null)
}

const files = [...sourceFiles(MAIN), ...sourceFiles(join(ROOT, 'src/shared'))]
const graph = new Map(files.map((f) => [f, importsOf(f)]))
const rel = (f: string): string => relative(ROOT, f)
const folderOf = (f: string): string | null => {
  const r = relative(MAIN, f)
  return r.startsWith('..') || !r.includes('/') ? null : r.split('/')[0]
}

describe('the layout shows the architecture', () => {
  it('has no folder under src/main that the layer list does not name', () => {
    const folders = readdirSync(MAIN).filter((n) => statSync(join(MAIN, n)).isDirectory())
    expect(folders.filter((f) => !LAYERS.includes(f))).toEqual([])
  })

  it('imports only downwards: each folder of src/main from the folders below it', () => {
    const upward: string[] = []
    for (const [file, deps] of graph) {
      const from = folderOf(file)
      if (from === null) continue
      for (const dep of deps) {
        const to = folderOf(dep)
        if (to === null || to === from) continue
        const sideways = ENGINES.has(from) && ENGINES.has(to)
        if (sideways || LAYERS.indexOf(to) < LAYERS.indexOf(from)) upward.push(`${rel(file)} -> ${rel(dep)}`)
      }
    }
    expect(upward).toEqual([])
  })

  it('keeps src/shared free of the main process: it imports nothing outside itself', () => {
    const out = [...graph].flatMap(([f, deps]) => (rel(f).startsWith('src/shared/') ? deps.filter((d) => !rel(d).startsWith('src/shared/')).map((d) => `${rel(f)} -> ${rel(d)}`) : []))
    expect(out).toEqual([])
  })

  it('has no import circle anywhere', () => {
    const circles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const stack: string[] = []
    const visit = (f: string): void => {
      state.set(f, 'open')
      stack.push(f)
      for (const d of graph.get(f) ?? []) {
        if (state.get(d) === 'open') circles.push([...stack.slice(stack.indexOf(d)), d].map(rel).join(' -> '))
        else if (!state.has(d)) visit(d)
      }
      stack.pop()
      state.set(f, 'done')
    }
    for (const f of graph.keys()) if (!state.has(f)) visit(f)
    expect(circles).toEqual([])
  })
})
