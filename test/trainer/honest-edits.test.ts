/**
 * No false rejections: the baseline's built-in proposer edits (one constant each, as a node
 * proposes them) go through the real harness and sandbox, and none is rejected. A rule that
 * an honest edit breaks would make the swarm throw away real gains.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Proposal, ProposalContext } from '../../agent/proposer.ts'
import { BuiltinProposer } from '../../agent/proposers/builtin/builtin.ts'
import { sha256Hex } from '../../protocol/hash.ts'
import { parseHarnessSummary, runPython, smallSource, trainerDir } from './helpers.ts'

const EDITS = 20
/** Two runs at a time: the machine has two cores, and nothing here is timed. */
const PARALLEL = 2

let tmp = ''
let corpus = ''
let baseline = ''

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'loopnet-edits-'))
  const prep = await runPython(
    join(trainerDir, 'prepare.py'),
    ['--source', smallSource, '--json'],
    {
      env: { LOOPNET_CACHE: tmp },
    },
  )
  expect(prep.code, prep.stderr).toBe(0)
  corpus = (JSON.parse(prep.stdout) as { corpus_sha256: string }).corpus_sha256
  baseline = await readFile(join(trainerDir, 'train.py'), 'utf8')
})
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

/** The first `n` proposals the built-in proposer makes on the baseline, each a new file. */
async function builtinEdits(n: number): Promise<Proposal[]> {
  const proposer = new BuiltinProposer({ seed: 0, baselineText: baseline })
  const exclude = new Set([sha256Hex(baseline)])
  const out: Proposal[] = []
  for (let i = 0; i < n; i++) {
    const ctx = {
      parentText: baseline,
      parentHash: sha256Hex(baseline),
      parentValBpb: undefined,
      triedOnParent: [],
      recent: [],
      inFlight: [],
      exclude,
      onRejected: () => {},
    } satisfies ProposalContext
    const p = await proposer.propose(ctx, AbortSignal.timeout(10_000))
    exclude.add(p.fileHash)
    out.push(p)
  }
  return out
}

describe('honest edits', () => {
  it(`the harness rejects none of ${EDITS} built-in proposer edits of the baseline`, async () => {
    const edits = await builtinEdits(EDITS)
    expect(new Set(edits.map((e) => e.fileHash)).size).toBe(EDITS)
    const verdicts: Array<{ edit: string; verdict: string; reason: string; detail: string }> = []
    let next = 0
    const worker = async (): Promise<void> => {
      for (let i = next++; i < edits.length; i = next++) {
        const edit = edits[i] as Proposal
        const file = join(tmp, `edit-${i}.py`)
        await writeFile(file, edit.text)
        const r = await runPython(
          join(trainerDir, 'harness.py'),
          [file, '--budget', '1', '--corpus', corpus],
          { env: { LOOPNET_CACHE: tmp } },
        )
        const s = parseHarnessSummary(r.stdout) ?? {}
        verdicts.push({
          edit: edit.description,
          verdict: s.verdict ?? `exit ${r.code}`,
          reason: s.reason ?? '',
          detail: s.detail ?? r.stderr.slice(-300),
        })
      }
    }
    await Promise.all(Array.from({ length: PARALLEL }, worker))
    const rejected = verdicts.filter((v) => v.verdict === 'rejected')
    expect(rejected, JSON.stringify(rejected, null, 1)).toEqual([])
    // a crash is no rejection, but most edits of the baseline must run and be scored
    const ok = verdicts.filter((v) => v.verdict === 'ok').length
    expect(ok, JSON.stringify(verdicts, null, 1)).toBeGreaterThanOrEqual(EDITS - 3)
  }, 600_000)
})
