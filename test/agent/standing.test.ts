import { describe, expect, it } from 'vitest'
import { distrustedAuthors, standings, trustedAuthors } from '../../agent/standing.ts'

const run = (claimedBy: string | undefined, rebaseVerdict?: string) => ({
  ...(claimedBy !== undefined ? { claimedBy } : {}),
  ...(rebaseVerdict !== undefined ? { rebaseVerdict } : {}),
})

describe('standing', () => {
  it.each([
    ['never re-measured', [], [], []],
    ['one confirmed claim', [run('a', 'confirmed')], ['a'], []],
    ['reproduced though not better here', [run('a', 'not-better-here')], ['a'], []],
    ['refuted only', [run('a', 'refuted')], [], []],
    [
      'confirmed, then one unlucky refutation',
      [run('a', 'confirmed'), run('a', 'refuted')],
      [],
      [],
    ],
    // an honest author recovers: the next reproduced claim restores its trust
    [
      'confirmed, refuted, confirmed',
      [run('a', 'confirmed'), run('a', 'refuted'), run('a', 'confirmed')],
      ['a'],
      [],
    ],
    ['better-here counts against', [run('a', 'confirmed'), run('a', 'better-here')], [], []],
    ['two rejections: distrusted', [run('a', 'rejected'), run('a', 'rejected')], [], ['a']],
    ['a crash says nothing', [run('a', 'confirmed'), run('a', 'crashed')], ['a'], []],
    ['own experiments are not claims', [run(undefined), run(undefined, 'confirmed')], [], []],
    [
      'authors apart',
      [run('a', 'confirmed'), run('b', 'refuted'), run('b', 'refuted')],
      ['a'],
      ['b'],
    ],
  ] as const)('%s', (_name, runs, trusted, distrusted) => {
    expect([...trustedAuthors(runs)].sort()).toEqual([...trusted])
    expect([...distrustedAuthors(runs, 2)].sort()).toEqual([...distrusted])
  })

  it('counts reproduced claims and failures since the last', () => {
    const s = standings([run('a', 'confirmed'), run('a', 'confirmed'), run('a', 'refuted')])
    expect(s.get('a')).toEqual({ reproduced: 2, refutedSince: 1 })
  })
})
