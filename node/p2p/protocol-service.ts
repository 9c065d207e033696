/**
 * The shell every loopnet request/response protocol shares (fetch, sync): one length-prefixed
 * request, one length-prefixed response, on a fresh stream, under a time limit. Startable:
 * registers its stream handler on start, unregisters on stop, both idempotent. Subclasses hold
 * only their protocol's messages, as js-libp2p's ping does.
 */
import type { AbortOptions, Connection, PeerId, Startable, Stream } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import { lpStream } from '@libp2p/utils'

export interface ProtocolServiceComponents {
  registrar: Registrar
  connectionManager: ConnectionManager
}

/** What a user of a protocol may set (fileFetch, recordSync init); each has a default. */
export interface ProtocolServiceLimits {
  /** Per-request time limit (client and server), ms; default DEFAULT_TIMEOUT_MS. */
  timeout?: number
  /** Default: the protocol's `streams`. */
  maxInboundStreams?: number
  /** Default: the protocol's `streams`. */
  maxOutboundStreams?: number
}

/** What a protocol fixes (the subclass). */
export interface ProtocolSpec {
  protocol: string
  /** Default number of concurrent streams, inbound and outbound. */
  streams: number
  /** A request longer than this is not one of ours: the stream is aborted unread. */
  maxRequestBytes: number
  /** Largest response a client reads. */
  maxResponseBytes: number
}

const DEFAULT_TIMEOUT_MS = 30_000

type ProtocolServiceInit = Omit<ProtocolSpec, 'streams'> & Required<ProtocolServiceLimits>

export abstract class ProtocolService implements Startable {
  readonly protocol: string
  private readonly components: ProtocolServiceComponents
  private readonly init: ProtocolServiceInit
  private started = false

  constructor(
    components: ProtocolServiceComponents,
    spec: ProtocolSpec,
    limits: ProtocolServiceLimits = {},
  ) {
    this.components = components
    this.init = {
      protocol: spec.protocol,
      maxRequestBytes: spec.maxRequestBytes,
      maxResponseBytes: spec.maxResponseBytes,
      timeout: limits.timeout ?? DEFAULT_TIMEOUT_MS,
      maxInboundStreams: limits.maxInboundStreams ?? spec.streams,
      maxOutboundStreams: limits.maxOutboundStreams ?? spec.streams,
    }
    this.protocol = spec.protocol
    this.handle = this.handle.bind(this)
  }

  /** Server side: the response to one request (throwing aborts the stream). */
  protected abstract respond(request: Uint8Array): Uint8Array

  async start(): Promise<void> {
    if (this.started) return
    await this.components.registrar.handle(this.protocol, this.handle, {
      maxInboundStreams: this.init.maxInboundStreams,
      maxOutboundStreams: this.init.maxOutboundStreams,
    })
    this.started = true
  }

  async stop(): Promise<void> {
    if (!this.started) return
    await this.components.registrar.unhandle(this.protocol)
    this.started = false
  }

  isStarted(): boolean {
    return this.started
  }

  /** Client side: sends one request to a peer and returns its response's bytes. */
  protected async request(
    peer: PeerId,
    request: Uint8Array,
    options: AbortOptions = {},
  ): Promise<Uint8Array> {
    const signal = AbortSignal.any([
      AbortSignal.timeout(this.init.timeout),
      ...(options.signal !== undefined ? [options.signal] : []),
    ])
    const stream = await this.components.connectionManager.openStream(peer, this.protocol, {
      signal,
    })
    try {
      const lp = lpStream(stream, { maxDataLength: this.init.maxResponseBytes })
      await lp.write(request, { signal })
      const bytes = (await lp.read({ signal })).subarray()
      await stream.close({ signal })
      return bytes
    } catch (err) {
      stream.abort(err as Error)
      throw err
    }
  }

  private async handle(stream: Stream, _connection: Connection): Promise<void> {
    const signal = AbortSignal.timeout(this.init.timeout)
    try {
      const lp = lpStream(stream, { maxDataLength: this.init.maxRequestBytes })
      const request = (await lp.read({ signal })).subarray()
      await lp.write(this.respond(request), { signal })
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err as Error)
    }
  }
}
