/**
 * Publishing that never drops a record: gossipsub throws NoPeersSubscribedToTopic until some peer
 * has told us it subscribes (and would lose the record silently with
 * allowPublishToZeroTopicPeers). Records wait here, in order, until a subscriber is known, and
 * are retried with backoff on any other failure. The record is already in the store before it
 * is queued, so what a stop leaves here still reaches peers through sync.
 */
import type { GossipSub } from '@libp2p/gossipsub'
import type { Logger, Startable } from '@libp2p/interface'
import { MAX_RECORD_BYTES } from '../../../protocol/constants.ts'
import { RecordTooLargeError } from '../../../protocol/errors.ts'

/** The node stopped while the record waited for a subscriber (it stays in the store). */
export class PublishStoppedError extends Error {
  override name = 'PublishStoppedError'
}

const RETRY_MIN_MS = 100
const RETRY_MAX_MS = 5_000

interface Pending {
  id: string
  bytes: Uint8Array
  resolve(): void
  reject(err: Error): void
}

/** gossipsub 17 signals publish failures by message text only. */
function publishErrorKind(err: unknown): 'no-peers' | 'duplicate' | 'other' {
  const message = (err as Error)?.message ?? ''
  if (message.includes('NoPeersSubscribedToTopic')) return 'no-peers'
  if (message.includes('Duplicate')) return 'duplicate'
  return 'other'
}

export class PublishQueue implements Startable {
  private readonly pubsub: GossipSub
  private readonly topic: string
  private readonly log: Logger
  private readonly pending: Pending[] = []
  private started = false
  private pumping = false
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private retryMs = RETRY_MIN_MS

  constructor(pubsub: GossipSub, topic: string, log: Logger) {
    this.pubsub = pubsub
    this.topic = topic
    this.log = log
    this.onSubscriptionChange = this.onSubscriptionChange.bind(this)
  }

  start(): void {
    if (this.started) return
    this.started = true
    this.pubsub.addEventListener('subscription-change', this.onSubscriptionChange)
    void this.pump()
  }

  stop(): void {
    if (!this.started) return
    this.started = false
    this.pubsub.removeEventListener('subscription-change', this.onSubscriptionChange)
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    for (const p of this.pending.splice(0)) {
      p.reject(
        new PublishStoppedError(`node stopped before record ${p.id} was sent; sync will carry it`),
      )
    }
  }

  isStarted(): boolean {
    return this.started
  }

  get size(): number {
    return this.pending.length
  }

  /**
   * Queues a record; resolves once gossipsub has sent it to at least one peer. Checks the size
   * first: a message over a receiver's limit would get this node dropped, not the message.
   */
  publish(id: string, bytes: Uint8Array): Promise<void> {
    if (bytes.length > MAX_RECORD_BYTES) {
      return Promise.reject(
        new RecordTooLargeError(`${bytes.length} bytes, max ${MAX_RECORD_BYTES}`),
      )
    }
    const sent = new Promise<void>((resolve, reject) => {
      this.pending.push({ id, bytes, resolve, reject })
    })
    void this.pump()
    return sent
  }

  private onSubscriptionChange(): void {
    if (this.pending.length > 0) void this.pump()
  }

  private async pump(): Promise<void> {
    if (!this.started || this.pumping) return
    this.pumping = true
    try {
      while (this.started && this.pending.length > 0) {
        const next = this.pending[0] as Pending
        if (this.pubsub.getSubscribers(this.topic).length === 0) return this.retryLater()
        try {
          const { recipients } = await this.pubsub.publish(this.topic, next.bytes)
          // Zero recipients: every send failed, and the seen-cache now refuses a retry of the
          // same bytes; sync will carry the record. Resolve rather than hang the caller.
          if (recipients.length === 0) this.log('record %s reached no peer; left to sync', next.id)
        } catch (err) {
          const kind = publishErrorKind(err)
          if (kind === 'no-peers') return this.retryLater()
          if (kind === 'other') {
            this.log.error('publishing record %s failed, will retry: %e', next.id, err)
            return this.retryLater()
          }
          // duplicate: already out on the network.
        }
        this.pending.shift()
        this.retryMs = RETRY_MIN_MS
        next.resolve()
      }
    } finally {
      this.pumping = false
    }
  }

  /** Subscription changes usually wake the queue first; the timer covers everything else. */
  private retryLater(): void {
    if (!this.started || this.retryTimer !== undefined) return
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      void this.pump()
    }, this.retryMs)
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS)
  }
}
