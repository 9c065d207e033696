/**
 * A loopnet network node: the libp2p host plus the record pipeline around it. Every record,
 * whether gossiped, synced or our own, is validated the same way and ends in the store and a
 * 'record' event. Synced records are stored, then announced; own records are stored by their
 * sink (node/swarm.ts, with this node's local facts in the same transaction) and announced by
 * announceOwn; a gossiped one is announced when accepted, like gossipsub's own 'message', and
 * stored right after gossipsub has forwarded it, before any further I/O is handled
 * (gossip/store-after-forward.ts). Startable: start/stop are idempotent.
 */
import type { GossipsubMessage } from '@libp2p/gossipsub'
import type { IdentifyResult, PeerId, PrivateKey, Startable } from '@libp2p/interface'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { gossipVerdict, isRecordError } from '../../protocol/errors.ts'
import { type EncodedRecord, recordId } from '../../protocol/record.ts'
import { signRecord } from '../../protocol/sign.ts'
import { resultsTopic } from '../../protocol/topic.ts'
import type { ExperimentFields } from '../../protocol/types.ts'
import {
  checkAgainstLocalState,
  type ValidationContext,
  validateRecord,
} from '../../protocol/validation/index.ts'
import { UserError } from '../errors.ts'
import { ClaimGossip } from './claims/gossip.ts'
import { TypedEventEmitter } from './events.ts'
import { PublishQueue } from './gossip/publish-queue.ts'
import { StoreAfterForward } from './gossip/store-after-forward.ts'
import { createRecordValidator } from './gossip/validator.ts'
import { createLoopnetHost, type LoopnetHost } from './host.ts'
import { loadOrCreateIdentity } from './identity.ts'
import type {
  LoopnetNodeEvents,
  RecordStore,
  SyncCursorStore,
  SyncDoneDetail,
} from './interfaces.ts'
import type { SyncPage } from './sync/index.ts'
import { MemoryCursors, SyncScheduler } from './sync/scheduler.ts'

export interface LoopnetNodeInit {
  genesis: string
  /** Holds identity.key (created on first start). */
  dataDir: string
  /** Listen multiaddrs; default: all interfaces, a free TCP port. */
  listen?: string[]
  bootstrap?: string[]
  /** Several nodes on one host: see LoopnetHostInit.localSwarm. */
  localSwarm?: boolean
  store: RecordStore
  /** Where per-peer sync cursors live; in memory when absent (a restart syncs from 0). */
  cursors?: SyncCursorStore
  /** Use this key instead of <dataDir>/identity.key. */
  privateKey?: PrivateKey
}

/** The host could not listen on a configured address (in use, not this machine's, no rights). */
export class ListenFailedError extends UserError {
  override name = 'ListenFailedError'
}

/** libp2p's error for failed listen addresses, as one line a user can act on; others as they are. */
function listenError(err: unknown): unknown {
  if (!(err instanceof Error) || err.name !== 'UnsupportedListenAddressesError') return err
  // libp2p lists each failed address with its cause: "  /ip4/.../tcp/N: Error: listen EADDRINUSE: ..."
  const failures = [...err.message.matchAll(/^\s*(\/\S+): (?:\w*Error: )?(.*)$/gm)].map(
    ([, addr, cause]) => `${addr} (${cause})`,
  )
  return new ListenFailedError(
    `cannot listen on ${failures.length > 0 ? failures.join(', ') : err.message}: is another process using the port? listen on another one (tcp/0 picks any free port)`,
  )
}

/** A record this node signed and queued for gossip. */
export interface PublishedRecord extends EncodedRecord {
  /** Resolves once gossipsub sent it to at least one peer (PublishStoppedError if stopped first). */
  sent: Promise<void>
}

export class LoopnetNode extends TypedEventEmitter<LoopnetNodeEvents> implements Startable {
  readonly host: LoopnetHost
  readonly peerId: string
  readonly genesis: string
  readonly topic: string
  private readonly privateKey: PrivateKey
  private readonly store: RecordStore
  private readonly cursors: SyncCursorStore
  private readonly queue: PublishQueue
  /** Gossiped records accepted, not yet stored: gossipsub forwards them first. */
  private readonly held: StoreAfterForward
  private readonly syncs: SyncScheduler
  /** Claims (leases) of what peers are running now: claims/gossip.ts. */
  readonly claims: ClaimGossip
  private stopController = new AbortController()
  private state: 'stopped' | 'starting' | 'started' | 'stopping' = 'stopped'

  static async create(init: LoopnetNodeInit): Promise<LoopnetNode> {
    const privateKey = init.privateKey ?? (await loadOrCreateIdentity(init.dataDir))
    const host = await createLoopnetHost({
      privateKey,
      genesis: init.genesis,
      listen: init.listen ?? ['/ip4/0.0.0.0/tcp/0'],
      bootstrap: init.bootstrap ?? [],
      localSwarm: init.localSwarm ?? false,
      files: init.store,
      records: init.store,
    })
    return new LoopnetNode(host, privateKey, init)
  }

  private constructor(host: LoopnetHost, privateKey: PrivateKey, init: LoopnetNodeInit) {
    super()
    this.host = host
    this.privateKey = privateKey
    this.peerId = peerIdFromPrivateKey(privateKey).toString()
    this.genesis = init.genesis
    this.topic = resultsTopic(init.genesis)
    this.store = init.store
    this.cursors = init.cursors ?? new MemoryCursors()
    this.queue = new PublishQueue(
      host.services.pubsub,
      this.topic,
      host.logger.forComponent('loopnet:publish'),
    )
    this.held = new StoreAfterForward((record) => this.storeHeld(record))
    this.syncs = new SyncScheduler({
      sync: (peer) => this.syncFrom(peer),
      connected: (peer) => host.getConnections(peer).length > 0,
      log: host.logger.forComponent('loopnet:sync'),
    })
    this.claims = new ClaimGossip({
      pubsub: host.services.pubsub,
      genesis: init.genesis,
      privateKey,
      self: this.peerId,
      log: host.logger.forComponent('loopnet:claims'),
      onClaim: (detail) => this.safeDispatch('claim', detail),
      onInvalid: (detail) => this.safeDispatch('claim:invalid', detail),
      onExpired: (held) => this.safeDispatch('claim:expired', held),
    })
    // Every record, own or a peer's, passes here: the claim of the run it reports is done.
    this.addEventListener('record', ({ detail: { record } }) =>
      this.claims.supersede(record.author, record.parentHash, record.fileHash),
    )
    this.onIdentify = this.onIdentify.bind(this)
    this.onGossipMessage = this.onGossipMessage.bind(this)
  }

  readonly [Symbol.toStringTag] = 'loopnet/node'

  isStarted(): boolean {
    return this.state === 'started'
  }

  async start(): Promise<void> {
    if (this.state !== 'stopped') return
    this.state = 'starting'
    this.stopController = new AbortController()
    const pubsub = this.host.services.pubsub
    pubsub.topicValidators.set(
      this.topic,
      createRecordValidator({
        genesis: this.genesis,
        sink: this.heldOrStored,
        files: this.store,
        onValid: (record, from) => this.accept(record, from.toString()),
        onInvalid: (detail) => this.safeDispatch('record:invalid', detail),
        onGap: (from) => this.syncs.request(from),
      }),
    )
    // Late joiners catch up: every peer that speaks our sync protocol is synced from once
    // identified (identify tells us its protocols, hence its genesis).
    this.host.addEventListener('peer:identify', this.onIdentify)
    pubsub.addEventListener('gossipsub:message', this.onGossipMessage)
    this.syncs.start(this.stopController.signal)
    try {
      await this.host.start()
    } catch (err) {
      this.host.removeEventListener('peer:identify', this.onIdentify)
      pubsub.removeEventListener('gossipsub:message', this.onGossipMessage)
      pubsub.topicValidators.delete(this.topic)
      this.stopController.abort()
      this.state = 'stopped'
      throw listenError(err)
    }
    pubsub.subscribe(this.topic)
    this.queue.start()
    this.claims.start()
    this.state = 'started'
  }

  async stop(): Promise<void> {
    if (this.state !== 'started') return
    this.state = 'stopping'
    this.stopController.abort()
    this.queue.stop()
    this.claims.stop()
    this.host.removeEventListener('peer:identify', this.onIdentify)
    await this.syncs.stop()
    await this.host.stop()
    const pubsub = this.host.services.pubsub
    pubsub.removeEventListener('gossipsub:message', this.onGossipMessage)
    pubsub.topicValidators.delete(this.topic)
    // The owner closes the store after stop: nothing accepted may stay unstored.
    this.held.flush()
    this.state = 'stopped'
  }

  /** Listen addresses, each ending in /p2p/<peer id>. */
  getMultiaddrs(): string[] {
    return this.host.getMultiaddrs().map((ma) => ma.toString())
  }

  getPeers(): string[] {
    return this.host.getPeers().map((p) => p.toString())
  }

  /** Gossipsub's score of a peer (negative after it forwarded rejected records). */
  getScore(peer: string): number {
    const pubsub = this.host.services.pubsub as unknown as { getScore(peer: string): number }
    return pubsub.getScore(peer)
  }

  /**
   * Signs fields as this node and checks them exactly as a receiver would, so a lie about our
   * own diff or a reused seq never leaves. Stores nothing: the sink stores the record (with its
   * local facts), then hands it to announceOwn.
   */
  async sign(
    fields: ExperimentFields,
    options: { signal?: AbortSignal } = {},
  ): Promise<EncodedRecord> {
    const encoded = await signRecord(fields, this.privateKey, options)
    // signRecord ran the stateless checks; verifying our own fresh signature would be waste.
    if (!this.heldOrStored.has(encoded.id))
      checkAgainstLocalState(encoded.record, this.validationContext())
    return encoded
  }

  /**
   * A record this node signed and its sink stored: the 'record' event (via 'self'; unless
   * `isNew` is false, the store holding it already), and a place in the gossip queue. Asks the
   * store nothing.
   */
  announceOwn(encoded: EncodedRecord, isNew = true): PublishedRecord {
    if (isNew) this.safeDispatch('record', { ...encoded, via: 'self' })
    const sent = this.queue.publish(encoded.id, encoded.bytes)
    // Callers may ignore `sent`; the record is stored either way and sync carries it.
    sent.catch(() => {})
    return { ...encoded, sent }
  }

  /**
   * A train file by hash from connected peers in turn, each copy verified against the hash
   * (FileUnavailableError when nobody has a true copy). The caller looks in its store first.
   */
  async fetchFromPeers(hash: string, options: { signal?: AbortSignal } = {}): Promise<string> {
    return this.host.services.fetch.fetchFromAny(this.host.getPeers(), hash, options)
  }

  /** Syncs everything a peer stored since our cursor for it; resolves when done. */
  async syncFrom(
    peer: PeerId | string,
    options: { signal?: AbortSignal } = {},
  ): Promise<SyncDoneDetail> {
    const peerId = typeof peer === 'string' ? peerIdFromString(peer) : peer
    const key = peerId.toString()
    const signal = AbortSignal.any([
      this.stopController.signal,
      ...(options.signal !== undefined ? [options.signal] : []),
    ])
    let added = 0
    const { received } = await this.host.services.sync.syncFrom(peerId, {
      cursor: this.cursors.get(key) ?? 0,
      signal,
      onPage: async (page) => {
        added += await this.ingestPage(page, key, signal)
        this.cursors.set(key, page.nextCursor)
      },
    })
    const detail = { peer: key, added, received }
    this.safeDispatch('sync:done', detail)
    return detail
  }

  private validationContext(): ValidationContext {
    return {
      genesis: this.genesis,
      lastSeq: (author) => this.heldOrStored.lastSeq(author),
      getFile: (hash) => this.store.getFile(hash),
    }
  }

  /** What this node holds: the store plus gossiped records waiting for their forward. */
  private readonly heldOrStored = {
    has: (id: string): boolean => this.held.has(id) || this.store.has(id),
    lastSeq: (author: string): number | undefined => {
      const held = this.held.lastSeq(author)
      const stored = this.store.lastSeq(author)
      return held === undefined || (stored !== undefined && stored > held) ? stored : held
    },
  }

  private onGossipMessage(evt: CustomEvent<GossipsubMessage>): void {
    this.held.forwarded(evt.detail.msgId)
  }

  /** A gossiped record passed validation: held (counted as known) until forwarded, announced now. */
  private accept(record: EncodedRecord, from: string): void {
    this.held.hold(record)
    this.safeDispatch('record', { ...record, via: 'gossip', from })
  }

  private storeHeld(record: EncodedRecord): void {
    try {
      this.store.add(record)
    } catch (err) {
      // Accepted and forwarded already: only this node's copy is lost (a disk error), until
      // the next sync from a peer that holds it. Own records fail loudly in their own insert.
      this.host.logger
        .forComponent('loopnet:store')
        .error('storing record %s failed: %e', record.id, err)
    }
  }

  /**
   * A synced record: store, then tell the app. Returns false for a record already held. Held
   * gossip goes first, so the store sees records in the order they were accepted.
   */
  private ingest(record: EncodedRecord, from: string): boolean {
    this.held.flush()
    if (!this.store.add(record)) return false
    this.safeDispatch('record', { ...record, via: 'sync', from })
    return true
  }

  /**
   * Synced records are validated like gossip except for seq order: sync exists to fill the gaps
   * that strict gossip order leaves (a node offline for seq 3-4 that got 5 by gossip). Forks
   * (another record with a held author+seq) are refused by the store.
   */
  private async ingestPage(page: SyncPage, from: string, signal: AbortSignal): Promise<number> {
    let added = 0
    for (const bytes of page.records) {
      if (this.heldOrStored.has(recordId(bytes))) continue
      try {
        const record = await validateRecord(bytes, {
          genesis: this.genesis,
          getFile: (hash) => this.store.getFile(hash),
          signal,
        })
        if (this.ingest(record, from)) added++
      } catch (err) {
        this.safeDispatch('record:invalid', {
          via: 'sync',
          from,
          code: isRecordError(err) ? err.code : 'INTERNAL',
          verdict: gossipVerdict(err),
          message: (err as Error).message,
        })
      }
    }
    return added
  }

  private onIdentify(evt: CustomEvent<IdentifyResult>): void {
    if (evt.detail.protocols.includes(this.host.services.sync.protocol)) {
      this.syncs.request(evt.detail.peerId)
    }
  }
}
