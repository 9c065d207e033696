/**
 * Rebasing onto the swarm's best (docs/ARCHITECTURE.md "Sharing decisions"): pure decisions;
 * the I/O lives in remeasure.ts (the fetch) and in loop.ts and experiment.ts (the re-run, git).
 * Nobody adopts a number on trust: a peer's claim is re-measured locally, and only a confirmed
 * gain moves this node's parent.
 */
import type { ExperimentFields, ExperimentStatus } from '../protocol/types.ts'
import type { BestKnown, LocalRun } from './interfaces.ts'
import { DEFAULT_NOISE_K, differenceMargin, type NoiseEstimate, UNMEASURED_NOISE } from './noise.ts'
import {
  distrustedAuthors as distrustedAuthorsOver,
  NOT_REPRODUCED,
  type StandingRun,
} from './standing.ts'

export { NOT_REPRODUCED, REPRODUCED } from './standing.ts'

/**
 * A file whose fetch failed (its only holder went offline) is asked for again after this long,
 * not before every experiment: each try may wait for the network while the hardware idles.
 */
export const REBASE_FETCH_RETRY_MS = 10 * 60_000
/** How long one fetch may take before the loop gives up on it and proposes as usual. */
export const REBASE_FETCH_TIMEOUT_MS = 60_000

/**
 * Refuted claims one author may cost this node before its claims get no more re-runs. Each
 * re-run is a whole training budget and a false claim costs its signer nothing, so without a
 * limit one liar could keep every node re-measuring forever. Two, not one: an honest peer on
 * noisy hardware may be refuted once. A claim of the author that this node confirms clears
 * its count.
 */
export const REBASE_REFUTED_LIMIT = 2

/**
 * A flood of plausible fake keeps from many identities (each may cost REBASE_REFUTED_LIMIT
 * re-runs before it is distrusted) must cost a bounded share of this node's budget: of its
 * last REBASE_UNTRUSTED_WINDOW experiments, at most REBASE_UNTRUSTED_FAILURES may be
 * re-measures of untrusted authors' claims that failed here (not reproduced, or crashed);
 * past that, untrusted claims wait and the node proposes. Honest newcomers' claims still get
 * their re-run as soon as the window has room: a delay, never a refusal.
 */
export const REBASE_UNTRUSTED_WINDOW = 10
export const REBASE_UNTRUSTED_FAILURES = 3

/** The proposal source of a re-measure, in local_runs, results.tsv and events. */
export const REBASE_SOURCE = 'rebase'

/** The file a view returned for a re-measure does not hash to the hash it was asked for. */
export class RemeasureFileMismatchError extends Error {
  override name = 'RemeasureFileMismatchError'
}

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

/**
 * A re-measure on the wire: the same file as its own parent, with an empty diff. Peers that
 * trust its author count it as a reproduction (docs/ARCHITECTURE.md "Verification levels").
 */
export function isRemeasure(fields: Pick<ExperimentFields, 'parentHash' | 'fileHash'>): boolean {
  return fields.parentHash !== '' && fields.parentHash === fields.fileHash
}

/**
 * Files this node need not re-measure: every file it has already run itself (re-measures, and
 * its own experiments, whose local number already stands against any claim), plus those whose
 * fetch failed less than REBASE_FETCH_RETRY_MS ago. Built from the journal, so it survives
 * restarts; fetch failures are deliberately forgotten on restart.
 */
export function rebaseSkips(
  ownRuns: readonly Pick<ExperimentFields, 'fileHash' | 'genesis'>[],
  genesis: string,
  fetchFailures: ReadonlyMap<string, number>,
  now: number,
): Set<string> {
  const skip = new Set<string>()
  for (const r of ownRuns) if (r.genesis === genesis) skip.add(r.fileHash)
  for (const [hash, at] of fetchFailures) if (now - at < REBASE_FETCH_RETRY_MS) skip.add(hash)
  return skip
}

/** Authors with REBASE_REFUTED_LIMIT failed claims since their last reproduced one here. */
export function distrustedAuthors(ownRuns: readonly StandingRun[]): Set<string> {
  return distrustedAuthorsOver(ownRuns, REBASE_REFUTED_LIMIT)
}

/**
 * Whether this node already spent its share on untrusted claims that failed here: among its
 * last `window` runs (oldest first in `ownRuns`), the re-measures of claims by authors not in
 * `trusted` whose verdict was not a reproduction (refuted, better-here, rejected, crashed).
 */
export function untrustedShareSpent(
  ownRuns: readonly Pick<LocalRun, 'claimedBy' | 'rebaseVerdict'>[],
  trusted: ReadonlySet<string>,
  window = REBASE_UNTRUSTED_WINDOW,
  failures = REBASE_UNTRUSTED_FAILURES,
): boolean {
  let failed = 0
  for (const run of ownRuns.slice(-window)) {
    if (run.claimedBy === undefined || trusted.has(run.claimedBy)) continue
    const verdict = run.rebaseVerdict ?? ''
    if (NOT_REPRODUCED.has(verdict) || verdict === 'crashed') failed++
  }
  return failed >= failures
}

/** The one-line description of a re-measure record. */
export function remeasureDescription(best: BestKnown): string {
  return `re-measure ${best.fileHash.slice(0, 12)} by ${best.author.slice(0, 12)} (claims ${best.valBpb.toFixed(6)})`
}

/**
 * How far a local re-run may land above the claimed val_bpb and still confirm it: k sigmas of
 * the difference of two runs, with this node's measured seed noise (noise.ts), or the
 * conservative default until it has measured. The claim is the author's one run and ours is
 * one run, so their difference is what the noise bounds, whatever the value claimed.
 */
export function rebaseTolerance(
  noise: Pick<NoiseEstimate, 'sigma'> = UNMEASURED_NOISE,
  k = DEFAULT_NOISE_K,
): number {
  return differenceMargin(noise, k)
}

/**
 * Adopt? Local truth: a peer's file becomes this node's parent when this node's own re-measure
 * beats its own best by more than `margin`, whatever the claim said (the claim only decides
 * which file is worth a re-measure). With no own best yet, any measured file will do.
 */
export function shouldAdopt(measured: number, own: OwnBest | undefined, margin: number): boolean {
  return own === undefined || measured < own.valBpb - margin
}

/**
 * Reproduced? Whether the claim held here within `tolerance`. It decides the author's standing
 * on this node (and later the board's verification level), never adoption.
 */
export function claimReproduced(claimed: number, measured: number, tolerance: number): boolean {
  return measured <= claimed + tolerance
}

/**
 * The two decisions of a re-measure, and its reason:
 * - confirmed: adopted, and the claim reproduced;
 * - better-here: adopted (it beats our best here) though the claim did not reproduce;
 * - not-better-here: the claim reproduced, but the file does not beat our best here;
 * - refuted: neither;
 * - crashed: the re-run gave no number; rejected: the harness found the file breaking a rule
 *   here (a forged or non-causal model), a refutation no tolerance could change.
 */
export type RebaseReason =
  | 'confirmed'
  | 'better-here'
  | 'not-better-here'
  | 'refuted'
  | 'crashed'
  | 'rejected'

export interface RebaseVerdict {
  adopt: boolean
  /** Whether the claim held here; undefined when the re-run gave no number. */
  reproduced?: boolean
  reason: RebaseReason
}

/**
 * After the local re-run: adopt when the local number beats our own best by more than
 * `margin` (as any keep must: the loop passes its seed-noise margin), and separately, whether
 * the claim reproduced within `tolerance` (rebaseTolerance of the node's noise). A run that gives no usable number (as decide() sees it: missing, not finite,
 * not positive) is a crash.
 */
export function judgeRemeasure(
  claimedValBpb: number,
  measuredValBpb: number | undefined,
  own: OwnBest | undefined,
  margin = 0,
  tolerance = rebaseTolerance(),
): RebaseVerdict {
  if (measuredValBpb === undefined || !Number.isFinite(measuredValBpb) || measuredValBpb <= 0) {
    return { adopt: false, reason: 'crashed' }
  }
  const adopt = shouldAdopt(measuredValBpb, own, margin)
  const reproduced = claimReproduced(claimedValBpb, measuredValBpb, tolerance)
  const reason = adopt
    ? reproduced
      ? 'confirmed'
      : 'better-here'
    : reproduced
      ? 'not-better-here'
      : 'refuted'
  return { adopt, reproduced, reason }
}

/** The re-measure's record status: adopted is a keep, a crash a crash, a rejection a rejection, the rest discards. */
export function remeasureStatus(verdict: RebaseVerdict): ExperimentStatus {
  if (verdict.adopt) return 'keep'
  if (verdict.reason === 'crashed') return 'crash'
  return verdict.reason === 'rejected' ? 'rejected' : 'discard'
}
