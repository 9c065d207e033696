/**
 * The solo node: ResultSink and SwarmView backed by the local store alone. The swarm's
 * (swarm.ts) extend them: sign, announce and gossip on publish; fetch files from peers.
 */
import type {
  BestKnown,
  LocalRun,
  PeerClaim,
  PublishedRun,
  RebaseSkip,
  ResultSink,
  SwarmView,
  WorkClaim,
} from '../agent/interfaces.ts'
import type { AgentLoopInit } from '../agent/loop-options.ts'
import type { ExperimentFields } from '../protocol/types.ts'
import { fieldsOf, type Store } from './store/store.ts'

/** A file asked for by hash that the node does not hold. */
export class FileNotFoundError extends Error {
  override name = 'FileNotFoundError'
}

/** An own experiment's local facts and train file, stored in the record's transaction. */
export function ownRunOptions(local: LocalRun | undefined): {
  local?: LocalRun
  fileText?: string
} {
  return {
    ...(local !== undefined ? { local } : {}),
    ...(local?.fileText !== undefined ? { fileText: local.fileText } : {}),
  }
}

export class SoloSink implements ResultSink {
  protected readonly store: Store

  constructor(store: Store) {
    this.store = store
  }

  async publish(result: ExperimentFields, signal?: AbortSignal, local?: LocalRun): Promise<void> {
    signal?.throwIfAborted()
    this.store.insertRecord(result, ownRunOptions(local))
  }

  async ownRuns(author: string, signal?: AbortSignal): Promise<PublishedRun[]> {
    signal?.throwIfAborted()
    return this.store.ownRuns(author)
  }

  async maxSeq(author: string): Promise<number> {
    return this.store.maxSeq(author)
  }
}

export class SoloSwarmView implements SwarmView {
  protected readonly store: Store
  private readonly genesis: string

  constructor(store: Store, genesis: string) {
    this.store = store
    this.genesis = genesis
  }

  /**
   * The best KEEP of a tier at a budget (results of different budgets are never compared; any
   * budget when none is given), not ruled out by `skip`, and never a file this node rejected or
   * refuted when it ran it (store/verdicts.ts), whatever the caller's skip says.
   */
  async bestKnown(
    tier: string,
    signal?: AbortSignal,
    skip?: RebaseSkip,
    budgetSeconds?: number,
  ): Promise<BestKnown | undefined> {
    signal?.throwIfAborted()
    const best = this.store.bestKeep(this.genesis, tier, skip, budgetSeconds)
    return best === undefined
      ? undefined
      : { fileHash: best.fileHash, valBpb: best.valBpb, author: best.author, recordId: best.id }
  }

  async fetchFile(fileHash: string, signal?: AbortSignal): Promise<string> {
    signal?.throwIfAborted()
    const text = this.store.getFile(fileHash)
    if (text === undefined) throw new FileNotFoundError(`no train file ${fileHash} in the store`)
    return text
  }

  async tried(parentHash: string, signal?: AbortSignal): Promise<ExperimentFields[]> {
    signal?.throwIfAborted()
    return this.store.triedOn(this.genesis, parentHash).map(fieldsOf)
  }

  /** Alone, nobody hears a claim. */
  async announce(_claim: WorkClaim, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted()
  }

  async claims(_hash: string, signal?: AbortSignal): Promise<PeerClaim[]> {
    signal?.throwIfAborted()
    return []
  }
}

/**
 * What an AgentLoop on the store alone talks to: SoloSink and SoloSwarmView, with the store's
 * node id as author.
 */
export function soloLoopInit(
  store: Store,
  genesis: string,
): Pick<AgentLoopInit, 'genesis' | 'author' | 'sink' | 'swarm'> {
  return {
    genesis,
    author: store.nodeId(),
    sink: new SoloSink(store),
    swarm: new SoloSwarmView(store, genesis),
  }
}
