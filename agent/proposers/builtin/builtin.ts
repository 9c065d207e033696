/**
 * The offline default proposer: one UPPER_CASE constant at a time, seeded and reproducible,
 * never a file excluded on the same parent (the context's exclude set holds the journal's and
 * trusted peers' tries and claims on it, and the experiments in flight), and what untrusted
 * peers tried or claimed only when nothing else is left.
 */

import { ProposalsExhaustedError } from '../../errors.ts'
import type { Proposal, ProposalContext, Proposer } from '../../proposer.ts'
import { type Constant, parseConstants } from '../../train-constants.ts'
import { chooseMutation, DEFAULT_FROZEN } from './mutate.ts'
import { seededRng } from './rng.ts'

export interface BuiltinProposerInit {
  seed?: number
  /** The genesis train file: ints stay within 16x of its values. */
  baselineText?: string
  /** Constants never touched (default: seed, budget, device, logging, eval). */
  frozen?: RegExp
}

export class BuiltinProposer implements Proposer {
  readonly name = 'builtin'
  private readonly seed: number
  private readonly baseline: Constant[]
  private readonly frozen: RegExp

  constructor(init: BuiltinProposerInit = {}) {
    this.seed = init.seed ?? 0
    this.baseline = init.baselineText === undefined ? [] : parseConstants(init.baselineText)
    this.frozen = init.frozen ?? DEFAULT_FROZEN
  }

  async propose(ctx: ProposalContext, signal: AbortSignal): Promise<Proposal> {
    signal.throwIfAborted()
    // keyed by what is excluded, so the same history always gives the same next proposal
    const rng = seededRng(this.seed, ctx.parentHash, ctx.exclude.size)
    const m = chooseMutation(ctx.parentText, ctx.exclude, rng, {
      baseline: this.baseline,
      frozen: this.frozen,
      ...(ctx.deprioritized !== undefined ? { deprioritized: ctx.deprioritized } : {}),
    })
    if (m === undefined)
      throw new ProposalsExhaustedError(
        `every single and paired constant mutation of ${ctx.parentHash.slice(0, 12)} was tried`,
      )
    return {
      text: m.text,
      fileHash: m.fileHash,
      description: m.description,
      source: this.name,
      parentText: ctx.parentText,
    }
  }
}
