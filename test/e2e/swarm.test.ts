/**
 * The swarm end to end: real `loopnet start` processes (agent loop + libp2p + SQLite + API) on
 * loopback, training the fixture trainer (val_bpb is a fixed function of its constants, so a
 * re-measure reproduces a claim exactly). Waits on the nodes' JSON events, never on sleeps.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { Leaderboard } from '../../node/leaderboard/leaderboard.ts'
import {
  type LoopnetProcess,
  leaderboardText,
  startLoopnet,
} from '../../scripts/testnet/loopnet-process.ts'
import type { NodeEvent } from '../../scripts/testnet/spawn.ts'

const fixtureTrainer = fileURLToPath(new URL('../fixtures/agent/trainer', import.meta.url))
const nodes: LoopnetProcess[] = []
let root = ''

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()))
})

async function node(
  name: string,
  args: string[],
  bootstrap: LoopnetProcess[] = [],
): Promise<LoopnetProcess> {
  if (root === '') root = await mkdtemp(join(tmpdir(), 'loopnet-swarm-'))
  const n = await startLoopnet({
    name,
    dataDir: join(root, name),
    bootstrap: bootstrap.flatMap((b) => b.multiaddrs),
    // no noise runs: the experiment counts below are the edits and re-measures alone (the
    // fixture's val_bpb has no seed noise; its gains clear the unmeasured default margin)
    args: ['--budget', '1', '--grace', '20', '--noise-runs', '0', ...args],
    env: { LOOPNET_TRAINER_DIR: fixtureTrainer },
  })
  nodes.push(n)
  return n
}

const leaderboard = (n: LoopnetProcess, json: boolean): Promise<string> =>
  leaderboardText(n.dataDir, json)

const board = async (n: LoopnetProcess): Promise<Leaderboard> =>
  JSON.parse(await leaderboard(n, true)) as Leaderboard

/** A record of `author` with `seq` reached `n` from a peer. */
const gotRecord = (n: LoopnetProcess, author: string, seq: number): Promise<NodeEvent> =>
  n.waitFor(
    (e) => e.event === 'peer-record' && e.author === author && e.seq === seq,
    60_000,
    `record ${author.slice(-6)}#${seq}`,
  )

const finishedRecords = (n: LoopnetProcess) =>
  n.events
    .filter((e) => e.event === 'experiment-finished')
    .map((e) => e.record as { seq: number; status: string; valBpb: number; fileHash: string })

describe('a local swarm', () => {
  it('gossips a keep to every node, rebases after a confirming re-run, keeps ids across a restart, and a late joiner syncs the same leaderboard', async () => {
    // C and B first (baseline only, then they stay as peers), A last, so A's records travel
    // over a mesh that already exists.
    const c = await node('C', ['--max-experiments', '1', '--serve', '--seed', '3'])
    let b = await node('B', ['--max-experiments', '1', '--serve', '--seed', '2'], [c])
    const a = await node('A', ['--max-experiments', '4', '--serve', '--seed', '1'], [c, b])

    await a.waitFor((e) => e.event === 'serving', 90_000, 'A serving')
    const aRuns = finishedRecords(a)
    expect(aRuns).toHaveLength(4)
    const keeps = aRuns.filter((r) => r.status === 'keep')
    const best = keeps.reduce((x, y) => (y.valBpb < x.valBpb ? y : x))
    expect(best.seq, 'A found something better than its baseline').toBeGreaterThan(1)

    // 1. A's keep reaches B and C and shows in their leaderboards.
    for (const peer of [b, c]) {
      await gotRecord(peer, a.peerId, 4)
      const rows = (await board(peer)).tiers.flatMap((t) => t.rows)
      expect(rows.find((r) => r.author === a.peerId)?.fileHash).toBe(best.fileHash)
    }
    await b.waitFor((e) => e.event === 'serving', 60_000, 'B serving')

    // 2. B restarts: same peer id, same records; its next experiment re-measures A's best,
    //    which reproduces, so B adopts it and gossips the confirmation.
    const bPeer = b.peerId
    const countsOf = (l: Leaderboard) => Object.fromEntries(l.nodes.map((n) => [n.author, n.total]))
    const before = countsOf(await board(b))
    expect(before).toEqual({ [a.peerId]: 4, [bPeer]: 1, [c.peerId]: 1 })
    await b.stop()
    b = await node('B', ['--max-experiments', '1', '--serve', '--seed', '2'], [c])
    expect(b.peerId).toBe(bPeer)
    // B's own count may already include its next run; everything it held is still there
    const after = countsOf(await board(b))
    expect(after[a.peerId]).toBe(4)
    expect(after[c.peerId]).toBe(1)
    expect(after[bPeer]).toBeGreaterThanOrEqual(1)
    const rebased = await b.waitFor((e) => e.event === 'rebase-finished', 60_000, 'rebase')
    expect(rebased).toMatchObject({ fileHash: best.fileHash, adopted: true })
    const remeasure = finishedRecords(b).at(-1)
    expect(remeasure).toMatchObject({ seq: 2, status: 'keep', fileHash: best.fileHash })
    await gotRecord(c, bPeer, 2)
    await gotRecord(a, bPeer, 2)
    // B reproduced A's claim itself: reproduced here, and B now trusts A. C never checked B,
    // so B's confirmation is only B's word on C's board.
    const rowOf = async (n: LoopnetProcess) =>
      (await board(n)).tiers.flatMap((t) => t.rows).find((r) => r.author === a.peerId)
    expect(await rowOf(b)).toMatchObject({
      verification: 'reproduced-here',
      reproducedBy: [bPeer],
    })
    expect((await board(b)).trusted).toEqual([a.peerId])
    expect(await rowOf(c)).toMatchObject({ verification: 'provisional', reproducedBy: [] })

    // 3. A late joiner that never trains gets the whole log and prints the same leaderboard.
    //    Mostly by sync; a record still in the peers' gossip window (B's re-measure, a moment
    //    old) may come as gossip first (gossipsub's IHAVE/IWANT), and sync then skips it.
    const total = 4 + 2 + 1
    const d = await node('D', ['--max-experiments', '0', '--serve'], [a])
    const held = new Set<string>()
    const holdsAll = (e: NodeEvent): boolean => {
      if (e.event === 'peer-record') held.add(String(e.id))
      return held.size >= total
    }
    await d.waitFor(holdsAll, 60_000, `all ${total} records`)
    const vias = d.events.filter((e) => e.event === 'peer-record').map((e) => e.via)
    expect(vias.filter((via) => via === 'sync').length, vias.join()).toBeGreaterThanOrEqual(
      total - 1,
    )
    await gotRecord(a, c.peerId, 1)
    const human = await leaderboard(a, false)
    expect(human).toContain(best.fileHash.slice(0, 12))
    expect(await leaderboard(d, false)).toBe(human)
    expect(await leaderboard(c, false)).toBe(human)
  })
})
