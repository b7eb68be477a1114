// Who a server says it is in INFO server. Redis: redis_version and redis_mode. Valkey also
// reports a redis_version (7.2.4, kept for old clients), but names itself in server_name,
// its own version in valkey_version and its mode in server_mode, not redis_mode.

export interface ServerIdentity {
  product: 'redis' | 'valkey'
  /** The product's own version: '7.0.15', '8.0.1'; '' when INFO does not say. */
  version: string
  mode: 'standalone' | 'sentinel' | 'cluster' | ''
}

/** The identity in INFO server's fields (infoFields of the reply). */
export function serverIdentity(fields: ReadonlyMap<string, string>): ServerIdentity {
  const name = (fields.get('server_name') ?? '').toLowerCase()
  const product = name === 'valkey' || fields.has('valkey_version') ? 'valkey' : 'redis'
  const version = (product === 'valkey' ? fields.get('valkey_version') : fields.get('redis_version')) ?? ''
  const mode = fields.get('server_mode') ?? fields.get('redis_mode') ?? ''
  return { product, version, mode: mode === 'standalone' || mode === 'sentinel' || mode === 'cluster' ? mode : '' }
}

/** 'Redis 7.0.15', 'Valkey 8.0.1 sentinel'. */
export function identityName(id: ServerIdentity): string {
  return `${id.product === 'valkey' ? 'Valkey' : 'Redis'}${id.version ? ` ${id.version}` : ''}${id.mode === 'sentinel' ? ' sentinel' : ''}`
}
