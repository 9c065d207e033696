/**
 * The networked node's ResultSink and SwarmView: the agent's two windows on the world, backed
 * by the SQLite store (which holds every peer's records too) and the libp2p node (which signs,
 * gossips and fetches). The solo versions (solo.ts) are the same minus the network.
 */
import type { LocalRun, PublishedRun, ResultSink } from '../agent/interfaces.ts'
import type { ExperimentFields } from '../protocol/types.ts'
import type { LoopnetNode } from './p2p/node.ts'
import { ownRunOptions, SoloSwarmView } from './solo.ts'
import type { Store } from './store/store.ts'

export class SwarmSink implements ResultSink {
  private readonly store: Store
  private readonly node: LoopnetNode

  constructor(store: Store, node: LoopnetNode) {
    this.store = store
    this.node = node
  }

  /**
   * Signs, then stores the record with its local facts and file in one transaction, then
   * queues it for gossip. Durable before it leaves: a crash after the insert loses nothing,
   * since peers sync it from the store later.
   */
  async publish(result: ExperimentFields, signal?: AbortSignal, local?: LocalRun): Promise<void> {
    const encoded = await this.node.sign(result, signal !== undefined ? { signal } : {})
    this.store.insertSigned(encoded, ownRunOptions(local))
    this.node.publishSigned(encoded)
  }

  async ownRuns(author: string, signal?: AbortSignal): Promise<PublishedRun[]> {
    signal?.throwIfAborted()
    return this.store.ownRuns(author)
  }

  async maxSeq(author: string): Promise<number> {
    return this.store.maxSeq(author)
  }
}

/**
 * The swarm as the agent sees it: every record in the store (own and peers'), and files from
 * the store or, when missing, from any connected peer (verified against the hash by the fetch
 * protocol, then kept, so each file crosses the network once).
 */
export class NetworkSwarmView extends SoloSwarmView {
  private readonly node: LoopnetNode
  private readonly files: Store

  constructor(store: Store, node: LoopnetNode) {
    super(store, node.genesis)
    this.node = node
    this.files = store
  }

  override async fetchFile(fileHash: string, signal?: AbortSignal): Promise<string> {
    const local = this.files.getFile(fileHash)
    if (local !== undefined) return local
    const text = await this.node.fetchFile(fileHash, signal !== undefined ? { signal } : {})
    this.files.putFile(text, fileHash)
    return text
  }
}
