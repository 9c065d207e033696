/**
 * The fields of one experiment as every part of loopnet sees them (docs/ARCHITECTURE.md, "The
 * record"). The agent fills them, the store keeps them, the swarm signs and gossips them.
 * Protobuf encoding, hashing and signing of this shape live beside it in protocol/.
 *
 * Every number is one the harness measured (trainer/harness.py), never one the train file
 * printed: a child-reported figure would be a covert channel to whoever reads the record.
 */

/**
 * keep / discard: the run finished and was scored; crash: it failed without breaking a rule
 * (an exit, a hang, a non-finite loss); rejected: it broke a rule of the harness (`reason`
 * names which). A rejected file is never kept and never anyone's parent.
 */
export type ExperimentStatus = 'keep' | 'discard' | 'crash' | 'rejected'

/** The record format this loopnet writes and accepts (older ones are refused by name). */
export const RECORD_VERSION = 2

export interface ExperimentFields {
  /** Record format: RECORD_VERSION. */
  version: number
  /** Swarm identity: sha256 hex over the metric's definition, baseline train.py, corpus, tokenizer. */
  genesis: string
  /** Author's libp2p peer id (base58btc string). */
  author: string
  /** Per-author sequence number, strictly increasing. */
  seq: number
  /** sha256 hex of the parent train file; empty string for a baseline. */
  parentHash: string
  /** sha256 hex of this experiment's train file. */
  fileHash: string
  /** Unified diff parent -> this file; empty for a baseline. */
  diff: string
  status: ExperimentStatus
  /** Validation bits per byte; 0 for a crash or a rejection (as results.tsv writes it). */
  valBpb: number
  /** The time budget the run was given: results of different budgets are never compared. */
  budgetSeconds: number
  /** From the train file's begin() to its finish(), by the harness's clock. */
  trainingSeconds: number
  /** Untimed start-up before begin() (imports, compile), bounded per tier. */
  startupSeconds: number
  /** Scoring the val windows in a fresh process. */
  evalSeconds: number
  /** Causality probes and re-scores in another fresh process. */
  probeSeconds: number
  /** The whole harness run. */
  totalSeconds: number
  /** Parameters counted from the weights the run handed back (0 when it never did). */
  numParams: number
  /** Peak memory of the training sandbox (its cgroup), 0 where it cannot be measured. */
  peakMemMb: number
  /** The seed the harness chose for the run. */
  seed: number
  /** Hardware tier key the harness detected, e.g. cpu-2c, cuda-h100-80g. */
  tier: string
  /** For crash and rejected: a named reason (timeout, non-causal, over-budget...); else ''. */
  reason: string
  /** The author ran it without the sandbox (the explicit, logged opt-out). */
  unsandboxed: boolean
  /** One-line hypothesis. */
  description: string
  /** Unix milliseconds. */
  createdAt: number
  /**
   * The author's seed noise when it judged the run: one run's sigma of val_bpb (bpb) on its
   * tier and budget. Absent (the wire's 0) until measured, and for a measured 0.
   */
  noiseSigma?: number
  /** Degrees of freedom behind noiseSigma; absent (0) until measured. */
  noiseDof?: number
}
