import { describe, expect, it } from 'vitest'
import {
  distrustedAuthors,
  isRemeasure,
  judgeRemeasure,
  REBASE_FETCH_RETRY_MS,
  REBASE_REFUTED_LIMIT,
  REBASE_UNTRUSTED_FAILURES,
  REBASE_UNTRUSTED_WINDOW,
  rebaseSkips,
  rebaseTolerance,
  remeasureDescription,
  remeasureStatus,
  shouldRemeasure,
  untrustedShareSpent,
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
    ['reproduces exactly', 2.0, 2.0, own, true, true, 'confirmed'],
    [
      'within tolerance and better here',
      2.0,
      2.0 + rebaseTolerance() * 0.9,
      own,
      true,
      true,
      'confirmed',
    ],
    // adopt is local truth: it beats our best here, whatever the claim said
    [
      'beyond tolerance, yet better here',
      2.0,
      2.0 + rebaseTolerance() * 1.1,
      own,
      true,
      false,
      'better-here',
    ],
    // the main job's DEPTH 2 -> 1 (claimed 1.751): 1.766 on one peer (best 1.857), within the
    // noise of two runs: confirmed; 1.812 on the other (best 1.892), beyond it: adopted anyway
    [
      'a real gain within noise of its claim',
      1.751,
      1.766,
      { fileHash: 'a', valBpb: 1.857 },
      true,
      true,
      'confirmed',
    ],
    [
      'a real gain that misses its claim',
      1.751,
      1.812,
      { fileHash: 'a', valBpb: 1.892 },
      true,
      false,
      'better-here',
    ],
    ['beyond tolerance and not better here', 2.0, 2.2, own, false, false, 'refuted'],
    [
      'confirmed but not better here',
      2.0,
      2.0,
      { fileHash: 'a', valBpb: 1.995 },
      false,
      true,
      'not-better-here',
    ],
    ['no own best: any number will do', 2.0, 2.5, undefined, true, false, 'better-here'],
    ['no own best, reproduced', 2.0, 2.001, undefined, true, true, 'confirmed'],
  ] as const)('%s', (_name, claimed, measured, ownBest, adopt, reproduced, reason) => {
    expect(judgeRemeasure(claimed, measured, ownBest)).toEqual({ adopt, reproduced, reason })
  })

  it.each([
    ['re-run crashed', undefined],
    ['re-run NaN', Number.NaN],
    ['re-run gave zero', 0],
  ] as const)('%s: crashed, neither adopted nor judged', (_name, measured) => {
    expect(judgeRemeasure(2.0, measured, own)).toEqual({ adopt: false, reason: 'crashed' })
  })

  it.each([
    ['gain above the margin', 2.0, 0.05, true, 'confirmed'],
    ['gain within the margin', 2.0, 0.2, false, 'not-better-here'],
  ] as const)('margin: %s', (_name, measured, margin, adopt, reason) => {
    expect(judgeRemeasure(2.0, measured, own, margin)).toMatchObject({ adopt, reason })
  })

  it('takes the tolerance it is given for reproduced, never for adopt', () => {
    expect(judgeRemeasure(2.0, 2.05, own, 0, 0.1)).toEqual({
      adopt: true,
      reproduced: true,
      reason: 'confirmed',
    })
    expect(judgeRemeasure(2.0, 2.05, own, 0, 0.01)).toMatchObject({
      adopt: true,
      reproduced: false,
    })
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
    // a claim that did not reproduce counts against its author even when the file was adopted
    // here, and a rejection counts as a refutation
    expect(distrustedAuthors([run('a', 'better-here'), run('a', 'rejected')])).toEqual(
      new Set(['a']),
    )
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

describe('untrustedShareSpent', () => {
  const failed = (by: string, verdict = 'refuted') => ({ claimedBy: by, rebaseVerdict: verdict })
  const own = {}
  const trusted = new Set(['friend'])
  it.each([
    ['nothing re-measured', [own, own, own], false],
    ['two failures of strangers', [failed('s1'), failed('s2'), own], false],
    [
      'three failures of strangers',
      [failed('s1'), failed('s2'), failed('s3', 'better-here')],
      true,
    ],
    ['a crash counts as a failure', [failed('s1'), failed('s2'), failed('s3', 'crashed')], true],
    ['a trusted peer costs nothing', [failed('s1'), failed('s2'), failed('friend')], false],
    [
      'a reproduced claim is no failure',
      [failed('s1'), failed('s2'), failed('s3', 'confirmed')],
      false,
    ],
    [
      'failures older than the window are forgotten',
      [failed('s1'), failed('s2'), failed('s3'), ...Array(REBASE_UNTRUSTED_WINDOW - 2).fill(own)],
      false,
    ],
  ] as const)('%s', (_name, runs, spent) => {
    expect(untrustedShareSpent(runs, trusted)).toBe(spent)
  })
  it('allows REBASE_UNTRUSTED_FAILURES in a window of REBASE_UNTRUSTED_WINDOW', () => {
    expect(REBASE_UNTRUSTED_FAILURES).toBeLessThan(REBASE_UNTRUSTED_WINDOW / 2)
  })
})
