/**
 * The leaderboard over the real SQLite store: a constructed swarm history (baselines, keeps,
 * discards, crashes, re-measures confirming and refuting a file, three tiers, another genesis)
 * gives the ranks, baseline deltas, lineages, confirmations and counts a reader expects; and a
 * store written by an older loopnet (schema 1) is migrated on open.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { oneLine, visibleControls } from '../../node/cli/text.ts'
import { buildLeaderboard } from '../../node/leaderboard/leaderboard.ts'
import { MIGRATIONS } from '../../node/store/schema.ts'
import { Store, StoreSchemaError } from '../../node/store/store.ts'
import type { ExperimentFields, ExperimentStatus } from '../../protocol/types.ts'

const G = 'genesis-1'
const stores: Store[] = []
afterEach(() => {
  for (const s of stores.splice(0)) s.close()
})

async function tempPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'loopnet-board-')), 'store.sqlite')
}

async function open(): Promise<Store> {
  const store = new Store(await tempPath())
  stores.push(store)
  return store
}

const seqs = new Map<string, number>()

/** One experiment: `author` ran `parent` -> `file` on `tier` at time `t`. */
function rec(
  author: string,
  tier: string,
  parent: string,
  file: string,
  status: ExperimentStatus,
  valBpb: number,
  t: number,
  over: Partial<ExperimentFields> = {},
): ExperimentFields {
  const seq = (seqs.get(author) ?? 0) + 1
  seqs.set(author, seq)
  return {
    genesis: G,
    author,
    seq,
    parentHash: parent,
    fileHash: file,
    diff: parent === file || parent === '' ? '' : `-${parent}\n+${file}\n`,
    status,
    valBpb,
    trainingSeconds: 300,
    totalSeconds: 330,
    numSteps: 1000,
    totalTokens: 1_000_000,
    peakMemMb: 1000,
    tier,
    description: `${author} ${file}`,
    createdAt: t,
    ...over,
  }
}

/** The history: alice finds F1 then F2; bob, carol and (on gpu) frank confirm F2, dave refutes it. */
function history(): ExperimentFields[] {
  seqs.clear()
  return [
    // cpu baselines: median 3.0
    rec('alice', 'cpu', '', 'B0', 'keep', 3.0, 1),
    rec('bob', 'cpu', '', 'B0', 'keep', 3.1, 2),
    rec('carol', 'cpu', '', 'B0', 'keep', 2.9, 3),
    rec('alice', 'cpu', 'B0', 'F1', 'keep', 2.8, 10),
    rec('alice', 'cpu', 'F1', 'F1x', 'discard', 2.85, 11),
    rec('alice', 'cpu', 'F1', 'F2', 'keep', 2.7, 12),
    rec('alice', 'cpu', 'F2', 'F2x', 'crash', 0, 13),
    rec('bob', 'cpu', 'B0', 'F3', 'keep', 2.75, 14),
    // re-measures of alice's F2: bob and carol confirm (bob measures it better than alice did)
    rec('bob', 'cpu', 'F2', 'F2', 'keep', 2.65, 15),
    rec('carol', 'cpu', 'F2', 'F2', 'keep', 2.72, 16),
    rec('dave', 'cpu', 'F2', 'F2', 'discard', 2.9, 17),
    rec('dave', 'cpu', 'B0', 'F4', 'crash', 0, 18),
    // erin ties carol at 2.72, later; and ties herself, the earlier file wins
    rec('erin', 'cpu', 'B0', 'F6', 'keep', 2.72, 20),
    rec('erin', 'cpu', 'B0', 'F7', 'keep', 2.72, 21),
    // gpu: frank's baseline, then he adopts F2 (found on cpu) after re-measuring it
    rec('frank', 'gpu', '', 'B0', 'keep', 2.0, 30),
    rec('frank', 'gpu', 'F2', 'F2', 'keep', 1.8, 31),
    // tpu: a re-measure of a file whose finder this node never heard of; no baseline
    rec('gina', 'tpu', 'FX', 'FX', 'keep', 1.5, 40),
    // another swarm: ignored everywhere
    rec('alice', 'cpu', '', 'B0', 'keep', 0.1, 50, { genesis: 'other' }),
  ]
}

describe('leaderboard over the store', () => {
  it('ranks best per author with baseline deltas, lineage, confirmations and counts', async () => {
    const store = await open()
    for (const fields of history()) store.insertRecord(fields)

    const board = buildLeaderboard(store, G)
    expect(board.tiers.map((t) => t.tier)).toEqual(['cpu', 'gpu', 'tpu'])
    const [cpu, gpu, tpu] = board.tiers
    if (cpu === undefined || gpu === undefined || tpu === undefined) throw new Error('tiers')

    expect(cpu.baselineValBpb).toBe(3.0)
    expect(cpu.rows.map((r) => [r.rank, r.author, r.fileHash, r.valBpb])).toEqual([
      [1, 'bob', 'F2', 2.65],
      [2, 'alice', 'F2', 2.7],
      [3, 'carol', 'F2', 2.72],
      [4, 'erin', 'F6', 2.72],
    ])
    const deltas = cpu.rows.map((r) => r.deltaVsBaseline ?? Number.NaN)
    for (const [i, want] of [-0.35, -0.3, -0.28, -0.28].entries())
      expect(deltas[i]).toBeCloseTo(want, 10)
    // F2's re-measurers other than the row's author; dave's refutation does not count
    expect(cpu.rows.map((r) => r.confirmations)).toEqual([2, 3, 2, 0])
    // the best is bob's re-measure: the lineage goes on from alice, who found F2
    expect(cpu.lineage.map((r) => `${r.author}:${r.parentHash}->${r.fileHash}`)).toEqual([
      'bob:F2->F2',
      'alice:F1->F2',
      'alice:B0->F1',
      'alice:->B0',
    ])

    expect(gpu.baselineValBpb).toBe(2.0)
    expect(gpu.rows.map((r) => [r.author, r.valBpb, r.confirmations])).toEqual([
      ['frank', 1.8, 2],
      // frank's baseline is not his best
    ])
    expect(gpu.rows[0]?.deltaVsBaseline).toBeCloseTo(-0.2, 10)
    // found on cpu, re-measured on gpu; the baseline's finder is taken from gpu itself
    expect(gpu.lineage.map((r) => `${r.author}@${r.tier}:${r.fileHash}`)).toEqual([
      'frank@gpu:F2',
      'alice@cpu:F2',
      'alice@cpu:F1',
      'frank@gpu:B0',
    ])

    expect(tpu.baselineValBpb).toBeUndefined()
    expect(tpu.rows[0]?.deltaVsBaseline).toBeUndefined()
    expect(tpu.lineage.map((r) => r.author)).toEqual(['gina'])

    expect(board.nodes).toEqual([
      { author: 'alice', keep: 3, discard: 1, crash: 1, total: 5 },
      { author: 'bob', keep: 3, discard: 0, crash: 0, total: 3 },
      { author: 'carol', keep: 2, discard: 0, crash: 0, total: 2 },
      { author: 'dave', keep: 0, discard: 1, crash: 1, total: 2 },
      { author: 'erin', keep: 2, discard: 0, crash: 0, total: 2 },
      { author: 'frank', keep: 2, discard: 0, crash: 0, total: 2 },
      { author: 'gina', keep: 1, discard: 0, crash: 0, total: 1 },
    ])
  })

  it('builds one tier, with its own counts, and caps the rows', async () => {
    const store = await open()
    for (const fields of history()) store.insertRecord(fields)
    const gpu = buildLeaderboard(store, G, { tier: 'gpu' })
    expect(gpu.tiers.map((t) => t.tier)).toEqual(['gpu'])
    expect(gpu.nodes).toEqual([{ author: 'frank', keep: 2, discard: 0, crash: 0, total: 2 }])
    const top2 = buildLeaderboard(store, G, { tier: 'cpu', rows: 2 })
    expect(top2.tiers[0]?.rows.map((r) => r.author)).toEqual(['bob', 'alice'])
    expect(buildLeaderboard(store, 'nobody').tiers).toEqual([])
  })

  it('stops a lineage at a cycle instead of walking it', async () => {
    const store = await open()
    seqs.clear()
    // a file that is its own grandparent cannot happen honestly; the walk must still end
    store.insertRecord(rec('alice', 'cpu', 'FB', 'FA', 'keep', 2.0, 1))
    store.insertRecord(rec('bob', 'cpu', 'FA', 'FB', 'keep', 1.9, 2))
    const lineage = buildLeaderboard(store, G).tiers[0]?.lineage ?? []
    expect(lineage.map((r) => r.fileHash)).toEqual(['FB', 'FA'])
  })
})

describe('store migrations', () => {
  it('migrates a schema-1 store file and keeps its records', async () => {
    const path = await tempPath()
    const raw = new DatabaseSync(path)
    raw.exec(MIGRATIONS[0] ?? '')
    raw.exec('PRAGMA user_version = 1')
    raw.exec(`INSERT INTO records (id, genesis, author, seq, parent_hash, file_hash, diff, status,
      val_bpb, training_seconds, total_seconds, num_steps, total_tokens, peak_mem_mb, tier,
      description, created_at, signature, received_at)
      VALUES ('r1', '${G}', 'alice', 1, '', 'B0', '', 'keep', 3.0, 1, 1, 1, 1, 0, 'cpu', 'b', 1, NULL, 1),
             ('r2', '${G}', 'alice', 2, 'B0', 'F1', 'x', 'keep', 2.5, 1, 1, 1, 1, 0, 'cpu', 'f', 2, NULL, 2)`)
    raw.close()

    const store = new Store(path)
    stores.push(store)
    const board = buildLeaderboard(store, G)
    expect(board.tiers[0]?.rows.map((r) => r.id)).toEqual(['r2'])
    expect(board.tiers[0]?.lineage.map((r) => r.id)).toEqual(['r2', 'r1'])
    // migration 3 counted the rows already there
    expect(board.nodes).toEqual([{ author: 'alice', keep: 2, discard: 0, crash: 0, total: 2 }])
    store.close()

    const check = new DatabaseSync(path)
    const version = check.prepare('PRAGMA user_version').get() as { user_version: number }
    expect(version.user_version).toBe(MIGRATIONS.length)
    const indexes = (
      check.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as Array<{
        name: string
      }>
    ).map((r) => r.name)
    expect(indexes).toEqual(
      expect.arrayContaining(['records_author_best', 'records_file', 'records_signed']),
    )
    const triggers = check.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all()
    expect(triggers).toHaveLength(2)
    check.close()
  })

  it('refuses a store from a newer loopnet', async () => {
    const path = await tempPath()
    const db = new DatabaseSync(path)
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`)
    db.close()
    expect(() => new Store(path)).toThrow(StoreSchemaError)
  })
})

describe("peers' text on a terminal", () => {
  it('keeps lines and tabs of a diff but shows escape codes, carriage returns and bells', () => {
    const hostile = '-lr = 1\n+lr = 2\u001b[1A\u001b[2K\r+lr = 1\t# ok\u0007\n'
    expect(visibleControls(hostile)).toBe(
      '-lr = 1\n+lr = 2\\x1b[1A\\x1b[2K\\x0d+lr = 1\t# ok\\x07\n',
    )
    for (const c of ['\n', '\r', '\u001b']) expect(oneLine(hostile)).not.toContain(c)
  })
})
