/**
 * The Karpathy loop as a daemon: propose -> train -> decide -> journal, forever, on one node;
 * before building further it re-measures the tier's best when a peer's claim beats its own.
 * It knows the world only through ResultSink and SwarmView (interfaces.ts); git, the trainer
 * process and the proposer are its own. The next proposal is prepared while the current
 * experiment trains (pipelining), so the hardware never waits for a model's reply.
 *
 * This file is the lifecycle, resume and the order of the steps; their parts live beside it:
 * proposals.ts (what to run next), remeasure.ts (a peer's claim to check), experiment.ts (the
 * run and its journal), judge.ts (what a finished run means), noise-runs.ts (seed noise:
 * its runs, its estimate), record.ts (what a finished run becomes), crash-policy.ts (what a
 * crash leads to), run-state.ts (run.json), loop-events.ts (what the views are told) and
 * loop-options.ts (what the loop is made of).
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { pyCompileCheck } from './compile.ts'
import { afterRun, type CrashCounters, crashBackoffMs, NO_CRASHES } from './crash-policy.ts'
import { BaselineCrashError, isAbortError, WorkspaceError } from './errors.ts'
import { TypedEventTarget } from './events.ts'
import { type Chosen, type Experiment, ExperimentRunner, type Judged } from './experiment.ts'
import type { PublishedRun } from './interfaces.ts'
import { reconcileTsv } from './journal.ts'
import { judgeRun } from './judge.ts'
import type { AgentLoopEvents, PhaseSeconds } from './loop-events.ts'
import { type AgentLoopInit, LOOP_DEFAULTS } from './loop-options.ts'
import { SeedNoise } from './noise-runs.ts'
import { baselineProposal, ProposalPipeline } from './proposals.ts'
import type { Proposal } from './proposer.ts'
import { addPhases, type FinishedOutcome, type Parent, phaseSeconds, zeroPhases } from './record.ts'
import { RemeasurePlanner } from './remeasure.ts'
import { type CurrentBest, killOrphanTrainer, RunStateWriter, readRunState } from './run-state.ts'
import { Runner, type RunOutcome } from './runner.ts'
import { Workspace } from './workspace.ts'

export interface LoopResult {
  experiments: number
  wallSeconds: number
  trainingSeconds: number
  phases: PhaseSeconds
}

/** What one run() carries from one experiment to the next. */
interface Tally {
  experiments: number
  /** Stop after this many. */
  max: number
  /** The proposal being made while the current experiment trains. */
  speculative: Promise<Proposal | Error> | undefined
  /** The proposer's fix of the last crash: it runs next. */
  pendingFix: Proposal | undefined
  crashes: Readonly<CrashCounters>
  totals: PhaseSeconds
}

export class AgentLoop extends TypedEventTarget<AgentLoopEvents> {
  readonly init: AgentLoopInit
  readonly workspace: Workspace
  readonly runner: Runner
  private readonly proposals: ProposalPipeline
  private readonly experiments: ExperimentRunner
  private readonly remeasures: RemeasurePlanner
  private readonly runState: RunStateWriter
  private readonly noise: SeedNoise
  private parent: Parent | undefined
  private history: PublishedRun[] = []
  private nextSeq = 1
  private tier = ''
  private controller: AbortController | undefined
  private running: Promise<LoopResult> | undefined

  constructor(init: AgentLoopInit) {
    super()
    this.init = init
    this.workspace = new Workspace({ dir: join(init.dataDir, 'workspace') })
    this.runner = new Runner({
      python: init.python,
      trainerDir: init.trainerDir,
      budgetSeconds: init.budgetSeconds,
      graceSeconds: init.graceSeconds ?? LOOP_DEFAULTS.graceSeconds,
      sandboxed: (init.sandbox ?? 'on') === 'on',
      warmStart: init.warmStart ?? init.pipeline !== false,
      ...(init.env !== undefined ? { env: init.env } : {}),
    })
    const emit = this.emit.bind(this)
    this.noise = new SeedNoise({
      ...init,
      runs: init.noiseRuns ?? LOOP_DEFAULTS.noiseRuns,
      k: init.noiseK ?? LOOP_DEFAULTS.noiseK,
      minDelta: init.minDelta ?? LOOP_DEFAULTS.minDelta,
      emit,
    })
    this.proposals = new ProposalPipeline({
      ...init,
      compile: init.compile ?? pyCompileCheck(init.python),
      history: () => this.history,
      parent: () => this.current(),
      noise: () => this.noise.forProposer,
      emit,
    })
    this.remeasures = new RemeasurePlanner({
      genesis: init.genesis,
      author: init.author,
      budgetSeconds: init.budgetSeconds,
      swarm: init.swarm,
      noise: () => ({ tolerance: this.noise.margin }),
      emit,
    })
    this.runState = new RunStateWriter(init.dataDir, Date.now(), () => this.best)
    this.experiments = new ExperimentRunner({
      ...init,
      workspace: this.workspace,
      runner: this.runner,
      runState: this.runState,
      tsvPath: this.tsvPath,
      emit,
    })
  }

  get tsvPath(): string {
    return join(this.init.dataDir, 'results.tsv')
  }

  /** The current parent (best kept on this node), once resumed. */
  get best(): CurrentBest | undefined {
    const p = this.parent
    return p === undefined || p.baseline
      ? undefined
      : { fileHash: p.hash, valBpb: p.valBpb, commit: p.commit }
  }

  // ---------------------------------------------------------------------------------------
  // Startable

  /** Starts the loop in the background; `stop()` ends it. Idempotent. */
  async start(): Promise<void> {
    if (this.running !== undefined) return
    this.controller = new AbortController()
    this.running = this.run(this.controller.signal)
    this.running.catch(() => {}) // surfaced by stop()/done
  }

  /** Kills the current run (recorded as interrupted, not published) and waits. Idempotent. */
  async stop(): Promise<void> {
    this.controller?.abort(new Error('stopped'))
    await this.running?.catch((err: unknown) => {
      if (!isAbortError(err)) throw err
    })
  }

  get done(): Promise<LoopResult> | undefined {
    return this.running
  }

  // ---------------------------------------------------------------------------------------
  // The loop

  async run(signal: AbortSignal): Promise<LoopResult> {
    const loopStart = performance.now()
    const tally: Tally = {
      experiments: 0,
      max: this.init.maxExperiments ?? Number.POSITIVE_INFINITY,
      speculative: undefined,
      pendingFix: undefined,
      crashes: NO_CRASHES,
      totals: zeroPhases(),
    }
    await this.resume(signal)
    try {
      while (tally.experiments < tally.max && !signal.aborted) {
        const startedAt = performance.now()
        const parent = this.current()
        this.runState.set({ phase: 'proposing' })
        const chosen = await this.chooseProposal(parent, tally, signal)
        if (chosen === undefined) break // aborted
        const experiment = await this.experiments.start(chosen, {
          parent,
          startedAt,
          proposeSeconds: (performance.now() - startedAt) / 1000,
          seq: await this.claimSeq(),
          tier: this.tier,
        })
        const outcome = await this.train(experiment, tally, signal)
        if (outcome.kind === 'interrupted') {
          await this.experiments.interrupted(experiment)
          break
        }
        // 3. keep / discard / crash / rejected (judge.ts), with this node's seed noise
        const judged = judgeRun(experiment, outcome, this.noise)
        await this.journal(experiment, outcome, judged, tally)
        await this.handleCrash(experiment, outcome, tally, signal)
      }
    } catch (err) {
      if (!signal.aborted) throw err // stopping may surface as any error from a killed call
    } finally {
      this.runner.close()
      await tally.speculative?.catch(() => {})
      this.runState.set({ phase: 'stopped' }, true)
      await this.runState.settled()
    }
    const wallSeconds = (performance.now() - loopStart) / 1000
    const { experiments, totals } = tally
    this.emit('stopped', { experiments, reason: signal.aborted ? 'aborted' : 'max-experiments' })
    return { experiments, wallSeconds, trainingSeconds: totals.training, phases: totals }
  }

  /**
   * 1. What to run: the baseline, a fix of the last crash, a re-measure of the tier's best, a
   * noise run of the baseline, the pipelined proposal, or a fresh one. Undefined when
   * aborted while waiting for one.
   */
  private async chooseProposal(
    parent: Parent,
    tally: Tally,
    signal: AbortSignal,
  ): Promise<Chosen | undefined> {
    if (parent.baseline) {
      tally.speculative = undefined
      return { proposal: baselineProposal(this.init.baselineText, parent), remeasure: undefined }
    }
    if (tally.pendingFix !== undefined) {
      const proposal = tally.pendingFix
      tally.pendingFix = undefined
      return { proposal, remeasure: undefined }
    }
    // the pipelined proposal stays pending through re-measures and noise runs alike; a
    // re-measure goes first: a peer's gain is adopted at this node's next experiment, even
    // while its noise runs are still due (they repeat the baseline, whatever the parent)
    // without a sandbox a peer's file never runs here
    const remeasure =
      (this.init.sandbox ?? 'on') === 'own-only'
        ? undefined
        : await this.remeasures.prepare(parent, this.tier, this.history, signal)
    if (remeasure !== undefined) return { proposal: remeasure.proposal, remeasure }
    const noiseRun = this.noise.next(this.history, this.tier, parent)
    if (noiseRun !== undefined)
      return { proposal: noiseRun.proposal, remeasure: undefined, noiseRun: noiseRun.run }
    const pipelined = tally.speculative
    tally.speculative = undefined
    const proposal = await this.proposals.next(pipelined, signal)
    return proposal === undefined ? undefined : { proposal, remeasure: undefined }
  }

  /** 2. The training run, with the next proposal prepared meanwhile. */
  private train(experiment: Experiment, tally: Tally, signal: AbortSignal): Promise<RunOutcome> {
    const another = tally.experiments + 1 < tally.max
    return this.experiments.train(experiment, signal, {
      another,
      whileTraining: () => {
        if (this.init.pipeline !== false && tally.speculative === undefined && another)
          tally.speculative = this.proposals.speculate(
            experiment.proposal,
            experiment.parent,
            signal,
          )
      },
    })
  }

  /** 4. Journal the run (experiment.ts), move the parent on a keep, tell the views. */
  private async journal(
    experiment: Experiment,
    outcome: FinishedOutcome,
    judged: Judged,
    tally: Tally,
  ): Promise<void> {
    const { proposal } = experiment
    // again: a sync during the run may have brought back records of ours (see claimSeq)
    const seq = await this.claimSeq()
    const done = await this.experiments.journal(experiment, outcome, judged, seq, this.tier)
    const { record, local } = done
    if (judged.status === 'keep') {
      const { valBpb } = record
      this.parent = {
        text: proposal.text,
        hash: proposal.fileHash,
        valBpb,
        commit: done.commit,
        baseline: false,
      }
      this.emit('parent-changed', { fileHash: proposal.fileHash, valBpb, commit: done.commit })
    }
    this.history.push({ id: '', fields: record, local })
    this.nextSeq = seq + 1
    tally.experiments++
    if (outcome.kind === 'ok') this.tier = outcome.summary.device
    const phases = phaseSeconds(outcome, {
      propose: experiment.proposeSeconds,
      git: done.gitSeconds,
      journal: done.journalSeconds,
      total: (performance.now() - experiment.startedAt) / 1000,
    })
    tally.totals = addPhases(tally.totals, phases)
    this.experiments.finished(experiment, outcome, judged, { ...done, phases })
    // the parent's val_bpb is the mean of own runs of its file; the estimate takes the run in
    this.refreshParent()
    this.noise.update(this.history, this.tier)
  }

  /**
   * 5. After a crash (crash-policy.ts): give up on a baseline that keeps crashing, ask the
   * proposer to fix its own bug, back off after a run of crashes.
   */
  private async handleCrash(
    { parent, proposal, remeasure, noiseRun, logPath }: Experiment,
    outcome: FinishedOutcome,
    tally: Tally,
    signal: AbortSignal,
  ): Promise<void> {
    const fixable =
      remeasure === undefined && noiseRun === undefined && this.init.proposer.fix !== undefined
    const run = { crashed: outcome.kind === 'crash', baseline: parent.baseline, fixable }
    const { counters, step } = afterRun(tally.crashes, run, {
      maxBaselineCrashes: this.init.maxBaselineCrashes ?? LOOP_DEFAULTS.maxBaselineCrashes,
      maxFixAttempts: this.init.maxFixAttempts ?? LOOP_DEFAULTS.maxFixAttempts,
    })
    tally.crashes = counters
    if (outcome.kind !== 'crash') return
    if (step.action === 'give-up')
      throw new BaselineCrashError(
        `the unmodified baseline crashed ${counters.baselineCrashes} times (${outcome.reason}: ${outcome.message}); see ${logPath}`,
      )
    if (step.action === 'fix') {
      tally.pendingFix = await this.proposals.fix(proposal, outcome, step.attempt, signal)
      if (tally.pendingFix === undefined) tally.crashes = { ...counters, fixAttempts: 0 }
    }
    const backoffMs = crashBackoffMs(tally.crashes.consecutiveCrashes)
    if (backoffMs > 0 && tally.pendingFix === undefined)
      await delay(backoffMs, undefined, { signal })
  }

  /** The parent's val_bpb as the mean of this node's runs of its file (noise-runs.ts). */
  private refreshParent(): void {
    const p = this.parent
    // a new object: the experiment that just ran keeps the parent it was judged against
    if (p !== undefined && !p.baseline)
      this.parent = {
        ...p,
        valBpb: this.noise.parentValBpb(this.history, this.tier, p.hash, p.valBpb),
      }
  }

  private current(): Parent {
    if (this.parent === undefined) throw new WorkspaceError('the loop has not resumed')
    return this.parent
  }

  /**
   * The seq of the next record: past this node's own runs and past every record of its author
   * the node holds. An identity reused with a fresh store gets its old records back by sync,
   * without local facts; a seq at or below them would be a fork that every peer (and the
   * store) refuses, and the run would be lost.
   */
  private async claimSeq(): Promise<number> {
    this.nextSeq = Math.max(this.nextSeq, (await this.init.sink.maxSeq(this.init.author)) + 1)
    return this.nextSeq
  }

  // ---------------------------------------------------------------------------------------
  // Resume: the store is the source of truth; git and results.tsv follow it

  private async resume(signal: AbortSignal): Promise<void> {
    await mkdir(this.init.dataDir, { recursive: true })
    killOrphanTrainer(readRunState(this.init.dataDir), this.workspace.trainFile)
    await this.workspace.open()
    const runs = await this.init.sink.ownRuns(this.init.author, signal)
    this.history = runs
    this.nextSeq = runs.reduce((m, r) => Math.max(m, r.fields.seq), 0) + 1
    this.tier = runs.findLast((r) => r.fields.status !== 'crash')?.fields.tier ?? ''
    const tsvLinesAdded = await reconcileTsv(this.tsvPath, runs)
    const kept = runs.filter(
      (r) => r.fields.status === 'keep' && r.fields.genesis === this.init.genesis,
    )
    const last = kept.at(-1)
    const previousGenesis = runs.some((r) => r.fields.genesis === this.init.genesis)
      ? undefined
      : runs.at(-1)?.fields.genesis
    if (last === undefined) {
      const root = await this.workspace.rootCommit()
      await this.workspace.resetTo(root)
      this.parent = { text: '', hash: '', valBpb: undefined, commit: root, baseline: true }
    } else {
      const { fileHash, valBpb } = last.fields
      const run = { commit: last.local.commit, fileHash, valBpb }
      // back to the kept commit; if git lost it, the file comes from the store
      const { commit, text } = await this.workspace.restore(run, () =>
        this.init.swarm.fetchFile(fileHash, signal),
      )
      this.parent = { text, hash: fileHash, valBpb, commit, baseline: false }
    }
    this.refreshParent()
    this.runState.set({ phase: 'idle', experiments: 0 }, true)
    this.emit('resumed', {
      experiments: runs.length,
      parentHash: this.parent.hash,
      parentValBpb: this.parent.valBpb,
      commit: this.parent.commit,
      tsvLinesAdded,
      ...(previousGenesis !== undefined ? { previousGenesis } : {}),
    })
    this.noise.update(this.history, this.tier, true)
  }
}
