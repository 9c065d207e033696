/**
 * The fields of one experiment as every part of loopnet sees them (docs/ARCHITECTURE.md, "The
 * record"). The agent fills them, the store keeps them, the swarm signs and gossips them.
 * Protobuf encoding, hashing and signing of this shape live beside it in protocol/.
 */

export type ExperimentStatus = 'keep' | 'discard' | 'crash'

export interface ExperimentFields {
  /** Swarm identity: sha256 hex over prepare.py, baseline train.py, corpus, tokenizer, eval constants. */
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
  /** Validation bits per byte; 0 for a crash (as results.tsv writes it). */
  valBpb: number
  trainingSeconds: number
  totalSeconds: number
  numSteps: number
  totalTokens: number
  peakMemMb: number
  /** Hardware tier key reported by the trainer, e.g. cpu-2c, cuda-h100-80g. */
  tier: string
  /** One-line hypothesis or, for a crash, the reason. */
  description: string
  /** Unix milliseconds. */
  createdAt: number
}
