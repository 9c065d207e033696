/**
 * Measuring seed noise (docs/ARCHITECTURE.md "Seed noise"): when a lineage starts, the loop
 * runs its baseline file `runs` more times (the harness picks a fresh seed for each), and
 * after every run it re-estimates this node's noise over its own repeated runs of the tier
 * and budget (noise.ts). The margins of keep, adopt and reproduced derive from the estimate.
 *
 * A noise run is published as a re-measure is: the file on itself (parent_hash = file_hash,
 * empty diff), a discard, source 'noise'. The journal is the memory: a restart does not redo
 * noise runs it finds there.
 */
import { sha256Hex } from '../protocol/hash.ts'
import type { ExperimentStatus } from '../protocol/types.ts'
import { decide } from './decide.ts'
import type { PublishedRun } from './interfaces.ts'
import type { EmitLoopEvent } from './loop-events.ts'
import {
  describeProposalNoise,
  differenceMargin,
  estimateNoise,
  type NoiseEstimate,
  type NoiseSample,
  sameNoise,
  UNMEASURED_NOISE,
} from './noise.ts'
import type { Proposal, ProposalNoise } from './proposer.ts'
import type { FinishedOutcome, Parent } from './record.ts'

/** The proposal source of a noise run, in local_runs, results.tsv and events. */
export const NOISE_SOURCE = 'noise'

/** Which noise run of how many an experiment is. */
export interface NoiseRun {
  /** 1 for the first. */
  index: number
  of: number
}

export interface SeedNoiseInit {
  genesis: string
  budgetSeconds: number
  /** The lineage's baseline: the file the noise runs repeat. */
  baselineText: string
  /** Noise runs per lineage start (0: none; the estimate then comes from repeats alone). */
  runs: number
  /** Sigmas of a difference a gain must clear. */
  k: number
  /** The user's own floor on a gain (--min-delta): the keep margin is the larger of the two. */
  minDelta: number
  /** `noise-estimated` goes out through it. */
  emit: EmitLoopEvent
}

/** One of this node's runs that measured a number of this genesis, tier and budget. */
function isOwnSample(r: PublishedRun, genesis: string, tier: string, budget: number): boolean {
  const f = r.fields
  return (
    (f.status === 'keep' || f.status === 'discard') &&
    f.valBpb > 0 &&
    f.genesis === genesis &&
    f.tier === tier &&
    f.budgetSeconds === budget
  )
}

/** A noise run's status: a number is a discard (nothing to keep: the parent is the file). */
export function noiseRunStatus(outcome: FinishedOutcome): ExperimentStatus {
  if (outcome.kind === 'rejected') return 'rejected'
  const valBpb = outcome.kind === 'ok' ? outcome.summary.valBpb : undefined
  return decide({ valBpb, parentValBpb: undefined, minDelta: 0 }) === 'crash' ? 'crash' : 'discard'
}

export function noiseRunDescription(run: NoiseRun, fileHash: string): string {
  return `noise run ${run.index}/${run.of} of ${fileHash.slice(0, 12)}`
}

/** This node's seed noise on the tier it runs on, and the noise runs still to do. */
export class SeedNoise {
  private readonly init: SeedNoiseInit
  private readonly baselineHash: string
  private current: NoiseEstimate = UNMEASURED_NOISE

  constructor(init: SeedNoiseInit) {
    this.init = init
    this.baselineHash = sha256Hex(init.baselineText)
  }

  get estimate(): NoiseEstimate {
    return this.current
  }

  get k(): number {
    return this.init.k
  }

  /** The margin a difference of two runs must clear here: k sigmas of it. */
  get margin(): number {
    return differenceMargin(this.current, this.init.k)
  }

  /** What a keep or an adoption must gain: the noise margin, or the user's minDelta if larger. */
  get keepMargin(): number {
    return Math.max(this.init.minDelta, this.margin)
  }

  /** What a proposer is told (proposer.ts ProposalNoise). */
  get forProposer(): ProposalNoise {
    return { estimate: this.current, k: this.init.k, margin: this.keepMargin }
  }

  /**
   * Re-estimates over `history` (own ok runs of `tier` and this budget); tells the views when
   * the estimate changed, or always with `announce` (at start).
   */
  update(history: readonly PublishedRun[], tier: string, announce = false): void {
    const { genesis, budgetSeconds } = this.init
    const samples: NoiseSample[] = history
      .filter((r) => isOwnSample(r, genesis, tier, budgetSeconds))
      .map((r) => ({ fileHash: r.fields.fileHash, valBpb: r.fields.valBpb }))
    const next = estimateNoise(samples)
    if (!announce && sameNoise(next, this.current)) return
    this.current = next
    this.init.emit('noise-estimated', {
      ...next,
      k: this.init.k,
      margin: this.keepMargin,
      description: describeProposalNoise(this.forProposer),
    })
  }

  /**
   * What the parent's val_bpb is taken to be: the mean of this node's runs of its file (the
   * keep and any noise runs), so one lucky draw does not become the bar every later edit must
   * clear. `measured` when the node has no run of it on this tier and budget.
   */
  parentValBpb(
    history: readonly PublishedRun[],
    tier: string,
    fileHash: string,
    measured: number | undefined,
  ): number | undefined {
    const { genesis, budgetSeconds } = this.init
    const values = history
      .filter((r) => r.fields.fileHash === fileHash && isOwnSample(r, genesis, tier, budgetSeconds))
      .map((r) => r.fields.valBpb)
    return values.length === 0 ? measured : values.reduce((a, b) => a + b, 0) / values.length
  }

  /**
   * The next noise run of the lineage's baseline on `tier`, once the baseline is kept, unless
   * the journal holds them all already (any outcome counts: a baseline that crashes here is
   * not retried forever). Undefined when none is due.
   */
  next(
    history: readonly PublishedRun[],
    tier: string,
    parent: Parent,
  ): { proposal: Proposal; run: NoiseRun } | undefined {
    const { genesis, budgetSeconds, runs } = this.init
    if (parent.baseline || runs <= 0) return undefined
    const done = history.filter(
      (r) =>
        r.local.source === NOISE_SOURCE &&
        r.fields.fileHash === this.baselineHash &&
        r.fields.genesis === genesis &&
        r.fields.tier === tier &&
        r.fields.budgetSeconds === budgetSeconds,
    ).length
    if (done >= runs) return undefined
    const run = { index: done + 1, of: runs }
    return {
      run,
      proposal: {
        text: this.init.baselineText,
        fileHash: this.baselineHash,
        description: noiseRunDescription(run, this.baselineHash),
        source: NOISE_SOURCE,
        parentText: parent.text,
      },
    }
  }
}
