/**
 * The loop's proposal pipeline: what a proposer is told (what was tried on the parent, what
 * is running), the speculative proposal made while an experiment trains, its rebase onto a
 * parent that moved, validation, the fallback proposer, and the fix of a crash. Whatever a
 * proposer gets wrong is reported as an event and never stops the loop; a bug still throws.
 */
import { setTimeout as delay } from 'node:timers/promises'
import { sha256Hex } from '../protocol/hash.ts'
import { editClaimsOn, splitOthersWork, trustedPeers } from './claims.ts'
import type { CompileCheck } from './compile.ts'
import { isAbortError, type ProposalRejectedError } from './errors.ts'
import type { PublishedRun, SwarmView } from './interfaces.ts'
import type { EmitLoopEvent } from './loop-events.ts'
import { NOISE_SOURCE } from './noise-runs.ts'
import type {
  Proposal,
  ProposalContext,
  ProposalNoise,
  Proposer,
  TriedExperiment,
} from './proposer.ts'
import { isRemeasure } from './rebase.ts'
import type { FinishedOutcome, Parent } from './record.ts'
import { rebaseProposal, validateProposal } from './validate.ts'

export interface ProposalPipelineInit {
  genesis: string
  /** This node's author id: its own records in the swarm's answers are its own tries. */
  author: string
  proposer: Proposer
  /** Used for one proposal when the proposer fails (an LLM endpoint that is down). */
  fallback?: Proposer
  compile: CompileCheck
  swarm: Pick<SwarmView, 'tried' | 'claims'>
  /** The node's own runs, oldest first, as the loop knows them now. */
  history: () => readonly PublishedRun[]
  /** The parent the next experiment edits, as it is now. */
  parent: () => Parent
  /** This node's seed noise and keep margin, as they are now. */
  noise?: () => ProposalNoise
  /** `proposal-rejected` and `proposal-failed` go out through it. */
  emit: EmitLoopEvent
}

/** How many of the node's latest runs a proposer is shown, on any parent. */
const RECENT_RUNS = 12

export class ProposalPipeline {
  private readonly init: ProposalPipelineInit
  /** Hashes of speculative rebased files already known to compile. */
  private readonly compiled = new Set<string>()

  constructor(init: ProposalPipelineInit) {
    this.init = init
  }

  /** The proposal for after `running`, made on the parent it is running on. Never rejects. */
  speculate(running: Proposal, parent: Parent, signal: AbortSignal): Promise<Proposal | Error> {
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
        await this.init.compile(ifKept.text, signal).then(
          () => this.compiled.add(ifKept.fileHash),
          () => {},
        )
      }
      return proposal
    })().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))))
  }

  /**
   * The pipelined proposal re-applied to the parent as it is now (rebased if a keep moved it)
   * and re-validated; a fresh proposal when it cannot be used. Undefined once aborted.
   */
  async next(
    pipelined: Promise<Proposal | Error> | undefined,
    signal: AbortSignal,
  ): Promise<Proposal | undefined> {
    const parent = this.init.parent()
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
          // a peer took it up while it was made: whole runs are dearer than a new proposal
          if (ctx.deprioritized?.has(rebased.fileHash) !== true) return rebased
          this.init.emit('proposal-rejected', {
            source: 'pipeline',
            attempt: 0,
            kind: 'duplicate',
            message: 'a peer tried or claimed this file on the parent meanwhile',
          })
        } catch (err) {
          if (!isRejection(err)) throw err
          this.init.emit('proposal-rejected', {
            source: 'pipeline',
            attempt: 0,
            kind: err.kind,
            message: err.message,
          })
        }
      }
    }
    return this.fresh(signal)
  }

  /** Asks the proposer, then the fallback, until one proposal validates. Undefined once aborted. */
  async fresh(signal: AbortSignal): Promise<Proposal | undefined> {
    for (let round = 0; !signal.aborted; round++) {
      const ctx = await this.context(this.init.parent(), [], signal)
      for (const proposer of [this.init.proposer, this.init.fallback]) {
        if (proposer === undefined) continue
        try {
          const proposal = await proposer.propose(ctx, signal)
          await this.validate(proposal, ctx, signal)
          return proposal
        } catch (err) {
          if (signal.aborted) return undefined
          this.reportOrThrow(proposer, err)
        }
      }
      // nobody could propose (endpoint down, everything tried): wait, then ask again
      await delay(Math.min(300_000, 5_000 * 2 ** round), undefined, { signal }).catch(() => {})
    }
    return undefined
  }

  /** The proposer's repair of a crash it proposed, or undefined (no fix(), none found, aborted). */
  async fix(
    crashed: Proposal,
    outcome: Extract<FinishedOutcome, { kind: 'crash' }>,
    attempt: number,
    signal: AbortSignal,
  ): Promise<Proposal | undefined> {
    const { proposer } = this.init
    if (proposer.fix === undefined) return undefined
    try {
      const ctx = await this.context(this.init.parent(), [], signal)
      const exclude = new Set(ctx.exclude)
      exclude.add(crashed.fileHash)
      return await proposer.fix(
        { ...ctx, exclude, crashed, reason: outcome.reason, tail: outcome.tail, attempt },
        signal,
      )
    } catch (err) {
      if (signal.aborted) return undefined
      this.reportOrThrow(proposer, err)
      return undefined
    }
  }

  /**
   * What a proposer may know about a parent: tried there (swarm + journal), claimed by peers,
   * running now. Tries and claims of untrusted peers only deprioritize (agent/claims.ts).
   */
  private async context(
    parent: Parent,
    inFlight: Proposal[],
    signal: AbortSignal,
  ): Promise<ProposalContext> {
    const history = this.init.history()
    const { author, genesis } = this.init
    const swarmTried = await this.init.swarm.tried(parent.hash, signal)
    const claims =
      parent.hash === ''
        ? []
        : editClaimsOn(await this.init.swarm.claims(parent.hash, signal), parent.hash, author)
    const own = history.filter((r) => r.fields.parentHash === parent.hash).map((r) => r.fields)
    const others = splitOthersWork(
      [
        ...swarmTried.filter(
          (f) => f.author !== author && f.genesis === genesis && !isRemeasure(f),
        ),
        ...claims,
      ],
      trustedPeers(history),
      author,
    )
    const ownHashes = [
      ...own.filter((f) => f.genesis === genesis && !isRemeasure(f)),
      ...swarmTried.filter((f) => f.author === author && f.genesis === genesis && !isRemeasure(f)),
    ].map((f) => f.fileHash)
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
    const valOf = new Map(history.map((r) => [r.fields.fileHash, r.fields.valBpb]))
    // noise runs are no ideas: the prompt states the noise they measured instead
    const ideas = history.filter((r) => r.local.source !== NOISE_SOURCE)
    const recent = ideas.slice(-RECENT_RUNS).map((r) => ({
      fileHash: r.fields.fileHash,
      description: r.fields.description,
      status: r.fields.status,
      valBpb: r.fields.valBpb,
      ...(valOf.has(r.fields.parentHash)
        ? { parentValBpb: valOf.get(r.fields.parentHash) ?? 0 }
        : {}),
    }))
    const exclude = new Set([
      parent.hash,
      ...ownHashes,
      ...others.exclude,
      ...inFlight.map((p) => p.fileHash),
    ])
    return {
      parentText: parent.text,
      parentHash: parent.hash,
      parentValBpb: parent.valBpb,
      triedOnParent: [...byHash.values()],
      recent,
      inFlight: inFlight.map((p) => p.description),
      exclude,
      deprioritized: new Set([...others.deprioritized].filter((h) => !exclude.has(h))),
      inProgressOnPeers: [...new Set(claims.map((c) => c.description))],
      ...(this.init.noise !== undefined ? { noise: this.init.noise() } : {}),
      onRejected: (err: ProposalRejectedError, attempt: number) =>
        this.init.emit('proposal-rejected', {
          source: this.init.proposer.name,
          attempt,
          kind: err.kind,
          message: err.message,
        }),
    }
  }

  private async validate(
    proposal: Proposal,
    ctx: ProposalContext,
    signal: AbortSignal,
    mayNeedCompile = true,
  ): Promise<void> {
    // a literal swapped for another literal cannot break the syntax: skip python for those
    const skip = proposal.source === 'builtin' || !mayNeedCompile
    const compile: CompileCheck = skip ? async () => {} : this.init.compile
    await validateProposal(proposal, ctx.parentText, ctx.exclude, compile, signal)
  }

  /** A proposer's rejection or failure is reported; anything else is a bug and is rethrown. */
  private reportOrThrow(proposer: Proposer, err: unknown): void {
    if (!(err instanceof Error) || (!isRejection(err) && !isProposerFailure(err))) throw err
    this.reportFailure(proposer, err)
  }

  private reportFailure(proposer: Proposer, err: Error): void {
    const fallback = proposer === this.init.proposer ? this.init.fallback?.name : undefined
    this.init.emit('proposal-failed', {
      source: proposer.name,
      message: `${err.name}: ${err.message}`,
      fallback,
    })
  }
}

/** The first experiment: the unmodified train file, on the empty parent. */
export function baselineProposal(baselineText: string, parent: Pick<Parent, 'text'>): Proposal {
  return {
    text: baselineText,
    fileHash: sha256Hex(baselineText),
    description: 'baseline',
    source: 'baseline',
    parentText: parent.text,
  }
}

/** A proposal refused before it ran: every ProposalRejectedError carries a `kind`. */
export function isRejection(err: unknown): err is ProposalRejectedError {
  return (
    err instanceof Error && 'kind' in err && typeof (err as { kind: unknown }).kind === 'string'
  )
}

/** A proposer that gave up (retries spent, or nothing left to try): the loop moves on. */
export function isProposerFailure(err: Error): boolean {
  return err.name === 'ProposalFailedError' || err.name === 'ProposalsExhaustedError'
}
