import { describe, expect, it } from 'vitest'
import {
  adoptionLatency,
  bestSoFar,
  duplicates,
  type RunRow,
  roundsTo,
  speedUp,
  spread,
} from '../../../../scripts/bench/swarm/analysis.ts'

let clock = 0
function row(node: number, round: number, over: Partial<RunRow>): RunRow {
  clock += 1000
  return {
    node,
    round,
    time: clock,
    status: 'discard',
    source: 'builtin',
    parentHash: 'p',
    fileHash: `f${node}-${round}`,
    valBpb: 2,
    ...over,
  }
}

describe('bestSoFar', () => {
  it('takes the lowest keep of any node up to each round, by true or measured value', () => {
    const runs = [
      row(1, 1, { status: 'keep', parentHash: '', valBpb: 1.98, trueBpb: 1.97 }),
      row(2, 1, { status: 'keep', parentHash: '', valBpb: 1.96, trueBpb: 1.97 }),
      // a discard never counts, however low
      row(1, 2, { status: 'discard', valBpb: 1.5, trueBpb: 1.5 }),
      // a lucky keep: low measured, worse true
      row(2, 2, { status: 'keep', valBpb: 1.9, trueBpb: 1.99 }),
      row(1, 3, { status: 'keep', source: 'rebase', valBpb: 1.95, trueBpb: 1.93 }),
    ]
    expect(bestSoFar(runs, 3, 'true')).toEqual([1.97, 1.97, 1.93])
    expect(bestSoFar(runs, 3, 'measured')).toEqual([1.96, 1.9, 1.9])
    expect(bestSoFar(runs, 4, 'true')).toEqual([1.97, 1.97, 1.93, 1.93])
  })

  it('is null before the first keep and ignores keeps past the horizon', () => {
    const runs = [
      row(1, 2, { status: 'keep', trueBpb: 1.9 }),
      row(1, 5, { status: 'keep', trueBpb: 1.8 }),
    ]
    expect(bestSoFar(runs, 3, 'true')).toEqual([null, 1.9, 1.9])
  })
})

describe('speedUp', () => {
  it('compares the single node reaching its best after n x R with the swarm', () => {
    // the single node reaches 1.90 at round 6 of 8 (n = 2, R = 4)
    const single = [2, 2, 1.95, 1.95, 1.95, 1.9, 1.9, 1.9]
    expect(speedUp(single, [2, 1.9, 1.9, 1.9], 2)).toMatchObject({
      target: 1.9,
      singleRounds: 6,
      swarmRounds: 2,
      speedUp: 3,
      reached: true,
    })
    // not reached: a lower bound over the swarm's whole run
    expect(speedUp(single, [2, 1.95, 1.95, 1.95], 2)).toMatchObject({
      reached: false,
      speedUp: 1.5,
    })
    expect(roundsTo([null, 2, 1.9], 1.9)).toBe(3)
    expect(roundsTo([null, 2], 1.9)).toBeUndefined()
  })
})

describe('duplicates', () => {
  it('counts a (parent, file) run again anywhere in the swarm, baselines, noise runs and re-measures apart', () => {
    const runs = [
      row(1, 1, { parentHash: '', fileHash: 'b' }),
      row(2, 1, { parentHash: '', fileHash: 'b' }),
      row(1, 2, { parentHash: 'b', fileHash: 'x' }),
      row(2, 2, { parentHash: 'b', fileHash: 'x' }),
      // the same file on another parent is another experiment
      row(1, 3, { parentHash: 'x', fileHash: 'y' }),
      row(2, 3, { parentHash: 'b', fileHash: 'y' }),
      row(2, 4, { parentHash: 'x', fileHash: 'x', source: 'rebase' }),
      // a noise run repeats the node's baseline on itself: no re-measure, no duplicate
      row(1, 4, { parentHash: 'b', fileHash: 'b', source: 'noise' }),
    ]
    expect(duplicates(runs)).toEqual({
      total: 8,
      duplicated: 1,
      share: 1 / 8,
      baselines: 2,
      remeasures: 1,
      noiseRuns: 1,
    })
  })
})

describe('adoptionLatency', () => {
  it('measures from a keep to each other node adopting that file, in seconds and rounds', () => {
    clock = 0
    const keep = row(1, 2, { status: 'keep', fileHash: 'k' }) // t = 1 s
    const runs = [
      keep,
      row(2, 1, {}), // 2 s
      row(2, 2, {}), // 3 s
      row(2, 3, { status: 'keep', source: 'rebase', fileHash: 'k', parentHash: 'k' }), // 4 s
      // node 3 re-measured it but did not adopt: no latency
      row(3, 1, { status: 'discard', source: 'rebase', fileHash: 'k', parentHash: 'k' }),
    ]
    expect(adoptionLatency(runs)).toMatchObject({
      keeps: 1,
      adoptions: 1,
      medianSeconds: 3,
      medianRounds: 3,
    })
  })
})

describe('spread', () => {
  it('gives mean, sample sd and range, leaving out missing values', () => {
    expect(spread([1, 3, null, undefined])).toEqual({
      mean: 2,
      sd: Math.SQRT2,
      min: 1,
      max: 3,
      n: 2,
    })
    expect(spread([null])).toBeNull()
  })
})
