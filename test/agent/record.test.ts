/**
 * What one finished experiment becomes (agent/record.ts): the record, the commit message,
 * the local facts and the phase seconds, table-driven over baseline, edit, crash and re-measure.
 */
import { describe, expect, it } from 'vitest'
import type { BestKnown } from '../../agent/interfaces.ts'
import type { Proposal } from '../../agent/proposer.ts'
import type { RebaseVerdict } from '../../agent/rebase.ts'
import {
  addPhases,
  buildLocalRun,
  buildRecord,
  commitMessage,
  type FinishedOutcome,
  type JudgedRemeasure,
  type Parent,
  phaseSeconds,
  type RecordInput,
  recordParentHash,
  zeroPhases,
} from '../../agent/record.ts'
import type { Summary } from '../../agent/summary.ts'
import { parseTrailers } from '../../agent/trailers.ts'
import { recordDiff } from '../../agent/validate.ts'
import { sha256Hex } from '../../protocol/hash.ts'
import { RECORD_VERSION } from '../../protocol/types.ts'

const PARENT_TEXT = 'LR = 0.01\nWIDTH = 64\n'
const EDIT_TEXT = 'LR = 0.02\nWIDTH = 64\n'
const PARENT: Parent = {
  text: PARENT_TEXT,
  hash: sha256Hex(PARENT_TEXT),
  valBpb: 2.5,
  commit: 'c0ffee',
  baseline: false,
}
const BASELINE_PARENT: Parent = {
  text: '',
  hash: '',
  valBpb: undefined,
  commit: 'root',
  baseline: true,
}
const EDIT: Proposal = {
  text: EDIT_TEXT,
  fileHash: sha256Hex(EDIT_TEXT),
  description: 'LR 0.01 -> 0.02',
  source: 'builtin',
  parentText: PARENT_TEXT,
}
const BASELINE: Proposal = {
  text: PARENT_TEXT,
  fileHash: sha256Hex(PARENT_TEXT),
  description: 'baseline',
  source: 'baseline',
  parentText: '',
}
const PEER_TEXT = 'LR = 0.03\nWIDTH = 128\n'
const BEST: BestKnown = {
  fileHash: sha256Hex(PEER_TEXT),
  valBpb: 2.1,
  author: '12D3KooWPeer',
  recordId: 'ab'.repeat(32),
}
const REMEASURE: Proposal = {
  text: PEER_TEXT,
  fileHash: BEST.fileHash,
  description: 're-measure by peer',
  source: 'rebase',
  parentText: PARENT_TEXT,
}
const SUMMARY: Summary = {
  verdict: 'ok',
  reason: '',
  detail: '',
  valBpb: 2.4,
  budgetSeconds: 30,
  trainingSeconds: 30.04,
  startupSeconds: 1.5,
  evalSeconds: 3.25,
  probeSeconds: 3.5,
  totalSeconds: 41.5,
  weightsMb: 5.5,
  numParams: 900_000,
  peakMemMb: 123.45,
  probeMaxDiff: 0,
  probeMeanGain: 0,
  seed: 1234,
  device: 'cpu-2c',
  sandbox: 'bwrap',
}
const TIMING = { startupSeconds: 2, processSeconds: 40 }
const OK: FinishedOutcome = { kind: 'ok', summary: SUMMARY, timing: TIMING }
const CRASH: FinishedOutcome = {
  kind: 'crash',
  reason: 'exit-code',
  message: 'exit code 1',
  tail: 'Traceback...',
  timing: TIMING,
}
const REJECTED: FinishedOutcome = {
  kind: 'rejected',
  reason: 'non-causal',
  message: 'outputs changed by 22 nats',
  tail: '',
  timing: TIMING,
  summary: { ...SUMMARY, verdict: 'rejected', reason: 'non-causal', valBpb: 0 },
}
const CONFIRMED: RebaseVerdict = { adopt: true, reason: 'confirmed' }

function input(over: Partial<RecordInput> = {}): RecordInput {
  return {
    genesis: 'g-test',
    author: 'node-a',
    seq: 7,
    proposal: EDIT,
    parent: PARENT,
    status: 'keep',
    outcome: OK,
    parentHash: PARENT.hash,
    tier: 'cpu-2c',
    budgetSeconds: 30,
    sandboxed: true,
    createdAt: 1_700_000_000_000,
    ...over,
  }
}

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

describe('commitMessage', () => {
  const remeasure = (best: BestKnown, verdict: RebaseVerdict = CONFIRMED): JudgedRemeasure => ({
    best,
    verdict,
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
      over: { outcome: OK, proposal: REMEASURE, remeasure: { best: BEST, verdict: CONFIRMED } },
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

describe('phaseSeconds', () => {
  const loop = { propose: 0.5, git: 0.25, journal: 0.125, total: 50 }
  it.each([
    {
      name: 'an ok run: eval is the process time past start-up and training',
      outcome: { ...OK, summary: { ...SUMMARY, trainingSeconds: 30 } },
      want: {
        propose: 0.5,
        git: 0.25,
        startup: 2,
        training: 30,
        eval: 8,
        journal: 0.125,
        total: 50,
      },
    },
    {
      name: 'a crash: no training, the rest of the process is eval',
      outcome: CRASH,
      want: {
        propose: 0.5,
        git: 0.25,
        startup: 2,
        training: 0,
        eval: 38,
        journal: 0.125,
        total: 50,
      },
    },
    {
      name: 'a trainer that reports more than its process took: eval is 0, not negative',
      outcome: { ...OK, summary: { ...SUMMARY, trainingSeconds: 45 } },
      want: {
        propose: 0.5,
        git: 0.25,
        startup: 2,
        training: 45,
        eval: 0,
        journal: 0.125,
        total: 50,
      },
    },
  ] as const)('$name', ({ outcome, want }) => {
    expect(phaseSeconds(outcome, loop)).toEqual(want)
  })

  it('sums phase by phase, from zero', () => {
    const a = phaseSeconds(OK, loop)
    expect(addPhases(zeroPhases(), a)).toEqual(a)
    const twice = addPhases(a, a)
    for (const k of Object.keys(a) as Array<keyof typeof a>) expect(twice[k]).toBe(2 * a[k])
  })
})
