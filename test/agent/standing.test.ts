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

  // The finder rule: files f1 found by 'a', f2 by 'b'; 's' found nothing and republishes.
  const finders: Record<string, string> = { f1: 'a', f2: 'b' }
  const isFinder = (author: string, fileHash: string) => finders[fileHash] === author
  const on = (fileHash: string | undefined, claimedBy: string, rebaseVerdict: string) => ({
    ...run(claimedBy, rebaseVerdict),
    ...(fileHash !== undefined ? { fileHash } : {}),
  })
  it.each([
    ["the finder's confirmed claim", [on('f1', 'a', 'confirmed')], ['a'], []],
    ["a republisher's confirmed claim earns nothing", [on('f1', 's', 'confirmed')], [], []],
    [
      'republishing never clears failures',
      [on('f9', 's', 'refuted'), on('f1', 's', 'confirmed'), on('f9', 's', 'refuted')],
      [],
      ['s'],
    ],
    [
      'a failed claim counts against its author, whoever found the file',
      [on('f1', 'a', 'confirmed'), on('f2', 'a', 'refuted')],
      [],
      [],
    ],
    [
      "the finder recovers on its own file's next confirmation",
      [on('f1', 'a', 'confirmed'), on('f9', 'a', 'refuted'), on('f1', 'a', 'not-better-here')],
      ['a'],
      [],
    ],
    ['no file hash: no credit under the finder rule', [on(undefined, 'a', 'confirmed')], [], []],
    [
      'several authors, each by its own finds',
      [on('f1', 'a', 'confirmed'), on('f1', 'b', 'confirmed'), on('f2', 'b', 'confirmed')],
      ['a', 'b'],
      [],
    ],
  ] as const)('with the finder rule: %s', (_name, runs, trusted, distrusted) => {
    expect([...trustedAuthors(runs, isFinder)].sort()).toEqual([...trusted])
    expect([...distrustedAuthors(runs, 2, isFinder)].sort()).toEqual([...distrusted])
  })

  it("without the finder rule (the rebase's use) a republished confirmation still clears", () => {
    const runs = [on('f9', 's', 'refuted'), on('f1', 's', 'confirmed'), on('f9', 's', 'refuted')]
    expect(standings(runs).get('s')).toEqual({ reproduced: 1, refutedSince: 1 })
    expect(standings(runs, isFinder).get('s')).toEqual({ reproduced: 0, refutedSince: 2 })
  })

  it('counts reproduced claims and failures since the last', () => {
    const s = standings([run('a', 'confirmed'), run('a', 'confirmed'), run('a', 'refuted')])
    expect(s.get('a')).toEqual({ reproduced: 2, refutedSince: 1 })
  })
})
