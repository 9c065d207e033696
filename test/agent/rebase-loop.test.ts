/**
 * The rebase step end to end: a peer's KEEP sits in the real SQLite store (as sync or gossip
 * would leave it), the loop runs over SoloSink/SoloSwarmView on that store with the fixture
 * trainer (val_bpb a known function of its constants), so each test knows whether the peer's
 * claim reproduces here.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { simpleGit } from 'simple-git'
import { afterEach, describe, expect, it } from 'vitest'
import type { AgentLoop } from '../../agent/loop.ts'
import type { Proposer } from '../../agent/proposer.ts'
import { BuiltinProposer } from '../../agent/proposers/builtin/builtin.ts'
import type { LlmProposer } from '../../agent/proposers/llm/llm.ts'
import { recordDiff } from '../../agent/validate.ts'
import { Store } from '../../node/store/store.ts'
import { sha256Hex } from '../../protocol/hash.ts'
import type { ExperimentFields } from '../../protocol/types.ts'
import {
  editReply,
  type ScriptedServer,
  startScriptedServer,
} from '../fixtures/agent/openai-server.ts'
import {
  baseline,
  expectConsistent,
  fixtureLlm,
  fixtureLoop,
  HARNESS_FIELDS,
  type RecordedEvents,
  statusesAndSources,
} from './helpers.ts'

const GENESIS = 'g-test'
const TIER = 'cpu-test' // the fixture trainer's device line
const PEER = '12D3KooWPeerBeeBeeBeeBeeBeeBee'
const LR = 'LR = 0.01  # learning rate; the optimum is 0.02'
const WIDTH = 'WIDTH = 64  # model width; the optimum is 128'
const ACT = 'ACTIVATION = "relu"  # relu | gelu | silu'
// val_bpb of the fixture = 2 + |ln(LR/0.02)| + 0.1 |log2(WIDTH/128)| + 0.02 (relu)
const BASELINE_BPB = 2 + Math.log(2) + 0.1 + 0.02 // 2.813147
const BETTER = baseline.replace(LR, 'LR = 0.02') // 2.12
const BETTER_BPB = 2.12
const WORSE = baseline.replace(WIDTH, 'WIDTH = 32') // 2.913147
const WORSE_BPB = 2 + Math.log(2) + 0.2 + 0.02

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function openStore(): Promise<{ store: Store; dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'loopnet-rebase-'))
  const store = new Store(join(dataDir, 'store.sqlite'))
  cleanups.push(() => store.close())
  return { store, dataDir }
}

/**
 * A loop with `proposer` on an existing store and data dir, run for `maxExperiments`: a second
 * call on the same ones is a restart.
 */
async function runLoop(
  store: Store,
  dataDir: string,
  proposer: Proposer,
  maxExperiments: number,
  timeoutMs: number,
): Promise<{ loop: AgentLoop; events: RecordedEvents }> {
  const made = fixtureLoop(store, dataDir, GENESIS, proposer, { maxExperiments })
  await made.loop.run(AbortSignal.timeout(timeoutMs))
  return made
}

/** A peer's KEEP of `text` claiming `claimed`, as sync leaves it; its file only if `withFile`. */
function insertPeerKeep(
  store: Store,
  text: string,
  claimed: number,
  options: { withFile?: boolean; tier?: string; seq?: number } = {},
): { id: string; fileHash: string } {
  const fields: ExperimentFields = {
    genesis: GENESIS,
    author: PEER,
    seq: options.seq ?? 2,
    parentHash: sha256Hex(baseline),
    fileHash: sha256Hex(text),
    diff: recordDiff(baseline, text),
    status: 'keep',
    valBpb: claimed,
    trainingSeconds: 0.1,
    totalSeconds: 0.2,
    ...HARNESS_FIELDS,
    budgetSeconds: 1,
    peakMemMb: 0,
    tier: options.tier ?? TIER,
    description: 'a peer edit',
    createdAt: Date.now(),
  }
  const { id } = store.insertRecord(fields, options.withFile === false ? {} : { fileText: text })
  return { id, fileHash: fields.fileHash }
}

/** A loop with the builtin proposer, run for `maxExperiments` (a restart when called again). */
function runBuiltin(
  store: Store,
  dataDir: string,
  maxExperiments: number,
): Promise<{ loop: AgentLoop; events: RecordedEvents }> {
  const builtin = new BuiltinProposer({ baselineText: baseline })
  return runLoop(store, dataDir, builtin, maxExperiments, 60_000)
}

/** The scripted LLM: every proposal request gets the same edit (it applies to every parent). */
async function scriptedLlm(reply: string): Promise<{ llm: LlmProposer; server: ScriptedServer }> {
  const server = await startScriptedServer([], { content: reply })
  cleanups.push(() => server.close())
  return { llm: fixtureLlm(server.url, 1), server }
}

/** A re-measure's record: the peer's file run on itself (parent = file), no diff; and `more`. */
function expectRemeasureOf(
  fileHash: string,
  fields: ExperimentFields | undefined,
  more: Partial<ExperimentFields>,
): void {
  expect(fields).toMatchObject({ parentHash: fileHash, fileHash, diff: '', ...more })
}

describe('AgentLoop rebase step', () => {
  it('re-measures a better peer keep before the noise runs still due: adoption does not wait for them', async () => {
    const { store, dataDir } = await openStore()
    const peer = insertPeerKeep(store, BETTER, BETTER_BPB)
    const builtin = new BuiltinProposer({ baselineText: baseline })
    const made = fixtureLoop(store, dataDir, GENESIS, builtin, { maxExperiments: 4, noiseRuns: 2 })
    await made.loop.run(AbortSignal.timeout(60_000))
    const runs = store.ownRuns(made.loop.init.author)
    expect(statusesAndSources(runs)).toEqual([
      'keep:baseline',
      'keep:rebase',
      'discard:noise',
      'discard:noise',
    ])
    expectRemeasureOf(peer.fileHash, runs[1]?.fields, { status: 'keep' })
    // the noise runs repeat the baseline, whatever the parent became
    for (const r of runs.slice(2)) expect(r.fields.fileHash).toBe(sha256Hex(baseline))
  }, 90_000)
  it("re-measures a peer's better keep, adopts it when it reproduces, builds on it, resumes on it", async () => {
    const { store, dataDir } = await openStore()
    const peer = insertPeerKeep(store, BETTER, BETTER_BPB)
    // the one LLM proposal is made on the baseline while it trains; it touches WIDTH only,
    // so it still applies once the parent has moved to the peer's file
    const { llm, server } = await scriptedLlm(editReply('narrower model', WIDTH, 'WIDTH = 32'))
    const { loop, events } = await runLoop(store, dataDir, llm, 3, 90_000)

    const author = loop.init.author
    const runs = store.ownRuns(author)
    expect(statusesAndSources(runs)).toEqual(['keep:baseline', 'keep:rebase', 'discard:llm'])
    const remeasure = runs[1]?.fields
    expectRemeasureOf(peer.fileHash, remeasure, {
      status: 'keep',
      tier: TIER,
      description: `re-measure ${peer.fileHash.slice(0, 12)} by ${PEER.slice(0, 12)} (claims 2.120000)`,
    })
    expect(remeasure?.valBpb).toBeCloseTo(BETTER_BPB, 6)
    expect(events['rebase-started']).toEqual([
      { fileHash: peer.fileHash, author: PEER, claimedValBpb: BETTER_BPB, recordId: peer.id },
    ])
    expect(events['rebase-finished']).toHaveLength(1)
    expect(events['rebase-finished'][0]).toMatchObject({
      fileHash: peer.fileHash,
      author: PEER,
      claimedValBpb: BETTER_BPB,
      reason: 'confirmed',
      adopted: true,
    })
    expect(events['rebase-finished'][0]?.measuredValBpb).toBeCloseTo(BETTER_BPB, 6)
    // the parent moved to the peer's file with the number measured here
    expect(events['parent-changed'].map((e) => e.fileHash)).toEqual([
      sha256Hex(baseline),
      peer.fileHash,
    ])
    expect(events['parent-changed'][1]?.valBpb).toBe(remeasure?.valBpb)
    // the speculative proposal (made on the baseline) was rebased onto the adopted file, not
    // thrown away: one LLM request in all, and its diff is the WIDTH change alone
    expect(server.requests).toHaveLength(1)
    expect(runs[2]?.fields.parentHash).toBe(peer.fileHash)
    expect(runs[2]?.fields.description).toBe('narrower model')
    expect(runs[2]?.fields.diff).toMatch(/^-WIDTH = 64.*\n\+WIDTH = 32/m)
    expect(runs[2]?.fields.diff).not.toMatch(/^[-+]LR/m)
    const trailers = await simpleGit(join(dataDir, 'workspace')).raw([
      'log',
      '-1',
      '--format=%(trailers:only,unfold)',
      runs[1]?.local.commit ?? '',
    ])
    expect(trailers).toContain(`Loopnet-Claimed-By: ${PEER}`)
    expect(trailers).toContain('Loopnet-Rebase-Verdict: confirmed')
    await expectConsistent(dataDir, store, author)

    // restart: the adopted file is the parent again, and it is not re-measured a second time
    const again = await runBuiltin(store, dataDir, 1)
    expect(again.events.resumed[0]).toMatchObject({
      experiments: 3,
      parentHash: peer.fileHash,
      commit: runs[1]?.local.commit,
    })
    expect(again.events.resumed[0]?.parentValBpb).toBeCloseTo(BETTER_BPB, 6)
    expect(again.events['rebase-started']).toEqual([])
    const after = store.ownRuns(author)
    expect(after.map((r) => r.local.source)).toEqual(['baseline', 'rebase', 'llm', 'builtin'])
    expect(after[3]?.fields.parentHash).toBe(peer.fileHash)
    await expectConsistent(dataDir, store, author)
  })

  it("discards a peer's lying claim as refuted and never re-measures it again, also after a restart", async () => {
    const { store, dataDir } = await openStore()
    const peer = insertPeerKeep(store, WORSE, 1.0) // measures 2.913147 here
    const gelu = editReply('gelu activation', ACT, 'ACTIVATION = "gelu"')
    const { llm, server } = await scriptedLlm(gelu)
    const { loop, events } = await runLoop(store, dataDir, llm, 3, 90_000)

    const author = loop.init.author
    const runs = store.ownRuns(author)
    expect(statusesAndSources(runs)).toEqual(['keep:baseline', 'discard:rebase', 'keep:llm'])
    expectRemeasureOf(peer.fileHash, runs[1]?.fields, { status: 'discard' })
    expect(runs[1]?.fields.valBpb).toBeCloseTo(WORSE_BPB, 6)
    expect(events['rebase-finished']).toHaveLength(1)
    expect(events['rebase-finished'][0]).toMatchObject({ reason: 'refuted', adopted: false })
    expect(events['rebase-finished'][0]?.measuredValBpb).toBeCloseTo(WORSE_BPB, 6)
    // the parent stayed: the pipelined proposal ran on the baseline unchanged, not re-asked
    expect(events['parent-changed'].map((e) => e.fileHash)).not.toContain(peer.fileHash)
    expect(runs[2]?.fields.parentHash).toBe(sha256Hex(baseline))
    expect(server.requests).toHaveLength(1)
    await expectConsistent(dataDir, store, author)

    // the claim (1.0) still beats everything here, but it was measured: no second re-measure
    const again = await runBuiltin(store, dataDir, 2)
    expect(again.events['rebase-started']).toEqual([])
    expect(store.ownRuns(author).map((r) => r.local.source)).toEqual([
      'baseline',
      'rebase',
      'llm',
      'builtin',
      'builtin',
    ])
    await expectConsistent(dataDir, store, author)
  })

  it("adopts a peer's file that beats its own best here although its claim did not reproduce", async () => {
    const { store, dataDir } = await openStore()
    // claims 1.5; measures 2.12 here: no reproduction, but 0.69 better than the baseline here
    const peer = insertPeerKeep(store, BETTER, 1.5)
    const { loop, events } = await runBuiltin(store, dataDir, 2)
    const runs = store.ownRuns(loop.init.author)
    expect(statusesAndSources(runs)).toEqual(['keep:baseline', 'keep:rebase'])
    expectRemeasureOf(peer.fileHash, runs[1]?.fields, { status: 'keep' })
    expect(runs[1]?.fields.valBpb).toBeCloseTo(BETTER_BPB, 6)
    expect(events['rebase-finished'][0]).toMatchObject({ reason: 'better-here', adopted: true })
    expect(runs[1]?.local.rebaseVerdict).toBe('better-here')
    expect(events['parent-changed'].at(-1)?.fileHash).toBe(peer.fileHash)
    // the local number is what the node now has to beat; the verdict journaled here counts
    // against the claim's author (rebase.test.ts: distrustedAuthors)
    expect(events['parent-changed'].at(-1)?.valBpb).toBeCloseTo(BETTER_BPB, 6)
    await expectConsistent(dataDir, store, loop.init.author)
  })

  it('after refuting the top claim, re-measures the second-best that still beats it', async () => {
    const { store, dataDir } = await openStore()
    const liar = insertPeerKeep(store, WORSE, 1.0) // measures 2.913147 here
    const honest = insertPeerKeep(store, BETTER, BETTER_BPB, { seq: 3 })
    const { loop, events } = await runBuiltin(store, dataDir, 3)
    expect(events['rebase-started'].map((e) => e.fileHash)).toEqual([
      liar.fileHash,
      honest.fileHash,
    ])
    expect(events['rebase-finished'].map((e) => e.reason)).toEqual(['refuted', 'confirmed'])
    const runs = store.ownRuns(loop.init.author)
    expect(statusesAndSources(runs)).toEqual(['keep:baseline', 'discard:rebase', 'keep:rebase'])
    expect(events['parent-changed'].at(-1)?.fileHash).toBe(honest.fileHash)
    await expectConsistent(dataDir, store, loop.init.author)
  })

  it("stops re-running an author's claims after it refuted two of them, also after a restart", async () => {
    const { store, dataDir } = await openStore()
    // three false claims of one author, best first: each measures far worse than it claims
    const lies = [
      insertPeerKeep(store, WORSE, 1.0, { seq: 2 }),
      insertPeerKeep(store, baseline.replace(WIDTH, 'WIDTH = 16'), 1.1, { seq: 3 }),
      insertPeerKeep(store, baseline.replace(LR, 'LR = 0.005'), 1.2, { seq: 4 }),
    ]
    const { loop, events } = await runBuiltin(store, dataDir, 4)
    expect(events['rebase-started'].map((e) => e.fileHash)).toEqual([
      lies[0]?.fileHash,
      lies[1]?.fileHash,
    ])
    expect(events['rebase-finished'].map((e) => e.reason)).toEqual(['refuted', 'refuted'])
    const author = loop.init.author
    expect(store.ownRuns(author).map((r) => r.local.source)).toEqual([
      'baseline',
      'rebase',
      'rebase',
      'builtin',
    ])
    // the store remembers whose claims were refuted: a restart does not forgive the liar
    expect(store.ownRuns(author)[1]?.local).toMatchObject({
      claimedBy: PEER,
      rebaseVerdict: 'refuted',
    })
    const again = await runBuiltin(store, dataDir, 1)
    expect(again.events['rebase-started']).toEqual([])
  })

  it('does not re-measure a best that is no better than its own, nor one of another tier', async () => {
    const { store, dataDir } = await openStore()
    insertPeerKeep(store, WORSE, WORSE_BPB)
    insertPeerKeep(store, BETTER, BETTER_BPB, { tier: 'cuda-h100-80g', seq: 3 })
    const { loop, events } = await runBuiltin(store, dataDir, 3)
    // the premise: the peer's file of this tier is worse than the baseline measured here
    expect(store.ownRuns(loop.init.author)[0]?.fields.valBpb).toBeCloseTo(BASELINE_BPB, 6)
    expect(WORSE_BPB).toBeGreaterThan(BASELINE_BPB)
    expect(events['rebase-started']).toEqual([])
    expect(events['rebase-fetch-failed']).toEqual([])
    expect(store.ownRuns(loop.init.author).map((r) => r.local.source)).toEqual([
      'baseline',
      'builtin',
      'builtin',
    ])
  })

  it('goes on with normal proposals when the best file cannot be fetched', async () => {
    const { store, dataDir } = await openStore()
    const peer = insertPeerKeep(store, BETTER, BETTER_BPB, { withFile: false })
    const { loop, events } = await runBuiltin(store, dataDir, 3)
    // one try, not one per experiment: the next is after REBASE_FETCH_RETRY_MS
    expect(events['rebase-fetch-failed']).toHaveLength(1)
    expect(events['rebase-fetch-failed'][0]).toMatchObject({
      fileHash: peer.fileHash,
      author: PEER,
      claimedValBpb: BETTER_BPB,
      recordId: peer.id,
    })
    expect(events['rebase-fetch-failed'][0]?.message).toMatch(/^FileNotFoundError: /)
    expect(events['rebase-started']).toEqual([])
    expect(store.ownRuns(loop.init.author).map((r) => r.local.source)).toEqual([
      'baseline',
      'builtin',
      'builtin',
    ])
    await expectConsistent(dataDir, store, loop.init.author)
  })

  it("journals a peer's file that crashes here as a crash and asks nobody to fix it", async () => {
    const { store, dataDir } = await openStore()
    const broken = baseline.replace(ACT, `${ACT}\nraise RuntimeError("not on this machine")`)
    const peer = insertPeerKeep(store, broken, 1.5)
    const { llm, server } = await scriptedLlm(
      editReply('gelu activation', ACT, 'ACTIVATION = "gelu"'),
    )
    const { loop, events } = await runLoop(store, dataDir, llm, 3, 90_000)

    const runs = store.ownRuns(loop.init.author)
    expect(statusesAndSources(runs)).toEqual(['keep:baseline', 'crash:rebase', 'keep:llm'])
    expectRemeasureOf(peer.fileHash, runs[1]?.fields, { valBpb: 0 })
    expect(runs[1]?.local.crashReason).toBe('exit-code')
    expect(events['rebase-finished']).toEqual([
      {
        fileHash: peer.fileHash,
        author: PEER,
        claimedValBpb: 1.5,
        reason: 'crashed',
        runReason: 'exit-code',
        adopted: false,
      },
    ])
    // no fix request: only the one proposal, made while the baseline trained
    expect(server.requests).toHaveLength(1)
    expect(
      server.requests.some((r) => r.messages.some((m) => m.content.includes('crashed ('))),
    ).toBe(false)
    await expectConsistent(dataDir, store, loop.init.author)
  })
})
