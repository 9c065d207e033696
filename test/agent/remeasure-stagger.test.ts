/**
 * agent/remeasure.ts staggered behind trusted peers: the planner over the real store (peers'
 * KEEPs and re-measures as sync leaves them) and a real node's claim book (claims validated
 * and held as gossip leaves them), for the rule claims.ts decides.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PublishedRun } from '../../agent/interfaces.ts'
import { RemeasurePlanner } from '../../agent/remeasure.ts'
import { LoopnetNode } from '../../node/p2p/node.ts'
import { NetworkStore } from '../../node/store/network-store.ts'
import { Store } from '../../node/store/store.ts'
import { NetworkSwarmView } from '../../node/swarm.ts'
import { sha256Hex } from '../../protocol/hash.ts'
import type { ExperimentFields } from '../../protocol/types.ts'
import { signCheckedClaim, validateClaim } from '../../protocol/validation/claim.ts'
import { makeClaim } from '../fixtures/p2p/claims.ts'
import { LOCAL_RUN } from '../fixtures/p2p/records.ts'
import { HARNESS_FIELDS } from './helpers.ts'

const GENESIS = sha256Hex('stagger test swarm')
const TIER = 'cpu-test'
const SELF = 'self-node'
const BEST = 'LR = 0.02\n'
const SECOND = 'LR = 0.015\n'
const OWN = {
  text: 'LR = 0.01\n',
  hash: sha256Hex('LR = 0.01\n'),
  valBpb: 3,
  commit: 'c',
  baseline: false,
}

let dir: string
const keys: Record<'claimant' | 'trusted' | 'stranger', PrivateKey> = {} as never
const id = (k: PrivateKey) => peerIdFromPrivateKey(k).toString()

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loopnet-stagger-'))
  for (const name of ['claimant', 'trusted', 'stranger'] as const)
    keys[name] = await generateKeyPair('Ed25519')
})
afterAll(() => rm(dir, { recursive: true, force: true }))

let seq = 0
function record(author: string, text: string, over: Partial<ExperimentFields>): ExperimentFields {
  return {
    ...HARNESS_FIELDS,
    genesis: GENESIS,
    author,
    seq: ++seq,
    parentHash: sha256Hex('some parent'),
    fileHash: sha256Hex(text),
    diff: '',
    status: 'keep',
    valBpb: 2,
    trainingSeconds: 1,
    totalSeconds: 2,
    peakMemMb: 0,
    tier: TIER,
    description: 'x',
    createdAt: Date.now(),
    ...over,
  }
}

async function planner(name: string) {
  const sqlite = new Store(join(dir, `${name}.sqlite`))
  const node = await LoopnetNode.create({
    genesis: GENESIS,
    dataDir: join(dir, name),
    listen: [],
    store: new NetworkStore(sqlite, GENESIS),
  })
  sqlite.insertRecord(record(id(keys.claimant), BEST, { valBpb: 2 }), { fileText: BEST })
  sqlite.insertRecord(record(id(keys.claimant), SECOND, { valBpb: 2.05 }), { fileText: SECOND })
  const started: string[] = []
  const plan = new RemeasurePlanner({
    genesis: GENESIS,
    author: SELF,
    budgetSeconds: 1,
    swarm: new NetworkSwarmView(sqlite, node),
    // the tolerance the old fixed rule gave a claim of 2: max(0.002, 0.5 %)
    noise: () => ({ tolerance: 0.01 }),
    emit: (type, detail) => {
      if (type === 'rebase-started') started.push((detail as { fileHash: string }).fileHash)
    },
  })
  // this node once re-measured `trusted`'s claim and it reproduced: that is what trust is
  const earlier = 'LR = 0.03\n'
  const trustedHistory: PublishedRun[] = [
    {
      id: '',
      fields: record(SELF, earlier, { parentHash: sha256Hex(earlier) }),
      local: { ...LOCAL_RUN, claimedBy: id(keys.trusted), rebaseVerdict: 'confirmed' },
    },
  ]
  const prepare = async () =>
    (await plan.prepare(OWN, TIER, trustedHistory, AbortSignal.timeout(5000)))?.best.fileHash
  /** A re-measure claim of the best file, held as gossip leaves it. */
  const claimOf = (who: PrivateKey) => {
    const fields = makeClaim(who, GENESIS, {
      kind: 'remeasure',
      parentHash: sha256Hex(BEST),
      fileHash: sha256Hex(BEST),
    })
    const encoded = validateClaim(signCheckedClaim(fields, who).bytes, {
      genesis: GENESIS,
      now: Date.now(),
    })
    node.claims.book.add(encoded, Date.now())
  }
  /** A peer's re-measure of the best file (the file on itself), as sync leaves it. */
  const remeasureBy = (who: PrivateKey, status: ExperimentFields['status'], valBpb: number) =>
    sqlite.insertRecord(
      record(id(who), BEST, {
        parentHash: sha256Hex(BEST),
        status,
        valBpb,
        reason: status === 'rejected' ? 'non-causal' : '',
      }),
    )
  return { sqlite, prepare, claimOf, remeasureBy, started }
}

describe('re-measures staggered behind trusted peers', () => {
  it('re-measures the best claim when no trusted peer is on it', async () => {
    const p = await planner('plain')
    p.claimOf(keys.stranger)
    p.remeasureBy(keys.stranger, 'discard', 2.5)
    expect(await p.prepare()).toBe(sha256Hex(BEST))
    p.sqlite.close()
  })

  it('proposes meanwhile while a trusted peer re-measures it', async () => {
    const p = await planner('wait')
    p.claimOf(keys.trusted)
    expect(await p.prepare()).toBeUndefined()
    expect(p.started).toEqual([])
    p.sqlite.close()
  })

  it('passes over a file a trusted peer refuted, to the next best', async () => {
    const p = await planner('skip')
    p.remeasureBy(keys.trusted, 'discard', 2.5)
    expect(await p.prepare()).toBe(sha256Hex(SECOND))
    p.sqlite.close()
  })

  it('passes over a file the harness rejected on a trusted peer', async () => {
    const p = await planner('rejected')
    p.remeasureBy(keys.trusted, 'rejected', 0)
    expect(await p.prepare()).toBe(sha256Hex(SECOND))
    p.sqlite.close()
  })

  it('re-measures what a trusted peer reproduced: adoption needs its own number', async () => {
    const p = await planner('reproduced')
    p.remeasureBy(keys.trusted, 'discard', 2.001)
    expect(await p.prepare()).toBe(sha256Hex(BEST))
    p.sqlite.close()
  })
})
