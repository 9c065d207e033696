/**
 * Claims in the loop, over real libp2p nodes: real AgentLoops with the built-in proposer on
 * the fixture trainer (val_bpb a known function of its constants), each over its own SQLite
 * store and a LoopnetNode in this process, and a sybil as a node process of its own
 * (scripts/testnet/p2p-node.ts). Every edit is a discard (min-delta 100), so every node stays
 * on the baseline: the same parent for all. Waits on events, never on sleeps.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AgentLoopEvents } from '../../agent/loop-events.ts'
import type { AgentLoopInit } from '../../agent/loop-options.ts'
import { BuiltinProposer } from '../../agent/proposers/builtin/builtin.ts'
import { listMutations } from '../../agent/proposers/builtin/mutate.ts'
import { recordDiff } from '../../agent/validate.ts'
import type { ClaimEventDetail, RecordEventDetail } from '../../node/p2p/interfaces.ts'
import { LoopnetNode } from '../../node/p2p/node.ts'
import { NetworkStore } from '../../node/store/network-store.ts'
import { Store } from '../../node/store/store.ts'
import { NetworkSwarmView, SwarmSink } from '../../node/swarm.ts'
import { sha256Hex } from '../../protocol/hash.ts'
import { claimsTopic } from '../../protocol/topic.ts'
import { spawnNode } from '../../scripts/testnet/spawn.ts'
import { baseline, fixtureLoop } from '../agent/helpers.ts'

const GENESIS = sha256Hex('claims loop test swarm')
const PARENT = sha256Hex(baseline)
const EVENT_MS = 30_000

let root = ''
const cleanups: Array<() => Promise<void> | void> = []
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'loopnet-claims-loop-'))
  return () => rm(root, { recursive: true, force: true })
})
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** A started LoopnetNode on loopback over a new store in `root/name`. */
async function startNode(name: string, bootstrap: string[] = []) {
  const dataDir = join(root, name)
  await mkdir(dataDir, { recursive: true })
  const sqlite = new Store(join(dataDir, 'store.sqlite'))
  const node = await LoopnetNode.create({
    genesis: GENESIS,
    dataDir,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap,
    localSwarm: true,
    store: new NetworkStore(sqlite, GENESIS),
  })
  const grafted = new Set<string>()
  node.host.services.pubsub.addEventListener('gossipsub:graft', (evt) => {
    if (evt.detail.topic === claimsTopic(GENESIS)) grafted.add(evt.detail.peerId)
  })
  await node.start()
  cleanups.push(async () => {
    await node.stop()
    sqlite.close()
  })
  /** Resolves once `peer` is in this node's claims mesh. */
  const meshed = (peer: string) =>
    until(node, 'gossipsub:graft', () => grafted.has(peer), node.host.services.pubsub)
  return { dataDir, sqlite, node, meshed }
}

/** The next event of `type` on `target` for which `ok` holds (checked once at once, too). */
function until<T>(
  _node: LoopnetNode,
  type: string,
  ok: (detail: T) => boolean,
  target: EventTarget = _node,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), EVENT_MS)
    const check = (evt?: Event) => {
      if (!ok((evt as CustomEvent<T> | undefined)?.detail as T)) return
      clearTimeout(timer)
      target.removeEventListener(type, check)
      resolve()
    }
    target.addEventListener(type, check)
    check()
  })
}

/** A loop of the built-in proposer (seed 1) on a started node: no keeps, no pipelining. */
function nodeLoop(
  n: Awaited<ReturnType<typeof startNode>>,
  maxExperiments: number,
  stepSeconds: string,
) {
  const over: Partial<AgentLoopInit> = {
    author: n.node.peerId,
    sink: new SwarmSink(n.sqlite, n.node),
    swarm: new NetworkSwarmView(n.sqlite, n.node),
    minDelta: 100,
    pipeline: false,
    maxExperiments,
    env: { FIXTURE_STEP_SECONDS: stepSeconds },
  }
  const builtin = new BuiltinProposer({ seed: 1, baselineText: baseline })
  return fixtureLoop(n.sqlite, n.dataDir, GENESIS, builtin, over)
}

type Started = AgentLoopEvents['experiment-started']

describe('claims in the loop', () => {
  it('two nodes with the same built-in proposer on the same parent do not run the same edit while its claim is live', async () => {
    const a = await startNode('A')
    const b = await startNode('B', a.node.getMultiaddrs())
    await Promise.all([a.meshed(b.node.peerId), b.meshed(a.node.peerId)])
    const timeline: string[] = []
    const claimsAtB: ClaimEventDetail[] = []
    b.node.addEventListener('claim', (evt) => claimsAtB.push(evt.detail))

    // A trains slowly (3 steps of 1.2 s): its first edit is still running when B chooses
    const loopA = nodeLoop(a, 2, '1.2')
    loopA.loop.addListener('experiment-started', (e) => timeline.push(`A started ${e.seq}`))
    loopA.loop.addListener('experiment-finished', (e) =>
      timeline.push(`A finished ${e.record.seq}`),
    )
    const runA = loopA.loop.run(AbortSignal.timeout(120_000))
    const aEdit: Started = await loopA.loop.once('experiment-started', {
      filter: (e) => e.seq === 2,
    })
    expect(aEdit.parentHash).toBe(PARENT)
    await until<ClaimEventDetail>(b.node, 'claim', () =>
      claimsAtB.some((c) => c.claim.fileHash === aEdit.fileHash),
    )
    const held = claimsAtB.find((c) => c.claim.fileHash === aEdit.fileHash)
    expect(held?.claim).toMatchObject({ kind: 'edit', parentHash: PARENT, budgetSeconds: 1 })
    expect(held?.claim.description).toBe(aEdit.description)

    const loopB = nodeLoop(b, 2, '0.02')
    loopB.loop.addListener('experiment-started', (e) => timeline.push(`B started ${e.seq}`))
    await loopB.loop.run(AbortSignal.timeout(60_000))
    await runA
    const bEdit = loopB.events['experiment-started'].find((e) => e.seq === 2)
    expect(bEdit?.parentHash).toBe(PARENT)
    expect(bEdit?.fileHash).not.toBe(aEdit.fileHash)
    // B chose while A's edit ran: it was the claim, not A's record, that kept B off it
    expect(timeline.indexOf('B started 2')).toBeLessThan(timeline.indexOf('A finished 2'))
    // and without the claim B would have chosen exactly A's edit: same seed, same parent,
    // the same tries on it
    const blind = await new BuiltinProposer({ seed: 1, baselineText: baseline }).propose(
      {
        parentText: baseline,
        parentHash: PARENT,
        parentValBpb: undefined,
        triedOnParent: [],
        recent: [],
        inFlight: [],
        exclude: new Set([PARENT]),
      },
      AbortSignal.timeout(1000),
    )
    expect(blind.fileHash).toBe(aEdit.fileHash)
    // A's record of its edit superseded its claim on B
    const aClaimsAtB = () =>
      b.node.claims.live(PARENT).filter((held) => held.claim.author === a.node.peerId)
    await until(b.node, 'record', () => aClaimsAtB().length === 0)
  }, 180_000)

  it("a sybil's fake discards and claims of the built-in edits delay them on an honest node but never bury them", async () => {
    const sybil = await spawnNode({ name: 'S', dataDir: join(root, 'S'), genesis: GENESIS })
    cleanups.push(() => sybil.stop())
    const h = await startNode('H', sybil.multiaddrs)
    await h.meshed(sybil.peerId)
    const records: RecordEventDetail[] = []
    const claims: ClaimEventDetail[] = []
    h.node.addEventListener('record', (evt) => records.push(evt.detail))
    h.node.addEventListener('claim', (evt) => claims.push(evt.detail))

    const singles = listMutations(baseline)
    expect(singles).toHaveLength(9)
    const [untouched, ...faked] = singles as [(typeof singles)[0], ...typeof singles]
    const discarded = faked.slice(0, 6)
    const claimed = faked.slice(6)
    for (const m of discarded)
      await sybil.request(
        {
          cmd: 'publish',
          fields: {
            parentHash: PARENT,
            fileHash: m.fileHash,
            diff: recordDiff(baseline, m.text),
            status: 'discard',
            valBpb: 9.5,
            budgetSeconds: 1,
            trainingSeconds: 1,
            totalSeconds: 2,
            tier: 'cpu-test',
            description: m.description,
          },
        },
        'published',
      )
    for (const m of claimed)
      await sybil.request(
        {
          cmd: 'claim',
          fields: {
            parentHash: PARENT,
            fileHash: m.fileHash,
            description: m.description,
            budgetSeconds: 1,
            ttlSeconds: 600,
          },
        },
        'claim-published',
      )
    await until(h.node, 'record', () => records.length >= discarded.length)
    await until(h.node, 'claim', () => claims.length >= claimed.length)

    const { loop, events } = nodeLoop(h, 1 + singles.length, '0.02')
    await loop.run(AbortSignal.timeout(150_000))
    const edits = events['experiment-started'].filter((e) => e.seq > 1)
    expect(edits).toHaveLength(singles.length)
    expect(edits.every((e) => e.parentHash === PARENT)).toBe(true)
    // the edit nobody touched first, then every one the sybil "tried" or "claimed"
    expect(edits[0]?.fileHash).toBe(untouched.fileHash)
    expect(new Set(edits.slice(1).map((e) => e.fileHash))).toEqual(
      new Set(faked.map((m) => m.fileHash)),
    )
  }, 240_000)
})
