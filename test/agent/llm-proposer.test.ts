/**
 * The LLM proposer against a local OpenAI-compatible server with scripted replies: garbage,
 * edits that do not apply, files that do not compile, other files, slow replies, crash fixes.
 */
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { pyCompileCheck } from '../../agent/compile.ts'
import type { ProposalRejectedError } from '../../agent/errors.ts'
import type { ProposalContext } from '../../agent/proposer.ts'
import { LlmProposer } from '../../agent/proposers/llm/llm.ts'
import { sha256Hex } from '../../protocol/hash.ts'
import {
  editReply,
  type ScriptedServer,
  startScriptedServer,
} from '../fixtures/agent/openai-server.ts'

const parent = readFileSync(new URL('../fixtures/agent/trainer/train.py', import.meta.url), 'utf8')
const compile = pyCompileCheck(process.env.LOOPNET_PYTHON ?? '/usr/bin/python3')
const LR = 'LR = 0.01  # learning rate; the optimum is 0.02'
let server: ScriptedServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

function context(rejected: ProposalRejectedError[] = []): ProposalContext {
  return {
    parentText: parent,
    parentHash: sha256Hex(parent),
    parentValBpb: 2.8,
    triedOnParent: [
      {
        fileHash: 'x',
        description: 'WIDTH 64 -> 32',
        status: 'discard',
        valBpb: 2.9,
        parentValBpb: 2.8,
      },
    ],
    recent: [],
    inFlight: ['USE_NORM True -> False'],
    inProgressOnPeers: ['ACTIVATION relu -> gelu'],
    exclude: new Set([sha256Hex(parent)]),
    onRejected: (err) => rejected.push(err),
  }
}

function proposer(
  url: string,
  extra: Partial<ConstructorParameters<typeof LlmProposer>[0]> = {},
): LlmProposer {
  return new LlmProposer({
    baseURL: url,
    model: 'test-model',
    compile,
    program: 'PROGRAM TEXT',
    ...extra,
  })
}

describe('LlmProposer', () => {
  it('rejects garbage, non-applying edits, other files and code that does not compile, then accepts', async () => {
    server = await startScriptedServer([
      'Sure! I would raise the learning rate.',
      editReply('nothing matches', 'LR = 0.5', 'LR = 1.0'),
      'prepare.py\n```python\nEVAL_TOKENS = 1\n```',
      editReply('broken', LR, 'LR = 0.02 +'),
      editReply('raise the LR to the optimum', LR, 'LR = 0.02'),
    ])
    const rejected: ProposalRejectedError[] = []
    const p = await proposer(server.url, { maxAttempts: 5 }).propose(
      context(rejected),
      AbortSignal.timeout(30_000),
    )
    expect(rejected.map((e) => e.kind)).toEqual([
      'empty-reply',
      'edit-not-applied',
      'wrong-file',
      'compile-error',
    ])
    expect(p).toMatchObject({ description: 'raise the LR to the optimum', source: 'llm' })
    expect(p.text).toBe(parent.replace(LR, 'LR = 0.02'))
    expect(p.fileHash).toBe(sha256Hex(p.text))
    // the prompt: program.md, the file, what was tried, what is running; each rejection fed back
    const first = server.requests[0]?.messages ?? []
    expect(first[0]?.content).toContain('PROGRAM TEXT')
    expect(first[1]?.content).toContain(LR)
    expect(first[1]?.content).toContain('WIDTH 64 -> 32 -> discard')
    expect(first[1]?.content).toContain('USE_NORM True -> False')
    expect(first[1]?.content).toMatch(/In progress on peers[^\n]*\n- ACTIVATION relu -> gelu/)
    const last = server.requests[4]?.messages ?? []
    expect(last.filter((m) => m.role === 'user').at(-1)?.content).toMatch(
      /rejected \(CompileError\)/,
    )
    expect(last).toHaveLength(2 + 2 * 4)
  })

  it('gives up after its bounded attempts with a named error', async () => {
    server = await startScriptedServer([], '')
    const rejected: ProposalRejectedError[] = []
    await expect(
      proposer(server.url, { maxAttempts: 2 }).propose(
        context(rejected),
        AbortSignal.timeout(10_000),
      ),
    ).rejects.toMatchObject({
      name: 'ProposalFailedError',
    })
    expect(rejected.map((e) => e.kind)).toEqual(['empty-reply', 'empty-reply'])
  })

  it('times a slow reply out and reports a failing endpoint', async () => {
    server = await startScriptedServer([
      { content: editReply('late', LR, 'LR = 0.02'), delayMs: 5_000 },
      { content: 'overloaded', status: 503 },
    ])
    const rejected: ProposalRejectedError[] = []
    const t0 = performance.now()
    await expect(
      proposer(server.url, { maxAttempts: 2, requestTimeoutMs: 300 }).propose(
        context(rejected),
        AbortSignal.timeout(10_000),
      ),
    ).rejects.toMatchObject({ name: 'ProposalFailedError' })
    expect(performance.now() - t0).toBeLessThan(4_000)
    expect(rejected.map((e) => e.kind)).toEqual(['request-timeout', 'request-failed'])
  })

  it('stops waiting at once when the loop is stopped', async () => {
    server = await startScriptedServer([{ content: 'late', delayMs: 10_000 }])
    const controller = new AbortController()
    const pending = proposer(server.url).propose(context(), controller.signal)
    setImmediate(() => controller.abort(new Error('stopped')))
    await expect(pending).rejects.toThrow('stopped')
  })

  it('fixes a crash from the log tail, or gives up on the idea', async () => {
    const crashedText = parent.replace(LR, `${LR}\nraise RuntimeError("boom")`)
    const crashed = {
      text: crashedText,
      fileHash: sha256Hex(crashedText),
      description: 'boom',
      source: 'llm',
      parentText: parent,
    }
    server = await startScriptedServer([
      editReply('drop the raise', 'raise RuntimeError("boom")', ''),
      'GIVE UP',
    ])
    const llm = proposer(server.url)
    const ctx = {
      ...context(),
      crashed,
      reason: 'exit-code',
      tail: 'RuntimeError: boom',
      attempt: 1,
    }
    const fixed = await llm.fix(ctx, AbortSignal.timeout(10_000))
    expect(fixed).toMatchObject({ source: 'llm-fix', description: 'fix: drop the raise' })
    expect(fixed?.text).toBe(parent.replace(LR, `${LR}\n`))
    expect(server.requests[0]?.messages[1]?.content).toContain('RuntimeError: boom')
    expect(await llm.fix(ctx, AbortSignal.timeout(10_000))).toBeUndefined()
  })
})
