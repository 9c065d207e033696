/**
 * Claims between real node processes on loopback (scripts/testnet/p2p-node.ts): a claim made
 * on A arrives at B and lapses there when its ttl runs out; the record of the claimed run
 * supersedes it at once; a forged one is refused and costs its sender score. Waits on events.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sha256Hex } from '../../protocol/hash.ts'
import { claimsTopic } from '../../protocol/topic.ts'
import {
  type NodeEvent,
  spawnNode,
  stopAll,
  type TestnetNode,
} from '../../scripts/testnet/spawn.ts'

const GENESIS = sha256Hex('p2p claims test swarm')
const EVENT_MS = 20_000

let dir: string
let a: TestnetNode
let b: TestnetNode

const claimAt = (node: TestnetNode, event: string, id: string) =>
  node.waitFor((e: NodeEvent) => e.event === event && e.id === id, EVENT_MS, `${event} ${id}`)

async function liveAt(node: TestnetNode, hash: string): Promise<string[]> {
  return (await node.request({ cmd: 'claims', hash }, 'claims')).ids as string[]
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loopnet-p2p-claims-'))
  a = await spawnNode({ name: 'A', dataDir: join(dir, 'A'), genesis: GENESIS })
  b = await spawnNode({
    name: 'B',
    dataDir: join(dir, 'B'),
    genesis: GENESIS,
    bootstrap: [a.multiaddrs[0] as string],
  })
  const topic = claimsTopic(GENESIS)
  await Promise.all([
    a.waitFor((e) => e.event === 'graft' && e.topic === topic, EVENT_MS, 'A grafts B on claims'),
    b.waitFor((e) => e.event === 'graft' && e.topic === topic, EVENT_MS, 'B grafts A on claims'),
  ])
})

afterAll(async () => {
  await stopAll([a, b])
  await rm(dir, { recursive: true, force: true })
})

describe('claims between two nodes', () => {
  it('a claim made on A is held by B until its ttl runs out, then B drops it', async () => {
    const parentHash = sha256Hex('parent 1')
    const fileHash = sha256Hex('file 1')
    const sent = await a.request(
      { cmd: 'claim', fields: { parentHash, fileHash, ttlSeconds: 5 } },
      'claim-published',
    )
    const id = String(sent.id)
    const got = await claimAt(b, 'claim', id)
    expect(got).toMatchObject({
      author: a.peerId,
      from: a.peerId,
      kind: 'edit',
      parentHash,
      fileHash,
    })
    expect(await liveAt(b, parentHash)).toEqual([id])
    expect(await liveAt(b, fileHash)).toEqual([id])
    // A never holds its own claim
    expect(await liveAt(a, parentHash)).toEqual([])
    const expired = await claimAt(b, 'claim-expired', id)
    expect(Number(expired.t) - Number(got.t)).toBeGreaterThanOrEqual(4900)
    expect(await liveAt(b, parentHash)).toEqual([])
  })

  it("A's record of the claimed run supersedes the claim on B at once", async () => {
    const parentHash = sha256Hex('parent 2')
    const fileHash = sha256Hex('file 2')
    const sent = await a.request(
      { cmd: 'claim', fields: { parentHash, fileHash, ttlSeconds: 600 } },
      'claim-published',
    )
    await claimAt(b, 'claim', String(sent.id))
    const published = await a.request(
      { cmd: 'publish', size: 0, fields: { parentHash, fileHash, diff: '' } },
      'published',
    )
    await b.waitFor((e) => e.event === 'record' && e.id === published.id, EVENT_MS, 'record at B')
    expect(await liveAt(b, parentHash)).toEqual([])
  })

  it('refuses a forged claim and one with a ttl past the cap, and scores A negative', async () => {
    for (const [kind, code] of [
      ['bad-signature', 'INVALID_SIGNATURE'],
      ['ttl-too-long', 'INVALID_CLAIM_TTL'],
    ] as const) {
      const sent = await a.request({ cmd: 'publish-bad-claim', kind }, 'published-bad-claim')
      const invalid = await b.waitFor(
        (e) => e.event === 'claim-invalid' && e.from === a.peerId && e.code === code,
        EVENT_MS,
        `claim-invalid ${code}`,
      )
      expect(invalid.verdict).toBe('reject')
      expect(await liveAt(b, sha256Hex('parent train file'))).not.toContain(sent.id)
    }
    const score = await b.request({ cmd: 'score', peer: a.peerId, below: 0 }, 'score')
    expect(Number(score.score)).toBeLessThan(0)
  })
})
