// The line ending a new line gets: the one most lines of the file use, so that an edit of
// a CRLF file stays CRLF ('\n' for an empty file or a tie).
export function dominantEol(lines: readonly { eol: string }[]): string {
  let crlf = 0
  let lf = 0
  for (const l of lines) {
    if (l.eol === '\r\n') crlf++
    else if (l.eol === '\n') lf++
  }
  return crlf > lf ? '\r\n' : '\n'
}
