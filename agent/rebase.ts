/**
 * Rebasing onto the swarm's best (../shared/DESIGN.md "Data flow"): pure decisions, the I/O
 * (fetch, re-run, git) lives in the loop. Nobody adopts a number on trust: a peer's claim is
 * re-measured locally, and only a confirmed gain moves this node's parent.
 */
import type { BestKnown } from './interfaces.ts'

/**
 * How far a local re-run may land above the claimed val_bpb and still confirm it. One run's
 * seed noise is ~0.0007 bpb on an H100 at 300 s (ANCHORS.md); short CPU budgets are noisier
 * (measured here: a few 0.001 at 60 s), so the default allows 0.5 % relative, at least 0.002.
 */
export const REBASE_RELATIVE_TOLERANCE = 0.005
export const REBASE_ABSOLUTE_TOLERANCE = 0.002

export interface OwnBest {
  fileHash: string
  valBpb: number
}

/**
 * Whether the swarm's best is worth a re-measure: it beats our best, it is not our own file,
 * and we have not already re-measured that file (a refuted claim is not retried forever).
 */
export function shouldRemeasure(
  own: OwnBest | undefined,
  best: BestKnown | undefined,
  remeasured: ReadonlySet<string>,
): best is BestKnown {
  if (best === undefined) return false
  if (remeasured.has(best.fileHash)) return false
  if (own === undefined) return true
  return best.fileHash !== own.fileHash && best.valBpb < own.valBpb
}

export function rebaseTolerance(claimedValBpb: number): number {
  return Math.max(REBASE_ABSOLUTE_TOLERANCE, claimedValBpb * REBASE_RELATIVE_TOLERANCE)
}

export type RebaseVerdict =
  | { adopt: true; reason: 'confirmed' }
  | { adopt: false; reason: 'refuted' | 'not-better-here' | 'crashed' }

/**
 * After the local re-run: adopt when the local number confirms the claim (within tolerance)
 * and is also better than our own best measured here. A claim that does not reproduce is
 * refuted; one that reproduces but does not beat our best on this machine is not adopted.
 */
export function judgeRemeasure(
  claimedValBpb: number,
  measuredValBpb: number | undefined,
  own: OwnBest | undefined,
): RebaseVerdict {
  if (measuredValBpb === undefined || !Number.isFinite(measuredValBpb)) {
    return { adopt: false, reason: 'crashed' }
  }
  if (measuredValBpb > claimedValBpb + rebaseTolerance(claimedValBpb)) {
    return { adopt: false, reason: 'refuted' }
  }
  if (own !== undefined && measuredValBpb >= own.valBpb)
    return { adopt: false, reason: 'not-better-here' }
  return { adopt: true, reason: 'confirmed' }
}
