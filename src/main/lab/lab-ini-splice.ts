// lab.ini edited section by section when a member joins or leaves a running lab: every
// other program's section stays byte for byte, so the supervisor's update touches only the
// member in question.
import type { Lab } from './layout'
import { renderLabIni } from './render'

interface IniSection {
  /** "program:redis-master" */
  key: string
  text: string
}

function splitIni(text: string): { head: string; sections: IniSection[] } {
  const lines = text.split('\n')
  const head: string[] = []
  const sections: IniSection[] = []
  for (const line of lines) {
    const m = /^\s*\[([^\]]+)\]/.exec(line)
    if (m) sections.push({ key: m[1].trim(), text: line })
    else if (sections.length === 0) head.push(line)
    else sections[sections.length - 1].text += `\n${line}`
  }
  const trim = (s: string): string => s.replace(/\s+$/, '')
  return { head: trim(head.join('\n')), sections: sections.map((s) => ({ ...s, text: trim(s.text) })) }
}

function joinIni(head: string, sections: IniSection[]): string {
  return `${[head, ...sections.map((s) => s.text)].filter((x) => x !== '').join('\n\n')}\n`
}

const DEPENDS_ON = /^[ \t]*depends_on[ \t]*[=:](.*)$/m

/** The names a program's depends_on lists in `ini`. */
export function dependsOnOf(ini: string, program: string): string[] {
  const s = splitIni(ini).sections.find((x) => x.key === `program:${program}`)
  const m = s && DEPENDS_ON.exec(s.text)
  return m ? m[1].split(',').map((x) => x.trim()).filter(Boolean) : []
}

/** The programs whose depends_on names `name`. */
export function dependentsOf(ini: string, name: string): string[] {
  return splitIni(ini).sections
    .filter((s) => s.key.startsWith('program:'))
    .map((s) => s.key.slice('program:'.length))
    .filter((p) => dependsOnOf(ini, p).includes(name))
}

/**
 * lab.ini with one change, everything else byte for byte: `add` takes the member's section
 * from renderLabIni(lab) without depends_on (it joins a running lab); `remove` drops one;
 * `dropDependency` takes names out of one program's depends_on.
 */
export function spliceIni(ini: string, lab: Lab, change: { add?: string; remove?: string; dropDependency?: { program: string; names: string[] } }): string {
  const { head, sections } = splitIni(ini)
  let out = sections
  let newHead = head
  if (change.add !== undefined || change.remove !== undefined) {
    const rendered = splitIni(renderLabIni(lab))
    // The generated comment says how many replicas and sentinels there are: keep it true.
    if (head.startsWith('; Sentinel Lab "')) newHead = rendered.head
    if (change.add !== undefined) {
      const key = `program:${change.add}`
      const section = rendered.sections.find((s) => s.key === key)
      if (!section) throw new Error(`renderLabIni has no [${key}]`)
      const text = section.text.split('\n').filter((l) => !DEPENDS_ON.test(l)).join('\n')
      const isSentinel = lab.sentinels.some((s) => s.name === change.add)
      const kin = isSentinel ? lab.sentinels.map((s) => `program:${s.name}`) : lab.nodes.map((n) => `program:${n.name}`)
      const after = out.map((s) => s.key).reduce((last, k, i) => (kin.includes(k) ? i : last), -1)
      const at = after >= 0 ? after + 1 : out.length
      out = [...out.slice(0, at), { key, text }, ...out.slice(at)]
    }
    if (change.remove !== undefined) out = out.filter((s) => s.key !== `program:${change.remove}`)
  }
  if (change.dropDependency) {
    const { program, names } = change.dropDependency
    out = out.map((s) => {
      if (s.key !== `program:${program}`) return s
      const text = s.text.split('\n').flatMap((line) => {
        const m = DEPENDS_ON.exec(line)
        if (!m) return [line]
        const keep = m[1].split(',').map((x) => x.trim()).filter((x) => x && !names.includes(x))
        return keep.length ? [`depends_on=${keep.join(',')}`] : []
      }).join('\n')
      return { ...s, text }
    })
  }
  return joinIni(newHead, out)
}
