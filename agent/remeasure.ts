/**
 * The I/O of a rebase (docs/ARCHITECTURE.md "Sharing decisions"): ask the swarm for the tier's
 * best, fetch its file and check its hash, and hand the loop a re-measure to run. The
 * decisions themselves are rebase.ts's pure functions.
 */
import { sha256Hex } from '../protocol/hash.ts'
import { staggerRemeasure, trustedPeers } from './claims.ts'
import type { BestKnown, PublishedRun, SwarmView } from './interfaces.ts'
import type { EmitLoopEvent } from './loop-events.ts'
import type { Proposal } from './proposer.ts'
import {
  distrustedAuthors,
  type OwnBest,
  REBASE_FETCH_TIMEOUT_MS,
  REBASE_SOURCE,
  RemeasureFileMismatchError,
  rebaseSkips,
  remeasureDescription,
  shouldRemeasure,
  untrustedShareSpent,
} from './rebase.ts'
import type { Parent } from './record.ts'

/** How many candidates refuted by trusted peers one prepare() passes over before giving up. */
const MAX_REFUTED_CANDIDATES = 8

/** A re-measure about to run: whose claim, against which own best, as which proposal. */
export interface Remeasure {
  best: BestKnown
  own: OwnBest | undefined
  proposal: Proposal
}

export interface RemeasurePlannerInit {
  genesis: string
  /** This node's author id: its own claims and records are no peer's verdict. */
  author: string
  /** This node's budget: only claims of the same budget are re-measured. */
  budgetSeconds: number
  swarm: Pick<SwarmView, 'bestKnown' | 'fetchFile' | 'tried' | 'claims'>
  /** This node's noise as it is now: how far a peer's re-measure may land above a claim. */
  noise: () => { tolerance: number }
  /** `rebase-started` and `rebase-fetch-failed` go out through it. */
  emit: EmitLoopEvent
}

export class RemeasurePlanner {
  private readonly init: RemeasurePlannerInit
  /** Re-measure candidates whose fetch failed, by file hash: when (ms). */
  private readonly fetchFailures = new Map<string, number>()

  constructor(init: RemeasurePlannerInit) {
    this.init = init
  }

  /**
   * The re-measure to run now, when the tier's best known KEEP beats this node's parent and
   * was never run here; its file is fetched first. A fetch that fails is reported and retried
   * only after REBASE_FETCH_RETRY_MS, so a vanished peer costs one try, not one per experiment.
   * None before the node knows its tier (the baseline teaches it).
   */
  async prepare(
    parent: Parent,
    tier: string,
    history: readonly PublishedRun[],
    signal: AbortSignal,
  ): Promise<Remeasure | undefined> {
    if (tier === '') return undefined
    const own =
      parent.valBpb === undefined ? undefined : { fileHash: parent.hash, valBpb: parent.valBpb }
    const skip = rebaseSkips(
      history.map((r) => r.fields),
      this.init.genesis,
      this.fetchFailures,
      Date.now(),
    )
    const best = await this.candidate(tier, own, skip, history, signal)
    if (best === undefined) return undefined
    const claim = {
      fileHash: best.fileHash,
      author: best.author,
      claimedValBpb: best.valBpb,
      ...(best.recordId !== undefined ? { recordId: best.recordId } : {}),
    }
    let text: string
    try {
      text = await this.init.swarm.fetchFile(
        best.fileHash,
        AbortSignal.any([signal, AbortSignal.timeout(REBASE_FETCH_TIMEOUT_MS)]),
      )
      // the view verifies, but the record we publish vouches for this hash: check again
      if (sha256Hex(text) !== best.fileHash)
        throw new RemeasureFileMismatchError(
          `the fetched file hashes to ${sha256Hex(text)}, not ${best.fileHash}`,
        )
    } catch (err) {
      if (signal.aborted) throw err
      this.fetchFailures.set(best.fileHash, Date.now())
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
      this.init.emit('rebase-fetch-failed', { ...claim, message })
      return undefined
    }
    this.fetchFailures.delete(best.fileHash)
    this.init.emit('rebase-started', claim)
    return {
      best,
      own,
      proposal: {
        text,
        fileHash: best.fileHash,
        description: remeasureDescription(best),
        source: REBASE_SOURCE,
        parentText: parent.text,
      },
    }
  }

  /**
   * The best claim worth a re-measure now, staggered behind trusted peers (claims.ts
   * staggerRemeasure): one a trusted peer refuted is passed over for the next best; one a
   * trusted peer is re-measuring right now is left for later (the loop proposes meanwhile).
   */
  private async candidate(
    tier: string,
    own: OwnBest | undefined,
    skip: Set<string>,
    history: readonly PublishedRun[],
    signal: AbortSignal,
  ): Promise<BestKnown | undefined> {
    const authors = distrustedAuthors(history.map((r) => r.local))
    const trusted = trustedPeers(history)
    // a flood of fake keeps from fresh identities costs a bounded share of the budget
    const untrustedSpent = untrustedShareSpent(
      history.map((r) => r.local),
      trusted,
    )
    for (let i = 0; i <= MAX_REFUTED_CANDIDATES; i++) {
      const best = await this.init.swarm.bestKnown(
        tier,
        signal,
        { files: skip, authors },
        this.init.budgetSeconds,
      )
      if (!shouldRemeasure(own, best, skip)) return undefined
      if (untrustedSpent && !trusted.has(best.author)) {
        authors.add(best.author)
        continue
      }
      if (trusted.size === 0) return best
      const decision = staggerRemeasure({
        candidate: best,
        claims: await this.init.swarm.claims(best.fileHash, signal),
        records: await this.init.swarm.tried(best.fileHash, signal),
        trusted,
        self: this.init.author,
        tolerance: this.init.noise().tolerance,
      })
      if (decision.action === 'run') return best
      if (decision.action === 'wait') return undefined
      skip.add(best.fileHash)
    }
    return undefined
  }
}
