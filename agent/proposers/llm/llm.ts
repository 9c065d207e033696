/**
 * The LLM proposer: plain chat.completions against any OpenAI-compatible endpoint (OpenAI,
 * Ollama, vLLM, llama.cpp). A reply that is empty, does not apply, touches another file or does
 * not compile is rejected with a named error and fed back, a bounded number of times.
 */
import OpenAI from 'openai'
import { sha256Hex } from '../../../protocol/hash.ts'
import type { CompileCheck } from '../../compile.ts'
import {
  isAbortError,
  LlmRequestError,
  LlmTimeoutError,
  ProposalFailedError,
  ProposalRejectedError,
} from '../../errors.ts'
import type { CrashContext, Proposal, ProposalContext, Proposer } from '../../proposer.ts'
import { validateProposal } from '../../validate.ts'
import { type ChatMessage, fixMessages, proposalMessages, rejectionMessage } from './prompt.ts'
import { applyReply, parseReply } from './reply.ts'

export interface LlmProposerInit {
  baseURL: string
  apiKey?: string
  model: string
  /** program.md: the human's standing instructions. */
  program?: string
  compile: CompileCheck
  trainFile?: string
  /** Replies tried per proposal before giving up (default 3). */
  maxAttempts?: number
  /** Per request (default 10 min: local models on CPU are slow). */
  requestTimeoutMs?: number
  temperature?: number
  maxTokens?: number
}

export class LlmProposer implements Proposer {
  readonly name = 'llm'
  private readonly init: LlmProposerInit
  private readonly client: OpenAI

  constructor(init: LlmProposerInit) {
    this.init = init
    this.client = new OpenAI({
      baseURL: init.baseURL,
      // local servers take any key; the client insists on one
      apiKey: init.apiKey ?? 'none',
      maxRetries: 0,
      timeout: init.requestTimeoutMs ?? 600_000,
    })
  }

  private get trainFile(): string {
    return this.init.trainFile ?? 'train.py'
  }

  async propose(ctx: ProposalContext, signal: AbortSignal): Promise<Proposal> {
    const messages = proposalMessages(ctx, this.init.program, this.trainFile)
    const proposal = await this.converse(messages, ctx, ctx.parentText, 'llm', signal)
    if (proposal === undefined) throw new ProposalFailedError([])
    return proposal
  }

  async fix(ctx: CrashContext, signal: AbortSignal): Promise<Proposal | undefined> {
    const messages = fixMessages(ctx, this.init.program, this.trainFile)
    return this.converse(messages, ctx, ctx.crashed.text, 'llm-fix', signal)
  }

  /** Asks, validates, feeds back the rejection, asks again; undefined when the model gives up. */
  private async converse(
    messages: ChatMessage[],
    ctx: ProposalContext,
    baseText: string,
    source: string,
    signal: AbortSignal,
  ): Promise<Proposal | undefined> {
    const rejected: ProposalRejectedError[] = []
    const maxAttempts = this.init.maxAttempts ?? 3
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let reply: string
      try {
        reply = await this.complete(messages, signal)
      } catch (err) {
        if (!(err instanceof ProposalRejectedError)) throw err
        rejected.push(err)
        ctx.onRejected?.(err, attempt)
        continue // a failed request is not the model's fault: ask the same again
      }
      if (source === 'llm-fix' && /^\s*GIVE UP\s*$/i.test(reply)) return undefined
      try {
        const parsed = parseReply(reply, this.trainFile)
        const text = applyReply(baseText, parsed)
        const proposal: Proposal = {
          text,
          fileHash: sha256Hex(text),
          description: source === 'llm-fix' ? `fix: ${parsed.description}` : parsed.description,
          source,
          parentText: ctx.parentText,
        }
        await validateProposal(proposal, ctx.parentText, ctx.exclude, this.init.compile, signal)
        return proposal
      } catch (err) {
        if (!(err instanceof ProposalRejectedError)) throw err
        rejected.push(err)
        ctx.onRejected?.(err, attempt)
        messages.push({ role: 'assistant', content: reply }, rejectionMessage(err))
      }
    }
    throw new ProposalFailedError(rejected)
  }

  private async complete(messages: ChatMessage[], signal: AbortSignal): Promise<string> {
    const timeoutMs = this.init.requestTimeoutMs ?? 600_000
    const timeout = AbortSignal.timeout(timeoutMs)
    try {
      const res = await this.client.chat.completions.create(
        {
          model: this.init.model,
          messages,
          ...(this.init.temperature !== undefined ? { temperature: this.init.temperature } : {}),
          ...(this.init.maxTokens !== undefined ? { max_tokens: this.init.maxTokens } : {}),
        },
        { signal: AbortSignal.any([signal, timeout]) },
      )
      return res.choices[0]?.message?.content ?? ''
    } catch (err) {
      if (signal.aborted) throw signal.reason
      if (timeout.aborted || (err instanceof Error && /timed? ?out/i.test(err.message)))
        throw new LlmTimeoutError(timeoutMs)
      if (isAbortError(err)) throw err
      throw new LlmRequestError(err instanceof Error ? err.message : String(err))
    }
  }
}
