/**
 * When the node syncs from whom: one sync per peer at a time (a request during one runs it
 * again once it ends), and a failed sync from a peer that is still connected retried with
 * backoff. Which sync runs is the node's (LoopnetNode.syncFrom); this only schedules it.
 */
import { setTimeout as delay } from 'node:timers/promises'
import type { Logger, PeerId } from '@libp2p/interface'
import type { SyncCursorStore } from '../interfaces.ts'

/**
 * A failed sync from a peer that is still connected (a stream reset, a busy peer past the
 * timeout) is tried again after SYNC_RETRY_MIN_MS, doubling, SYNC_RETRIES times: until then a
 * late joiner would lack the log until another peer connected or a gossip gap showed.
 */
const SYNC_RETRY_MIN_MS = 1_000
export const SYNC_RETRIES = 5

export interface SyncSchedulerInit {
  /** One whole sync from a peer; rejects when it failed. */
  sync(peer: PeerId): Promise<unknown>
  /** Whether a connection to the peer is open (a failed sync is retried only then). */
  connected(peer: PeerId): boolean
  log: Logger
  /** Base of the retry backoff (default SYNC_RETRY_MIN_MS). */
  retryMinMs?: number
}

export class SyncScheduler {
  private readonly init: SyncSchedulerInit
  /** One sync per peer at a time; a request during one runs it again once it ends. */
  private readonly syncing = new Map<string, Promise<void>>()
  private readonly syncAgain = new Set<string>()
  /** Aborted while stopped: requests are dropped, backoffs cut short. */
  private signal: AbortSignal = AbortSignal.abort()

  constructor(init: SyncSchedulerInit) {
    this.init = init
  }

  /** Takes requests until `signal` aborts (the node's stop). */
  start(signal: AbortSignal): void {
    this.signal = signal
  }

  /** Resolves once every running sync has ended (after the start signal aborted, promptly). */
  async stop(): Promise<void> {
    await Promise.allSettled(this.syncing.values())
  }

  /** Syncs from a peer now, or once the sync from it that is running ends. */
  request(peer: PeerId): void {
    const signal = this.signal
    if (signal.aborted) return
    const key = peer.toString()
    if (this.syncing.has(key)) {
      this.syncAgain.add(key)
      return
    }
    const retryMinMs = this.init.retryMinMs ?? SYNC_RETRY_MIN_MS
    const run = (async () => {
      let failures = 0
      do {
        this.syncAgain.delete(key)
        try {
          await this.init.sync(peer)
          failures = 0
        } catch (err) {
          if (signal.aborted) return
          this.init.log('sync from %p failed: %e', peer, err)
          if (failures < SYNC_RETRIES && this.init.connected(peer)) {
            await delay(retryMinMs * 2 ** failures++, undefined, { signal }).catch(() => {})
            this.syncAgain.add(key)
          }
        }
      } while (this.syncAgain.has(key) && !signal.aborted)
    })().finally(() => this.syncing.delete(key))
    this.syncing.set(key, run)
  }
}

/** Sync cursors kept in memory only: a restart syncs from 0 (the node's default). */
export class MemoryCursors implements SyncCursorStore {
  private readonly cursors = new Map<string, number>()
  get(peer: string): number | undefined {
    return this.cursors.get(peer)
  }
  set(peer: string, cursor: number): void {
    this.cursors.set(peer, cursor)
  }
}
