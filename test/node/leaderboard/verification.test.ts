/**
 * node/leaderboard/verification.ts over the real SQLite store: levels follow this node's own
 * re-measures (local facts), trust follows the finder rule, and an honest author's standing
 * recovers after one unlucky refutation. Real-node versions of the attacks:
 * test/e2e/verification.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { LocalRun } from '../../../agent/interfaces.ts'
import { buildLeaderboard } from '../../../node/leaderboard/leaderboard.ts'
import { reproductionTolerance } from '../../../node/leaderboard/verification.ts'
import type { Store } from '../../../node/store/store.ts'
import type { ExperimentFields } from '../../../protocol/types.ts'
import { LOCAL_RUN } from '../../fixtures/p2p/records.ts'
import { closeStores, open, record } from '../store/helpers.ts'

afterEach(closeStores)

/** A small swarm on one store: 'me' is this node; records get per-author seqs. */
async function swarm() {
  const store = await open()
  store.setState('node_id', 'me')
  const seqs = new Map<string, number>()
  let t = 0
  const add = (author: string, over: Partial<ExperimentFields>, local?: LocalRun) => {
    const seq = (seqs.get(author) ?? 0) + 1
    seqs.set(author, seq)
    t += 1
    store.insertRecord(record(seq, { author, createdAt: 1000 + t, ...over }), {
      ...(local !== undefined ? { local } : {}),
    })
  }
  /** `author` found `file` (a KEEP made from the baseline) claiming `valBpb`. */
  const find = (author: string, file: string, valBpb: number, over = {}) =>
    add(author, { parentHash: 'B0', fileHash: file, status: 'keep', valBpb, ...over })
  /** `author` re-ran `file` and measured `valBpb` (a discard: it did not beat its own best). */
  const remeasure = (author: string, file: string, valBpb: number, over = {}) =>
    add(author, { parentHash: file, fileHash: file, status: 'discard', valBpb, ...over })
  /** This node re-ran `claimedBy`'s claim of `file`, measured `valBpb`: `verdict` (adopted: kept). */
  const check = (file: string, claimedBy: string, valBpb: number, verdict: string) =>
    add(
      'me',
      {
        parentHash: file,
        fileHash: file,
        status: verdict === 'confirmed' || verdict === 'better-here' ? 'keep' : 'discard',
        valBpb,
      },
      { ...LOCAL_RUN, source: 'rebase', claimedBy, rebaseVerdict: verdict },
    )
  add('me', { parentHash: '', fileHash: 'B0', status: 'keep', valBpb: 3.0 })
  return { store, add, find, remeasure, check }
}

type Level = [author: string, file: string, level: string, by: string[]]

function levels(store: Store, verifyK?: number): Level[] {
  const board = buildLeaderboard(store, 'g1', verifyK === undefined ? {} : { verifyK })
  return board.tiers
    .filter((t) => t.budgetSeconds === 60)
    .flatMap((t) => t.rows)
    .filter((r) => r.author !== 'me')
    .map((r) => [r.author, r.fileHash, r.verification, r.reproducedBy])
}
const trusted = (store: Store) => buildLeaderboard(store, 'g1').trusted

describe('verification levels over the store', () => {
  it("an honest author's standing recovers after one unlucky refutation; its reproductions follow", async () => {
    const { store, find, remeasure, check } = await swarm()
    // tom finds T1; alice finds A1, which tom re-ran and reproduced (2.405 against 2.4)
    find('tom', 'T1', 2.5)
    find('alice', 'A1', 2.4)
    remeasure('tom', 'A1', 2.405)
    expect(trusted(store)).toEqual([])
    expect(levels(store)).toEqual([
      ['alice', 'A1', 'provisional', []],
      ['tom', 'T1', 'provisional', []],
    ])

    // this node confirms tom's T1: tom is trusted, and his reproduction of A1 counts
    check('T1', 'tom', 2.5, 'confirmed')
    expect(trusted(store)).toEqual(['tom'])
    expect(levels(store, 1)[0]).toEqual(['alice', 'A1', 'verified', ['tom']])
    expect(levels(store)[0]).toEqual(['alice', 'A1', 'provisional', ['tom']])
    // ...and reproduces A1 itself: it counts as the second reproducer
    check('A1', 'alice', 2.401, 'not-better-here')
    expect(trusted(store)).toEqual(['alice', 'tom'])
    expect(levels(store)).toEqual([
      ['alice', 'A1', 'verified', ['me', 'tom']],
      ['tom', 'T1', 'reproduced-here', ['me']],
    ])

    // one unlucky refutation: tom's T2 measured 2.6 here against his 2.3
    find('tom', 'T2', 2.3)
    check('T2', 'tom', 2.6, 'refuted')
    expect(trusted(store)).toEqual(['alice'])
    expect(levels(store)[0]).toEqual(['alice', 'A1', 'reproduced-here', ['me']])

    // tom's next claim reproduces here: trusted again, and A1 verified again
    find('tom', 'T3', 2.45)
    check('T3', 'tom', 2.45, 'not-better-here')
    expect(trusted(store)).toEqual(['alice', 'tom'])
    expect(levels(store)).toEqual([
      ['alice', 'A1', 'verified', ['me', 'tom']],
      // tom's row is his best not refuted here: T3, reproduced here (T2 is listed apart)
      ['tom', 'T3', 'reproduced-here', ['me']],
    ])
    const board = buildLeaderboard(store, 'g1')
    expect(board.tiers[0]?.notRanked.map((r) => [r.fileHash, r.here.verdict])).toEqual([
      ['T2', 'refuted'],
    ])
  })

  it('a republisher earns no trust from a confirmation of a file it did not find', async () => {
    const { store, add, find, remeasure, check } = await swarm()
    find('carol', 'C1', 2.45)
    // sam republishes carol's C1 as his own find, dated before hers (created_at is his word)
    find('sam', 'C1', 2.44, { createdAt: 1 })
    check('C1', 'sam', 2.44, 'confirmed')
    // sam re-measures alice's A1 and "reproduces" it: his word counts for nothing here
    find('alice', 'A1', 2.4)
    remeasure('sam', 'A1', 2.4)
    expect(trusted(store)).toEqual([])
    expect(levels(store, 1).find((l) => l[1] === 'A1')).toEqual(['alice', 'A1', 'provisional', []])
    // sam's copy of C1 did reproduce here: the file is fine, the credit is not his
    expect(levels(store).find((l) => l[0] === 'sam')).toEqual([
      'sam',
      'C1',
      'reproduced-here',
      ['me'],
    ])
    // the finder earns what the republisher did not once its own claim is checked
    add(
      'me',
      { parentHash: 'C1', fileHash: 'C1', status: 'discard', valBpb: 2.45 },
      {
        ...LOCAL_RUN,
        source: 'rebase',
        claimedBy: 'carol',
        rebaseVerdict: 'not-better-here',
      },
    )
    expect(trusted(store)).toEqual(['carol'])
  })

  it('colluders confirming one another stay provisional, at any k', async () => {
    const { store, find, remeasure } = await swarm()
    for (const [x, y, z] of [
      ['x', 'y', 'z'],
      ['y', 'z', 'x'],
      ['z', 'x', 'y'],
    ] as const) {
      find(x, `F${x}`, 1.9)
      remeasure(y, `F${x}`, 1.9)
      remeasure(z, `F${x}`, 1.9)
    }
    expect(trusted(store)).toEqual([])
    expect(levels(store, 1)).toEqual([
      ['x', 'Fx', 'provisional', []],
      ['y', 'Fy', 'provisional', []],
      ['z', 'Fz', 'provisional', []],
    ])
  })

  it("counts only reproductions within the tolerance, of the row's tier and budget, never the author's own", async () => {
    const { store, find, remeasure, check } = await swarm()
    for (const peer of ['tom', 'ann']) {
      find(peer, `${peer}-file`, 2.5)
      check(`${peer}-file`, peer, 2.5, 'confirmed')
    }
    expect(trusted(store)).toEqual(['ann', 'tom'])
    const claim = 2.4
    const tolerance = reproductionTolerance(undefined)
    find('alice', 'A1', claim)
    // tom landed just past the tolerance; ann re-ran it on another budget and another tier
    remeasure('tom', 'A1', claim + tolerance + 1e-6)
    remeasure('ann', 'A1', claim, { budgetSeconds: 300 })
    remeasure('ann', 'A1', claim, { tier: 'cuda-h100-80g' })
    // alice re-ran her own file: she is no reproducer of her own claim
    remeasure('alice', 'A1', claim)
    expect(levels(store, 1).find((l) => l[1] === 'A1')).toEqual(['alice', 'A1', 'provisional', []])
    // within the tolerance (and a better number than claimed) counts
    remeasure('tom', 'A1', claim + tolerance)
    remeasure('ann', 'A1', claim - 0.1)
    expect(levels(store).find((l) => l[1] === 'A1')).toEqual([
      'alice',
      'A1',
      'verified',
      ['tom', 'ann'],
    ])
    // a check here that did not reproduce never makes a row reproduced-here
    find('bob', 'B1', 2.3)
    check('B1', 'bob', 2.3 + reproductionTolerance(undefined) * 2, 'better-here')
    expect(levels(store).find((l) => l[1] === 'B1')).toEqual(['bob', 'B1', 'provisional', []])
  })
})
