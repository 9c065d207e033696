/**
 * The agent loop end to end with a real git workspace, real python runs (the fixture trainer:
 * the train.py contract in a fraction of a second, val_bpb a known function of its constants),
 * a real SQLite store, and the LLM proposer against a scripted local server.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { AgentLoop } from '../../agent/loop.ts'
import type { AgentLoopInit } from '../../agent/loop-options.ts'
import type { Proposer } from '../../agent/proposer.ts'
import { BuiltinProposer } from '../../agent/proposers/builtin/builtin.ts'
import { Store } from '../../node/store/store.ts'
import { sha256Hex } from '../../protocol/hash.ts'
import {
  type ChatRequest,
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

const LR = 'LR = 0.01  # learning rate; the optimum is 0.02'
const USE_NORM = 'USE_NORM = True  # normalisation on or off'
const ACT = 'ACTIVATION = "relu"  # relu | gelu | silu'
const cleanups: Array<() => Promise<void> | void> = []

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function makeLoop(
  proposer: Proposer,
  over: Partial<AgentLoopInit> = {},
): Promise<{ loop: AgentLoop; store: Store; events: RecordedEvents; dataDir: string }> {
  const dataDir = over.dataDir ?? (await mkdtemp(join(tmpdir(), 'loopnet-loop-')))
  const store = new Store(join(dataDir, 'store.sqlite'))
  cleanups.push(() => store.close())
  return { ...fixtureLoop(store, dataDir, 'g-test', proposer, over), store, dataDir }
}

describe('AgentLoop', () => {
  it('keeps, discards, crashes, fixes and rebases with a scripted LLM, pipelined', async () => {
    const proposals = [
      'I think we should raise the learning rate.', // garbage
      editReply('nothing matches', 'LR = 0.5', 'LR = 1.0'),
      editReply('raise LR to 0.02', LR, 'LR = 0.02'), // -> keep
      'prepare.py\n```python\nEVAL_TOKENS = 1\n```', // another file
      editReply('narrower model', 'WIDTH = 64  # model width; the optimum is 128', 'WIDTH = 32'), // -> discard
      editReply('raise on purpose', USE_NORM, `${USE_NORM}\nraise RuntimeError("boom")`), // -> crash
      editReply('no normalisation', USE_NORM, 'USE_NORM = False'), // -> discard
    ]
    const fixes = [
      editReply(
        'drop the raise, use gelu',
        `raise RuntimeError("boom")\n${ACT}`,
        ACT.replace('"relu"', '"gelu"'),
      ),
    ]
    let spare = 1
    const route = (req: ChatRequest): string => {
      const isFix = req.messages.some((m) => m.content.includes('crashed ('))
      return (
        (isFix ? fixes.shift() : proposals.shift()) ??
        editReply('spare', 'SEED = 1', `SEED = ${++spare}`)
      )
    }
    const server: ScriptedServer = await startScriptedServer([], { content: route })
    cleanups.push(() => server.close())
    const llm = fixtureLlm(server.url, 3)
    // training long enough (1.2 s) for a reply + compile to fit inside it on a busy machine
    const { loop, store, events, dataDir } = await makeLoop(llm, {
      maxExperiments: 6,
      env: { FIXTURE_STEP_SECONDS: '0.4' },
    })
    const result = await loop.run(AbortSignal.timeout(90_000))

    expect(result.experiments).toBe(6)
    const runs = store.ownRuns(loop.init.author)
    expect(statusesAndSources(runs)).toEqual([
      'keep:baseline',
      'keep:llm',
      'discard:llm',
      'crash:llm',
      'keep:llm-fix',
      'discard:llm',
    ])
    expect(events['proposal-rejected'].map((e) => e.kind)).toEqual([
      'empty-reply',
      'edit-not-applied',
      'wrong-file',
    ])
    const crash = runs[3]
    expect(crash?.fields.valBpb).toBe(0)
    expect(crash?.local.crashReason).toBe('exit-code')
    // the record names the reason; the description stays the proposal's
    expect(crash?.fields.reason).toBe('exit-code')
    expect(crash?.fields.description).toBe('raise on purpose')
    expect(events['experiment-finished'][3]?.crash?.tail).toContain('Traceback')
    expect(events['experiment-finished'][3]?.crash?.tail).toContain('RuntimeError: boom')
    // the narrower model was proposed on the baseline while LR ran, then rebased onto the keep
    expect(runs[2]?.fields.parentHash).toBe(runs[1]?.fields.fileHash)
    expect(runs[2]?.fields.diff).toMatch(/-WIDTH = 64.*\n\+WIDTH = 32/)
    expect(runs[2]?.fields.diff).not.toMatch(/^[-+]LR/m)
    // the fix was asked with the log tail, and the speculative proposal made during the crash
    // was rebased onto the fix
    expect(
      server.requests.some((r) => r.messages.some((m) => m.content.includes('RuntimeError: boom'))),
    ).toBe(true)
    expect(runs[5]?.fields.parentHash).toBe(runs[4]?.fields.fileHash)
    expect(events['parent-changed']).toHaveLength(3)
    expect(events.progress.length).toBeGreaterThan(0)
    expect(runs.map((r) => r.fields.seq)).toEqual([1, 2, 3, 4, 5, 6])
    // after the first experiment, the next proposal was always ready when training ended
    const waits = events['experiment-finished'].slice(2).map((e) => e.phases.propose)
    expect(Math.max(...waits)).toBeLessThan(0.5)
    await expectConsistent(dataDir, store, loop.init.author)
  })

  it('never repeats an edit on a parent and is reproducible from its seed', async () => {
    const runOnce = async (seed: number): Promise<string[]> => {
      const { loop, store, dataDir } = await makeLoop(
        new BuiltinProposer({ seed, baselineText: baseline }),
        {
          maxExperiments: 9,
        },
      )
      await loop.run(AbortSignal.timeout(90_000))
      const runs = store.ownRuns(loop.init.author)
      const pairs = runs.map((r) => `${r.fields.parentHash}>${r.fields.fileHash}`)
      expect(new Set(pairs).size).toBe(pairs.length)
      for (const r of runs.slice(1)) {
        expect(r.fields.description).toMatch(/^[A-Z_]+ \S+ -> \S+$/)
        expect(r.fields.status).not.toBe('crash')
      }
      await expectConsistent(dataDir, store, loop.init.author)
      return runs.map((r) => r.fields.description)
    }
    const first = await runOnce(3)
    expect(await runOnce(3)).toEqual(first)
  })

  it('starts a new lineage, and says so, when its journal holds only runs of another genesis', async () => {
    const { loop, store, events } = await makeLoop(new BuiltinProposer(), { maxExperiments: 1 })
    const author = loop.init.author
    const old = sha256Hex('the swarm of an older loopnet')
    // an own run of format 1's days: another genesis, with its local facts
    store.insertRecord(
      {
        genesis: old,
        author,
        seq: 1,
        parentHash: '',
        fileHash: sha256Hex('an old-contract train.py'),
        diff: '',
        status: 'keep',
        valBpb: 1.9,
        trainingSeconds: 1,
        totalSeconds: 2,
        ...HARNESS_FIELDS,
        peakMemMb: 0,
        tier: 'cpu-2c',
        description: 'baseline',
        createdAt: 1,
      },
      {
        local: {
          commit: 'e'.repeat(40),
          parentCommit: 'f'.repeat(40),
          source: 'baseline',
          logPath: '/old.log',
          wallSeconds: 1,
        },
      },
    )
    await loop.run(AbortSignal.timeout(60_000))
    expect(events.resumed[0]).toMatchObject({ experiments: 1, previousGenesis: old })
    const runs = store.ownRuns(author).filter((r) => r.fields.genesis === loop.init.genesis)
    expect(runs.map((r) => [r.fields.seq, r.fields.parentHash, r.local.source])).toEqual([
      [2, '', 'baseline'],
    ])
  })

  it("numbers its runs past its author's records it holds without local facts", async () => {
    const { loop, store, dataDir } = await makeLoop(new BuiltinProposer(), { maxExperiments: 2 })
    const author = loop.init.author
    // an identity reused with a fresh store: peers sync its old records back, no local facts
    for (const seq of [1, 2, 3])
      store.insertRecord({
        genesis: 'g-test',
        author,
        seq,
        parentHash: '',
        fileHash: sha256Hex(`before the store was lost ${seq}`),
        diff: '',
        status: 'discard',
        valBpb: 3,
        trainingSeconds: 1,
        totalSeconds: 2,
        ...HARNESS_FIELDS,
        peakMemMb: 0,
        tier: 'cpu-2c',
        description: 'from before the store was lost',
        createdAt: 1,
      })
    await loop.run(AbortSignal.timeout(60_000))
    // seq 1 and 2 again would be forks: the store keeps the first record of an (author, seq)
    expect(store.ownRuns(author).map((r) => r.fields.seq)).toEqual([4, 5])
    await expectConsistent(dataDir, store, author)
  })

  it('gives up when the unmodified baseline keeps crashing', async () => {
    const broken = baseline.replace('import math', 'import math\nraise SystemExit(3)')
    const { loop, store } = await makeLoop(new BuiltinProposer(), {
      baselineText: broken,
      maxBaselineCrashes: 2,
    })
    await expect(loop.run(AbortSignal.timeout(60_000))).rejects.toMatchObject({
      name: 'BaselineCrashError',
    })
    expect(store.ownRuns(loop.init.author).map((r) => r.fields.status)).toEqual(['crash', 'crash'])
  })

  it('falls back to the built-in proposer when the endpoint is down', async () => {
    const llm = fixtureLlm('http://127.0.0.1:9/v1', 1)
    const { loop, store, events } = await makeLoop(llm, {
      fallback: new BuiltinProposer(),
      maxExperiments: 2,
    })
    await loop.run(AbortSignal.timeout(60_000))
    expect(store.ownRuns(loop.init.author).map((r) => r.local.source)).toEqual([
      'baseline',
      'builtin',
    ])
    expect(events['proposal-failed'][0]).toMatchObject({ source: 'llm', fallback: 'builtin' })
  })
})
