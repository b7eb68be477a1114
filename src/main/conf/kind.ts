// Which kind of config a file is: the name decides when it can (*.ini, sentinel*.conf),
// else the content (supervisor section headers, `sentinel` directives), else redis.conf.
import { basename } from 'node:path'
import type { ConfKind } from '../../shared/conf'

const SUPERVISOR_SECTION = /^[ \t]*\[(program|group|supervisord|supervisorctl|include|unix_http_server|inet_http_server|rpcinterface|eventlistener|fcgi-program)(:[^\]]*)?\][ \t]*$/m
const SENTINEL_LINE = /^[ \t]*sentinel[ \t]+[a-z-]+/im

/** From the name (*.ini, sentinel*.conf) and, failing that, the content (`sentinel` directives, [program:x] sections). */
export function detectConfKind(path: string, text: string): ConfKind {
  const name = basename(path).toLowerCase()
  if (name.endsWith('.ini')) return 'supervisor'
  if (name.includes('sentinel') && name.endsWith('.conf')) return 'sentinel'
  if (name.includes('supervisord')) return 'supervisor'
  if (SUPERVISOR_SECTION.test(text)) return 'supervisor'
  if (SENTINEL_LINE.test(text)) return 'sentinel'
  return 'redis'
}
