/**
 * Hostile train files end to end, through real nodes and the real trainer (harness, sandbox,
 * the tutorial part of the default corpus, a 1 s budget):
 * - the author's own node, whose (scripted) LLM proposes a non-causal model, rejects it: the
 *   file is never kept there, and its record goes out as rejected;
 * - a lying peer claims KEEPs for a non-causal file (val_bpb 0.05) and for a file that trains
 *   nothing and prints a forged summary (0.1): the honest node re-measures both, rejects one
 *   and crashes the other, adopts neither, and never shows either as better on its board.
 * The liar is a testnet node signing whatever it is told; each claim's diff applies to the
 * baseline, so every check a record can pass without running the file, it passes.
 * Waits on the nodes' JSON events, never on sleeps. docs/THREATS.md lists these threats.
 */
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordDiff } from '../../agent/validate.ts'
import { sha256Hex } from '../../protocol/hash.ts'
import {
  type LoopnetProcess,
  leaderboardText,
  startLoopnet,
} from '../../scripts/testnet/loopnet-process.ts'
import { spawnNode, stopAll, type TestnetNode } from '../../scripts/testnet/spawn.ts'
import { startScriptedServer } from '../fixtures/agent/openai-server.ts'
import { python, runPython, smallSource, trainerDir } from '../trainer/helpers.ts'

const hostile = fileURLToPath(new URL('../fixtures/hostile', import.meta.url))
const BUDGET = '1'
const nodes: Array<LoopnetProcess | TestnetNode> = []
let root = ''
let env: Record<string, string> = {}
let genesis = ''
let tier = ''
let baseline = ''

/** A hostile fixture: base.py with the snippet spliced in at its marker. */
async function compose(fixture: string): Promise<string> {
  const base = await readFile(join(hostile, 'base.py'), 'utf8')
  return base.replace('# HOSTILE', await readFile(join(hostile, `${fixture}.py`), 'utf8'))
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'loopnet-hostile-'))
  env = { LOOPNET_CACHE: join(root, 'cache') }
  const prep = await runPython(
    join(trainerDir, 'prepare.py'),
    ['--source', smallSource, '--json'],
    {
      env,
    },
  )
  expect(prep.code, prep.stderr).toBe(0)
  genesis = (JSON.parse(prep.stdout) as { genesis: string }).genesis
  const t = await execa(python, ['-c', 'import prepare; print(prepare.detect_tier()[1])'], {
    env: { PYTHONPATH: trainerDir },
  })
  tier = t.stdout.trim()
  baseline = await readFile(join(trainerDir, 'train.py'), 'utf8')
})
afterAll(async () => {
  await stopAll(nodes)
})

async function loopnet(name: string, args: string[], bootstrap: string[] = []) {
  const n = await startLoopnet({
    name,
    dataDir: join(root, name),
    bootstrap,
    // no noise runs: the run after the baseline is the hostile file, not the baseline again
    args: [
      '--budget',
      BUDGET,
      '--grace',
      '60',
      '--corpus',
      smallSource,
      '--noise-runs',
      '0',
      ...args,
    ],
    env,
  })
  nodes.push(n)
  return n
}

type Finished = {
  seq: number
  status: string
  reason: string
  valBpb: number
  fileHash: string
  parentHash: string
}

const finished = (n: LoopnetProcess, count: number) =>
  n.waitFor(
    () => n.events.filter((e) => e.event === 'experiment-finished').length >= count,
    240_000,
    `${count} experiments`,
  )
const records = (n: LoopnetProcess): Finished[] =>
  n.events.filter((e) => e.event === 'experiment-finished').map((e) => e.record as Finished)

async function boardJson(n: LoopnetProcess): Promise<unknown> {
  return JSON.parse(await leaderboardText(n.dataDir, true))
}

describe('hostile train files through real nodes', () => {
  it("the author's node rejects its LLM's non-causal model: never kept, gossiped as rejected", async () => {
    // the LLM's edit of train.py: the logits of each position favour the next input token
    const search =
      '            return self.lm_head(x)  # logits: the interface the harness scores\n'
    const replace = [
      '            logits = self.lm_head(x)',
      '            ahead = torch.zeros_like(logits)',
      '            ahead[:, :-1].scatter_(-1, idx[:, 1:, None], 20.0)',
      '            return logits + ahead',
      '',
    ].join('\n')
    expect(baseline).toContain(search)
    const peek = baseline.replace(search, replace)
    const llm = await startScriptedServer([
      `DESCRIPTION: read the next token for a sharper prediction\n<<<<<<< SEARCH\n${search}=======\n${replace}>>>>>>> REPLACE\n`,
    ])
    try {
      const a = await loopnet('A', [
        '--max-experiments',
        '2',
        '--proposer',
        'llm',
        '--base-url',
        llm.url,
        '--model',
        'scripted',
        '--no-pipeline',
      ])
      await finished(a, 2)
      const [base, edit] = records(a)
      expect(base).toMatchObject({ status: 'keep', parentHash: '' })
      expect(edit).toMatchObject({ status: 'rejected', reason: 'non-causal', valBpb: 0 })
      expect(edit?.fileHash).toBe(sha256Hex(peek))
      // the parent never moved to it
      const moved = a.events.filter((e) => e.event === 'parent-changed').map((e) => e.fileHash)
      expect(moved).toEqual([base?.fileHash])
    } finally {
      await llm.close()
    }
  }, 300_000)

  it("an honest node refutes a peer's forged and non-causal KEEP claims and never adopts them", async () => {
    const b = await loopnet('B', ['--max-experiments', '3', '--serve'])
    const liar = await spawnNode({ dataDir: join(root, 'liar'), genesis, bootstrap: b.multiaddrs })
    nodes.push(liar)
    const claims = [
      { fixture: 'peek_next', valBpb: 0.05 },
      { fixture: 'forged_summary', valBpb: 0.1 },
    ]
    const hashes: string[] = []
    for (const claim of claims) {
      const text = await compose(claim.fixture)
      hashes.push(sha256Hex(text))
      liar.send({ cmd: 'put-file', text })
      liar.send({
        cmd: 'publish',
        fields: {
          parentHash: sha256Hex(baseline),
          fileHash: sha256Hex(text),
          diff: recordDiff(baseline, text),
          status: 'keep',
          valBpb: claim.valBpb,
          budgetSeconds: Number(BUDGET),
          trainingSeconds: Number(BUDGET),
          totalSeconds: 8,
          tier,
          description: `a great ${claim.fixture} model`,
        },
      })
    }
    await finished(b, 3)
    // a re-measure's verdict is its own line, after the run's: wait for it too
    await b.waitFor(
      () => b.events.filter((e) => e.event === 'rebase-finished').length >= 2,
      60_000,
      '2 verdicts',
    )
    const [base, first, second] = records(b)
    expect(base).toMatchObject({ status: 'keep', parentHash: '' })
    // the better claim first: the non-causal file, rejected when re-measured here
    expect(first).toMatchObject({ fileHash: hashes[0], parentHash: hashes[0], status: 'rejected' })
    expect(first?.reason).toBe('non-causal')
    // then the forged summary: it trains nothing and never calls finish(): a crash here
    expect(second).toMatchObject({ fileHash: hashes[1], parentHash: hashes[1], status: 'crash' })
    const verdicts = b.events.filter((e) => e.event === 'rebase-finished')
    expect(verdicts.map((v) => [v.fileHash, v.reason, v.adopted])).toEqual([
      [hashes[0], 'rejected', false],
      [hashes[1], 'crashed', false],
    ])
    const moved = b.events.filter((e) => e.event === 'parent-changed').map((e) => e.fileHash)
    expect(moved).toEqual([base?.fileHash])
    // the board: neither lie is ranked on the honest node; both are listed apart, with what
    // happened to them here
    const board = (await boardJson(b)) as {
      tiers: Array<{
        rows: Array<{ fileHash: string }>
        notRanked: Array<{ fileHash: string; here: { verdict: string; reason?: string } }>
      }>
    }
    const ranked = board.tiers.flatMap((t) => t.rows.map((r) => r.fileHash))
    expect(ranked).toContain(base?.fileHash)
    expect(ranked).not.toContain(hashes[0])
    expect(ranked).not.toContain(hashes[1])
    const apart = board.tiers.flatMap((t) => t.notRanked)
    expect(apart.find((r) => r.fileHash === hashes[0])?.here).toMatchObject({
      verdict: 'rejected',
      reason: 'non-causal',
    })
    expect(apart.find((r) => r.fileHash === hashes[1])?.here.verdict).toBe('crashed')
  }, 300_000)
})
