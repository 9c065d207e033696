/** agent/record.ts: the local facts of a finished experiment (what only this node knows). */
import { describe, expect, it } from 'vitest'
import { buildLocalRun } from '../../../agent/record.ts'
import { BEST, CONFIRMED, CRASH, EDIT, EDIT_TEXT, OK, PEER_TEXT, REMEASURE } from './helpers.ts'

describe('buildLocalRun', () => {
  const base = {
    commit: 'c1',
    parentCommit: 'c0',
    logPath: '/logs/7.log',
    wallSeconds: 45,
  }
  it.each([
    {
      name: 'an ok run',
      over: { outcome: OK, proposal: EDIT },
      want: { source: 'builtin', fileText: EDIT_TEXT },
    },
    {
      name: 'a crash: its reason',
      over: { outcome: CRASH, proposal: EDIT },
      want: { source: 'builtin', fileText: EDIT_TEXT, crashReason: 'exit-code' },
    },
    {
      name: 'a re-measure: whose claim, and the verdict',
      over: {
        outcome: OK,
        proposal: REMEASURE,
        remeasure: { best: BEST, verdict: CONFIRMED, tolerance: 0.01 },
      },
      want: {
        source: 'rebase',
        fileText: PEER_TEXT,
        claimedBy: '12D3KooWPeer',
        rebaseVerdict: 'confirmed',
      },
    },
  ] as const)('$name', ({ over, want }) => {
    expect(buildLocalRun({ ...base, ...over })).toEqual({ ...base, ...want })
  })
})
