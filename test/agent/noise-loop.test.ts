/**
 * Seed noise end to end: the loop runs the baseline again when a lineage starts (noise runs),
 * estimates its noise from them, and keeps only gains beyond k sigmas of a difference. The
 * fixture trainer's val_bpb is a known function of its constants; its harness adds scripted
 * seed noise (FIXTURE_NOISE_FILE), so each test knows the estimate it must reach.
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { AgentLoopInit } from '../../agent/loop-options.ts'
import { NOISE_SOURCE } from '../../agent/noise-runs.ts'
import { Store } from '../../node/store/store.ts'
import { sha256Hex } from '../../protocol/hash.ts'
import {
  type ChatRequest,
  editReply,
  startScriptedServer,
} from '../fixtures/agent/openai-server.ts'
import {
  baseline,
  expectConsistent,
  fixtureLlm,
  fixtureLoop,
  statusesAndSources,
} from './helpers.ts'

const ACT = 'ACTIVATION = "relu"  # relu | gelu | silu'
const WIDTH = 'WIDTH = 64  # model width; the optimum is 128'
// val_bpb of the fixture = 2 + |ln(LR/0.02)| + 0.1 |log2(WIDTH/128)| + 0.02 (relu)
const BASELINE_BPB = 2 + Math.log(2) + 0.1 + 0.02
// the baseline and its two noise runs land +0.02, -0.01, -0.01 off: the mean is the true
// value, sigma sqrt((4 + 1 + 1) e-4 / 2) = 0.0173, the keep margin 2 sigma sqrt(2) = 0.049
const OFFSETS = [0.02, -0.01, -0.01]
const SIGMA = Math.sqrt(6e-4 / 2)
const MARGIN = 2 * SIGMA * Math.SQRT2
const GELU = editReply('gelu activation', ACT, 'ACTIVATION = "gelu"') // gains 0.02: under it
const WIDER = editReply('wider model', WIDTH, 'WIDTH = 128') // gains 0.1: over it

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

describe('AgentLoop seed noise', () => {
  it('measures noise after the baseline, keeps only gains beyond it, says it, resumes without redoing it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'loopnet-noise-'))
    const noiseFile = join(dataDir, 'noise-offsets')
    await writeFile(noiseFile, `${OFFSETS.join('\n')}\n`)
    const store = new Store(join(dataDir, 'store.sqlite'))
    cleanups.push(() => store.close())
    // gelu first; once gelu is tried or running, the wider model
    const route = (req: ChatRequest): string =>
      req.messages.some((m) => m.content.includes('gelu activation')) ? WIDER : GELU
    const server = await startScriptedServer([], { content: route })
    cleanups.push(() => server.close())
    const over: Partial<AgentLoopInit> = {
      noiseRuns: 2,
      noiseK: 2,
      env: { FIXTURE_STEP_SECONDS: '0.2', FIXTURE_NOISE_FILE: noiseFile },
    }
    const first = fixtureLoop(store, dataDir, 'g-test', fixtureLlm(server.url, 1), {
      ...over,
      maxExperiments: 3,
    })
    await first.loop.run(AbortSignal.timeout(60_000))

    const author = first.loop.init.author
    const hash = sha256Hex(baseline)
    const runs = store.ownRuns(author)
    expect(statusesAndSources(runs)).toEqual(['keep:baseline', 'discard:noise', 'discard:noise'])
    for (const [i, run] of runs.slice(1).entries()) {
      // published as the file on itself, like a re-measure
      expect(run.fields).toMatchObject({ parentHash: hash, fileHash: hash, diff: '' })
      expect(run.fields.description).toBe(`noise run ${i + 1}/2 of ${hash.slice(0, 12)}`)
    }
    expect(runs.map((r) => r.fields.valBpb - BASELINE_BPB).map((d) => d.toFixed(6))).toEqual(
      OFFSETS.map((d) => d.toFixed(6)),
    )
    // unmeasured at start, then one estimate once two degrees of freedom are in
    const estimates = first.events['noise-estimated']
    expect(estimates.map((e) => e.measured)).toEqual([false, true])
    expect(estimates[0]?.description).toMatch(/not measured yet: assuming 0\.0200/)
    expect(estimates[1]?.sigma).toBeCloseTo(SIGMA, 6)
    expect(estimates[1]).toMatchObject({ dof: 2, k: 2 })
    expect(estimates[1]?.margin).toBeCloseTo(MARGIN, 6)
    // the record journals the estimate its run was judged with: none before it was measured
    expect(runs.map((r) => r.fields.noiseDof)).toEqual([undefined, undefined, undefined])
    // the proposal made while the baseline trained was told that noise is not measured yet
    expect(server.requests[0]?.messages.at(-1)?.content).toContain(
      'Measurement noise on this node: seed noise not measured yet',
    )
    await expectConsistent(dataDir, store, author)

    // a restart: the noise runs are in the journal, the estimate and the mean come back
    const second = fixtureLoop(store, dataDir, 'g-test', fixtureLlm(server.url, 1), {
      ...over,
      maxExperiments: 2,
    })
    await second.loop.run(AbortSignal.timeout(60_000))
    expect(second.events.resumed[0]?.parentValBpb).toBeCloseTo(BASELINE_BPB, 6)
    expect(second.events['noise-estimated'][0]).toMatchObject({ measured: true, dof: 2 })
    const after = store.ownRuns(author)
    expect(statusesAndSources(after).slice(3)).toEqual(['discard:llm', 'keep:llm'])
    expect(after.filter((r) => r.local.source === NOISE_SOURCE)).toHaveLength(2)
    const [gelu, wider] = after.slice(3)
    // gelu beats the parent's mean by 0.02, and the single baseline draw by 0.04: both under
    // the margin, so noise, not a keep
    expect(gelu?.fields.valBpb).toBeCloseTo(BASELINE_BPB - 0.02, 6)
    expect(second.events['experiment-finished'][0]?.parentValBpb).toBeCloseTo(BASELINE_BPB, 6)
    expect(wider?.fields.valBpb).toBeCloseTo(BASELINE_BPB - 0.1, 6)
    expect(gelu?.fields.noiseSigma).toBeCloseTo(SIGMA, 6)
    expect(gelu?.fields.noiseDof).toBe(2)
    // the keep is recorded with its single measured number, and becomes the parent as such
    expect(second.events['parent-changed'][0]?.valBpb).toBeCloseTo(BASELINE_BPB - 0.1, 6)
    // every prompt after the noise runs states the measured noise and the margin
    const prompts = server.requests.slice(1).map((r) => r.messages.at(-1)?.content ?? '')
    expect(prompts.length).toBeGreaterThan(0)
    for (const p of prompts) {
      // the noise runs are not listed as ideas that were tried
      expect(p).not.toContain('noise run')
      expect(p).toContain(
        `Measurement noise on this node: seed noise ${SIGMA.toFixed(4)} bpb per run (3+ runs); a gain must exceed ${MARGIN.toFixed(4)} bpb to be kept`,
      )
    }
    await expectConsistent(dataDir, store, author)
  })
})
