/**
 * Claims over gossip (docs/ARCHITECTURE.md "Claims"): the claims topic's validator (protocol
 * validation, gossipVerdict: the one map), this node's announcements (signed, checked, queued
 * until the topic has a peer) and the book of peers' live claims, swept when the next one
 * expires. Claims are never stored or synced: a node that restarts hears the live ones anew.
 */
import type { GossipSub } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { Logger, PrivateKey, Startable } from '@libp2p/interface'
import type { ClaimFields, EncodedClaim } from '../../../protocol/claim.ts'
import { gossipVerdict, isRecordError } from '../../../protocol/errors.ts'
import { claimsTopic } from '../../../protocol/topic.ts'
import { signCheckedClaim, validateClaim } from '../../../protocol/validation/claim.ts'
import { PublishQueue } from '../gossip/publish-queue.ts'
import { toTopicValidatorResult } from '../gossip/validator.ts'
import type { ClaimEventDetail, RecordRejectedDetail } from '../interfaces.ts'
import { ClaimBook, type HeldClaim } from './book.ts'

export interface ClaimGossipInit {
  pubsub: GossipSub
  genesis: string
  privateKey: PrivateKey
  /** This node's peer id: its own claims never enter its book. */
  self: string
  log: Logger
  book?: ClaimBook
  /** Unix ms; Date.now by default. */
  now?: () => number
  onClaim(detail: ClaimEventDetail): void
  onInvalid(detail: RecordRejectedDetail): void
  onExpired(held: HeldClaim): void
}

export class ClaimGossip implements Startable {
  readonly topic: string
  readonly book: ClaimBook
  private readonly init: ClaimGossipInit
  private readonly queue: PublishQueue
  private readonly now: () => number
  private sweepTimer: ReturnType<typeof setTimeout> | undefined
  private started = false

  constructor(init: ClaimGossipInit) {
    this.init = init
    this.topic = claimsTopic(init.genesis)
    this.book = init.book ?? new ClaimBook()
    this.now = init.now ?? Date.now
    this.queue = new PublishQueue(init.pubsub, this.topic, init.log)
  }

  isStarted(): boolean {
    return this.started
  }

  start(): void {
    if (this.started) return
    this.started = true
    this.init.pubsub.topicValidators.set(this.topic, (from, message) =>
      Promise.resolve(this.validate(from.toString(), message.data)),
    )
    this.init.pubsub.subscribe(this.topic)
    this.queue.start()
  }

  stop(): void {
    if (!this.started) return
    this.started = false
    this.queue.stop()
    clearTimeout(this.sweepTimer)
    this.sweepTimer = undefined
    this.init.pubsub.topicValidators.delete(this.topic)
  }

  /** Signs a claim as this node and queues it (its shape checked: peers would refuse it). */
  announce(fields: Omit<ClaimFields, 'genesis' | 'author' | 'createdAt'>): EncodedClaim {
    const encoded = signCheckedClaim(
      { ...fields, genesis: this.init.genesis, author: this.init.self, createdAt: this.now() },
      this.init.privateKey,
    )
    // a claim the mesh never hears is only a lost hint: nothing waits on it
    this.queue.publish(encoded.id, encoded.bytes).catch(() => {})
    return encoded
  }

  /** Peers' live claims on a parent or of a file. */
  live(hash: string): HeldClaim[] {
    return this.book.live(hash, this.now())
  }

  /** A record of `author` for this parent and file arrived: its claim is done. */
  supersede(author: string, parentHash: string, fileHash: string): void {
    this.book.supersede(author, parentHash, fileHash)
  }

  private validate(from: string, data: Uint8Array): TopicValidatorResult {
    try {
      const encoded = validateClaim(data, { genesis: this.init.genesis, now: this.now() })
      // our own, relayed back: forward it, hold nothing
      if (encoded.claim.author === this.init.self) return TopicValidatorResult.Accept
      if (this.book.add(encoded, this.now()) === 'added') {
        this.init.onClaim({ ...encoded, from })
        this.scheduleSweep()
      }
      return TopicValidatorResult.Accept
    } catch (err) {
      const verdict = gossipVerdict(err, from)
      this.init.onInvalid({
        via: 'gossip',
        from,
        code: isRecordError(err) ? err.code : 'INTERNAL',
        verdict,
        message: (err as Error).message,
      })
      return toTopicValidatorResult(verdict)
    }
  }

  /** One timer, for the soonest expiry: expired claims are reported when they lapse. */
  private scheduleSweep(): void {
    const next = this.book.nextExpiry()
    clearTimeout(this.sweepTimer)
    this.sweepTimer = undefined
    if (next === undefined || !this.started) return
    this.sweepTimer = setTimeout(
      () => {
        this.sweepTimer = undefined
        for (const held of this.book.expire(this.now())) this.init.onExpired(held)
        this.scheduleSweep()
      },
      Math.max(0, next - this.now()) + 1,
    )
    this.sweepTimer.unref?.()
  }
}
