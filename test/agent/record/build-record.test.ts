/**
 * agent/record.ts: the record one finished experiment becomes, and the parent it names,
 * table-driven over baseline, edit, crash, rejection and re-measure.
 */
import { describe, expect, it } from 'vitest'
import { buildRecord, type RecordInput, recordParentHash } from '../../../agent/record.ts'
import { recordDiff } from '../../../agent/validate.ts'
import { RECORD_VERSION } from '../../../protocol/types.ts'
import {
  BASELINE,
  BASELINE_PARENT,
  CRASH,
  EDIT,
  EDIT_TEXT,
  input,
  PARENT,
  PARENT_TEXT,
  REJECTED,
  REMEASURE,
  SUMMARY,
} from './helpers.ts'

describe('recordParentHash', () => {
  it.each([
    {
      name: 'an edit: its parent',
      parent: PARENT,
      proposal: EDIT,
      remeasure: false,
      want: PARENT.hash,
    },
    {
      name: 'the baseline: none',
      parent: BASELINE_PARENT,
      proposal: BASELINE,
      remeasure: false,
      want: '',
    },
    {
      name: 'a re-measure: the file itself',
      parent: PARENT,
      proposal: REMEASURE,
      remeasure: true,
      want: REMEASURE.fileHash,
    },
  ])('$name', ({ parent, proposal, remeasure, want }) => {
    expect(recordParentHash(parent, proposal, remeasure)).toBe(want)
  })
})

describe('buildRecord', () => {
  it("copies the harness's summary of a kept edit, with its diff against the parent", () => {
    expect(buildRecord(input())).toEqual({
      version: RECORD_VERSION,
      genesis: 'g-test',
      author: 'node-a',
      seq: 7,
      parentHash: PARENT.hash,
      fileHash: EDIT.fileHash,
      diff: recordDiff(PARENT_TEXT, EDIT_TEXT),
      status: 'keep',
      valBpb: 2.4,
      budgetSeconds: 30,
      trainingSeconds: 30.04,
      startupSeconds: 1.5,
      evalSeconds: 3.25,
      probeSeconds: 3.5,
      totalSeconds: 41.5,
      numParams: 900_000,
      peakMemMb: 123.45,
      seed: 1234,
      tier: 'cpu-2c',
      reason: '',
      unsandboxed: false,
      description: 'LR 0.01 -> 0.02',
      createdAt: 1_700_000_000_000,
    })
  })

  it("carries the author's seed noise once measured, nothing before", () => {
    const measured = { sigma: 0.0153, dof: 4, measured: true }
    expect(buildRecord(input({ noise: measured }))).toMatchObject({
      noiseSigma: 0.0153,
      noiseDof: 4,
    })
    const unmeasured = buildRecord(input({ noise: { sigma: 0.02, dof: 0, measured: false } }))
    expect(unmeasured).not.toHaveProperty('noiseSigma')
    expect(unmeasured).not.toHaveProperty('noiseDof')
  })

  it.each([
    {
      name: 'a crash without a summary: zero val_bpb, its reason, process seconds, the budget given',
      over: { status: 'crash', outcome: CRASH, tier: '' },
      want: {
        valBpb: 0,
        reason: 'exit-code',
        description: 'LR 0.01 -> 0.02',
        totalSeconds: 40,
        trainingSeconds: 0,
        numParams: 0,
        seed: 0,
        budgetSeconds: 30,
        peakMemMb: 0,
        tier: 'unknown',
      },
    },
    {
      name: 'a rejection: zero val_bpb whatever was scored, its named reason, the seed and phases',
      over: { status: 'rejected', outcome: REJECTED },
      want: {
        status: 'rejected',
        valBpb: 0,
        reason: 'non-causal',
        seed: 1234,
        probeSeconds: 3.5,
        description: 'LR 0.01 -> 0.02',
      },
    },
    {
      name: 'the sandbox opt-out is published',
      over: { sandboxed: false },
      want: { unsandboxed: true },
    },
    {
      name: "a crash's odd reason becomes one token",
      over: { status: 'crash', outcome: { ...CRASH, reason: 'Exit Code' } },
      want: { reason: 'exit-code' },
    },
    {
      name: 'a crash with a summary (NaN): still zero val_bpb, the tier it printed',
      over: {
        status: 'crash',
        outcome: {
          ...CRASH,
          reason: 'nan',
          message: 'loss is nan',
          summary: { ...SUMMARY, valBpb: Number.NaN },
        },
        tier: 'cpu-old',
      },
      want: { valBpb: 0, tier: 'cpu-2c', reason: 'nan', numParams: 900_000 },
    },
    {
      name: "a crash without a summary: the node's last known tier",
      over: { status: 'crash', outcome: CRASH, tier: 'cpu-4c' },
      want: { tier: 'cpu-4c' },
    },
    {
      name: 'the baseline: no parent hash, empty diff',
      over: { proposal: BASELINE, parent: BASELINE_PARENT, parentHash: '' },
      want: { parentHash: '', diff: '', fileHash: BASELINE.fileHash, description: 'baseline' },
    },
    {
      name: 'a re-measure: the file on itself, empty diff',
      over: { proposal: REMEASURE, parentHash: REMEASURE.fileHash, status: 'discard' },
      want: {
        parentHash: REMEASURE.fileHash,
        fileHash: REMEASURE.fileHash,
        diff: '',
        status: 'discard',
        valBpb: 2.4,
      },
    },
    {
      name: 'a discard keeps its measured val_bpb',
      over: { status: 'discard' },
      want: { status: 'discard', valBpb: 2.4 },
    },
    {
      name: 'whitespace in a description folds to single spaces',
      over: { proposal: { ...EDIT, description: '  raise LR\n\tand\r\n  widen   ' } },
      want: { description: 'raise LR and widen' },
    },
  ] as const)('$name', ({ over, want }) => {
    expect(buildRecord(input(over as Partial<RecordInput>))).toMatchObject(want)
  })

  it('keeps a long description whole (the protocol caps it)', () => {
    const description = 'x'.repeat(450)
    const record = buildRecord(input({ proposal: { ...EDIT, description } }))
    expect(record.description).toBe(description)
  })
})
