/**
 * The finished experiments the tests of agent/record.ts build from: an edit, the baseline and
 * a re-measure of a peer's claim, each ended ok, crashed or rejected.
 */
import type { BestKnown } from '../../../agent/interfaces.ts'
import type { Proposal } from '../../../agent/proposer.ts'
import type { RebaseVerdict } from '../../../agent/rebase.ts'
import type { FinishedOutcome, Parent, RecordInput } from '../../../agent/record.ts'
import type { Summary } from '../../../agent/summary.ts'
import { sha256Hex } from '../../../protocol/hash.ts'

export const PARENT_TEXT = 'LR = 0.01\nWIDTH = 64\n'
export const EDIT_TEXT = 'LR = 0.02\nWIDTH = 64\n'
export const PARENT: Parent = {
  text: PARENT_TEXT,
  hash: sha256Hex(PARENT_TEXT),
  valBpb: 2.5,
  commit: 'c0ffee',
  baseline: false,
}
export const BASELINE_PARENT: Parent = {
  text: '',
  hash: '',
  valBpb: undefined,
  commit: 'root',
  baseline: true,
}
export const EDIT: Proposal = {
  text: EDIT_TEXT,
  fileHash: sha256Hex(EDIT_TEXT),
  description: 'LR 0.01 -> 0.02',
  source: 'builtin',
  parentText: PARENT_TEXT,
}
export const BASELINE: Proposal = {
  text: PARENT_TEXT,
  fileHash: sha256Hex(PARENT_TEXT),
  description: 'baseline',
  source: 'baseline',
  parentText: '',
}
export const PEER_TEXT = 'LR = 0.03\nWIDTH = 128\n'
export const BEST: BestKnown = {
  fileHash: sha256Hex(PEER_TEXT),
  valBpb: 2.1,
  author: '12D3KooWPeer',
  recordId: 'ab'.repeat(32),
}
export const REMEASURE: Proposal = {
  text: PEER_TEXT,
  fileHash: BEST.fileHash,
  description: 're-measure by peer',
  source: 'rebase',
  parentText: PARENT_TEXT,
}
export const SUMMARY: Summary = {
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
export const OK: FinishedOutcome = { kind: 'ok', summary: SUMMARY, timing: TIMING }
export const CRASH: FinishedOutcome = {
  kind: 'crash',
  reason: 'exit-code',
  message: 'exit code 1',
  tail: 'Traceback...',
  timing: TIMING,
}
export const REJECTED: FinishedOutcome = {
  kind: 'rejected',
  reason: 'non-causal',
  message: 'outputs changed by 22 nats',
  tail: '',
  timing: TIMING,
  summary: { ...SUMMARY, verdict: 'rejected', reason: 'non-causal', valBpb: 0 },
}
export const CONFIRMED: RebaseVerdict = { adopt: true, reason: 'confirmed' }

/** The input of a kept edit by node-a (seq 7, 30 s budget, sandboxed), with `over` on top. */
export function input(over: Partial<RecordInput> = {}): RecordInput {
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
