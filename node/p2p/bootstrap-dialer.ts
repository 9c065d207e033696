/**
 * Keeps this node connected to its bootstrap addresses. @libp2p/bootstrap dials each address
 * once and gives up (docs/ARCHITECTURE.md, "Network pitfalls"), so a node started before its
 * bootstrap peer would stay alone; this service retries with exponential backoff and
 * reconnects after a disconnect.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Libp2pEvents, Logger, PeerId, Startable, TypedEventTarget } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import { peerIdFromString } from '@libp2p/peer-id'
import { CODE_P2P, type Multiaddr, multiaddr } from '@multiformats/multiaddr'

export interface BootstrapDialerInit {
  list: string[]
  /** First retry delay, doubled per failure up to maxDelayMs. */
  minDelayMs?: number
  maxDelayMs?: number
}

export interface BootstrapDialerComponents {
  connectionManager: ConnectionManager
  events: TypedEventTarget<Libp2pEvents>
  logger: { forComponent(name: string): Logger }
}

function peerIdOf(addr: Multiaddr): PeerId | undefined {
  const p2p = addr.getComponents().findLast((c) => c.code === CODE_P2P)
  return p2p?.value !== undefined ? peerIdFromString(p2p.value) : undefined
}

export class BootstrapDialer implements Startable {
  private readonly components: BootstrapDialerComponents
  private readonly addrs: Multiaddr[]
  private readonly minDelayMs: number
  private readonly maxDelayMs: number
  private readonly log: Logger
  private controller: AbortController | undefined

  constructor(components: BootstrapDialerComponents, init: BootstrapDialerInit) {
    this.components = components
    this.addrs = init.list.map((a) => multiaddr(a))
    this.minDelayMs = init.minDelayMs ?? 250
    this.maxDelayMs = init.maxDelayMs ?? 30_000
    this.log = components.logger.forComponent('loopnet:bootstrap-dialer')
  }

  readonly [Symbol.toStringTag] = 'loopnet/bootstrap-dialer'

  // Dial after every service has started (afterStart): the first connection triggers sync.
  afterStart(): void {
    if (this.controller !== undefined) return
    const controller = new AbortController()
    this.controller = controller
    for (const addr of this.addrs) {
      void this.keepConnected(addr, controller.signal).catch((err) => {
        if (!controller.signal.aborted) this.log.error('bootstrap loop for %a ended: %e', addr, err)
      })
    }
  }

  start(): void {}

  stop(): void {
    this.controller?.abort()
    this.controller = undefined
  }

  isStarted(): boolean {
    return this.controller !== undefined
  }

  private async keepConnected(addr: Multiaddr, signal: AbortSignal): Promise<void> {
    const peer = peerIdOf(addr)
    let delay = this.minDelayMs
    while (!signal.aborted) {
      try {
        await this.components.connectionManager.openConnection(addr, { signal })
        delay = this.minDelayMs
        // Without a peer id in the address a disconnect cannot be attributed: connect once.
        if (peer === undefined) return
        await this.disconnected(peer, signal)
      } catch (err) {
        if (signal.aborted) return
        this.log('dial %a failed, retry in %d ms: %e', addr, delay, err)
        await sleep(delay, undefined, { signal })
        delay = Math.min(delay * 2, this.maxDelayMs)
      }
    }
  }

  private disconnected(peer: PeerId, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onDisconnect = (evt: CustomEvent<PeerId>): void => {
        if (!evt.detail.equals(peer)) return
        cleanup()
        resolve()
      }
      const onAbort = (): void => {
        cleanup()
        reject(signal.reason)
      }
      const cleanup = (): void => {
        this.components.events.removeEventListener('peer:disconnect', onDisconnect)
        signal.removeEventListener('abort', onAbort)
      }
      this.components.events.addEventListener('peer:disconnect', onDisconnect)
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }
}

export function bootstrapDialer(
  init: BootstrapDialerInit,
): (components: BootstrapDialerComponents) => BootstrapDialer {
  return (components) => new BootstrapDialer(components, init)
}
