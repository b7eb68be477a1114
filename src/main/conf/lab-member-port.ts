// A lab member's port belongs to the lab, not to its file alone: lab.json, lab.ini (the
// ready check, depends_on) and the other members' files (replicaof, sentinel monitor,
// known-* lines) name it too. CONFIG SET port would rebind the node at once and a restart
// would start it elsewhere; either way the sentinels and replicas lose it. So an editor
// saving another port there gets a located error instead (membership changes ports).
import type { ConfDiagnostic } from '../../shared/conf'
import { RedisConfDocument } from './redis-doc'

export function labMemberPortDiagnostics(file: string, text: string, member: { name: string; port: number }, labName: string): ConfDiagnostic[] {
  const doc = RedisConfDocument.parse(text)
  const ports = doc.find(['port'])
  const last = ports[ports.length - 1]
  if (!last) {
    return [{
      file, line: 1, column: 1, endColumn: 1, directive: 'port', severity: 'error', code: 'lab-port',
      message: `${member.name} of the lab ${labName} runs on port ${member.port}: keep 'port ${member.port}' in its file (without it Redis would use its default port)`,
    }]
  }
  const token = last.line.tokens[1]
  if (token?.value === String(member.port)) return []
  return [{
    file,
    line: last.index + 1,
    column: (token ?? last.line.tokens[0]).start + 1,
    endColumn: (token ?? last.line.tokens[0]).end + 1,
    directive: 'port',
    severity: 'error',
    code: 'lab-port',
    message: `${member.name} of the lab ${labName} runs on port ${member.port}, and the lab's other files name that port: it cannot change here (add a member, or create a lab with another base port)`,
  }]
}
