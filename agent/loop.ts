/**
 * The Karpathy loop as a daemon: propose -> train -> decide -> journal, forever, on one node;
 * before building further it re-measures the tier's best when a peer's claim beats its own.
 * It knows the world only through ResultSink and SwarmView (interfaces.ts); git, the trainer
 * process and the proposer are its own. The next proposal is prepared while the current
 * experiment trains (pipelining), so the hardware never waits for a model's reply.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { sha256Hex } from '../protocol/hash.ts'
import type { ExperimentFields, ExperimentStatus } from '../protocol/types.ts'
import { type CompileCheck, pyCompileCheck } from './compile.ts'
import { decide } from './decide.ts'
import {
  BaselineCrashError,
  isAbortError,
  type ProposalRejectedError,
  type RejectionKind,
  WorkspaceError,
} from './errors.ts'
import { TypedEventTarget } from './events.ts'
import type { BestKnown, LocalRun, PublishedRun, ResultSink, SwarmView } from './interfaces.ts'
import { appendTsvLine, formatTsvLine, reconcileTsv } from './journal.ts'
import type { Proposal, ProposalContext, Proposer, TriedExperiment } from './proposer.ts'
import {
  distrustedAuthors,
  isRemeasure,
  judgeRemeasure,
  type OwnBest,
  REBASE_FETCH_TIMEOUT_MS,
  REBASE_SOURCE,
  type RebaseVerdict,
  RemeasureFileMismatchError,
  rebaseSkips,
  rebaseTolerance,
  remeasureDescription,
  remeasureStatus,
  shouldRemeasure,
} from './rebase.ts'
import { killOrphanTrainer, type RunState, readRunState, writeRunState } from './run-state.ts'
import { type CrashReason, Runner, type RunOutcome } from './runner.ts'
import type { Progress } from './summary.ts'
import { formatCommitMessage } from './trailers.ts'
import { rebaseProposal, recordDiff, validateProposal } from './validate.ts'
import { Workspace } from './workspace.ts'

export interface AgentLoopInit {
  /** Holds workspace/, logs/, results.tsv and run.json. */
  dataDir: string
  genesis: string
  /** Local node id now; the swarm sets the libp2p peer id. */
  author: string
  sink: ResultSink
  swarm: SwarmView
  proposer: Proposer
  /** Used for one experiment when the proposer fails (an LLM endpoint that is down). */
  fallback?: Proposer
  /** The unmodified train file: the first experiment. */
  baselineText: string
  python: string
  /** trainer/ (prepare.py), put on PYTHONPATH. */
  trainerDir: string
  budgetSeconds: number
  /** Added to 2x budget before a run is killed as a timeout (default 60 s). */
  graceSeconds?: number
  /** Extra trainer environment (LOOPNET_CACHE...). */
  env?: Record<string, string>
  /** Keep needs val_bpb < parent - minDelta (default 0). */
  minDelta?: number
  /** Stop after this many experiments (default: never). */
  maxExperiments?: number
  /** Prepare the next proposal while training, and the next interpreter during eval (default true). */
  pipeline?: boolean
  /** Start the next interpreter during the current run's eval (default: as `pipeline`). */
  warmStart?: boolean
  /** Fix attempts a proposer with fix() gets per crash (default 2). */
  maxFixAttempts?: number
  /** Consecutive crashes of the unmodified baseline before giving up (default 3). */
  maxBaselineCrashes?: number
  compile?: CompileCheck
}

export interface PhaseSeconds {
  /** Waiting for a proposal (zero when the pipelined one was ready). */
  propose: number
  /** Writing the file, committing, resetting. */
  git: number
  /** Trainer start to its first step line. */
  startup: number
  /** Training time as the trainer reports it. */
  training: number
  /** The rest of the trainer process: warm-up steps, eval, exit. */
  eval: number
  /** Store transaction and results.tsv append. */
  journal: number
  total: number
}

export interface AgentLoopEvents {
  resumed: {
    experiments: number
    parentHash: string
    parentValBpb: number | undefined
    commit: string
    tsvLinesAdded: number
  }
  'proposal-rejected': { source: string; attempt: number; kind: RejectionKind; message: string }
  'proposal-failed': { source: string; message: string; fallback: string | undefined }
  'experiment-started': {
    seq: number
    description: string
    source: string
    parentHash: string
    fileHash: string
    logPath: string
    budgetSeconds: number
    timeoutSeconds: number
  }
  progress: Progress & { seq: number; elapsedSeconds: number }
  'experiment-finished': {
    record: ExperimentFields
    local: LocalRun
    parentValBpb: number | undefined
    crash?: { reason: CrashReason; message: string; tail: string }
    phases: PhaseSeconds
  }
  'experiment-interrupted': { seq: number; description: string }
  'parent-changed': { fileHash: string; valBpb: number; commit: string }
  /** The tier's best beats ours: its file was fetched and is about to be re-measured here. */
  'rebase-started': {
    fileHash: string
    author: string
    claimedValBpb: number
    recordId?: string
  }
  /** The re-measure was journaled; `adopted` means the parent moved to that file. */
  'rebase-finished': {
    fileHash: string
    author: string
    claimedValBpb: number
    /** Undefined when the re-run crashed. */
    measuredValBpb?: number
    reason: RebaseVerdict['reason']
    adopted: boolean
  }
  /** The tier's best could not be fetched (its holders are gone): a normal proposal runs. */
  'rebase-fetch-failed': {
    fileHash: string
    author: string
    claimedValBpb: number
    recordId?: string
    message: string
  }
  stopped: { experiments: number; reason: 'max-experiments' | 'aborted' }
}

/** The parent the next experiment edits; `baseline: true` until the baseline has been kept. */
interface Parent {
  text: string
  hash: string
  valBpb: number | undefined
  commit: string
  baseline: boolean
}

export interface LoopResult {
  experiments: number
  wallSeconds: number
  trainingSeconds: number
  phases: PhaseSeconds
}

const BASELINE_DESCRIPTION = 'baseline'

/** A re-measure about to run: whose claim, against which own best, as which proposal. */
interface Remeasure {
  best: BestKnown
  own: OwnBest | undefined
  proposal: Proposal
}

export class AgentLoop extends TypedEventTarget<AgentLoopEvents> {
  readonly init: AgentLoopInit
  readonly workspace: Workspace
  readonly runner: Runner
  private readonly compile: CompileCheck
  private parent: Parent | undefined
  private history: PublishedRun[] = []
  private nextSeq = 1
  private tier = ''
  private controller: AbortController | undefined
  private running: Promise<LoopResult> | undefined
  private readonly startedAt = Date.now()
  private stateWrites: Promise<void> = Promise.resolve()
  /** Hashes of speculative rebased files already known to compile. */
  private readonly compiled = new Set<string>()
  private lastStateWrite = 0
  private state: RunState
  /** Re-measure candidates whose fetch failed, by file hash: when (ms). */
  private readonly fetchFailures = new Map<string, number>()

  constructor(init: AgentLoopInit) {
    super()
    this.init = init
    this.workspace = new Workspace({ dir: join(init.dataDir, 'workspace') })
    this.runner = new Runner({
      python: init.python,
      trainerDir: init.trainerDir,
      budgetSeconds: init.budgetSeconds,
      graceSeconds: init.graceSeconds ?? 60,
      warmStart: init.warmStart ?? init.pipeline !== false,
      ...(init.env !== undefined ? { env: init.env } : {}),
    })
    this.compile = init.compile ?? pyCompileCheck(init.python)
    this.state = {
      pid: process.pid,
      phase: 'starting',
      startedAt: this.startedAt,
      updatedAt: this.startedAt,
      experiments: 0,
    }
  }

  get tsvPath(): string {
    return join(this.init.dataDir, 'results.tsv')
  }

  /** The current parent (best kept on this node), once resumed. */
  get best(): { fileHash: string; valBpb: number | undefined; commit: string } | undefined {
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
    const totals: PhaseSeconds = {
      propose: 0,
      git: 0,
      startup: 0,
      training: 0,
      eval: 0,
      journal: 0,
      total: 0,
    }
    let experiments = 0
    let speculative: Promise<Proposal | Error> | undefined
    let pendingFix: Proposal | undefined
    let fixAttempts = 0
    let baselineCrashes = 0
    let consecutiveCrashes = 0
    const max = this.init.maxExperiments ?? Number.POSITIVE_INFINITY

    await this.resume(signal)
    try {
      while (experiments < max && !signal.aborted) {
        const iterationStart = performance.now()
        const parent = this.current()
        this.setState({ phase: 'proposing' })

        // 1. a proposal: the baseline, a fix of the last crash, a re-measure of the tier's
        // best, the pipelined one, or a fresh one
        let proposal: Proposal
        let remeasure: Remeasure | undefined
        if (parent.baseline) {
          proposal = this.baselineProposal(parent)
          speculative = undefined
        } else if (pendingFix !== undefined) {
          proposal = pendingFix
          pendingFix = undefined
        } else {
          remeasure = await this.prepareRemeasure(parent, signal)
          if (remeasure !== undefined) {
            // the pipelined proposal stays pending: it runs next, rebased if this is adopted
            proposal = remeasure.proposal
          } else {
            const pipelined = speculative
            speculative = undefined
            const got = await this.nextProposal(pipelined, signal)
            if (got === undefined) break // aborted
            proposal = got
          }
        }
        // a re-measure is recorded as the file on itself (empty diff): that is its wire format
        const recordParentHash =
          remeasure !== undefined ? proposal.fileHash : parent.baseline ? '' : parent.hash
        const proposeSeconds = (performance.now() - iterationStart) / 1000

        // 2. train, with the next proposal prepared meanwhile
        let seq = await this.claimSeq()
        const logPath = join(this.init.dataDir, 'logs', `${seq}.log`)
        const gitStart = performance.now()
        await this.workspace.writeTrainFile(proposal.text)
        let gitSeconds = (performance.now() - gitStart) / 1000
        this.emit('experiment-started', {
          seq,
          description: proposal.description,
          source: proposal.source,
          parentHash: recordParentHash,
          fileHash: proposal.fileHash,
          logPath,
          budgetSeconds: this.init.budgetSeconds,
          timeoutSeconds: this.runner.timeoutSeconds,
        })
        const runStart = performance.now()
        this.setState({
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
        if (this.init.pipeline !== false && speculative === undefined && experiments + 1 < max)
          speculative = this.speculate(proposal, parent, signal)
        const outcome = await this.runner.run({
          cwd: this.workspace.dir,
          trainFile: this.workspace.trainFile,
          logPath,
          signal,
          onSpawn: (pid) => this.patchCurrent({ trainerPid: pid }, true),
          onProgress: (progress) => {
            const elapsedSeconds = (performance.now() - runStart) / 1000
            const p = { ...progress }
            if (p.fraction === undefined && p.trainingSeconds !== undefined)
              p.fraction = Math.min(1, p.trainingSeconds / this.init.budgetSeconds)
            // training is over, eval begins: the next interpreter may import now
            if ((p.fraction ?? 0) >= 1) this.runner.prewarm(this.workspace.dir, proposal.text)
            this.emit('progress', { ...p, seq, elapsedSeconds })
            this.patchCurrent({
              step: p.step,
              ...(p.fraction !== undefined ? { fraction: p.fraction } : {}),
              ...(p.loss !== undefined ? { loss: p.loss } : {}),
            })
          },
        })
        if (outcome.kind !== 'interrupted' && experiments + 1 < max)
          this.runner.prewarm(this.workspace.dir, proposal.text)
        if (outcome.kind === 'interrupted') {
          await this.workspace.resetTo(parent.commit)
          this.emit('experiment-interrupted', { seq, description: proposal.description })
          this.state.interrupted = { seq, description: proposal.description, at: Date.now() }
          break
        }

        // 3. decide (a re-measure by its own rule), commit, record durably, journal, move
        // the branch
        const measured = outcome.kind === 'ok' ? outcome.summary.valBpb : undefined
        const verdict =
          remeasure === undefined
            ? undefined
            : judgeRemeasure(remeasure.best.valBpb, measured, remeasure.own, this.init.minDelta)
        const status =
          verdict !== undefined
            ? remeasureStatus(verdict)
            : decide({
                valBpb: measured,
                parentValBpb: parent.baseline ? undefined : parent.valBpb,
                minDelta: this.init.minDelta ?? 0,
              })
        // again: a sync during the run may have brought back records of ours (see claimSeq)
        seq = await this.claimSeq()
        const record = this.buildRecord(seq, proposal, parent, status, outcome, recordParentHash)
        const message = this.commitMessage(record, parent, proposal, outcome, remeasure, verdict)
        let t = performance.now()
        const commit = await this.workspace.commit(proposal.text, message)
        gitSeconds += (performance.now() - t) / 1000
        const local: LocalRun = {
          commit,
          parentCommit: parent.commit,
          source: proposal.source,
          logPath,
          wallSeconds: (performance.now() - iterationStart) / 1000,
          fileText: proposal.text,
          ...(outcome.kind === 'crash' ? { crashReason: outcome.reason } : {}),
          ...(remeasure !== undefined && verdict !== undefined
            ? { claimedBy: remeasure.best.author, rebaseVerdict: verdict.reason }
            : {}),
        }
        t = performance.now()
        // no abort signal: a finished experiment is recorded even while stopping
        await this.init.sink.publish(record, undefined, local)
        appendTsvLine(this.tsvPath, formatTsvLine({ fields: record, local }))
        const journalSeconds = (performance.now() - t) / 1000
        t = performance.now()
        await this.workspace.park(seq, commit)
        if (status === 'keep') {
          this.parent = {
            text: proposal.text,
            hash: proposal.fileHash,
            valBpb: record.valBpb,
            commit,
            baseline: false,
          }
          this.emit('parent-changed', {
            fileHash: proposal.fileHash,
            valBpb: record.valBpb,
            commit,
          })
        } else {
          await this.workspace.resetTo(parent.commit, false)
        }
        gitSeconds += (performance.now() - t) / 1000
        this.history.push({ id: '', fields: record, local })
        this.nextSeq = seq + 1
        experiments++
        if (outcome.kind === 'ok') this.tier = outcome.summary.device

        const processSeconds = outcome.timing.processSeconds
        const training = outcome.kind === 'ok' ? outcome.summary.trainingSeconds : 0
        const phases: PhaseSeconds = {
          propose: proposeSeconds,
          git: gitSeconds,
          startup: outcome.timing.startupSeconds,
          training,
          eval: Math.max(0, processSeconds - outcome.timing.startupSeconds - training),
          journal: journalSeconds,
          total: (performance.now() - iterationStart) / 1000,
        }
        for (const k of Object.keys(totals) as Array<keyof PhaseSeconds>) totals[k] += phases[k]
        this.emit('experiment-finished', {
          record,
          local,
          parentValBpb: parent.baseline ? undefined : parent.valBpb,
          ...(outcome.kind === 'crash'
            ? { crash: { reason: outcome.reason, message: outcome.message, tail: outcome.tail } }
            : {}),
          phases,
        })
        if (remeasure !== undefined && verdict !== undefined)
          this.emit('rebase-finished', {
            fileHash: remeasure.best.fileHash,
            author: remeasure.best.author,
            claimedValBpb: remeasure.best.valBpb,
            ...(verdict.reason !== 'crashed' && measured !== undefined
              ? { measuredValBpb: measured }
              : {}),
            reason: verdict.reason,
            adopted: verdict.adopt,
          })
        this.setState({ phase: 'idle', experiments: this.state.experiments + 1 }, true)

        // 4. crashes: the baseline must run; an LLM may repair its own bug (a peer's file that
        // crashes here is journaled as such, nobody fixes it)
        if (outcome.kind !== 'crash') {
          consecutiveCrashes = 0
          fixAttempts = 0
          continue
        }
        consecutiveCrashes++
        if (parent.baseline) {
          baselineCrashes++
          if (baselineCrashes >= (this.init.maxBaselineCrashes ?? 3))
            throw new BaselineCrashError(
              `the unmodified baseline crashed ${baselineCrashes} times (${outcome.reason}: ${outcome.message}); see ${logPath}`,
            )
        } else if (
          remeasure === undefined &&
          this.init.proposer.fix !== undefined &&
          fixAttempts < (this.init.maxFixAttempts ?? 2)
        ) {
          fixAttempts++
          pendingFix = await this.tryFix(proposal, outcome, fixAttempts, signal)
          if (pendingFix === undefined) fixAttempts = 0
        } else {
          fixAttempts = 0
        }
        // a run of crashes on unmodified code means the machine, not the idea, is broken
        if (consecutiveCrashes >= 3 && pendingFix === undefined)
          await abortableDelay(Math.min(60_000, 1000 * 2 ** (consecutiveCrashes - 3)), signal)
      }
    } catch (err) {
      if (!signal.aborted) throw err // stopping may surface as any error from a killed call
    } finally {
      this.runner.close()
      await speculative?.catch(() => {})
      this.setState({ phase: 'stopped' }, true)
      await this.stateWrites
    }
    const wallSeconds = (performance.now() - loopStart) / 1000
    this.emit('stopped', { experiments, reason: signal.aborted ? 'aborted' : 'max-experiments' })
    return { experiments, wallSeconds, trainingSeconds: totals.training, phases: totals }
  }

  private current(): Parent {
    if (this.parent === undefined) throw new WorkspaceError('the loop has not resumed')
    return this.parent
  }

  private baselineProposal(parent: Parent): Proposal {
    return {
      text: this.init.baselineText,
      fileHash: sha256Hex(this.init.baselineText),
      description: BASELINE_DESCRIPTION,
      source: 'baseline',
      parentText: parent.text,
    }
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
    if (last === undefined) {
      const root = await this.workspace.rootCommit()
      await this.workspace.resetTo(root)
      this.parent = { text: '', hash: '', valBpb: undefined, commit: root, baseline: true }
    } else {
      this.parent = await this.restoreParent(last, signal)
    }
    this.setState({ phase: 'idle', experiments: 0 }, true)
    this.emit('resumed', {
      experiments: runs.length,
      parentHash: this.parent.hash,
      parentValBpb: this.parent.valBpb,
      commit: this.parent.commit,
      tsvLinesAdded,
    })
  }

  /** Back to the kept commit; if git lost it, re-commit the file from the store. */
  private async restoreParent(run: PublishedRun, signal: AbortSignal): Promise<Parent> {
    const { fileHash, valBpb } = run.fields
    let commit = run.local.commit
    let text = (await this.workspace.hasCommit(commit))
      ? await this.workspace.fileAt(commit)
      : undefined
    if (text === undefined || sha256Hex(text) !== fileHash) {
      text = await this.init.swarm.fetchFile(fileHash, signal)
      await this.workspace.resetTo(await this.workspace.rootCommit())
      commit = await this.workspace.commit(
        text,
        formatCommitMessage(`restore ${fileHash.slice(0, 12)} from the store`, {
          'File-Hash': fileHash,
          'Val-Bpb': valBpb.toFixed(6),
          Status: 'restore',
        }),
      )
    }
    await this.workspace.resetTo(commit)
    return { text, hash: fileHash, valBpb, commit, baseline: false }
  }

  // ---------------------------------------------------------------------------------------
  // Rebase: re-measure the tier's best before building on it

  /**
   * The re-measure to run now, when the tier's best known KEEP beats this node's parent and
   * was never run here; its file is fetched first. A fetch that fails is reported and retried
   * only after REBASE_FETCH_RETRY_MS, so a vanished peer costs one try, not one per experiment.
   */
  private async prepareRemeasure(
    parent: Parent,
    signal: AbortSignal,
  ): Promise<Remeasure | undefined> {
    if (this.tier === '') return undefined
    const own =
      parent.valBpb === undefined ? undefined : { fileHash: parent.hash, valBpb: parent.valBpb }
    const skip = rebaseSkips(
      this.history.map((r) => r.fields),
      this.init.genesis,
      this.fetchFailures,
      Date.now(),
    )
    const best = await this.init.swarm.bestKnown(this.tier, signal, {
      files: skip,
      authors: distrustedAuthors(this.history.map((r) => r.local)),
    })
    if (!shouldRemeasure(own, best, skip)) return undefined
    const claim = {
      fileHash: best.fileHash,
      author: best.author,
      claimedValBpb: best.valBpb,
      ...(best.recordId !== undefined ? { recordId: best.recordId } : {}),
    }
    let text: string
    try {
      text = await this.init.swarm.fetchFile(
        best.fileHash,
        AbortSignal.any([signal, AbortSignal.timeout(REBASE_FETCH_TIMEOUT_MS)]),
      )
      // the view verifies, but the record we publish vouches for this hash: check again
      if (sha256Hex(text) !== best.fileHash)
        throw new RemeasureFileMismatchError(
          `the fetched file hashes to ${sha256Hex(text)}, not ${best.fileHash}`,
        )
    } catch (err) {
      if (signal.aborted) throw err
      this.fetchFailures.set(best.fileHash, Date.now())
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
      this.emit('rebase-fetch-failed', { ...claim, message })
      return undefined
    }
    this.fetchFailures.delete(best.fileHash)
    this.emit('rebase-started', claim)
    return {
      best,
      own,
      proposal: {
        text,
        fileHash: best.fileHash,
        description: remeasureDescription(best),
        source: REBASE_SOURCE,
        parentText: parent.text,
      },
    }
  }

  // ---------------------------------------------------------------------------------------
  // Proposals

  /** What a proposer may know about a parent: tried there (swarm + journal), running now. */
  private async context(
    parent: Parent,
    inFlight: Proposal[],
    signal: AbortSignal,
  ): Promise<ProposalContext> {
    const swarmTried = await this.init.swarm.tried(parent.hash, signal)
    const own = this.history.filter((r) => r.fields.parentHash === parent.hash).map((r) => r.fields)
    const byHash = new Map<string, TriedExperiment>()
    for (const f of [...own, ...swarmTried]) {
      // a re-measure of the parent is no edit of it
      if (byHash.has(f.fileHash) || f.genesis !== this.init.genesis || isRemeasure(f)) continue
      byHash.set(f.fileHash, {
        fileHash: f.fileHash,
        description: f.description,
        status: f.status,
        valBpb: f.valBpb,
        ...(parent.valBpb !== undefined ? { parentValBpb: parent.valBpb } : {}),
      })
    }
    const valOf = new Map(this.history.map((r) => [r.fields.fileHash, r.fields.valBpb]))
    const recent = this.history.slice(-12).map((r) => ({
      fileHash: r.fields.fileHash,
      description: r.fields.description,
      status: r.fields.status,
      valBpb: r.fields.valBpb,
      ...(valOf.has(r.fields.parentHash)
        ? { parentValBpb: valOf.get(r.fields.parentHash) ?? 0 }
        : {}),
    }))
    return {
      parentText: parent.text,
      parentHash: parent.hash,
      parentValBpb: parent.valBpb,
      triedOnParent: [...byHash.values()],
      recent,
      inFlight: inFlight.map((p) => p.description),
      exclude: new Set([parent.hash, ...byHash.keys(), ...inFlight.map((p) => p.fileHash)]),
      onRejected: (err: ProposalRejectedError, attempt: number) =>
        this.emit('proposal-rejected', {
          source: this.init.proposer.name,
          attempt,
          kind: err.kind,
          message: err.message,
        }),
    }
  }

  /** The proposal for after `running`, made on the parent it is running on. Never rejects. */
  private speculate(
    running: Proposal,
    parent: Parent,
    signal: AbortSignal,
  ): Promise<Proposal | Error> {
    // for the baseline, speculate on the baseline itself: it becomes the parent when it runs
    const base: Parent = parent.baseline
      ? {
          text: running.text,
          hash: running.fileHash,
          valBpb: undefined,
          commit: '',
          baseline: false,
        }
      : parent
    return (async () => {
      const ctx = await this.context(base, parent.baseline ? [] : [running], signal)
      const proposal = await this.init.proposer.propose(ctx, signal)
      // should `running` be kept, the proposal is rebased onto it: compile that variant now,
      // while training, instead of after it
      const ifKept = parent.baseline ? undefined : rebaseProposal(proposal, running.text)
      if (ifKept !== undefined && proposal.source !== 'builtin') {
        await this.compile(ifKept.text, signal).then(
          () => this.compiled.add(ifKept.fileHash),
          () => {},
        )
      }
      return proposal
    })().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))))
  }

  /**
   * The pipelined proposal re-applied to the parent as it is now (rebased if a keep moved it)
   * and re-validated; a fresh proposal when it cannot be used.
   */
  private async nextProposal(
    pipelined: Promise<Proposal | Error> | undefined,
    signal: AbortSignal,
  ): Promise<Proposal | undefined> {
    const parent = this.current()
    const got = pipelined === undefined ? undefined : await pipelined
    if (signal.aborted) return undefined
    if (got instanceof Error && !isAbortError(got)) this.reportFailure(this.init.proposer, got)
    if (got !== undefined && !(got instanceof Error)) {
      const rebased = rebaseProposal(got, parent.text)
      if (rebased !== undefined) {
        try {
          const ctx = await this.context(parent, [], signal)
          // unchanged by the rebase, or its rebased form compiled during training: only the
          // tried-set may have moved
          const compiled = rebased === got || this.compiled.has(rebased.fileHash)
          this.compiled.clear()
          await this.validate(rebased, ctx, signal, !compiled)
          return rebased
        } catch (err) {
          if (!isRejection(err)) throw err
          this.emit('proposal-rejected', {
            source: 'pipeline',
            attempt: 0,
            kind: err.kind,
            message: err.message,
          })
        }
      }
    }
    return this.proposeFresh(signal)
  }

  private async proposeFresh(signal: AbortSignal): Promise<Proposal | undefined> {
    for (let round = 0; !signal.aborted; round++) {
      const parent = this.current()
      const ctx = await this.context(parent, [], signal)
      for (const proposer of [this.init.proposer, this.init.fallback]) {
        if (proposer === undefined) continue
        try {
          const proposal = await proposer.propose(ctx, signal)
          await this.validate(proposal, ctx, signal)
          return proposal
        } catch (err) {
          if (signal.aborted) return undefined
          if (!(err instanceof Error) || (!isRejection(err) && !isProposerFailure(err))) throw err
          this.reportFailure(proposer, err)
        }
      }
      // nobody could propose (endpoint down, everything tried): wait, then ask again
      await abortableDelay(Math.min(300_000, 5_000 * 2 ** round), signal).catch(() => {})
    }
    return undefined
  }

  private async validate(
    proposal: Proposal,
    ctx: ProposalContext,
    signal: AbortSignal,
    mayNeedCompile = true,
  ): Promise<void> {
    // a literal swapped for another literal cannot break the syntax: skip python for those
    const skip = proposal.source === 'builtin' || !mayNeedCompile
    const compile: CompileCheck = skip ? async () => {} : this.compile
    await validateProposal(proposal, ctx.parentText, ctx.exclude, compile, signal)
  }

  private reportFailure(proposer: Proposer, err: Error): void {
    const fallback = proposer === this.init.proposer ? this.init.fallback?.name : undefined
    this.emit('proposal-failed', {
      source: proposer.name,
      message: `${err.name}: ${err.message}`,
      fallback,
    })
  }

  private async tryFix(
    crashed: Proposal,
    outcome: Extract<RunOutcome, { kind: 'crash' }>,
    attempt: number,
    signal: AbortSignal,
  ): Promise<Proposal | undefined> {
    const fix = this.init.proposer.fix
    if (fix === undefined) return undefined
    const parent = this.current()
    try {
      const ctx = await this.context(parent, [], signal)
      const exclude = new Set(ctx.exclude)
      exclude.add(crashed.fileHash)
      return await fix.call(
        this.init.proposer,
        { ...ctx, exclude, crashed, reason: outcome.reason, tail: outcome.tail, attempt },
        signal,
      )
    } catch (err) {
      if (signal.aborted) return undefined
      if (!(err instanceof Error) || (!isRejection(err) && !isProposerFailure(err))) throw err
      this.reportFailure(this.init.proposer, err)
      return undefined
    }
  }

  // ---------------------------------------------------------------------------------------
  // Records

  private buildRecord(
    seq: number,
    proposal: Proposal,
    parent: Parent,
    status: ExperimentStatus,
    outcome: Exclude<RunOutcome, { kind: 'interrupted' }>,
    parentHash: string,
  ): ExperimentFields {
    const s = outcome.kind === 'ok' ? outcome.summary : outcome.summary
    const description =
      outcome.kind === 'crash'
        ? `${proposal.description} [crash: ${outcome.reason}: ${outcome.message}]`.slice(0, 400)
        : proposal.description
    return {
      genesis: this.init.genesis,
      author: this.init.author,
      seq,
      parentHash,
      fileHash: proposal.fileHash,
      // a re-measure's diff is empty: the file against itself
      diff:
        parentHash === proposal.fileHash
          ? ''
          : recordDiff(parent.baseline ? undefined : parent.text, proposal.text),
      status,
      valBpb: status === 'crash' ? 0 : (s?.valBpb ?? 0),
      trainingSeconds: s?.trainingSeconds ?? 0,
      totalSeconds: s?.totalSeconds ?? outcome.timing.processSeconds,
      numSteps: s?.numSteps ?? 0,
      totalTokens: Math.round((s?.totalTokensM ?? 0) * 1e6),
      peakMemMb: s?.peakVramMb ?? 0,
      tier: s?.device ?? (this.tier || 'unknown'),
      description: description.replace(/\s+/g, ' ').trim(),
      createdAt: Date.now(),
    }
  }

  private commitMessage(
    record: ExperimentFields,
    parent: Parent,
    proposal: Proposal,
    outcome: Exclude<RunOutcome, { kind: 'interrupted' }>,
    remeasure?: Remeasure,
    verdict?: RebaseVerdict,
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
      Steps: record.numSteps,
      'Training-Seconds': record.trainingSeconds.toFixed(1),
      'Peak-Mem-Mb': record.peakMemMb.toFixed(1),
      Source: proposal.source,
      'File-Hash': record.fileHash,
      'Parent-Hash': record.parentHash || 'none',
    })
    if (outcome.kind === 'crash') trailers['Crash-Reason'] = `${outcome.reason}: ${outcome.message}`
    if (remeasure !== undefined) {
      trailers['Claimed-By'] = remeasure.best.author
      trailers['Claimed-Val-Bpb'] = remeasure.best.valBpb.toFixed(6)
      trailers['Rebase-Tolerance'] = rebaseTolerance(remeasure.best.valBpb).toFixed(6)
      if (remeasure.best.recordId !== undefined)
        trailers['Claimed-Record'] = remeasure.best.recordId
      if (verdict !== undefined) trailers['Rebase-Verdict'] = verdict.reason
    }
    return formatCommitMessage(proposal.description, trailers)
  }

  // ---------------------------------------------------------------------------------------
  // run.json for `loopnet status`

  private setState(patch: Partial<RunState>, force = false): void {
    this.state = { ...this.state, ...patch, updatedAt: Date.now() }
    if (patch.phase !== undefined && patch.phase !== 'training') delete this.state.current
    const best = this.best
    if (best?.valBpb !== undefined)
      this.state.best = { valBpb: best.valBpb, fileHash: best.fileHash, commit: best.commit }
    this.flushState(force)
  }

  private patchCurrent(patch: Partial<NonNullable<RunState['current']>>, force = false): void {
    if (this.state.current === undefined) return
    this.state = {
      ...this.state,
      current: { ...this.state.current, ...patch },
      updatedAt: Date.now(),
    }
    this.flushState(force)
  }

  private flushState(force: boolean): void {
    const now = Date.now()
    // progress lines come many per second; status needs about one update a second
    if (!force && now - this.lastStateWrite < 1000) return
    this.lastStateWrite = now
    const snapshot = this.state
    this.stateWrites = this.stateWrites
      .then(() => writeRunState(this.init.dataDir, snapshot))
      .catch(() => {})
  }
}

function isRejection(err: unknown): err is ProposalRejectedError {
  return (
    err instanceof Error && 'kind' in err && typeof (err as { kind: unknown }).kind === 'string'
  )
}

function isProposerFailure(err: Error): boolean {
  return err.name === 'ProposalFailedError' || err.name === 'ProposalsExhaustedError'
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
