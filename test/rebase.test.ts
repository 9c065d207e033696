import { describe, expect, it } from 'vitest'
import { judgeRemeasure, rebaseTolerance, shouldRemeasure } from '../agent/rebase.ts'

const best = { fileHash: 'b', valBpb: 2.0, author: 'peerB' }

describe('shouldRemeasure', () => {
  it.each([
    ['no swarm best', { fileHash: 'a', valBpb: 2.1 }, undefined, [], false],
    ['no own best yet', undefined, best, [], true],
    ['swarm best is better', { fileHash: 'a', valBpb: 2.1 }, best, [], true],
    ['swarm best is worse', { fileHash: 'a', valBpb: 1.9 }, best, [], false],
    ['swarm best equals ours', { fileHash: 'a', valBpb: 2.0 }, best, [], false],
    ['it is our own file', { fileHash: 'b', valBpb: 2.1 }, best, [], false],
    ['already re-measured', { fileHash: 'a', valBpb: 2.1 }, best, ['b'], false],
  ] as const)('%s', (_name, own, swarmBest, done, expected) => {
    expect(shouldRemeasure(own, swarmBest, new Set(done))).toBe(expected)
  })
})

describe('judgeRemeasure', () => {
  const own = { fileHash: 'a', valBpb: 2.1 }
  it.each([
    ['reproduces exactly', 2.0, 2.0, own, true, 'confirmed'],
    [
      'within tolerance and better here',
      2.0,
      2.0 + rebaseTolerance(2.0) * 0.9,
      own,
      true,
      'confirmed',
    ],
    ['beyond tolerance', 2.0, 2.0 + rebaseTolerance(2.0) * 1.1, own, false, 'refuted'],
    [
      'confirmed but not better here',
      2.0,
      2.0,
      { fileHash: 'a', valBpb: 1.995 },
      false,
      'not-better-here',
    ],
    ['re-run crashed', 2.0, undefined, own, false, 'crashed'],
    ['re-run NaN', 2.0, Number.NaN, own, false, 'crashed'],
    ['no own best: confirmed is enough', 2.0, 2.001, undefined, true, 'confirmed'],
  ] as const)('%s', (_name, claimed, measured, ownBest, adopt, reason) => {
    expect(judgeRemeasure(claimed, measured, ownBest)).toEqual({ adopt, reason })
  })

  it('tolerance is relative with an absolute floor', () => {
    expect(rebaseTolerance(0.1)).toBe(0.002)
    expect(rebaseTolerance(2.0)).toBeCloseTo(0.01, 12)
  })
})
