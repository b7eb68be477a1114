// depends_on, checked at load time: every name must be a program or group here, and the
// dependencies must not form a cycle (which would leave every member waiting forever).
import { ConfigError, issue } from './config-error'
import type { GroupConfig } from './program-config'

export /** depends_on must name known programs or groups, without cycles. */
function checkDependencies(groups: GroupConfig[]): void {
  const all = groups.flatMap((g) => g.processes)
  const programs = new Set(all.map((p) => p.program))
  const groupNames = new Set(groups.map((g) => g.name))
  for (const p of all) {
    for (const d of p.dependsOn) {
      if (!programs.has(d) && !groupNames.has(d)) {
        throw new ConfigError(issue('error', p.file, p.keyLines.depends_on ?? p.line, `program:${p.program}`, 'depends_on',
          `depends_on names "${d}", which is neither a program nor a group here`))
      }
    }
  }
  const visiting = new Set<string>()
  const done = new Set<string>()
  const deps = (program: string): string[] => {
    const own = all.filter((p) => p.program === program || p.group === program)
    return [...new Set(own.flatMap((p) => p.dependsOn))]
  }
  const visit = (program: string, path: string[]): void => {
    if (done.has(program)) return
    if (visiting.has(program)) {
      const p = all.find((x) => x.program === path[0]) ?? all[0]
      throw new ConfigError(issue('error', p.file, p.keyLines.depends_on ?? p.line, `program:${p.program}`, 'depends_on',
        `depends_on makes a cycle: ${[...path, program].join(' -> ')}`))
    }
    visiting.add(program)
    for (const d of deps(program)) visit(d, [...path, program])
    visiting.delete(program)
    done.add(program)
  }
  for (const p of all) visit(p.program, [])
}
