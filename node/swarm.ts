/**
 * The networked node's ResultSink and SwarmView: the solo ones (solo.ts) plus the libp2p node,
 * which signs, announces and gossips own records and fetches files the store lacks.
 */
import type { LocalRun, PeerClaim, WorkClaim } from '../agent/interfaces.ts'
import type { ExperimentFields } from '../protocol/types.ts'
import type { LoopnetNode, PublishedRecord } from './p2p/node.ts'
import { ownRunOptions, SoloSink, SoloSwarmView } from './solo.ts'
import type { Store } from './store/store.ts'

/** SoloSink whose records are signed, announced and gossiped: the one door for own records. */
export class SwarmSink extends SoloSink {
  private readonly node: LoopnetNode

  constructor(store: Store, node: LoopnetNode) {
    super(store)
    this.node = node
  }

  override async publish(
    result: ExperimentFields,
    signal?: AbortSignal,
    local?: LocalRun,
  ): Promise<void> {
    await this.publishRecord(result, signal, local)
  }

  /**
   * publish, answering the record as it left: signs (checked against local state: seq, diff),
   * stores the record with its local facts and file in one transaction, then announces it
   * ('record', via 'self') and queues it for gossip. Durable before it leaves: a crash after
   * the insert loses nothing, since peers sync it from the store later.
   */
  async publishRecord(
    result: ExperimentFields,
    signal?: AbortSignal,
    local?: LocalRun,
  ): Promise<PublishedRecord> {
    const encoded = await this.node.sign(result, signal !== undefined ? { signal } : {})
    const { inserted } = this.store.insertSigned(encoded, ownRunOptions(local))
    return this.node.announceOwn(encoded, inserted)
  }
}

/**
 * The swarm as the agent sees it: every record in the store (own and peers'), files from
 * the store or, when missing, from any connected peer (verified against the hash by the fetch
 * protocol, then kept, so each file crosses the network once), and peers' live claims.
 */
export class NetworkSwarmView extends SoloSwarmView {
  private readonly node: LoopnetNode

  constructor(store: Store, node: LoopnetNode) {
    super(store, node.genesis)
    this.node = node
  }

  override async fetchFile(fileHash: string, signal?: AbortSignal): Promise<string> {
    const local = this.store.getFile(fileHash)
    if (local !== undefined) return local
    const text = await this.node.fetchFromPeers(fileHash, signal !== undefined ? { signal } : {})
    this.store.putFile(text, fileHash)
    return text
  }

  override async announce(claim: WorkClaim, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted()
    this.node.claims.announce(claim)
  }

  override async claims(hash: string, signal?: AbortSignal): Promise<PeerClaim[]> {
    signal?.throwIfAborted()
    return this.node.claims.live(hash).map(({ claim, expiresAt }) => ({
      author: claim.author,
      kind: claim.kind,
      parentHash: claim.parentHash,
      fileHash: claim.fileHash,
      description: claim.description,
      expiresAt,
    }))
  }
}
