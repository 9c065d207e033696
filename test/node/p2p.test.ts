/**
 * Real node processes on loopback (scripts/testnet/p2p-node.ts), waiting on their JSON events
 * with timeouts: no sleeps. One swarm is built up across the tests, in order:
 * A - B - C line, then a late joiner D on C, a restarted D, a bad sender E on B, a node Y
 * of another genesis on A; last, in a swarm of their own, a solo node S whose bootstrap peer L
 * comes up after it.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadOrCreateIdentity } from '../../node/p2p/identity.ts'
import { fileHash, sha256Hex } from '../../protocol/hash.ts'
import {
  type NodeEvent,
  spawnNode,
  stopAll,
  type TestnetNode,
} from '../../scripts/testnet/spawn.ts'

const GENESIS = sha256Hex('p2p test swarm')
const OTHER_GENESIS = sha256Hex('p2p test, another swarm')
const EVENT_MS = 20_000

let dir: string
const nodes = new Map<string, TestnetNode>()

async function start(
  name: string,
  bootstrap: TestnetNode[] = [],
  genesis = GENESIS,
): Promise<TestnetNode> {
  const node = await spawnNode({
    name,
    dataDir: join(dir, name),
    genesis,
    bootstrap: bootstrap.map((b) => b.multiaddrs[0] as string),
  })
  nodes.set(name, node)
  return node
}

function node(name: string): TestnetNode {
  const n = nodes.get(name)
  if (n === undefined) throw new Error(`no node ${name}`)
  return n
}

const isRecord = (id: string) => (e: NodeEvent) => e.event === 'record' && e.id === id
const grafted = (peer: TestnetNode) => (e: NodeEvent) =>
  e.event === 'graft' && e.peer === peer.peerId

async function publish(from: TestnetNode, size = 256): Promise<string> {
  const published = await from.request({ cmd: 'publish', size }, 'published')
  expect(published.event).toBe('published')
  return String(published.id)
}

/** A TCP port nothing listens on right now (the OS picks it; it is free again once closed). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loopnet-p2p-'))
})

afterAll(async () => {
  await stopAll(nodes.values())
  await rm(dir, { recursive: true, force: true })
})

describe('loopnet swarm on loopback', () => {
  it('relays a record A -> B -> C along a line', async () => {
    const a = await start('A')
    const b = await start('B', [a])
    const c = await start('C', [b])
    // B forwards only to its mesh: wait until C is in it (and A, so B's own records flow back).
    await Promise.all([
      b.waitFor(grafted(c), EVENT_MS, 'graft C'),
      b.waitFor(grafted(a), EVENT_MS, 'graft A'),
    ])
    const id = await publish(a)
    const [atB, atC] = await Promise.all([
      b.waitFor(isRecord(id), EVENT_MS, `record ${id} at B`),
      c.waitFor(isRecord(id), EVENT_MS, `record ${id} at C`),
    ])
    expect(atB.via).toBe('gossip')
    expect(atC.via).toBe('gossip')
    expect(atC.from).toBe(b.peerId)
    expect(atC.author).toBe(a.peerId)
    // The other direction, and a second record each, so the log has several authors.
    const fromC = await publish(c)
    const fromB = await publish(b)
    await a.waitFor(isRecord(fromC), EVENT_MS, 'C record at A')
    await a.waitFor(isRecord(fromB), EVENT_MS, 'B record at A')
    await c.waitFor(isRecord(fromB), EVENT_MS, 'B record at C')
  })

  it('fetches a file by hash, skipping a peer that lies about it', async () => {
    const [a, b, c] = [node('A'), node('B'), node('C')]
    const text = 'LR = 0.03\nDEPTH = 6\n'
    const hash = fileHash(text)
    await a.request({ cmd: 'put-file', text }, 'file-stored')
    // C claims a different text is this hash.
    await c.request({ cmd: 'put-file', text: 'LR = 9\n', hash }, 'file-stored')
    const ok = await b.request({ cmd: 'fetch', hash }, ['fetched', 'fetch-failed'])
    expect(ok.event).toBe('fetched')
    expect(ok.text).toBe(text)

    // Only the liar has this one: B gets a named verification error, not the file.
    const lieHash = fileHash('the true text nobody has')
    await c.request({ cmd: 'put-file', text: 'a lie', hash: lieHash }, 'file-stored')
    const failed = await b.request({ cmd: 'fetch', hash: lieHash }, ['fetched', 'fetch-failed'])
    expect(failed.event).toBe('fetch-failed')
    expect(failed.name).toBe('FileUnavailableError')
    expect(failed.causes).toContain('FileVerificationError')
    expect(failed.causes).toContain('FileNotFoundOnPeerError')
  })

  it('a late joiner D syncs the whole log from one peer', async () => {
    const a = node('A')
    const expected = a.recordIds()
    expect(expected.size).toBe(3)
    const d = await start('D', [node('C')])
    const synced = await d.waitFor(
      (e) => e.event === 'sync' && e.peer === node('C').peerId,
      EVENT_MS,
      'sync',
    )
    expect(synced.added).toBe(expected.size)
    expect(d.recordIds()).toEqual(expected)
    expect(d.events.filter((e) => e.event === 'record').every((e) => e.via === 'sync')).toBe(true)
  })

  it('a late joiner whose first sync breaks off tries again and gets the whole log', async () => {
    const c = node('C')
    const expected = node('A').recordIds()
    await c.request({ cmd: 'fail-syncs', count: 1 }, 'failing-syncs')
    const f = await start('F', [c])
    await c.waitFor((e) => e.event === 'sync-refused', EVENT_MS, 'a refused sync page')
    const synced = await f.waitFor(
      (e) => e.event === 'sync' && e.peer === c.peerId,
      EVENT_MS,
      'sync after the retry',
    )
    expect(synced.added).toBe(expected.size)
    expect(f.recordIds()).toEqual(expected)
    await f.stop()
    nodes.delete('F')
  })

  it('keeps its peer id (and 0600 identity file) across a restart', async () => {
    const d = node('D')
    const before = d.peerId
    await d.stop()
    const mode = (await stat(join(dir, 'D', 'identity.key'))).mode & 0o777
    expect(mode).toBe(0o600)
    const again = await start('D', [node('C')])
    expect(again.peerId).toBe(before)
    // Its SQLite store kept every record, and its sync cursor for C: nothing to fetch again.
    const count = await again.request({ cmd: 'count' }, 'count')
    expect(count.records).toBe(3)
    const resync = await again.waitFor((e) => e.event === 'sync', EVENT_MS, 'resync')
    expect(resync.added).toBe(0)
  })

  it('drops bad records (lying file hash, oversized diff, bad signature, wrong genesis, garbage, format 1, over budget) unstored and scores the sender negative', async () => {
    const b = node('B')
    const c = node('C')
    const e = await start('E', [b])
    await b.waitFor((ev) => ev.event === 'sync' && ev.peer === e.peerId, EVENT_MS, 'B syncs E')
    // B holds the parent of E's lying record, so it can prove the lie
    const parent = await b.request({ cmd: 'put-file', text: 'parent train file\n' }, 'file-stored')
    const countBefore = (await b.request({ cmd: 'count' }, 'count')).records
    const expected = {
      'lying-file-hash': 'DIFF_MISMATCH',
      'oversized-diff': 'DIFF_TOO_LARGE',
      'bad-signature': 'INVALID_SIGNATURE',
      'wrong-genesis': 'WRONG_GENESIS',
      garbage: 'MALFORMED_RECORD',
      'format-1': 'WRONG_VERSION',
      'over-budget': 'IMPLAUSIBLE_SECONDS',
    } as const
    const badIds: string[] = []
    for (const [kind, code] of Object.entries(expected)) {
      const sent = await e.request(
        { cmd: 'publish-bad', kind, parentHash: parent.hash },
        'published-bad',
      )
      badIds.push(String(sent.id))
      const invalid = await b.waitFor(
        (ev) => ev.event === 'invalid' && ev.from === e.peerId && ev.code === code,
        EVENT_MS,
        `invalid ${kind} at B`,
      )
      expect(invalid.verdict).toBe('reject')
    }
    const score = await b.request({ cmd: 'score', peer: e.peerId, below: 0 }, 'score')
    expect(score.score as number).toBeLessThan(0)
    // Nothing bad reached B's application or travelled on to C: a record B publishes after
    // rejecting them reaches C on the same stream any forwarded bad record would have used.
    // (E itself is graylisted by now, so B would drop even E's good records.)
    const later = await publish(b)
    await c.waitFor(isRecord(later), EVENT_MS, 'B record at C')
    for (const id of badIds) {
      expect(b.recordIds().has(id)).toBe(false)
      expect(c.recordIds().has(id)).toBe(false)
    }
    // not stored: B's store grew by its own record only
    expect((await b.request({ cmd: 'count' }, 'count')).records).toBe(Number(countBefore) + 1)
  })

  it('nodes of different genesis ids ignore each other', async () => {
    const a = node('A')
    const y = await start('Y', [a], OTHER_GENESIS)
    await y.waitFor((ev) => ev.event === 'connected' && ev.peer === a.peerId, EVENT_MS, 'Y-A')
    // Connected (the dial succeeded) yet no sync either way: the protocols name the genesis.
    const peers = await y.request({ cmd: 'peers' }, 'peers')
    expect(peers.peers).toContain(a.peerId)
    const yRecord = await publish(y)
    const aRecord = await publish(a)
    // A's record has gone all the way to D (three hops) by the time we look at Y.
    await node('D').waitFor(isRecord(aRecord), EVENT_MS, 'A record at D')
    expect(y.recordIds()).toEqual(new Set([yRecord]))
    expect(a.recordIds().has(yRecord)).toBe(false)
    expect(y.events.some((ev) => ev.event === 'sync')).toBe(false)
    expect(a.events.some((ev) => ev.event === 'sync' && ev.peer === y.peerId)).toBe(false)
  })

  it('works solo while its bootstrap peer is down, dials it again, and both catch up', async () => {
    const genesis = sha256Hex('p2p test, solo then joined')
    // The peer that comes up later: its identity and port are fixed now, so the solo node
    // can be given its full multiaddr before it exists.
    const laterKey = await loadOrCreateIdentity(join(dir, 'L'))
    const listen = `/ip4/127.0.0.1/tcp/${await freePort()}`
    const laterAddr = `${listen}/p2p/${peerIdFromPrivateKey(laterKey)}`
    const solo = await spawnNode({
      name: 'S',
      dataDir: join(dir, 'S'),
      genesis,
      bootstrap: [laterAddr],
    })
    nodes.set('S', solo)
    // publishing with no peer stores the records and queues them; nothing fails
    const early = [await publish(solo), await publish(solo)]
    expect(solo.recordIds()).toEqual(new Set(early))
    expect((await solo.request({ cmd: 'peers' }, 'peers')).peers).toEqual([])

    const later = await spawnNode({ name: 'L', dataDir: join(dir, 'L'), genesis, listen })
    nodes.set('L', later)
    const fromLater = await publish(later)
    // the solo node's dialer retries (backoff), then sync and gossip carry both ways
    await solo.waitFor(isRecord(fromLater), 40_000, 'L record at S')
    for (const id of early) await later.waitFor(isRecord(id), 40_000, `S record ${id} at L`)
    expect(later.recordIds()).toEqual(new Set([...early, fromLater]))
  })
})
