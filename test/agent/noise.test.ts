import { describe, expect, it } from 'vitest'
import {
  DEFAULT_NOISE_SIGMA,
  describeNoise,
  differenceMargin,
  estimateNoise,
} from '../../agent/noise.ts'

describe('estimateNoise', () => {
  it('assumes the default until two degrees of freedom', () => {
    expect(estimateNoise([])).toEqual({ sigma: DEFAULT_NOISE_SIGMA, dof: 0, measured: false })
    const one = estimateNoise([
      { fileHash: 'a', valBpb: 1.8 },
      { fileHash: 'a', valBpb: 1.82 },
      { fileHash: 'b', valBpb: 1.7 },
    ])
    expect(one.measured).toBe(false)
  })

  it('pools the spread of every file run more than once around its own mean', () => {
    const noise = estimateNoise([
      { fileHash: 'a', valBpb: 1.8 },
      { fileHash: 'a', valBpb: 1.82 },
      { fileHash: 'b', valBpb: 1.5 },
      { fileHash: 'b', valBpb: 1.52 },
      { fileHash: 'c', valBpb: 1.0 },
    ])
    // each pair deviates 0.01 twice from its mean: 4 * 1e-4 over 2 dof
    expect(noise.measured).toBe(true)
    expect(noise.dof).toBe(2)
    expect(noise.sigma).toBeCloseTo(Math.sqrt(2e-4), 10)
  })

  it('measures exactly 0 for a file that scores the same every run', () => {
    const same = Array.from({ length: 3 }, () => ({ fileHash: 'a', valBpb: 2.813147 }))
    expect(estimateNoise(same)).toEqual({ sigma: 0, dof: 2, measured: true })
  })

  it('ignores crashes (no finite positive number)', () => {
    const noise = estimateNoise([
      { fileHash: 'a', valBpb: 1.8 },
      { fileHash: 'a', valBpb: Number.NaN },
      { fileHash: 'a', valBpb: 0 },
    ])
    expect(noise.measured).toBe(false)
  })
})

describe('differenceMargin', () => {
  it('is k sigmas of the difference of two runs', () => {
    expect(differenceMargin({ sigma: 0.01 }, 2)).toBeCloseTo(0.02 * Math.SQRT2, 12)
    expect(differenceMargin({ sigma: 0 }, 3)).toBe(0)
  })

  it('says whether the noise was measured', () => {
    expect(describeNoise({ sigma: 0.01, dof: 0, measured: false })).toMatch(/not measured/)
    expect(describeNoise({ sigma: 0.004, dof: 3, measured: true })).toMatch(/0\.0040/)
  })
})
