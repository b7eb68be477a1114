// The files `sentinel-lab doctor PATH...` reads: each file given, and the *.conf / *.ini
// files of each folder given, down to two levels of subfolders (a lab folder keeps each
// node's and sentinel's file one level down). Each file is read once, whatever the paths.
import { readFileSync, readdirSync, realpathSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { globSync } from 'tinyglobby'
import { detectConfKind } from '../conf/kind'
import { IniDocument } from '../supervisor/ini-parser'
import { pyFormat } from '../supervisor/py-format'
import type { DoctorFile } from './deployment'

export class PathError extends Error {}

const MAX_DEPTH = 2
const CONFIG = /\.(conf|ini)$/i
const SKIP_DIR = /^(\.|node_modules$)/

function scan(dir: string, depth: number, out: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
  for (const e of entries) {
    const path = join(dir, e.name)
    if (e.isFile() && CONFIG.test(e.name)) out.push(path)
    else if (e.isDirectory() && depth < MAX_DEPTH && !SKIP_DIR.test(e.name)) scan(path, depth + 1, out)
  }
}

/** The config files under `paths`; throws PathError naming the first path that is missing or unreadable. */
export function collectFiles(paths: readonly string[]): DoctorFile[] {
  const found: string[] = []
  for (const p of paths) {
    let st
    try {
      st = statSync(p)
    } catch (e) {
      throw new PathError(`${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message}`)
    }
    if (st.isDirectory()) {
      const before = found.length
      try {
        scan(p, 0, found)
      } catch (e) {
        throw new PathError(`${p}: cannot read the folder: ${(e as Error).message}`)
      }
      if (found.length === before) throw new PathError(`${p}: the folder holds no *.conf or *.ini file`)
    } else found.push(p)
  }
  const seen = new Set<string>()
  const files: DoctorFile[] = []
  for (const path of found) {
    const key = realpathSync(path)
    if (seen.has(key)) continue
    seen.add(key)
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (e) {
      throw new PathError(`${path}: cannot read it: ${(e as Error).message}`)
    }
    const kind = detectConfKind(path, text)
    files.push({ path, kind, text })
    // A supervisord.conf given alone brings its programs along: read what it [include]s.
    if (kind === 'supervisor') for (const inc of includedFiles(path, text)) if (!found.includes(inc)) found.push(inc)
  }
  return files
}

/** The files an [include] files= of a supervisor config names (globs relative to it), as supervisord finds them. */
function includedFiles(path: string, text: string): string[] {
  const doc = new IniDocument()
  try {
    doc.read(text, path)
  } catch {
    return []
  }
  const opt = doc.sections.get('include')?.options.get('files')
  if (!opt) return []
  let value = opt.value
  try {
    value = pyFormat(value, { here: dirname(resolve(path)) })
  } catch {
    // kept as written: a pattern supervisord would reject matches nothing here either
  }
  return value.split(/\s+/).filter(Boolean)
    .flatMap((pattern) => globSync(resolve(dirname(path), pattern), { absolute: true, onlyFiles: true, expandDirectories: false }).sort())
}
