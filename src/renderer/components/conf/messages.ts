// Messages about a line, said once: the checks' messages usually start with their directive
// ("maxmemory: '1gib' is not a size…"), so a place that also names the directive would say
// it twice ("line 16 (maxmemory) maxmemory: …").

/** The message already names its directive first. */
export function namesSubject(message: string, directive: string | null | undefined): boolean {
  if (!directive) return false
  const m = message.trimStart().toLowerCase()
  const d = directive.toLowerCase()
  return m.startsWith(d) && (m.length === d.length || /[\s:,.(]/.test(m[d.length]!))
}

/** Where a diagnostic is, for a list: "line 16", with its directive unless the message names it. */
export function placeOf(d: { line: number; directive: string | null; message: string }): string {
  return namesSubject(d.message, d.directive) ? `line ${d.line}` : `line ${d.line}${d.directive ? ` (${d.directive})` : ''}`
}
