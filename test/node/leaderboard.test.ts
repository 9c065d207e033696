/**
 * The leaderboard over the real SQLite store: a constructed swarm history (baselines, keeps,
 * discards, crashes, re-measures confirming and refuting a file, three tiers, another genesis)
 * gives the ranks, baseline deltas, lineages, levels and counts a reader expects; and a
 * store written by an older loopnet (schema 1) is migrated on open.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { oneLine, visibleControls } from '../../node/cli/text.ts'
import { formatLeaderboard } from '../../node/leaderboard/format.ts'
import { buildLeaderboard } from '../../node/leaderboard/leaderboard.ts'
import { MIGRATIONS } from '../../node/store/schema.ts'
import { Store, StoreSchemaError } from '../../node/store/store.ts'
import {
  type ExperimentFields,
  type ExperimentStatus,
  RECORD_VERSION,
} from '../../protocol/types.ts'

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
    version: RECORD_VERSION,
    genesis: G,
    author,
    seq,
    parentHash: parent,
    fileHash: file,
    diff: parent === file || parent === '' ? '' : `-${parent}\n+${file}\n`,
    status,
    valBpb,
    budgetSeconds: 300,
    trainingSeconds: 300,
    startupSeconds: 20,
    evalSeconds: 8,
    probeSeconds: 2,
    totalSeconds: 330,
    numParams: 1_000_000,
    peakMemMb: 1000,
    seed: seq,
    tier,
    reason: status === 'crash' ? 'timeout' : status === 'rejected' ? 'non-causal' : '',
    unsandboxed: false,
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
  it('ranks best per author with baseline deltas, lineage, levels and counts', async () => {
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
    // re-measures by authors this node never checked vouch for nothing: all provisional
    expect(cpu.rows.map((r) => [r.verification, r.reproducedBy])).toEqual([
      ['provisional', []],
      ['provisional', []],
      ['provisional', []],
      ['provisional', []],
    ])
    expect([board.verifyK, board.trusted]).toEqual([2, []])
    // the best is bob's re-measure: the lineage goes on from alice, who found F2
    expect(cpu.lineage.map((r) => `${r.author}:${r.parentHash}->${r.fileHash}`)).toEqual([
      'bob:F2->F2',
      'alice:F1->F2',
      'alice:B0->F1',
      'alice:->B0',
    ])

    expect(gpu.baselineValBpb).toBe(2.0)
    expect(gpu.rows.map((r) => [r.author, r.valBpb, r.verification])).toEqual([
      ['frank', 1.8, 'provisional'],
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
      { author: 'alice', keep: 3, discard: 1, crash: 1, rejected: 0, total: 5 },
      { author: 'bob', keep: 3, discard: 0, crash: 0, rejected: 0, total: 3 },
      { author: 'carol', keep: 2, discard: 0, crash: 0, rejected: 0, total: 2 },
      { author: 'dave', keep: 0, discard: 1, crash: 1, rejected: 0, total: 2 },
      { author: 'erin', keep: 2, discard: 0, crash: 0, rejected: 0, total: 2 },
      { author: 'frank', keep: 2, discard: 0, crash: 0, rejected: 0, total: 2 },
      { author: 'gina', keep: 1, discard: 0, crash: 0, rejected: 0, total: 1 },
    ])
    // no node here is this store's own: nothing is listed apart
    for (const t of board.tiers) expect(t.notRanked).toEqual([])
  })

  it('builds one tier, with its own counts, and caps the rows', async () => {
    const store = await open()
    for (const fields of history()) store.insertRecord(fields)
    const gpu = buildLeaderboard(store, G, { tier: 'gpu' })
    expect(gpu.tiers.map((t) => t.tier)).toEqual(['gpu'])
    expect(gpu.nodes).toEqual([
      { author: 'frank', keep: 2, discard: 0, crash: 0, rejected: 0, total: 2 },
    ])
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

describe("this node's own verdicts and budgets on the board", () => {
  const local = {
    commit: 'c'.repeat(40),
    parentCommit: 'd'.repeat(40),
    source: 'rebase',
    logPath: '/x.log',
    wallSeconds: 400,
  }

  /** A swarm where this node ('me') re-ran three peers' claims: rejected, refuted, crashed. */
  async function swarmWithVerdicts(): Promise<Store> {
    const store = await open()
    seqs.clear()
    store.setState('node_id', 'me')
    const add = (f: ExperimentFields, opts = {}) => store.insertRecord(f, opts)
    add(rec('alice', 'cpu', '', 'B0', 'keep', 3.0, 1))
    add(rec('me', 'cpu', '', 'B0', 'keep', 3.05, 2))
    // mallory's forged file claims far better than anyone; liar's claim does not reproduce
    add(rec('mallory', 'cpu', 'B0', 'FORGED', 'keep', 1.0, 3))
    add(rec('liar', 'cpu', 'B0', 'LIE', 'keep', 2.0, 4))
    add(rec('alice', 'cpu', 'B0', 'F1', 'keep', 2.8, 5))
    add(rec('bob', 'cpu', 'F1', 'F1', 'keep', 2.79, 6))
    // this node's re-measures: the harness rejected FORGED here (local facts say so)...
    add(rec('me', 'cpu', 'FORGED', 'FORGED', 'rejected', 0, 7, { reason: 'non-causal' }), {
      local: { ...local, claimedBy: 'mallory', rebaseVerdict: 'rejected' },
    })
    // ...and LIE measured 2.9 here: refuted (no local facts: its own record, by its node id)
    add(rec('me', 'cpu', 'LIE', 'LIE', 'discard', 2.9, 8))
    // ...and a file that never calls finish() (a forged summary): its re-run crashed here
    add(rec('liar', 'cpu', 'B0', 'NOFINISH', 'keep', 0.5, 8.5))
    add(rec('me', 'cpu', 'NOFINISH', 'NOFINISH', 'crash', 0, 8.6, { reason: 'timeout' }), {
      local: { ...local, claimedBy: 'liar', rebaseVerdict: 'crashed' },
    })
    // the same tier at a 60 s budget: ranked on its own, and FORGED claimed there too
    add(rec('carol', 'cpu', '', 'B0', 'keep', 3.4, 9, { budgetSeconds: 60 }))
    add(rec('carol', 'cpu', 'B0', 'F6', 'keep', 3.3, 10, { budgetSeconds: 60 }))
    add(rec('mallory', 'cpu', 'B0', 'FORGED', 'keep', 1.1, 11, { budgetSeconds: 60 }))
    add(
      rec('dave', 'cpu', 'F6', 'F7', 'rejected', 0, 12, { budgetSeconds: 60, reason: 'val-text' }),
    )
    return store
  }

  it('never ranks a file this node rejected or refuted; lists the claims apart; budgets apart', async () => {
    const store = await swarmWithVerdicts()
    const board = buildLeaderboard(store, G)
    expect(board.tiers.map((t) => [t.tier, t.budgetSeconds])).toEqual([
      ['cpu', 60],
      ['cpu', 300],
    ])
    const [short, long] = board.tiers
    if (short === undefined || long === undefined) throw new Error('groups')

    expect(long.baselineValBpb).toBeCloseTo(3.025, 10)
    expect(long.rows.map((r) => [r.rank, r.author, r.fileHash, r.valBpb])).toEqual([
      [1, 'bob', 'F1', 2.79],
      [2, 'alice', 'F1', 2.8],
      [3, 'me', 'B0', 3.05],
    ])
    expect(long.lineage.map((r) => `${r.author}:${r.fileHash}`)).toEqual([
      'bob:F1',
      'alice:F1',
      'alice:B0',
    ])
    expect(
      long.notRanked.map((r) => [r.author, r.fileHash, r.valBpb, r.here.verdict, r.here.reason]),
    ).toEqual([
      ['liar', 'NOFINISH', 0.5, 'crashed', 'timeout'],
      ['mallory', 'FORGED', 1.0, 'rejected', 'non-causal'],
      ['liar', 'LIE', 2.0, 'refuted', ''],
    ])
    expect(long.notRanked[2]?.here.valBpb).toBe(2.9)

    // 60 s: its own baseline and ranking; never compared with 300 s; a rejection never ranks
    expect(short.baselineValBpb).toBe(3.4)
    expect(short.rows.map((r) => [r.rank, r.author, r.fileHash])).toEqual([[1, 'carol', 'F6']])
    expect(short.notRanked.map((r) => [r.author, r.fileHash, r.budgetSeconds])).toEqual([
      ['mallory', 'FORGED', 60],
    ])
    expect(board.nodes.find((n) => n.author === 'me')).toEqual({
      author: 'me',
      keep: 1,
      discard: 1,
      crash: 1,
      rejected: 1,
      total: 4,
    })
    expect(board.nodes.find((n) => n.author === 'dave')).toMatchObject({ rejected: 1, total: 1 })

    // one budget or one tier and budget
    const only60 = buildLeaderboard(store, G, { budgetSeconds: 60 })
    expect(only60.tiers.map((t) => t.budgetSeconds)).toEqual([60])
    expect(only60.nodes.map((n) => n.author)).toEqual(['carol', 'dave', 'mallory'])
    expect(buildLeaderboard(store, G, { tier: 'cpu', budgetSeconds: 300 }).tiers).toHaveLength(1)
    expect(buildLeaderboard(store, G, { tier: 'gpu' }).tiers).toEqual([])
  })

  it('prints the budget, the claims not ranked here with the verdict, and rejected counts', async () => {
    const store = await swarmWithVerdicts()
    const text = formatLeaderboard(buildLeaderboard(store, G))
    const lines = text.split('\n')
    expect(lines).toContain('tier cpu  budget 60 s  baseline 3.400000')
    expect(lines).toContain('tier cpu  budget 300 s  baseline 3.025000')
    const long = lines.slice(lines.indexOf('tier cpu  budget 300 s  baseline 3.025000'))
    expect(long[2]).toMatch(/^ +1 {2}2\.790000 +-0\.235000 {2}bob /)
    const apart = long.indexOf('  not ranked: claims this node ran and could not reproduce')
    expect(apart).toBeGreaterThan(0)
    expect(long[apart + 1]).toMatch(/^ {6}claims +author +file +this node +description$/)
    expect(long[apart + 2]).toMatch(
      /^ {4}0\.500000 {2}liar +NOFINISH +crashed here: timeout +liar NOFINISH$/,
    )
    expect(long[apart + 3]).toMatch(
      /^ {4}1\.000000 {2}mallory +FORGED +rejected here: non-causal +mallory FORGED$/,
    )
    expect(long[apart + 4]).toMatch(
      /^ {4}2\.000000 {2}liar +LIE +refuted here \(ran 2\.900000\) {2}liar LIE$/,
    )
    // the condemned files are nowhere in a ranked table
    for (const l of lines.filter((l) => /^ +\d+ {2}\d\.\d{6}/.test(l)))
      expect(l).not.toMatch(/FORGED|NOFINISH|LIE/)
    const nodes = lines.slice(lines.indexOf('nodes'))
    expect(nodes[1]).toMatch(/^ {2}node +keep +discard +crash +rejected +total$/)
    expect(nodes.find((l) => l.startsWith('  me '))).toMatch(/ 1 +1 +1 +1 +4$/)
    expect(text).not.toMatch(/ +$/m)
  })
})

describe('store migrations', () => {
  it('migrates a schema-1 store file and keeps its records readable, out of the board', async () => {
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
    expect(store.getRecord('r2')).toMatchObject({ version: 1, valBpb: 2.5, budgetSeconds: 0 })
    // format-1 numbers were the train file's own: never ranked beside the harness's
    const board = buildLeaderboard(store, G)
    expect(board.tiers).toEqual([])
    // migrations 3 and 5 counted the rows already there
    expect(board.nodes).toEqual([
      { author: 'alice', keep: 2, discard: 0, crash: 0, rejected: 0, total: 2 },
    ])
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
      expect.arrayContaining([
        'records_parent',
        'records_best',
        'records_author',
        'records_author_best',
        'records_file',
        'records_signed',
      ]),
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
