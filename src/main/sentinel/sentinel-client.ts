// The sentinel-mode ioredis client of drills and benchmarks: ioredis's own SentinelConnector,
// with one defect of ioredis 6.0.0 closed.
//
// With failoverDetector on, a +switch-master that arrives while the client is between
// connections (asking a sentinel for the master, or waiting out sentinelRetryStrategy) makes
// the detector call the connector's disconnect(). That is the call a close makes: it clears
// the connector's `connecting`, the connect in progress throws "Connection is closed." when
// its sentinel answers, and ioredis ends the client for good (status end, no retry), though
// nobody closed it. After kill -9 of a master this is likely: the client retries the dead
// master every few ms (each refused attempt moves on to the next sentinel, hence "All
// sentinels are unreachable. Retrying from scratch" after every round, with every sentinel
// answering), and the detector it made before the kill fires at +switch-master, which
// found the client inside a connect in 2 of 12 fast runs of `npm run bench -- failover`.
//
// Here the detector's call is told apart from the client's: during a connect it does not
// cancel it; the connect goes on, and asks the sentinels again once it has an answer (that
// one may predate the failover). The client's own disconnect() cancels a connect as before.
import { type RedisOptions, SentinelConnector, type SentinelConnectionOptions } from 'ioredis'

type ErrorEmitter = Parameters<SentinelConnector['connect']>[0]
type NetStream = Awaited<ReturnType<SentinelConnector['connect']>>
/** ioredis's FailoverDetector (not exported): made per connection, kept in the connector's `failoverDetector`. */
interface Detector {
  cleanup(): void
}

export class SentinelModeConnector extends SentinelConnector {
  /** A connect() has not settled yet. */
  private connectPending = false
  /** The failover detector fired during the pending connect. */
  private switchedWhileConnecting = false
  /** The client called disconnect() during the pending connect (a close, or a reconnect). */
  private closedWhileConnecting = false
  /** Inside the detector's call of disconnect(). */
  private detectorCalling = false
  private detector: Detector | null = null

  /** ioredis passes a sentinel-mode client's options (sentinels, name...). */
  constructor(options: unknown) {
    super(options as SentinelConnectionOptions)
    // ioredis assigns a new detector on every connection; wrap each one's call of disconnect().
    Object.defineProperty(this, 'failoverDetector', {
      configurable: true,
      enumerable: true,
      get: () => this.detector,
      set: (d: Detector | null) => {
        this.detector = d
        if (!d) return
        const own = d as unknown as { disconnect: () => void }
        const fire = own.disconnect
        own.disconnect = () => {
          this.detectorCalling = true
          try {
            fire.call(d)
          } finally {
            this.detectorCalling = false
          }
        }
      },
    })
  }

  override disconnect(): void {
    if (this.connectPending && this.detectorCalling) {
      // A failover, not a close: the connect goes on (and asks again, see connect()).
      this.switchedWhileConnecting = true
      this.detector?.cleanup()
      return
    }
    if (this.connectPending) this.closedWhileConnecting = true
    super.disconnect()
  }

  override async connect(eventEmitter: ErrorEmitter): Promise<NetStream> {
    this.closedWhileConnecting = false
    for (;;) {
      this.switchedWhileConnecting = false
      this.connectPending = true
      let stream: NetStream
      try {
        stream = await super.connect(eventEmitter)
      } finally {
        this.connectPending = false
      }
      if (!this.switchedWhileConnecting || this.closedWhileConnecting) return stream
      // The master it found may be the one the failover replaced: drop this connection (the
      // client never saw it) and ask the sentinels again.
      stream.destroy()
    }
  }
}

/** `options` for a client in sentinel mode, with the connector above. */
export function sentinelModeOptions(options: RedisOptions & { sentinels: NonNullable<RedisOptions['sentinels']>; name: string }): RedisOptions {
  return { ...options, Connector: SentinelModeConnector }
}
