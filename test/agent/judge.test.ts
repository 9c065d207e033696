/**
 * agent/judge.ts, agent/noise-runs.ts and the noise-derived margins: what keep, adopt and
 * reproduced allow for a given seed noise, and which noise runs a journal still owes.
 */
import { describe, expect, it } from 'vitest'
import type { PublishedRun } from '../../agent/interfaces.ts'
import { type JudgingNoise, judgeRun } from '../../agent/judge.ts'
import type { AgentLoopEvents } from '../../agent/loop-events.ts'
import {
  DEFAULT_NOISE_K,
  DEFAULT_NOISE_SIGMA,
  describeProposalNoise,
  differenceMargin,
  type NoiseEstimate,
  noiseFields,
  UNMEASURED_NOISE,
} from '../../agent/noise.ts'
import { NOISE_SOURCE, noiseRunStatus, SeedNoise } from '../../agent/noise-runs.ts'
import { rebaseTolerance } from '../../agent/rebase.ts'
import type { FinishedOutcome } from '../../agent/record.ts'
import { sha256Hex } from '../../protocol/hash.ts'
import type { ExperimentFields } from '../../protocol/types.ts'
import { BASELINE_PARENT, BEST, CRASH, OK, PARENT, REJECTED, SUMMARY } from './record/helpers.ts'

const MEASURED: NoiseEstimate = { sigma: 0.015, dof: 4, measured: true }

function scored(valBpb: number): FinishedOutcome {
  return { ...OK, summary: { ...SUMMARY, valBpb } } as FinishedOutcome
}

function judging(noise: NoiseEstimate, k = 2, minDelta = 0): JudgingNoise {
  const margin = k * noise.sigma * Math.SQRT2
  return { estimate: noise, k, keepMargin: Math.max(minDelta, margin) }
}

describe('rebaseTolerance (reproduced)', () => {
  it.each([
    // the unmeasured default: 2 sigma of a difference of two runs of 0.02 each
    ['unmeasured, default k', undefined, undefined, 2 * DEFAULT_NOISE_SIGMA * Math.SQRT2],
    ['measured 0.015 at 30 s on CPU, k 2', MEASURED, 2, 0.0424264],
    ['measured 0.015, k 3', MEASURED, 3, 0.0636396],
    ['an H100 at 300 s: 0.0007', { sigma: 0.0007 }, 2, 0.0019799],
    ['no noise, k 2', { sigma: 0 }, 2, 0],
  ] as const)('%s', (_name, noise, k, want) => {
    expect(rebaseTolerance(noise, k)).toBeCloseTo(want, 6)
  })

  it('does not depend on the claimed value: only the noise bounds the difference', () => {
    // it takes no claim: k sigmas of a difference, the default k when none is given
    expect(rebaseTolerance(MEASURED)).toBe(differenceMargin(MEASURED, DEFAULT_NOISE_K))
    expect(rebaseTolerance()).toBe(differenceMargin(UNMEASURED_NOISE, DEFAULT_NOISE_K))
  })
})

describe('judgeRun', () => {
  const margin = 2 * 0.015 * Math.SQRT2 // 0.0424
  it.each([
    ['a gain over the margin: keep', 2.5 - margin - 0.001, judging(MEASURED), 'keep'],
    ['a gain under the margin: discard', 2.5 - margin + 0.001, judging(MEASURED), 'discard'],
    ['the same gain with k 1: keep', 2.5 - margin + 0.001, judging(MEASURED, 1), 'keep'],
    // unmeasured: the conservative default margin (0.0566) holds back a 0.05 gain
    ['0.05 unmeasured: discard', 2.45, judging(UNMEASURED_NOISE), 'discard'],
    ['0.05 measured: keep', 2.45, judging(MEASURED), 'keep'],
    // the user's --min-delta wins when it is larger than the noise margin
    ['0.05 under a min-delta of 0.06: discard', 2.45, judging(MEASURED, 2, 0.06), 'discard'],
    ['a loss: discard', 2.6, judging(MEASURED), 'discard'],
    ['margins off (k 0): any gain keeps', 2.4999, judging(MEASURED, 0), 'keep'],
  ] as const)('%s', (_name, valBpb, noise, status) => {
    const judged = judgeRun({ parent: PARENT, remeasure: undefined }, scored(valBpb), noise)
    expect(judged.status).toBe(status)
    expect(judged.noise).toBe(noise.estimate)
  })

  it('adopts a peer file only past the margin, and judges its claim within the noise tolerance', () => {
    const own = { fileHash: PARENT.hash, valBpb: 2.5 }
    const at = (valBpb: number, claimed: number) =>
      judgeRun(
        {
          parent: PARENT,
          remeasure: { best: { ...BEST, valBpb: claimed }, own, proposal: {} as never },
        },
        scored(valBpb),
        judging(MEASURED),
      )
    // 2.44 beats 2.5 by 0.06 > 0.042: adopted; 0.01 above the claim 2.43: reproduced
    expect(at(2.44, 2.43)).toMatchObject({
      status: 'keep',
      remeasure: { verdict: { reason: 'confirmed' } },
    })
    expect(at(2.44, 2.43).remeasure?.tolerance).toBeCloseTo(margin, 9)
    // 2.47 beats ours by 0.03 only: not adopted, though 0.04 above the claim reproduces it
    expect(at(2.47, 2.43).remeasure?.verdict).toEqual({
      adopt: false,
      reproduced: true,
      reason: 'not-better-here',
    })
    // 0.05 above the claim 2.40: not reproduced, but it beats ours by 0.05 > 0.042
    expect(at(2.45, 2.4).remeasure?.verdict).toEqual({
      adopt: true,
      reproduced: false,
      reason: 'better-here',
    })
    // 0.06 above the claim and 0.02 better than ours: refuted, not adopted
    expect(at(2.48, 2.42)).toMatchObject({
      status: 'discard',
      remeasure: { verdict: { reason: 'refuted' } },
    })
  })

  it.each([
    ['a measured run', scored(2.49), 'discard'],
    ['a run that gave NaN', scored(Number.NaN), 'crash'],
    ['a crash', CRASH, 'crash'],
    ['a rejection', REJECTED, 'rejected'],
  ] as const)('a noise run: %s is a %s, never a keep', (_name, outcome, status) => {
    expect(noiseRunStatus(outcome)).toBe(status)
    const judged = judgeRun(
      { parent: PARENT, remeasure: undefined, noiseRun: { index: 1, of: 2 } },
      outcome,
      judging(MEASURED),
    )
    expect(judged.status).toBe(status)
  })
})

describe('noiseFields and the prompt line', () => {
  it('carries nothing until measured, and leaves a zero sigma out as the wire does', () => {
    expect(noiseFields(UNMEASURED_NOISE)).toEqual({})
    expect(noiseFields(MEASURED)).toEqual({ noiseSigma: 0.015, noiseDof: 4 })
    expect(noiseFields({ sigma: 0, dof: 2, measured: true })).toEqual({ noiseDof: 2 })
  })

  it('says when --min-delta raises the margin above the noise', () => {
    const noise = { estimate: MEASURED, k: 2, margin: 0.0424264 }
    expect(describeProposalNoise(noise)).toBe(
      'seed noise 0.0150 bpb per run (5+ runs); a gain must exceed 0.0424',
    )
    expect(describeProposalNoise({ ...noise, margin: 0.1 })).toMatch(
      /min-delta raises that to 0\.1000$/,
    )
  })
})

describe('SeedNoise', () => {
  const BASELINE_TEXT = 'LR = 0.01\n'
  const HASH = sha256Hex(BASELINE_TEXT)
  const KEPT = { ...PARENT, text: BASELINE_TEXT, hash: HASH }
  let seq = 0
  function run(over: Partial<ExperimentFields>, source = NOISE_SOURCE): PublishedRun {
    const fields = {
      genesis: 'g',
      tier: 'cpu-2c',
      budgetSeconds: 30,
      fileHash: HASH,
      parentHash: HASH,
      status: 'discard',
      valBpb: 2.5,
      seq: ++seq,
      ...over,
    } as ExperimentFields
    return { id: '', fields, local: { source } as PublishedRun['local'] }
  }
  function noise(runs = 2, emitted: unknown[] = []): SeedNoise {
    return new SeedNoise({
      genesis: 'g',
      budgetSeconds: 30,
      baselineText: BASELINE_TEXT,
      runs,
      k: 2,
      minDelta: 0,
      emit: (_type, detail) => emitted.push(detail),
    })
  }
  const baselineRun = run({ status: 'keep', parentHash: '' }, 'baseline')

  it('owes its noise runs after the baseline, numbered, until the journal holds them', () => {
    const n = noise(2)
    expect(n.next([], 'cpu-2c', BASELINE_PARENT)).toBeUndefined() // the baseline runs first
    expect(n.next([baselineRun], 'cpu-2c', KEPT)).toMatchObject({
      run: { index: 1, of: 2 },
      proposal: { fileHash: HASH, source: NOISE_SOURCE, text: BASELINE_TEXT },
    })
    const one = [baselineRun, run({ status: 'crash', valBpb: 0 })] // a crash counts: no retry loop
    expect(n.next(one, 'cpu-2c', KEPT)?.run).toEqual({ index: 2, of: 2 })
    expect(n.next([...one, run({})], 'cpu-2c', KEPT)).toBeUndefined()
    expect(noise(0).next([baselineRun], 'cpu-2c', KEPT)).toBeUndefined()
  })

  it('counts only noise runs of this genesis, tier and budget', () => {
    const n = noise(1)
    for (const other of [{ genesis: 'h' }, { tier: 'cuda-h100-80g' }, { budgetSeconds: 60 }])
      expect(n.next([baselineRun, run(other)], 'cpu-2c', KEPT)?.run.index).toBe(1)
    // another source running the same file is no noise run
    expect(n.next([baselineRun, run({}, 'rebase')], 'cpu-2c', KEPT)?.run.index).toBe(1)
  })

  it('estimates over own scored runs of its tier and budget, and tells the views on a change', () => {
    const emitted: Array<AgentLoopEvents['noise-estimated']> = []
    const n = noise(2, emitted)
    n.update([], 'cpu-2c', true)
    expect(emitted).toMatchObject([{ measured: false, dof: 0 }])
    const history = [
      run({ status: 'keep', valBpb: 2.52 }, 'baseline'),
      run({ valBpb: 2.49 }),
      run({ valBpb: 2.49 }),
      // none of these is a sample: another tier, another budget, a crash, a rejection
      run({ valBpb: 1.0, tier: 'cuda-h100-80g' }),
      run({ valBpb: 1.0, budgetSeconds: 60 }),
      run({ valBpb: 0, status: 'crash' }),
      run({ valBpb: 0, status: 'rejected' }),
    ]
    n.update(history, 'cpu-2c')
    expect(n.estimate.sigma).toBeCloseTo(Math.sqrt(6e-4 / 2), 9)
    expect(emitted).toHaveLength(2)
    n.update(history, 'cpu-2c') // unchanged: nothing to say
    expect(emitted).toHaveLength(2)
    expect(n.keepMargin).toBeCloseTo(2 * Math.sqrt(3e-4) * Math.SQRT2, 9)
    // the parent's value is the mean of own runs of its file, not the lucky first draw
    expect(n.parentValBpb(history, 'cpu-2c', HASH, 2.52)).toBeCloseTo(2.5, 9)
    expect(n.parentValBpb(history, 'cpu-2c', 'other', 2.52)).toBe(2.52)
  })
})
