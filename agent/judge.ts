/**
 * What a finished run means (docs/ARCHITECTURE.md "Decision rule", "Sharing decisions"), pure:
 * a noise run is a discard, a re-measure goes by its own rule (rebase.ts), a broken rule of
 * the harness is rejected whatever it scored, the rest by decide(). Keep, adopt and reproduced
 * all allow this node's seed noise (noise.ts).
 */
import { decide } from './decide.ts'
import type { Experiment, Judged } from './experiment.ts'
import type { NoiseEstimate } from './noise.ts'
import { noiseRunStatus } from './noise-runs.ts'
import { judgeRemeasure, type RebaseVerdict, rebaseTolerance, remeasureStatus } from './rebase.ts'
import type { FinishedOutcome } from './record.ts'

/** The noise a run is judged with: the estimate, its k, and the margin a keep must clear. */
export interface JudgingNoise {
  readonly estimate: NoiseEstimate
  readonly k: number
  /** max(the user's minDelta, k sigmas of a difference). */
  readonly keepMargin: number
}

export function judgeRun(
  { parent, remeasure, noiseRun }: Pick<Experiment, 'parent' | 'remeasure' | 'noiseRun'>,
  outcome: FinishedOutcome,
  { estimate: noise, k, keepMargin }: JudgingNoise,
): Judged {
  const measured = outcome.kind === 'ok' ? outcome.summary.valBpb : undefined
  if (noiseRun !== undefined) return { status: noiseRunStatus(outcome), measured, noise }
  if (remeasure !== undefined) {
    const { best, own } = remeasure
    const tolerance = rebaseTolerance(noise, k)
    const verdict =
      outcome.kind === 'rejected'
        ? ({ adopt: false, reason: 'rejected' } satisfies RebaseVerdict)
        : judgeRemeasure(best.valBpb, measured, own, keepMargin, tolerance)
    const judged = { best, verdict, tolerance }
    return { status: remeasureStatus(verdict), measured, remeasure: judged, noise }
  }
  if (outcome.kind === 'rejected') return { status: 'rejected', measured, noise }
  const parentValBpb = parent.baseline ? undefined : parent.valBpb
  const status = decide({ valBpb: measured, parentValBpb, minDelta: keepMargin })
  return { status, measured, noise }
}
