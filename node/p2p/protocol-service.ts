/**
 * The Startable shell every loopnet request/response protocol shares (fetch, sync): register a
 * stream handler for its protocol id on start, unregister on stop, both idempotent. Subclasses
 * hold only their protocol's logic, as js-libp2p's ping does.
 */
import type { Connection, Startable, Stream } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'

export interface StreamLimits {
  maxInboundStreams: number
  maxOutboundStreams: number
}

export abstract class ProtocolService implements Startable {
  readonly protocol: string
  private readonly registrar: Registrar
  private readonly limits: StreamLimits
  private started = false

  constructor(registrar: Registrar, protocol: string, limits: StreamLimits) {
    this.registrar = registrar
    this.protocol = protocol
    this.limits = limits
    this.handle = this.handle.bind(this)
  }

  /** Server side of one inbound stream. */
  protected abstract handle(stream: Stream, connection: Connection): Promise<void>

  async start(): Promise<void> {
    if (this.started) return
    await this.registrar.handle(this.protocol, this.handle, { ...this.limits })
    this.started = true
  }

  async stop(): Promise<void> {
    if (!this.started) return
    await this.registrar.unhandle(this.protocol)
    this.started = false
  }

  isStarted(): boolean {
    return this.started
  }
}
