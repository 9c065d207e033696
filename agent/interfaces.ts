/**
 * The only two things the agent knows about the world outside its own loop. node/ implements
 * them: with the local store when solo, with the swarm when it has peers.
 */
import type { ClaimKind } from '../protocol/claim.ts'
import type { ExperimentFields } from '../protocol/types.ts'

/**
 * Facts about one of this node's runs that stay local (never gossiped): where it lives in the
 * workspace's git, how it was proposed, how long it took. Stored beside the record, in the same
 * transaction, so resume can rebuild results.tsv and find the kept commit.
 */
export interface LocalRun {
  /** Workspace commit of this experiment (kept, or parked under refs/loopnet/ when not). */
  commit: string
  /** Workspace commit it was made on. */
  parentCommit: string
  /** Who proposed it: baseline | builtin | llm | llm-fix | ... */
  source: string
  /** Log file of the run. */
  logPath: string
  /** Wall seconds from the start of the run to its journal entry. */
  wallSeconds: number
  /** Named crash reason (timeout, exit-code, fail, nan, no-summary, bad-summary...). */
  crashReason?: string
  /** A re-measure: the author of the claim it checked. */
  claimedBy?: string
  /** A re-measure: its verdict (agent/rebase.ts RebaseVerdict reason). */
  rebaseVerdict?: string
  /** The train file itself, for the content-addressed files table. */
  fileText?: string
}

/** One of this node's finished experiments as the sink remembers it. */
export interface PublishedRun {
  /** Record id (sha256 of the signed record, or of the canonical fields when solo). */
  id: string
  fields: ExperimentFields
  local: LocalRun
}

/** Where finished experiments go (node/ stores, signs and gossips them). */
export interface ResultSink {
  /**
   * Durably records (one transaction: record, local facts, file) and then gossips. Resolves once
   * the record is durable; the agent passes no abort signal for its own finished experiments, so
   * stopping never loses one.
   */
  publish(result: ExperimentFields, signal?: AbortSignal, local?: LocalRun): Promise<void>
  /** This author's experiments in seq order, with their local facts: what resume reads. */
  ownRuns(author: string, signal?: AbortSignal): Promise<PublishedRun[]>
  /**
   * The highest seq of any record by this author that the node holds (0 when none), own runs
   * or not: an identity reused with a fresh store gets its old records back from peers.
   */
  maxSeq(author: string): Promise<number>
}

/** A best-known train file for a tier, as the leaderboard sees it. */
export interface BestKnown {
  fileHash: string
  valBpb: number
  author: string
  /** Record id (sha256 of the signed record), when it came from the swarm. */
  recordId?: string
}

/** Claims the rebase step will not re-measure (agent/rebase.ts). */
export interface RebaseSkip {
  /** Files this node ran already, or failed to fetch lately. */
  files: ReadonlySet<string>
  /** Authors whose claims this node refuted too often. */
  authors: ReadonlySet<string>
}

/**
 * What the loop announces right before an experiment (docs/ARCHITECTURE.md "Claims"): node/
 * signs and gossips it; peers hold it for ttlSeconds or until this node's record of it.
 */
export interface WorkClaim {
  kind: ClaimKind
  /** The parent edited; the file itself for a re-measure. */
  parentHash: string
  fileHash: string
  description: string
  tier: string
  budgetSeconds: number
  ttlSeconds: number
}

/** A peer's live claim as the agent sees it. */
export interface PeerClaim {
  author: string
  kind: ClaimKind
  parentHash: string
  fileHash: string
  description: string
  /** Local clock, Unix ms. */
  expiresAt: number
}

/** What an agent may ask of the swarm. */
export interface SwarmView {
  /**
   * The best KEEP of this tier known to the node that `skip` does not rule out, or undefined.
   * Skipping inside the query matters: a refuted claim at the top must not hide a second-best
   * that still beats this node.
   */
  bestKnown(
    tier: string,
    signal?: AbortSignal,
    skip?: RebaseSkip,
    /** Only claims of this budget: results of another budget are never compared with ours. */
    budgetSeconds?: number,
  ): Promise<BestKnown | undefined>
  /** A train file's text by content hash, verified against the hash. */
  fetchFile(fileHash: string, signal?: AbortSignal): Promise<string>
  /** Experiments already tried on a parent (by anyone), so nobody repeats them. */
  tried(parentHash: string, signal?: AbortSignal): Promise<ExperimentFields[]>
  /** Announces what this node is about to run (a no-op without peers). */
  announce(claim: WorkClaim, signal?: AbortSignal): Promise<void>
  /** Peers' live claims on this parent or of this file (never this node's own). */
  claims(hash: string, signal?: AbortSignal): Promise<PeerClaim[]>
}
