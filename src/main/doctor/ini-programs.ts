// The programs a set of supervisor files defines together: a [group:x] in one file may name
// programs of its folder's other files (the loader given the folder reads them all).
import { IniDocument } from '../supervisor/ini-parser'
import type { DoctorFile } from './deployment'

/** The [program:x] names the set's supervisor files define. */
export function programsDefined(files: readonly DoctorFile[]): Set<string> {
  const out = new Set<string>()
  for (const f of files) {
    if (f.kind !== 'supervisor') continue
    const doc = new IniDocument()
    try {
      doc.read(f.text, f.path)
    } catch {
      continue // the syntax error is reported by the checker
    }
    for (const name of doc.sections.keys()) if (name.startsWith('program:')) out.add(name.slice('program:'.length))
  }
  return out
}
