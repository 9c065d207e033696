/** In-process tests of node/p2p's parts: no sockets, no processes (the real SQLite store). */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { createPeerScoreParams, validatePeerScoreParams } from '@libp2p/gossipsub/score'
import type { Logger, PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { attachNetworkView } from '../../node/cli/commands/start-network-view.ts'
import { peerScoreParams, SCORE_THRESHOLDS } from '../../node/p2p/gossip/scoring-parameters.ts'
import { StoreAfterForward } from '../../node/p2p/gossip/store-after-forward.ts'
import { toTopicValidatorResult } from '../../node/p2p/gossip/validator.ts'
import { InvalidIdentityError, loadOrCreateIdentity } from '../../node/p2p/identity.ts'
import type { RecordEventDetail } from '../../node/p2p/interfaces.ts'
import { LoopnetNode, type LoopnetNodeInit } from '../../node/p2p/node.ts'
import { SYNC_RETRIES, SyncScheduler } from '../../node/p2p/sync/scheduler.ts'
import { buildPage } from '../../node/p2p/sync/sync.ts'
import { NetworkStore } from '../../node/store/network-store.ts'
import { Store } from '../../node/store/store.ts'
import { NetworkSwarmView, SwarmSink } from '../../node/swarm.ts'
import { SYNC_PAGE_BYTES } from '../../protocol/constants.ts'
import { fileHash } from '../../protocol/hash.ts'
import { decodeRecord } from '../../protocol/record.ts'
import { signRecord } from '../../protocol/sign.ts'
import { resultsTopic } from '../../protocol/topic.ts'
import { CHILD_TEXT, GENESIS, LOCAL_RUN, makeFields, PARENT_TEXT } from '../fixtures/p2p/records.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loopnet-p2p-units-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A node of GENESIS on a new store `name` in the test dir: not started, no listen address. */
async function nodeOnNewStore(
  name: string,
  more: Partial<LoopnetNodeInit> = {},
): Promise<{ sqlite: Store; node: LoopnetNode }> {
  const sqlite = new Store(join(dir, `${name}.sqlite`))
  const node = await LoopnetNode.create({
    genesis: GENESIS,
    dataDir: join(dir, name),
    listen: [],
    store: new NetworkStore(sqlite, GENESIS),
    ...more,
  })
  return { sqlite, node }
}

describe('identity', () => {
  it('creates an Ed25519 key once (mode 0600) and loads the same one after', async () => {
    const first = await loadOrCreateIdentity(join(dir, 'node'))
    const again = await loadOrCreateIdentity(join(dir, 'node'))
    expect(first.type).toBe('Ed25519')
    expect(peerIdFromPrivateKey(again).equals(peerIdFromPrivateKey(first))).toBe(true)
    expect((await stat(join(dir, 'node', 'identity.key'))).mode & 0o777).toBe(0o600)
  })

  it('refuses a corrupt identity file instead of replacing it', async () => {
    await writeFile(join(dir, 'identity.key'), 'not a key')
    await expect(loadOrCreateIdentity(dir)).rejects.toBeInstanceOf(InvalidIdentityError)
  })
})

describe('gossip verdicts and scoring', () => {
  it('maps verdicts to gossipsub results', () => {
    expect(toTopicValidatorResult('accept')).toBe(TopicValidatorResult.Accept)
    expect(toTopicValidatorResult('ignore')).toBe(TopicValidatorResult.Ignore)
    expect(toTopicValidatorResult('reject')).toBe(TopicValidatorResult.Reject)
  })

  it('one invalid record puts even a long-standing peer below the gossip threshold', () => {
    const topic = resultsTopic('g')
    const params = createPeerScoreParams(peerScoreParams({ topic, localSwarm: true }))
    expect(() => validatePeerScoreParams(params)).not.toThrow()
    const t = params.topics[topic]
    if (t === undefined) throw new Error('no params for the results topic')
    // gossipsub's formula (P1, P2 capped, P4 squared) for a peer at every positive cap.
    const score = (invalid: number) => {
      const positive =
        t.timeInMeshCap * t.timeInMeshWeight +
        t.firstMessageDeliveriesCap * t.firstMessageDeliveriesWeight
      const topicScore =
        Math.min(positive, params.topicScoreCap) + invalid ** 2 * t.invalidMessageDeliveriesWeight
      return topicScore * t.topicWeight
    }
    expect(score(0)).toBeGreaterThan(0)
    expect(score(1)).toBeLessThan(SCORE_THRESHOLDS.gossipThreshold)
    expect(score(3)).toBeLessThan(SCORE_THRESHOLDS.graylistThreshold)
  })
})

describe('sync pages', () => {
  it('pages by count, says when done, and cuts pages by bytes without losing a record', async () => {
    const key = await generateKeyPair('Ed25519')
    const sqlite = new Store(join(dir, 'pages.sqlite'))
    const store = new NetworkStore(sqlite, GENESIS)
    // 24 records of ~200 KiB: 4 MiB of page holds 20 of them.
    for (let seq = 1; seq <= 24; seq++) {
      const signed = await signRecord(
        makeFields(key, { seq, diff: `${'+'.repeat(200 * 1024)}\n` }),
        key,
      )
      store.add(signed)
    }
    const byCount = buildPage(store, 0, 5)
    expect(byCount.records).toHaveLength(5)
    expect(byCount.nextCursor).toBe(5)
    expect(byCount.done).toBe(false)

    const seen: number[] = []
    let cursor = 0
    for (let pages = 0; ; pages++) {
      const page = buildPage(store, cursor, 500)
      const bytes = page.records.reduce((n, r) => n + r.length, 0)
      expect(bytes).toBeLessThanOrEqual(SYNC_PAGE_BYTES)
      seen.push(...page.records.map((r) => decodeRecord(r).seq))
      cursor = page.nextCursor
      if (page.done) {
        expect(pages).toBe(1)
        break
      }
    }
    expect(seen).toEqual(Array.from({ length: 24 }, (_, i) => i + 1))
    sqlite.close()
  })
})

describe('gossiped records stored after the forward', () => {
  it('holds a record as known until its announcement, then stores it in a microtask', async () => {
    const key = await generateKeyPair('Ed25519')
    const sqlite = new Store(join(dir, 'held.sqlite'))
    const store = new NetworkStore(sqlite, GENESIS)
    const storedInOrder: number[] = []
    const held = new StoreAfterForward((record) => {
      store.add(record)
      storedInOrder.push(record.record.seq)
    })
    const [one, two, three] = await Promise.all(
      [1, 2, 3].map((seq) => signRecord(makeFields(key, { seq }), key)),
    )
    if (one === undefined || two === undefined || three === undefined) throw new Error('unsigned')
    const author = one.record.author

    held.hold(one)
    held.hold(two)
    // Held counts as known (a second copy or the next seq is judged by it), not yet stored.
    expect(held.has(one.id)).toBe(true)
    expect(held.lastSeq(author)).toBe(2)
    expect(store.has(one.id)).toBe(false)

    held.forwarded(two.id)
    held.forwarded('not-a-held-id')
    // The forward runs synchronously after the announcement: nothing is written before it.
    expect(store.has(two.id)).toBe(false)
    await Promise.resolve()
    expect(store.has(two.id)).toBe(true)
    expect(held.has(two.id)).toBe(false)
    expect(held.lastSeq(author)).toBe(1)

    // One never announced (not forwarded) is stored by the next macrotask all the same.
    await new Promise((resolve) => setImmediate(resolve))
    expect(store.has(one.id)).toBe(true)
    expect(held.size).toBe(0)

    // flush() (a sync page, our own record, stop) stores everything held, at once.
    held.hold(three)
    held.flush()
    expect(store.has(three.id)).toBe(true)
    expect(storedInOrder).toEqual([2, 1, 3])
    sqlite.close()
  })
})

describe("the network view of 'loopnet start'", () => {
  it("blanks control characters in a peer's signed description and in refusal messages", async () => {
    const key = await generateKeyPair('Ed25519')
    const { sqlite, node } = await nodeOnNewStore('view')
    const lines: string[] = []
    const detach = attachNetworkView(node, 'plain', (text) => lines.push(text))
    // clear the screen, retitle the terminal, then a fake log line of our own
    const hostile = 'tweak lr\u001b[2J\u001b]0;pwned\u0007\nloopnet: rebase adopted 0123'
    const rejected = await signRecord(
      makeFields(key, { seq: 2, status: 'rejected', reason: 'non-causal', valBpb: 0 }),
      key,
    )
    node.safeDispatch('record', { ...rejected, via: 'sync', from: 'peer' })
    const record = await signRecord(makeFields(key, { description: hostile }), key)
    node.safeDispatch('record', { ...record, via: 'gossip', from: 'peer' })
    node.safeDispatch('record:invalid', {
      via: 'gossip',
      from: 'peer',
      code: 'SCHEMA',
      verdict: 'reject',
      message: `bad tier \u001b[31mred\r`,
    })
    detach()
    const printed = lines.slice(-2).join('')
    expect(printed.split('\n')).toHaveLength(3) // two lines, each ended by its newline
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
    expect(printed.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/)
    expect(printed).toContain('tweak lr')
    // a rejection shows its reason where a score would be
    expect(lines.at(-3)).toMatch(/ #2 rejected \(non-causal\) double the learning rate \(sync\)\n$/)
    sqlite.close()
  })
})

describe('own records: one door', () => {
  it("the swarm sink stores an own record with its local facts, then it fires 'record' via 'self' and is queued", async () => {
    const key = await generateKeyPair('Ed25519')
    const { sqlite, node } = await nodeOnNewStore('own', {
      privateKey: key,
      listen: ['/ip4/127.0.0.1/tcp/0'],
    })
    await node.start()
    const events: RecordEventDetail[] = []
    const storedWhenAnnounced: boolean[] = []
    node.addEventListener('record', (evt) => {
      events.push(evt.detail)
      // durable before it is announced: a listener can read it back at once
      storedWhenAnnounced.push(sqlite.hasRecord(evt.detail.id))
    })
    const printed: string[] = []
    const detach = attachNetworkView(node, 'plain', (text) => printed.push(text))
    const listening = printed.length
    const sink = new SwarmSink(sqlite, node)
    const published = await sink.publishRecord(makeFields(key, { seq: 1 }), undefined, {
      ...LOCAL_RUN,
      fileText: CHILD_TEXT,
    })
    await sink.publish(makeFields(key, { seq: 2, description: 'again' }))
    expect(events.map((e) => [e.via, e.record.seq, e.from])).toEqual([
      ['self', 1, undefined],
      ['self', 2, undefined],
    ])
    expect(events[0]?.id).toBe(published.id)
    expect(storedWhenAnnounced).toEqual([true, true])
    expect(await sink.ownRuns(node.peerId)).toEqual([
      { id: published.id, fields: makeFields(key, { seq: 1 }), local: LOCAL_RUN },
    ])
    expect(sqlite.getFile(fileHash(CHILD_TEXT))).toBe(CHILD_TEXT)
    expect(await sink.maxSeq(node.peerId)).toBe(2)
    // the loop's view prints own experiments; the network view leaves them out
    expect(printed.length).toBe(listening)
    // a reused seq is refused before anything is stored
    await expect(sink.publish(makeFields(key, { seq: 2, description: 'fork' }))).rejects.toThrow()
    expect(events).toHaveLength(2)
    detach()
    await node.stop()
    // queued for gossip: with no peer to send it to, stopping the node rejects `sent`
    await expect(published.sent).rejects.toMatchObject({ name: 'PublishStoppedError' })
    sqlite.close()
  })

  it('the network swarm view looks a file up in the store once, else fetches and keeps it', async () => {
    const sqlite = new Store(join(dir, 'view-files.sqlite'))
    sqlite.putFile(PARENT_TEXT)
    const fetchFromPeers = vi.fn(async () => CHILD_TEXT)
    const node = { genesis: GENESIS, fetchFromPeers } as unknown as LoopnetNode
    const view = new NetworkSwarmView(sqlite, node)
    expect(await view.fetchFile(fileHash(PARENT_TEXT))).toBe(PARENT_TEXT)
    expect(fetchFromPeers).not.toHaveBeenCalled()
    expect(await view.fetchFile(fileHash(CHILD_TEXT))).toBe(CHILD_TEXT)
    expect(await view.fetchFile(fileHash(CHILD_TEXT))).toBe(CHILD_TEXT)
    expect(fetchFromPeers).toHaveBeenCalledTimes(1)
    expect(sqlite.getFile(fileHash(CHILD_TEXT))).toBe(CHILD_TEXT)
    sqlite.close()
  })
})

describe('sync scheduling', () => {
  /** A scheduler over a fake sync whose outcomes are scripted: 'ok' or 'fail', in order. */
  function scheduler(outcomes: Array<'ok' | 'fail'>, connected: boolean) {
    const calls: string[] = []
    let release: () => void = () => {}
    const gate = { wait: Promise.resolve() }
    const syncs = new SyncScheduler({
      sync: async (peer) => {
        calls.push(peer.toString())
        await gate.wait
        if ((outcomes.shift() ?? 'ok') === 'fail') throw new Error('stream reset')
      },
      connected: () => connected,
      log: Object.assign(() => {}, { error: () => {}, trace: () => {} }) as unknown as Logger,
      retryMinMs: 1,
    })
    const hold = () => {
      gate.wait = new Promise<void>((resolve) => {
        release = resolve
      })
    }
    return { syncs, calls, hold, release: () => release() }
  }

  let peer: PeerId
  beforeAll(async () => {
    peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  })

  it.each([
    { name: 'one request, one sync', outcomes: [], connected: true, calls: 1 },
    {
      name: 'a failure is retried while connected',
      outcomes: ['fail', 'fail'],
      connected: true,
      calls: 3,
    },
    {
      name: 'a failure is not retried once disconnected',
      outcomes: ['fail'],
      connected: false,
      calls: 1,
    },
    {
      name: `retries stop after ${SYNC_RETRIES}`,
      outcomes: Array(SYNC_RETRIES + 3).fill('fail'),
      connected: true,
      calls: SYNC_RETRIES + 1,
    },
  ] as const)('$name', async ({ outcomes, connected, calls }) => {
    const s = scheduler([...outcomes], connected)
    const controller = new AbortController()
    s.syncs.start(controller.signal)
    s.syncs.request(peer)
    await s.syncs.stop()
    expect(s.calls).toHaveLength(calls)
    controller.abort()
  })

  it('runs one sync per peer at a time; requests during one make one more run', async () => {
    const s = scheduler([], true)
    const controller = new AbortController()
    s.syncs.start(controller.signal)
    s.hold()
    s.syncs.request(peer)
    s.syncs.request(peer)
    s.syncs.request(peer)
    expect(s.calls).toHaveLength(1)
    s.release()
    await s.syncs.stop()
    expect(s.calls).toHaveLength(2)
    controller.abort()
  })

  it('drops requests before start and once the stop signal aborted, retrying nothing', async () => {
    const s = scheduler(['fail'], true)
    s.syncs.request(peer)
    expect(s.calls).toHaveLength(0)
    const controller = new AbortController()
    s.syncs.start(controller.signal)
    s.hold()
    s.syncs.request(peer)
    controller.abort()
    s.release()
    await s.syncs.stop()
    s.syncs.request(peer)
    expect(s.calls).toHaveLength(1)
  })
})
