/**
 * One experiment's I/O once its proposal is chosen: the train file written and announced, the
 * training run (progress to the views and run.json, the next interpreter warmed), and the
 * journal of a finished run: the workspace commit, the store, results.tsv, the parked commit.
 * The loop (loop.ts) decides what runs and what it means; this file only carries it out.
 */
import { join } from 'node:path'
import type { ExperimentFields, ExperimentStatus } from '../protocol/types.ts'
import { claimDescription, claimTtlSeconds } from './claims.ts'
import type { LocalRun, ResultSink, SwarmView } from './interfaces.ts'
import { appendTsvLine, formatTsvLine } from './journal.ts'
import type { EmitLoopEvent, PhaseSeconds } from './loop-events.ts'
import type { NoiseEstimate } from './noise.ts'
import type { NoiseRun } from './noise-runs.ts'
import type { Proposal } from './proposer.ts'
import {
  buildLocalRun,
  buildRecord,
  commitMessage,
  type FinishedOutcome,
  type JudgedRemeasure,
  type Parent,
  recordParentHash,
} from './record.ts'
import type { Remeasure } from './remeasure.ts'
import type { RunStateWriter } from './run-state.ts'
import type { Runner, RunOutcome } from './runner.ts'
import type { Progress } from './summary.ts'
import type { Workspace } from './workspace.ts'

/** What to run, and whose claim it checks when it is a re-measure. */
export interface Chosen {
  proposal: Proposal
  remeasure: Remeasure | undefined
  /** A noise run (noise-runs.ts): the lineage's baseline again, with a fresh seed. */
  noiseRun?: NoiseRun
}

/** One experiment on its way from its proposal to its journal entry. */
export interface Experiment extends Chosen {
  parent: Parent
  /** recordParentHash(): '' for the baseline, the file itself for a re-measure or noise run. */
  parentHash: string
  seq: number
  logPath: string
  /** performance.now() when the experiment's proposal was asked for. */
  startedAt: number
  proposeSeconds: number
  /** Writing the train file (the commit and the reset are counted by journal()). */
  gitSeconds: number
}

/** The decision on a finished run. */
export interface Judged {
  status: ExperimentStatus
  /** The local val_bpb, when the run gave one. */
  measured: number | undefined
  remeasure?: JudgedRemeasure
  /** This node's seed noise the decision was made with: the record carries it. */
  noise: NoiseEstimate
}

/** What journal() wrote, and how long the git and the store/results.tsv parts took. */
export interface Journaled {
  record: ExperimentFields
  local: LocalRun
  commit: string
  gitSeconds: number
  journalSeconds: number
}

export interface ExperimentRunnerInit {
  dataDir: string
  genesis: string
  author: string
  budgetSeconds: number
  sink: ResultSink
  /** Where the claim of each experiment goes out, right before it runs. */
  swarm: Pick<SwarmView, 'announce'>
  workspace: Workspace
  runner: Runner
  runState: RunStateWriter
  tsvPath: string
  emit: EmitLoopEvent
}

export class ExperimentRunner {
  private readonly init: ExperimentRunnerInit

  constructor(init: ExperimentRunnerInit) {
    this.init = init
  }

  /** Writes the train file, claims the experiment on the swarm and announces it. */
  async start(
    chosen: Chosen,
    at: Pick<Experiment, 'parent' | 'seq' | 'startedAt' | 'proposeSeconds'> & { tier?: string },
  ): Promise<Experiment> {
    const { proposal } = chosen
    const { parent, seq } = at
    // a re-measure or a noise run is the file on itself (empty diff): that is its wire format
    const onItself = chosen.remeasure !== undefined || chosen.noiseRun !== undefined
    const parentHash = recordParentHash(parent, proposal, onItself)
    // a noise run re-runs this node's own baseline: nothing a peer could duplicate or wait for
    if (chosen.noiseRun === undefined) await this.claim(chosen, parentHash, at.tier ?? '')
    const logPath = join(this.init.dataDir, 'logs', `${seq}.log`)
    const gitStart = performance.now()
    await this.init.workspace.writeTrainFile(proposal.text)
    const gitSeconds = (performance.now() - gitStart) / 1000
    this.init.emit('experiment-started', {
      seq,
      description: proposal.description,
      source: proposal.source,
      parentHash,
      fileHash: proposal.fileHash,
      logPath,
      budgetSeconds: this.init.budgetSeconds,
      timeoutSeconds: this.init.runner.timeoutSeconds,
    })
    return { ...chosen, ...at, parentHash, logPath, gitSeconds }
  }

  /**
   * Tells peers what is about to run (docs/ARCHITECTURE.md "Claims"), so they propose
   * something else meanwhile; the record of the run supersedes it. Not the baseline: every
   * node runs that once. A claim that cannot go out is a lost hint, never a reason to stop.
   */
  private async claim(chosen: Chosen, parentHash: string, tier: string): Promise<void> {
    const { proposal } = chosen
    if (parentHash === '') return
    const kind = chosen.remeasure !== undefined ? 'remeasure' : 'edit'
    if (kind === 'edit' && parentHash === proposal.fileHash) return
    await this.init.swarm
      .announce({
        kind,
        parentHash,
        fileHash: proposal.fileHash,
        description: claimDescription(proposal.description),
        tier,
        budgetSeconds: this.init.budgetSeconds,
        ttlSeconds: claimTtlSeconds(this.init.runner.timeoutSeconds),
      })
      .catch(() => {})
  }

  /**
   * The training run. `whileTraining` is called as it starts (the loop prepares the next
   * proposal then); with `another`, the next interpreter is started when this one is done.
   */
  async train(
    experiment: Experiment,
    signal: AbortSignal,
    opts: { another: boolean; whileTraining: () => void },
  ): Promise<RunOutcome> {
    const { workspace, runner, runState } = this.init
    const { proposal, seq, logPath } = experiment
    const runStart = performance.now()
    runState.set({
      phase: 'training',
      current: {
        seq,
        description: proposal.description,
        source: proposal.source,
        startedAt: Date.now(),
        budgetSeconds: this.init.budgetSeconds,
        logPath,
      },
    })
    opts.whileTraining()
    const outcome = await runner.run({
      cwd: workspace.dir,
      trainFile: workspace.trainFile,
      logPath,
      signal,
      onSpawn: (pid) => runState.patchCurrent({ trainerPid: pid }, true),
      onProgress: (progress) => this.progress(experiment, progress, runStart),
    })
    if (outcome.kind !== 'interrupted' && opts.another) runner.prewarm(workspace.dir)
    return outcome
  }

  /** A stop cut the run short: not published (it says nothing about the idea), retried later. */
  async interrupted({ parent, seq, proposal }: Experiment): Promise<void> {
    await this.init.workspace.resetTo(parent.commit)
    this.init.emit('experiment-interrupted', { seq, description: proposal.description })
    this.init.runState.remember({
      interrupted: { seq, description: proposal.description, at: Date.now() },
    })
  }

  /**
   * Commits the run as `seq`, records it durably (no abort signal: a finished experiment is
   * recorded even while stopping), appends its results.tsv line, parks the commit and, unless
   * it is kept, resets the branch to the parent.
   */
  async journal(
    experiment: Experiment,
    outcome: FinishedOutcome,
    judged: Judged,
    seq: number,
    tier: string,
  ): Promise<Journaled> {
    const { workspace, sink } = this.init
    const { parent, proposal } = experiment
    const record = buildRecord({
      genesis: this.init.genesis,
      author: this.init.author,
      seq,
      proposal,
      parent,
      status: judged.status,
      outcome,
      parentHash: experiment.parentHash,
      tier,
      budgetSeconds: this.init.budgetSeconds,
      sandboxed: this.init.runner.init.sandboxed !== false,
      noise: judged.noise,
      createdAt: Date.now(),
    })
    const message = commitMessage(record, parent, proposal, outcome, judged.remeasure)
    let t = performance.now()
    const commit = await workspace.commit(proposal.text, message)
    let gitSeconds = experiment.gitSeconds + (performance.now() - t) / 1000
    const local = buildLocalRun({
      commit,
      parentCommit: parent.commit,
      proposal,
      logPath: experiment.logPath,
      wallSeconds: (performance.now() - experiment.startedAt) / 1000,
      outcome,
      ...(judged.remeasure !== undefined ? { remeasure: judged.remeasure } : {}),
    })
    t = performance.now()
    await sink.publish(record, undefined, local)
    appendTsvLine(this.init.tsvPath, formatTsvLine({ fields: record, local }))
    const journalSeconds = (performance.now() - t) / 1000
    t = performance.now()
    await workspace.park(seq, commit)
    if (judged.status !== 'keep') await workspace.resetTo(parent.commit, false)
    gitSeconds += (performance.now() - t) / 1000
    return { record, local, commit, gitSeconds, journalSeconds }
  }

  /** Tells the views and run.json that the run is journaled. */
  finished(
    { parent }: Experiment,
    outcome: FinishedOutcome,
    { measured, remeasure }: Judged,
    journaled: Pick<Journaled, 'record' | 'local'> & { phases: PhaseSeconds },
  ): void {
    const { emit, runState } = this.init
    emit('experiment-finished', {
      record: journaled.record,
      local: journaled.local,
      parentValBpb: parent.baseline ? undefined : parent.valBpb,
      ...(outcome.kind === 'crash' || outcome.kind === 'rejected'
        ? { crash: { reason: outcome.reason, message: outcome.message, tail: outcome.tail } }
        : {}),
      phases: journaled.phases,
    })
    if (remeasure !== undefined) {
      const { best, verdict } = remeasure
      emit('rebase-finished', {
        fileHash: best.fileHash,
        author: best.author,
        claimedValBpb: best.valBpb,
        ...(verdict.reason !== 'crashed' && measured !== undefined
          ? { measuredValBpb: measured }
          : {}),
        reason: verdict.reason,
        ...(outcome.kind !== 'ok' ? { runReason: outcome.reason } : {}),
        adopted: verdict.adopt,
      })
    }
    runState.set({ phase: 'idle', experiments: runState.state.experiments + 1 }, true)
  }

  private progress(experiment: Experiment, progress: Progress, runStart: number): void {
    const { workspace, runner } = this.init
    const elapsedSeconds = (performance.now() - runStart) / 1000
    const p = { ...progress }
    if (p.fraction === undefined && p.trainingSeconds !== undefined)
      p.fraction = Math.min(1, p.trainingSeconds / this.init.budgetSeconds)
    // training is over, eval begins: the next interpreter may import now
    if ((p.fraction ?? 0) >= 1) runner.prewarm(workspace.dir)
    this.init.emit('progress', { ...p, seq: experiment.seq, elapsedSeconds })
    this.init.runState.patchCurrent({
      step: p.step,
      ...(p.fraction !== undefined ? { fraction: p.fraction } : {}),
      ...(p.loss !== undefined ? { loss: p.loss } : {}),
    })
  }
}
