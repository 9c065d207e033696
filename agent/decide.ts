/**
 * The decision rule (docs/ARCHITECTURE.md "Decision rule"): pure, so it is table-tested and the
 * same on every node.
 */
import type { ExperimentStatus } from '../protocol/types.ts'

export interface DecisionInput {
  /** The run's val_bpb, or undefined when it crashed. */
  valBpb: number | undefined
  /** The parent's val_bpb, or undefined for a baseline (nothing to beat). */
  parentValBpb: number | undefined
  /** A gain must exceed this to count: the loop passes max(--min-delta, k sigmas of seed noise). */
  minDelta: number
}

export function decide({ valBpb, parentValBpb, minDelta }: DecisionInput): ExperimentStatus {
  if (valBpb === undefined || !Number.isFinite(valBpb) || valBpb <= 0) return 'crash'
  if (parentValBpb === undefined) return 'keep'
  return valBpb < parentValBpb - minDelta ? 'keep' : 'discard'
}
