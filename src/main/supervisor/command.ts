// Turns a program's command into what execve gets, as supervisord does: split like a POSIX
// shell would split words (no shell runs: no pipes, no globbing, no $VARS), the first word
// resolved on the program's PATH, and the same complaints when it cannot be run.
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { split } from 'shlex'

export class BadCommandError extends Error {}

interface ResolvedCommand {
  file: string
  argv: string[]
}

export function resolveCommand(command: string, pathEnv: string | undefined): ResolvedCommand {
  let argv: string[]
  try {
    argv = split(command)
  } catch (e) {
    throw new BadCommandError(`can't parse command '${command}': ${(e as Error).message}`)
  }
  if (argv.length === 0) throw new BadCommandError('command is empty')
  const program = argv[0]
  let file = program
  if (!program.includes('/')) {
    const dirs = (pathEnv ?? '/bin:/usr/bin:/usr/local/bin').split(delimiter)
    const found = dirs.map((d) => join(d, program)).find((f) => exists(f))
    if (found) file = found
  }
  let st
  try {
    st = statSync(file)
  } catch {
    throw new BadCommandError(`can't find command '${file}'`)
  }
  if (st.isDirectory()) throw new BadCommandError(`command at '${file}' is a directory`)
  try {
    accessSync(file, constants.X_OK)
  } catch {
    throw new BadCommandError(`command at '${file}' is not executable`)
  }
  return { file, argv }
}

function exists(f: string): boolean {
  try {
    statSync(f)
    return true
  } catch {
    return false
  }
}
