/**
 * Helpers for the loop tests: an AgentLoop on the fixture trainer (the train.py contract in a
 * fraction of a second, val_bpb a known function of its constants) over a real SQLite store,
 * every event it emits recorded, and the check that git, results.tsv and the store agree.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { simpleGit } from 'simple-git'
import { expect } from 'vitest'
import { pyCompileCheck } from '../../agent/compile.ts'
import type { PublishedRun } from '../../agent/interfaces.ts'
import { AgentLoop } from '../../agent/loop.ts'
import { type AgentLoopEvents, LOOP_EVENT_NAMES } from '../../agent/loop-events.ts'
import type { AgentLoopInit } from '../../agent/loop-options.ts'
import type { Proposer } from '../../agent/proposer.ts'
import { LlmProposer } from '../../agent/proposers/llm/llm.ts'
import { soloLoopInit } from '../../node/solo.ts'
import type { Store } from '../../node/store/store.ts'
import { sha256Hex } from '../../protocol/hash.ts'
import { type ExperimentFields, RECORD_VERSION } from '../../protocol/types.ts'

export const python = process.env.LOOPNET_PYTHON ?? '/usr/bin/python3'
export const trainerDir = fileURLToPath(new URL('../fixtures/agent/trainer', import.meta.url))
export const baseline = readFileSync(join(trainerDir, 'train.py'), 'utf8')

/** The harness's fields of a record, for records the tests build by hand. */
export const HARNESS_FIELDS = {
  version: RECORD_VERSION,
  budgetSeconds: 1,
  startupSeconds: 0,
  evalSeconds: 0,
  probeSeconds: 0,
  numParams: 1000,
  seed: 1,
  reason: '',
  unsandboxed: false,
} satisfies Partial<ExperimentFields>

/** Every event of a loop, in the order it was emitted, by name. */
export type RecordedEvents = { [K in keyof AgentLoopEvents]: Array<AgentLoopEvents[K]> }

/**
 * A loop in `dataDir` on `store` (SoloSink/SoloSwarmView), 1 s budget of 20 ms steps; a
 * second call on the same ones is a restart. DEBUG_LOOP=1 prints the events but progress.
 * Seed-noise margins are off (noiseK 0) unless `over` sets them: the fixture's val_bpb has no
 * noise, and the tests that are not about noise keep what a gain of any size keeps.
 */
export function fixtureLoop(
  store: Store,
  dataDir: string,
  genesis: string,
  proposer: Proposer,
  over: Partial<AgentLoopInit> = {},
): { loop: AgentLoop; events: RecordedEvents } {
  const loop = new AgentLoop({
    dataDir,
    ...soloLoopInit(store, genesis),
    proposer,
    baselineText: baseline,
    python,
    trainerDir,
    budgetSeconds: 1,
    graceSeconds: 10,
    env: { FIXTURE_STEP_SECONDS: '0.02' },
    noiseK: 0,
    ...over,
  })
  const events = {} as RecordedEvents
  for (const name of LOOP_EVENT_NAMES) {
    const list: unknown[] = []
    ;(events as Record<string, unknown[]>)[name] = list
    loop.addListener(name, (d) => {
      list.push(d)
      if (process.env.DEBUG_LOOP && name !== 'progress')
        console.log(name, JSON.stringify(d).slice(0, 300))
    })
  }
  return { loop, events }
}

/** An LLM proposer (model 'm') at `baseURL`, its proposals compile-checked with `python`. */
export function fixtureLlm(baseURL: string, maxAttempts: number): LlmProposer {
  return new LlmProposer({ baseURL, model: 'm', compile: pyCompileCheck(python), maxAttempts })
}

/** Each run as `status:source` ('keep:baseline', 'crash:llm', ...), in the order they ran. */
export function statusesAndSources(runs: PublishedRun[]): string[] {
  return runs.map((r) => `${r.fields.status}:${r.local.source}`)
}

/**
 * git, results.tsv and the store tell the same story: a results.tsv line and a parked commit
 * with trailers per run, the branch exactly the chain of keeps, the work tree the last keep.
 */
export async function expectConsistent(
  dataDir: string,
  store: Store,
  author: string,
): Promise<void> {
  const runs = store.ownRuns(author)
  const git = simpleGit(join(dataDir, 'workspace'))
  const tsv = readFileSync(join(dataDir, 'results.tsv'), 'utf8').trimEnd().split('\n')
  expect(tsv).toHaveLength(runs.length + 1)
  for (const [i, run] of runs.entries()) {
    const cols = tsv[i + 1]?.split('\t') ?? []
    expect(cols[0]).toBe(run.local.commit.slice(0, 7))
    expect(cols[3]).toBe(run.fields.status)
    expect(cols[4]).toBe(run.fields.description)
    expect(cols[10]).toBe(run.local.source)
    expect(
      (await git.raw(['rev-parse', `refs/loopnet/experiments/${run.fields.seq}`])).trim(),
    ).toBe(run.local.commit)
    const trailers = await git.raw([
      'log',
      '-1',
      '--format=%(trailers:only,unfold)',
      run.local.commit,
    ])
    expect(trailers).toContain(`Loopnet-Status: ${run.fields.status}`)
    expect(trailers).toContain(`Loopnet-Val-Bpb: ${run.fields.valBpb.toFixed(6)}`)
  }
  const kept = runs.filter((r) => r.fields.status === 'keep')
  const head = (await git.raw(['rev-parse', 'HEAD'])).trim()
  expect(head).toBe(kept.at(-1)?.local.commit)
  // the branch is exactly the chain of keeps, newest first, on the root commit
  const chain = (await git.raw(['rev-list', '--first-parent', 'HEAD'])).trim().split('\n')
  expect(chain.slice(0, -1)).toEqual(kept.map((r) => r.local.commit).reverse())
  expect((await git.status()).isClean()).toBe(true)
  expect(sha256Hex(readFileSync(join(dataDir, 'workspace', 'train.py'), 'utf8'))).toBe(
    kept.at(-1)?.fields.fileHash,
  )
}
