/**
 * A real gain found by one node is adopted by every other (issue: "Sharing that works"), end to
 * end through real nodes and the real trainer (harness, sandbox, the tutorial part of the
 * default corpus, a 3 s budget): node A's (scripted) LLM proposes DEPTH 2 -> 1, which at this
 * budget scores ~0.15 bpb better than the baseline (measured: 2.169 +- 0.007 against
 * 2.324 +- 0.017 over three seeds each), far beyond any node's noise margin. the others'
 * (scripted) LLMs make small neutral edits. One node per core, pinned, as in the main job. Each of them must re-measure A's file at most one experiment after A's
 * record reaches it, and adopt it on its own number. Waits on the nodes' JSON events.
 */
import { mkdtemp, readFile } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sha256Hex } from '../../protocol/hash.ts'
import {
  type LoopnetProcess,
  pinnedCores,
  startLoopnet,
} from '../../scripts/testnet/loopnet-process.ts'
import { stopAll } from '../../scripts/testnet/spawn.ts'
import {
  type ChatRequest,
  editReply,
  type ScriptedServer,
  startScriptedServer,
} from '../fixtures/agent/openai-server.ts'
import { runPython, trainerDir } from '../trainer/helpers.ts'

const BUDGET = '3'
/** The main job's shape: one node per core, each pinned to its own (2 on a 2-core machine). */
const NODES = ['A', 'B', 'C', 'D'].slice(0, Math.max(2, Math.min(4, availableParallelism())))
/** A's baseline is followed by this many noise runs (the CLI default) before its first edit. */
const NOISE_RUNS = 2
const nodes: LoopnetProcess[] = []
const servers: ScriptedServer[] = []
let root = ''
let env: Record<string, string> = {}
let baseline = ''

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'loopnet-planted-'))
  env = { LOOPNET_CACHE: join(root, 'cache') }
  const prep = await runPython(join(trainerDir, 'prepare.py'), ['--json'], { env })
  expect(prep.code, prep.stderr).toBe(0)
  baseline = await readFile(join(trainerDir, 'train.py'), 'utf8')
})
afterAll(async () => {
  await stopAll(nodes)
})

async function loopnet(
  name: string,
  cpus: string | undefined,
  args: string[],
  bootstrap: string[] = [],
) {
  const n = await startLoopnet({
    ...(cpus !== undefined ? { cpus } : {}),
    name,
    dataDir: join(root, name),
    bootstrap,
    args: ['--budget', BUDGET, '--grace', '60', ...args],
    env,
  })
  nodes.push(n)
  return n
}

type Started = { seq: number; source: string; fileHash: string }

/**
 * The experiments `n` started after A's record of `fileHash` reached it, in order: the first
 * may already have been chosen when the record arrived; the re-measure must come next at the
 * latest.
 */
function startsAfterRecord(n: LoopnetProcess, author: string, fileHash: string): Started[] {
  const arrived = n.events.findIndex(
    (e) => e.event === 'peer-record' && e.author === author && e.fileHash === fileHash,
  )
  if (arrived < 0) return []
  return n.events
    .slice(arrived)
    .filter((e) => e.event === 'experiment-started')
    .map((e) => e as unknown as Started)
}

/**
 * The other nodes' proposer: small WARMDOWN_FRAC nudges, distinct per node and per request,
 * read off the parent in the prompt. A stand-in for the built-in proposer that can never find
 * the planted edit itself (the built-in one might: DEPTH 2 -> 1 is one of its mutations).
 */
function nudgeWarmdown(node: number): (req: ChatRequest) => string {
  let asked = 0
  return (req) => {
    asked++
    const prompt = req.messages.map((m) => m.content).join('\n')
    const line = /^WARMDOWN_FRAC = ([0-9.]+)(.*)$/m.exec(prompt)
    const value = Number(line?.[1] ?? '0.5')
    const next = (value + (node === 0 ? 1 : -1) * 0.01 * ((asked % 4) + 1)).toFixed(3)
    return editReply(
      `warmdown ${value} -> ${next}`,
      line?.[0] ?? 'WARMDOWN_FRAC = 0.5',
      `WARMDOWN_FRAC = ${next}${line?.[2] ?? ''}`,
    )
  }
}

describe('a planted gain', () => {
  it('is adopted by every other node within one experiment of theirs', async () => {
    const search = 'DEPTH = 8 if ON_GPU else 2\n'
    expect(baseline).toContain(search)
    const planted = baseline.replace(search, 'DEPTH = 8 if ON_GPU else 1\n')
    const plantedHash = sha256Hex(planted)
    // every reply is the planted edit: whenever A's pipeline asks, it gets the same one
    const llm = await startScriptedServer([], {
      content: `DESCRIPTION: one layer: more steps fit the budget\n<<<<<<< SEARCH\n${search}=======\nDEPTH = 8 if ON_GPU else 1\n>>>>>>> REPLACE\n`,
    })
    try {
      // A stops proposing after the planted experiment and stays up to serve its file
      const a = await loopnet('A', pinnedCores(1, NODES.length), [
        '--max-experiments',
        String(2 + NOISE_RUNS),
        '--serve',
        '--proposer',
        'llm',
        '--base-url',
        llm.url,
        '--model',
        'scripted',
      ])
      const others = await Promise.all(
        NODES.slice(1).map(async (name, i) => {
          const server = await startScriptedServer([], { content: nudgeWarmdown(i) })
          servers.push(server)
          return loopnet(
            name,
            pinnedCores(i + 2, NODES.length),
            ['--serve', '--proposer', 'llm', '--base-url', server.url, '--model', 'scripted'],
            a.multiaddrs,
          )
        }),
      )
      const keep = await a.waitFor(
        (e) =>
          e.event === 'experiment-finished' &&
          (e.record as { fileHash: string }).fileHash === plantedHash,
        300_000,
        'the planted experiment on A',
      )
      expect((keep.record as { status: string }).status).toBe('keep')
      const author = (keep.record as { author: string }).author
      for (const n of others) {
        // the verdict comes after the parent moved (the journal first, then the views)
        const verdict = await n.waitFor(
          (e) => e.event === 'rebase-finished' && e.fileHash === plantedHash,
          300_000,
          `${n.name} re-measuring the planted file`,
        )
        const story = JSON.stringify(
          n.events
            .filter((e) =>
              /experiment-started|rebase|peer-record|parent-changed/.test(String(e.event)),
            )
            .map((e) => [e.event, e.source, String(e.fileHash).slice(0, 8), e.description]),
        )
        expect(verdict, story).toMatchObject({ adopted: true })
        expect(
          n.events.some((e) => e.event === 'parent-changed' && e.fileHash === plantedHash),
          story,
        ).toBe(true)
        const starts = startsAfterRecord(n, author, plantedHash)
        const remeasure = starts.findIndex(
          (s) => s.source === 'rebase' && s.fileHash === plantedHash,
        )
        expect(remeasure, `${n.name}: ${story}`).toBeGreaterThanOrEqual(0)
        expect(
          remeasure,
          `${n.name} ran more than one experiment first: ${story}`,
        ).toBeLessThanOrEqual(1)
      }
    } finally {
      await Promise.all([llm, ...servers].map((server) => server.close()))
    }
  }, 600_000)
})
