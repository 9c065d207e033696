import { describe, expect, it } from 'vitest'
import {
  distrustedAuthors,
  isRemeasure,
  judgeRemeasure,
  REBASE_FETCH_RETRY_MS,
  REBASE_REFUTED_LIMIT,
  rebaseSkips,
  rebaseTolerance,
  remeasureDescription,
  remeasureStatus,
  shouldRemeasure,
} from '../../agent/rebase.ts'

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
    ['re-run gave zero', 2.0, 0, own, false, 'crashed'],
    ['no own best: confirmed is enough', 2.0, 2.001, undefined, true, 'confirmed'],
  ] as const)('%s', (_name, claimed, measured, ownBest, adopt, reason) => {
    expect(judgeRemeasure(claimed, measured, ownBest)).toEqual({ adopt, reason })
  })

  it.each([
    ['gain above minDelta', 2.0, 0.05, true, 'confirmed'],
    ['gain within minDelta', 2.0, 0.2, false, 'not-better-here'],
  ] as const)('minDelta: %s', (_name, measured, minDelta, adopt, reason) => {
    expect(judgeRemeasure(2.0, measured, own, minDelta)).toEqual({ adopt, reason })
  })

  it('tolerance is relative with an absolute floor', () => {
    expect(rebaseTolerance(0.1)).toBe(0.002)
    expect(rebaseTolerance(2.0)).toBeCloseTo(0.01, 12)
  })
})

describe('remeasureStatus', () => {
  it.each([
    [{ adopt: true, reason: 'confirmed' }, 'keep'],
    [{ adopt: false, reason: 'refuted' }, 'discard'],
    [{ adopt: false, reason: 'not-better-here' }, 'discard'],
    [{ adopt: false, reason: 'crashed' }, 'crash'],
  ] as const)('%o -> %s', (verdict, status) => {
    expect(remeasureStatus(verdict)).toBe(status)
  })
})

describe('isRemeasure', () => {
  it.each([
    ['same file as parent', 'a', 'a', true],
    ['an edit', 'a', 'b', false],
    ['a baseline', '', 'a', false],
  ] as const)('%s', (_name, parentHash, fileHash, expected) => {
    expect(isRemeasure({ parentHash, fileHash })).toBe(expected)
  })
})

describe('rebaseSkips', () => {
  const now = 1_000_000_000
  it('skips every file run here in this genesis and recent fetch failures', () => {
    const runs = [
      { fileHash: 'own-edit', genesis: 'g' },
      { fileHash: 'remeasured', genesis: 'g' },
      { fileHash: 'other-swarm', genesis: 'h' },
    ]
    const failures = new Map([
      ['failed-recently', now - REBASE_FETCH_RETRY_MS + 1],
      ['failed-long-ago', now - REBASE_FETCH_RETRY_MS],
    ])
    expect([...rebaseSkips(runs, 'g', failures, now)].sort()).toEqual([
      'failed-recently',
      'own-edit',
      'remeasured',
    ])
  })
})

describe('distrustedAuthors', () => {
  const run = (claimedBy: string, rebaseVerdict: string) => ({ claimedBy, rebaseVerdict })
  it('names authors refuted REBASE_REFUTED_LIMIT times since their last confirmed claim', () => {
    expect(REBASE_REFUTED_LIMIT).toBe(2)
    expect(distrustedAuthors([run('liar', 'refuted'), {}, run('liar', 'refuted')])).toEqual(
      new Set(['liar']),
    )
    // once is noise, and a confirmation (or a reproduced claim not better here) starts over
    expect(distrustedAuthors([run('a', 'refuted'), run('b', 'refuted')])).toEqual(new Set())
    expect(
      distrustedAuthors([run('a', 'refuted'), run('a', 'confirmed'), run('a', 'refuted')]),
    ).toEqual(new Set())
    expect(
      distrustedAuthors([run('a', 'refuted'), run('a', 'not-better-here'), run('a', 'refuted')]),
    ).toEqual(new Set())
    // a crashed re-run says nothing about the claim
    expect(
      distrustedAuthors([run('a', 'refuted'), run('a', 'crashed'), run('a', 'refuted')]),
    ).toEqual(new Set(['a']))
  })
})

describe('remeasureDescription', () => {
  it('names the file, the author and the claim', () => {
    expect(
      remeasureDescription({
        fileHash: 'ab12cd34ef56ab12cd34',
        author: '12D3KooWAbcdefghijk',
        valBpb: 1.2345671,
      }),
    ).toBe('re-measure ab12cd34ef56 by 12D3KooWAbcd (claims 1.234567)')
  })
})
