/** agent/record.ts: the commit message of a finished experiment and its trailers. */
import { describe, expect, it } from 'vitest'
import type { BestKnown } from '../../../agent/interfaces.ts'
import type { RebaseVerdict } from '../../../agent/rebase.ts'
import {
  buildRecord,
  commitMessage,
  type JudgedRemeasure,
  type RecordInput,
} from '../../../agent/record.ts'
import { parseTrailers } from '../../../agent/trailers.ts'
import {
  BASELINE,
  BASELINE_PARENT,
  BEST,
  CONFIRMED,
  CRASH,
  EDIT,
  input,
  OK,
  PARENT,
  REMEASURE,
} from './helpers.ts'

describe('commitMessage', () => {
  // the tolerance the loop judged with (rebaseTolerance of its noise): the trailer says it
  const remeasure = (best: BestKnown, verdict: RebaseVerdict = CONFIRMED): JudgedRemeasure => ({
    best,
    verdict,
    tolerance: 0.0105,
  })
  const { recordId: _, ...BEST_WITHOUT_ID } = BEST

  it.each([
    {
      name: 'a kept edit',
      absent: ['Crash-Reason', 'Claimed-By', 'Claimed-Record', 'Rebase-Verdict'],
      over: {},
      parent: PARENT,
      proposal: EDIT,
      outcome: OK,
      remeasure: undefined,
      want: {
        Status: 'keep',
        'Val-Bpb': '2.400000',
        'Parent-Val-Bpb': '2.500000',
        Seq: '7',
        Tier: 'cpu-2c',
        'Budget-Seconds': '30',
        'Training-Seconds': '30.0',
        'Peak-Mem-Mb': '123.5',
        Source: 'builtin',
        'File-Hash': EDIT.fileHash,
        'Parent-Hash': PARENT.hash,
      },
    },
    {
      name: 'the baseline: no Parent-Val-Bpb, Parent-Hash none',
      absent: ['Parent-Val-Bpb', 'Crash-Reason', 'Claimed-By'],
      over: { proposal: BASELINE, parent: BASELINE_PARENT, parentHash: '' },
      parent: BASELINE_PARENT,
      proposal: BASELINE,
      outcome: OK,
      remeasure: undefined,
      want: { Status: 'keep', 'Parent-Hash': 'none', Source: 'baseline' },
    },
    {
      name: 'a crash: its reason',
      absent: ['Claimed-By', 'Rebase-Verdict'],
      over: { status: 'crash', outcome: CRASH },
      parent: PARENT,
      proposal: EDIT,
      outcome: CRASH,
      remeasure: undefined,
      want: { Status: 'crash', 'Val-Bpb': '0.000000', 'Crash-Reason': 'exit-code: exit code 1' },
    },
    {
      name: 'a re-measure with a record id',
      absent: ['Crash-Reason'],
      over: { proposal: REMEASURE, parentHash: REMEASURE.fileHash },
      parent: PARENT,
      proposal: REMEASURE,
      outcome: OK,
      remeasure: remeasure(BEST),
      want: {
        Source: 'rebase',
        'Parent-Hash': REMEASURE.fileHash,
        'Claimed-By': '12D3KooWPeer',
        'Claimed-Val-Bpb': '2.100000',
        'Rebase-Tolerance': '0.010500',
        'Claimed-Record': BEST.recordId,
        'Rebase-Verdict': 'confirmed',
      },
    },
    {
      name: 'a refuted re-measure without a record id',
      absent: ['Claimed-Record', 'Crash-Reason'],
      over: { proposal: REMEASURE, parentHash: REMEASURE.fileHash, status: 'discard' },
      parent: PARENT,
      proposal: REMEASURE,
      outcome: OK,
      remeasure: remeasure(BEST_WITHOUT_ID, { adopt: false, reason: 'refuted' }),
      want: {
        Status: 'discard',
        'Claimed-By': '12D3KooWPeer',
        'Claimed-Val-Bpb': '2.100000',
        'Rebase-Tolerance': '0.010500',
        'Rebase-Verdict': 'refuted',
      },
    },
  ] as const)('$name', ({ over, parent, proposal, outcome, remeasure: r, want, absent }) => {
    const record = buildRecord(input(over as Partial<RecordInput>))
    const message = commitMessage(record, parent, proposal, outcome, r)
    expect(message.split('\n')[0]).toBe(proposal.description)
    const trailers = parseTrailers(message)
    expect(trailers).toMatchObject(want)
    for (const key of absent) expect(trailers).not.toHaveProperty(key)
  })
})
