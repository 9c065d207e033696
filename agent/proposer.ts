/**
 * The proposer seam: everything that turns a parent train file into a candidate edit. Proposers
 * get all they need in the context (the loop gathers what was tried from the swarm and from its
 * own journal), so they stay free of the store and of git.
 */
import type { ExperimentStatus } from '../protocol/types.ts'
import type { ProposalRejectedError } from './errors.ts'
import type { NoiseEstimate } from './noise.ts'

/** This node's seed noise, and the margin a gain must clear to be kept (noise.ts). */
export interface ProposalNoise {
  estimate: NoiseEstimate
  k: number
  /** The keep margin: k sigmas of a difference, or the user's --min-delta if larger. */
  margin: number
}

/** One line of history a proposer may learn from. */
export interface TriedExperiment {
  fileHash: string
  description: string
  status: ExperimentStatus
  valBpb: number
  /** The parent's val_bpb at the time, to show the gain or loss. */
  parentValBpb?: number
}

export interface ProposalContext {
  parentText: string
  parentHash: string
  parentValBpb: number | undefined
  /** What was tried on this parent (by this node and by the swarm), oldest first. */
  triedOnParent: TriedExperiment[]
  /** The node's most recent experiments on any parent, oldest first. */
  recent: TriedExperiment[]
  /** Descriptions of experiments running now on this parent (a speculative proposal must differ). */
  inFlight: string[]
  /**
   * File hashes that must not be proposed: tried on this parent by this node or by a trusted
   * peer, claimed by a trusted peer, running here, or the parent itself.
   */
  exclude: ReadonlySet<string>
  /**
   * Files tried or claimed on this parent only by peers this node does not trust yet
   * (agent/claims.ts): proposed only when nothing else is left, so a sybil's fake discards
   * and claims delay an edit but never bury it.
   */
  deprioritized?: ReadonlySet<string>
  /** Descriptions of what peers hold live claims on for this parent: in progress elsewhere. */
  inProgressOnPeers?: string[]
  /** This node's seed noise and keep margin (absent from contexts made outside the loop). */
  noise?: ProposalNoise
  /** Called for each rejected attempt before a retry, so the loop can report it. */
  onRejected?: (err: ProposalRejectedError, attempt: number) => void
}

export interface CrashContext extends ProposalContext {
  crashed: Proposal
  /** Named crash reason and the run log's tail. */
  reason: string
  tail: string
  /** 1 for the first fix of this crash. */
  attempt: number
}

export interface Proposal {
  text: string
  fileHash: string
  /** One line, says what changed and why. */
  description: string
  /** baseline | builtin | llm | llm-fix | resume */
  source: string
  /** The parent text this proposal was made on (the loop rebases from it if the parent moved). */
  parentText: string
}

export interface Proposer {
  readonly name: string
  propose(ctx: ProposalContext, signal: AbortSignal): Promise<Proposal>
  /** Optional: try to repair a crashed proposal (the LLM reads the log tail). */
  fix?(ctx: CrashContext, signal: AbortSignal): Promise<Proposal | undefined>
}
