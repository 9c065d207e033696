/**
 * What one finished experiment becomes, pure: the record the swarm gets, the local facts the
 * store keeps beside it, the workspace commit's message, and the seconds of each phase.
 * experiment.ts gathers the inputs and does the I/O; table-tested in test/agent/record.test.ts.
 */
import { type ExperimentFields, type ExperimentStatus, RECORD_VERSION } from '../protocol/types.ts'
import type { BestKnown, LocalRun } from './interfaces.ts'
import type { PhaseSeconds } from './loop-events.ts'
import { type NoiseEstimate, noiseFields } from './noise.ts'
import type { Proposal } from './proposer.ts'
import type { RebaseVerdict } from './rebase.ts'
import type { RunOutcome } from './runner.ts'
import { formatCommitMessage } from './trailers.ts'
import { recordDiff } from './validate.ts'

/** The parent the next experiment edits; `baseline: true` until the baseline has been kept. */
export interface Parent {
  text: string
  hash: string
  valBpb: number | undefined
  commit: string
  baseline: boolean
}

/** A run that ended by itself: an interrupted one says nothing about its idea and is never recorded. */
export type FinishedOutcome = Exclude<RunOutcome, { kind: 'interrupted' }>

/** A re-measure of a peer's claim, judged: whose claim it was, the verdict, its tolerance. */
export interface JudgedRemeasure {
  best: BestKnown
  verdict: RebaseVerdict
  /** How far above the claim the local run could land and still reproduce it. */
  tolerance: number
}

/**
 * The record's parent hash: '' for the baseline (it has none); for a re-measure or a noise run
 * the file itself (the file on itself on the wire, with an empty diff); else the parent.
 */
export function recordParentHash(
  parent: Pick<Parent, 'hash' | 'baseline'>,
  proposal: Pick<Proposal, 'fileHash'>,
  onItself: boolean,
): string {
  if (onItself) return proposal.fileHash
  return parent.baseline ? '' : parent.hash
}

export interface RecordInput {
  genesis: string
  author: string
  seq: number
  proposal: Proposal
  parent: Pick<Parent, 'text' | 'baseline'>
  status: ExperimentStatus
  outcome: FinishedOutcome
  /** recordParentHash() of this experiment. */
  parentHash: string
  /** The tier this node last ran on ('' before any run): used when the harness said none. */
  tier: string
  /** The budget the run was given (the harness's summary says it too, when it wrote one). */
  budgetSeconds: number
  /** The run was sandboxed (false only for the explicit opt-out). */
  sandboxed: boolean
  /** The author's seed noise when the run was judged: carried once measured. */
  noise?: NoiseEstimate
  createdAt: number
}

/** A crash's or a rejection's reason, as records carry it: one lowercase token. */
function recordReason(outcome: FinishedOutcome): string {
  if (outcome.kind === 'ok') return ''
  const token = outcome.reason.toLowerCase().replace(/[^a-z0-9-]+/g, '-')
  return /^[a-z]/.test(token) ? token.slice(0, 48) : `crash-${token}`.slice(0, 48)
}

/**
 * The record of a finished experiment: only numbers the harness measured. A crash's or a
 * rejection's val_bpb is 0 and its named reason is in `reason`.
 */
export function buildRecord(input: RecordInput): ExperimentFields {
  const { proposal, parent, status, outcome, parentHash } = input
  const s = outcome.summary
  const scored = status === 'keep' || status === 'discard'
  return {
    version: RECORD_VERSION,
    genesis: input.genesis,
    author: input.author,
    seq: input.seq,
    parentHash,
    fileHash: proposal.fileHash,
    // a re-measure's diff is empty: the file against itself
    diff:
      parentHash === proposal.fileHash
        ? ''
        : recordDiff(parent.baseline ? undefined : parent.text, proposal.text),
    status,
    valBpb: scored ? (s?.valBpb ?? 0) : 0,
    budgetSeconds: s?.budgetSeconds || input.budgetSeconds,
    trainingSeconds: s?.trainingSeconds ?? 0,
    startupSeconds: s?.startupSeconds ?? 0,
    evalSeconds: s?.evalSeconds ?? 0,
    probeSeconds: s?.probeSeconds ?? 0,
    totalSeconds: s?.totalSeconds ?? outcome.timing.processSeconds,
    numParams: s?.numParams ?? 0,
    peakMemMb: s?.peakMemMb ?? 0,
    seed: s?.seed ?? 0,
    tier: s?.device || input.tier || 'unknown',
    reason: scored ? '' : recordReason(outcome),
    unsandboxed: !input.sandboxed,
    description: proposal.description.replace(/\s+/g, ' ').trim(),
    createdAt: input.createdAt,
    ...(input.noise !== undefined ? noiseFields(input.noise) : {}),
  }
}

/**
 * The workspace commit's message: the proposal's description, the numbers as Loopnet-*
 * trailers (Parent-Val-Bpb only on a measured parent), and a re-measure's claim and verdict.
 */
export function commitMessage(
  record: ExperimentFields,
  parent: Pick<Parent, 'valBpb' | 'baseline'>,
  proposal: Pick<Proposal, 'description' | 'source'>,
  outcome: FinishedOutcome,
  remeasure?: JudgedRemeasure,
): string {
  const trailers: Record<string, string | number> = {
    Status: record.status,
    'Val-Bpb': record.valBpb.toFixed(6),
  }
  if (!parent.baseline && parent.valBpb !== undefined)
    trailers['Parent-Val-Bpb'] = parent.valBpb.toFixed(6)
  Object.assign(trailers, {
    Seq: record.seq,
    Tier: record.tier,
    'Budget-Seconds': record.budgetSeconds,
    'Training-Seconds': record.trainingSeconds.toFixed(1),
    'Peak-Mem-Mb': record.peakMemMb.toFixed(1),
    Source: proposal.source,
    'File-Hash': record.fileHash,
    'Parent-Hash': record.parentHash || 'none',
  })
  if (outcome.kind === 'crash') trailers['Crash-Reason'] = `${outcome.reason}: ${outcome.message}`
  if (outcome.kind === 'rejected')
    trailers['Rejected-Reason'] = `${outcome.reason}: ${outcome.message}`
  if (record.unsandboxed) trailers.Sandbox = 'none (opt-out)'
  if (remeasure !== undefined) {
    const { best, verdict } = remeasure
    trailers['Claimed-By'] = best.author
    trailers['Claimed-Val-Bpb'] = best.valBpb.toFixed(6)
    trailers['Rebase-Tolerance'] = remeasure.tolerance.toFixed(6)
    if (best.recordId !== undefined) trailers['Claimed-Record'] = best.recordId
    trailers['Rebase-Verdict'] = verdict.reason
  }
  return formatCommitMessage(proposal.description, trailers)
}

export interface LocalRunInput {
  commit: string
  parentCommit: string
  proposal: Pick<Proposal, 'source' | 'text'>
  logPath: string
  wallSeconds: number
  outcome: FinishedOutcome
  remeasure?: JudgedRemeasure
}

/** The facts of a run that stay on this node, stored beside its record. */
export function buildLocalRun(input: LocalRunInput): LocalRun {
  const { outcome, remeasure } = input
  return {
    commit: input.commit,
    parentCommit: input.parentCommit,
    source: input.proposal.source,
    logPath: input.logPath,
    wallSeconds: input.wallSeconds,
    fileText: input.proposal.text,
    ...(outcome.kind !== 'ok' ? { crashReason: outcome.reason } : {}),
    ...(remeasure !== undefined
      ? { claimedBy: remeasure.best.author, rebaseVerdict: remeasure.verdict.reason }
      : {}),
  }
}

/** The loop's own timings of one experiment, in seconds. */
export interface LoopSeconds {
  propose: number
  git: number
  journal: number
  total: number
}

/**
 * Where one experiment's time went: the loop's own phases, and the harness process split into
 * start-up, training (as the harness timed it; 0 when it did not finish) and the rest (the
 * hand-off, eval, probes, exit).
 */
export function phaseSeconds(outcome: FinishedOutcome, loop: LoopSeconds): PhaseSeconds {
  const { startupSeconds, processSeconds } = outcome.timing
  const training = outcome.kind === 'ok' ? outcome.summary.trainingSeconds : 0
  return {
    propose: loop.propose,
    git: loop.git,
    startup: startupSeconds,
    training,
    eval: Math.max(0, processSeconds - startupSeconds - training),
    journal: loop.journal,
    total: loop.total,
  }
}

export function zeroPhases(): PhaseSeconds {
  return { propose: 0, git: 0, startup: 0, training: 0, eval: 0, journal: 0, total: 0 }
}

/** Phase by phase sums. */
export function addPhases(a: PhaseSeconds, b: PhaseSeconds): PhaseSeconds {
  const sum = zeroPhases()
  for (const k of Object.keys(sum) as Array<keyof PhaseSeconds>) sum[k] = a[k] + b[k]
  return sum
}
