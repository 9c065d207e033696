/**
 * The SQLite store: records with their local facts in one transaction, idempotent inserts,
 * the queries the loop and the swarm need, content-addressed files, and durability across a
 * SIGKILL of a writing process.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { execa } from 'execa'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { SoloSink, SoloSwarmView } from '../../node/solo.ts'
import {
  ForeignGenesisError,
  NetworkStore,
  StoreSyncCursors,
} from '../../node/store/network-store.ts'
import { localRecordId, Store } from '../../node/store/store.ts'
import { fileHash, sha256Hex } from '../../protocol/hash.ts'
import { type EncodedRecord, toEncodedRecord } from '../../protocol/record.ts'
import { signRecord, verifyRecordSignature } from '../../protocol/sign.ts'
import type { ExperimentFields } from '../../protocol/types.ts'
import {
  CHILD_TEXT,
  GENESIS,
  LOCAL_RUN,
  makeFields,
  OTHER_GENESIS,
  PARENT_TEXT,
} from '../fixtures/p2p/records.ts'

const stores: Store[] = []
afterEach(() => {
  for (const s of stores.splice(0)) s.close()
})

async function open(): Promise<Store> {
  const dir = await mkdtemp(join(tmpdir(), 'loopnet-store-'))
  const store = new Store(join(dir, 'store.sqlite'))
  stores.push(store)
  return store
}

function record(seq: number, over: Partial<ExperimentFields> = {}): ExperimentFields {
  return {
    genesis: 'g1',
    author: 'alice',
    seq,
    parentHash: 'p0',
    fileHash: `f${seq}`,
    diff: '',
    status: 'discard',
    valBpb: 2 + seq / 100,
    trainingSeconds: 60,
    totalSeconds: 70,
    numSteps: 100,
    totalTokens: 1000,
    peakMemMb: 0,
    tier: 'cpu-2c',
    description: `experiment ${seq}`,
    createdAt: 1000 + seq,
    ...over,
  }
}

describe('Store', () => {
  it('inserts a record with its file and local facts once, by id and by (author, seq)', async () => {
    const store = await open()
    const text = 'LR = 0.02\n'
    const rec = record(1, { fileHash: sha256Hex(text), status: 'keep' })
    const first = store.insertRecord(rec, { local: LOCAL_RUN, fileText: text })
    expect(first).toEqual({ id: localRecordId(rec), inserted: true })
    expect(store.insertRecord(rec, { local: LOCAL_RUN }).inserted).toBe(false)
    expect(store.insertRecord({ ...rec, description: 'other' }).inserted).toBe(false) // same seq
    expect(store.getFile(rec.fileHash)).toBe(text)
    expect(store.ownRuns('alice')).toEqual([{ id: first.id, fields: rec, local: LOCAL_RUN }])
    expect(store.getRecord(first.id)).toMatchObject({ ...rec, idx: 1 })
  })

  it('rolls the whole insert back when any part fails', async () => {
    const store = await open()
    const rec = record(1, { fileHash: 'not-the-hash' })
    expect(() => store.insertRecord(rec, { local: LOCAL_RUN, fileText: 'x = 1\n' })).toThrow(
      /hashes to/,
    )
    expect(store.counts()).toEqual({ keep: 0, discard: 0, crash: 0, total: 0 })
    expect(store.ownRuns('alice')).toEqual([])
  })

  it('answers tried, best, leaderboard, counts, maxSeq and sync cursors', async () => {
    const store = await open()
    store.insertRecord(record(1, { status: 'keep', valBpb: 2.5 }))
    store.insertRecord(record(2, { status: 'keep', valBpb: 2.4, parentHash: 'f1' }))
    store.insertRecord(record(3, { status: 'crash', valBpb: 0, parentHash: 'f2' }))
    store.insertRecord(
      record(1, { author: 'bob', status: 'keep', valBpb: 2.3, tier: 'cuda-h100-80g' }),
    )
    store.insertRecord(record(2, { author: 'bob', status: 'keep', valBpb: 2.45 }))
    store.insertRecord(record(9, { genesis: 'other', status: 'keep', valBpb: 1 }))
    expect(store.triedOn('g1', 'p0').map((r) => `${r.author}${r.seq}`)).toEqual([
      'alice1',
      'bob1',
      'bob2',
    ])
    expect(store.bestKeep('g1', 'cpu-2c')?.valBpb).toBe(2.4)
    expect(store.bestKeep('g1', 'cuda-h100-80g')?.author).toBe('bob')
    expect(store.bestPerAuthor('g1', 'cpu-2c', 20).map((r) => [r.author, r.valBpb])).toEqual([
      ['alice', 2.4],
      ['bob', 2.45],
    ])
    expect(store.counts({ genesis: 'g1', author: 'alice' })).toEqual({
      keep: 2,
      discard: 0,
      crash: 1,
      total: 3,
    })
    expect(store.maxSeq('alice')).toBe(9) // seq is per author, across games
    expect(store.maxSeq('nobody')).toBe(0)
    const page1 = store.recordsSince(0, 4)
    expect(page1.records).toHaveLength(4)
    const page2 = store.recordsSince(page1.cursor, 4)
    expect(page2.records.map((r) => r.seq)).toEqual([2, 9])
    expect(store.recordsSince(page2.cursor).records).toEqual([])
    expect(store.recordsSince(0, 10, 'other').records).toHaveLength(1)
  })

  it('keeps a node id and backs the solo sink and swarm view', async () => {
    const store = await open()
    const id = store.nodeId()
    expect(id).toMatch(/^local-[0-9a-f]{16}$/)
    expect(store.nodeId()).toBe(id)
    const sink = new SoloSink(store)
    const view = new SoloSwarmView(store, 'g1')
    const text = 'A = 1\n'
    await sink.publish(
      record(1, { author: id, fileHash: sha256Hex(text), status: 'keep' }),
      undefined,
      {
        ...LOCAL_RUN,
        fileText: text,
      },
    )
    expect((await sink.ownRuns(id)).map((r) => r.fields.seq)).toEqual([1])
    expect(await view.fetchFile(sha256Hex(text))).toBe(text)
    await expect(view.fetchFile('nope')).rejects.toMatchObject({ name: 'FileNotFoundError' })
    expect((await view.tried('p0')).map((r) => r.seq)).toEqual([1])
    expect(await view.bestKnown('cpu-2c')).toMatchObject({ fileHash: sha256Hex(text), author: id })
  })

  it('loses no committed record and leaves no half row when the writer is SIGKILLed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loopnet-store-kill-'))
    const path = join(dir, 'store.sqlite')
    const storeUrl = new URL('../../node/store/store.ts', import.meta.url).href
    // a writer that inserts as fast as it can and acknowledges each committed seq on stdout
    const script = `
      import { createHash } from 'node:crypto'
      import { Store } from ${JSON.stringify(storeUrl)}
      const store = new Store(${JSON.stringify(path)})
      const local = { commit: 'c', parentCommit: 'p', source: 's', logPath: 'l', wallSeconds: 1 }
      for (let seq = 1; ; seq++) {
        const text = 'X = ' + seq + '\\n'
        const fileHash = createHash('sha256').update(text).digest('hex')
        store.insertRecord({ genesis: 'g', author: 'a', seq, parentHash: '', fileHash, diff: 'd'.repeat(4096),
          status: 'discard', valBpb: 2, trainingSeconds: 1, totalSeconds: 1, numSteps: 1, totalTokens: 1,
          peakMemMb: 0, tier: 't', description: 'x', createdAt: seq }, { fileText: text, local })
        process.stdout.write(seq + '\\n')
      }
    `
    const child = execa(process.execPath, ['--input-type=module', '--no-warnings', '-e', script], {
      reject: false,
      buffer: false,
    })
    let acknowledged = 0
    await new Promise<void>((resolve) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        const seqs = chunk.toString().trim().split('\n').map(Number)
        acknowledged = Math.max(acknowledged, ...seqs)
        if (acknowledged >= 50) resolve()
      })
    })
    child.kill('SIGKILL')
    await child
    const store = new Store(path)
    stores.push(store)
    const runs = store.ownRuns('a')
    expect(runs.length).toBeGreaterThanOrEqual(acknowledged)
    // every row complete: record, local facts and file together, seqs without gaps
    expect(runs.map((r) => r.fields.seq)).toEqual(runs.map((_, i) => i + 1))
    for (const r of runs) expect(store.getFile(r.fields.fileHash)).toBe(`X = ${r.fields.seq}\n`)
    expect(store.counts().total).toBe(runs.length)
  })
})

/** A store file with a second connection on it (what another process would see) and a key. */
async function writerAndReader() {
  const path = join(await mkdtemp(join(tmpdir(), 'loopnet-group-')), 'store.sqlite')
  const store = new Store(path)
  stores.push(store)
  const reader = new Store(path)
  stores.push(reader)
  const key = await generateKeyPair('Ed25519')
  return { store, reader, net: new NetworkStore(store, GENESIS), key }
}

describe('NetworkStore', () => {
  it('adds a signed record once; a second record of the same (author, seq) is refused', async () => {
    const store = await open()
    const net = new NetworkStore(store, GENESIS)
    const key = await generateKeyPair('Ed25519')
    const first = await signRecord(makeFields(key, { seq: 1 }), key)
    const fork = await signRecord(makeFields(key, { seq: 1, valBpb: 0.5 }), key)
    expect(net.has(first.id)).toBe(false)
    expect(net.lastSeq(first.record.author)).toBeUndefined()
    expect(net.add(first)).toBe(true)
    expect(net.add(first)).toBe(false)
    expect(net.add(fork)).toBe(false)
    expect(net.has(first.id)).toBe(true)
    expect(net.has(fork.id)).toBe(false)
    expect(net.lastSeq(first.record.author)).toBe(1)
    expect(store.getRecord(first.id)?.signature).toEqual(first.record.signature)
    const other = await signRecord(makeFields(key, { seq: 2, genesis: OTHER_GENESIS }), key)
    expect(() => net.add(other)).toThrow(ForeignGenesisError)
  })

  it("pages only this genesis's signed records, which re-encode to their ids and verify", async () => {
    const store = await open()
    const net = new NetworkStore(store, GENESIS)
    const keys = await Promise.all([1, 2, 3].map(() => generateKeyPair('Ed25519')))
    const ids: string[] = []
    for (let seq = 1; seq <= 4; seq++) {
      for (const key of keys) {
        const rec = await signRecord(makeFields(key, { seq, valBpb: 1 + seq / 7 }), key)
        net.add(rec)
        ids.push(rec.id)
        // interleaved: an unsigned solo record and one of another swarm, never served
        store.insertRecord(record(ids.length, { genesis: GENESIS, author: 'local-solo' }))
        store.insertRecord(record(ids.length, { genesis: OTHER_GENESIS }))
      }
    }
    const served: string[] = []
    let cursor = 0
    for (;;) {
      const page = net.recordsSince(cursor, 5)
      for (const rec of page.records) {
        expect(await verifyRecordSignature(rec)).toBe(true)
        served.push(toEncodedRecord(rec).id)
      }
      if (page.records.length === 0) {
        expect(page.cursor).toBe(cursor)
        break
      }
      expect(page.cursor).toBeGreaterThan(cursor)
      cursor = page.cursor
    }
    expect(served).toEqual(ids)
  })

  it("stores the file a record's diff makes from a held parent, and only a true one", async () => {
    const store = await open()
    const net = new NetworkStore(store, GENESIS)
    const key = await generateKeyPair('Ed25519')
    // parent unknown: the record is stored, its file is not
    const early = await signRecord(makeFields(key, { seq: 1 }), key)
    expect(net.add(early)).toBe(true)
    expect(net.getFile(fileHash(CHILD_TEXT))).toBeUndefined()
    store.putFile(PARENT_TEXT)
    const child = await signRecord(makeFields(key, { seq: 2, description: 'again' }), key)
    expect(net.add(child)).toBe(true)
    expect(net.getFile(fileHash(CHILD_TEXT))).toBe(CHILD_TEXT)
    // a record lying about its file (validation would reject it) stores no file
    const lie = await signRecord(makeFields(key, { seq: 3, fileHash: sha256Hex('x') }), key)
    expect(net.add(lie)).toBe(true)
    expect(net.getFile(sha256Hex('x'))).toBeUndefined()
  })

  it('commits the records of a short window together, and before any own experiment', async () => {
    const { store, reader, net, key } = await writerAndReader()
    const signed = await Promise.all(
      [1, 2, 3].map((seq) => signRecord(makeFields(key, { seq }), key)),
    )
    net.add(signed[0] as EncodedRecord)
    net.add(signed[1] as EncodedRecord)
    new StoreSyncCursors(store, GENESIS).set('peer', 2)
    // not committed yet: another connection sees nothing, this one sees its own writes
    expect(reader.counts().total).toBe(0)
    expect(net.lastSeq(signed[0]?.record.author ?? '')).toBe(2)
    // an own experiment commits the group first, then itself
    store.insertRecord(record(1, { genesis: GENESIS, author: 'local-me' }))
    expect(reader.counts().total).toBe(3)
    expect(new StoreSyncCursors(reader, GENESIS).get('peer')).toBe(2)
    // the next group spans event-loop turns, and its timer commits it
    net.add(signed[2] as EncodedRecord)
    await new Promise((resolve) => setImmediate(resolve))
    expect(reader.counts().total).toBe(3)
    await vi.waitFor(() => expect(reader.counts().total).toBe(4), { timeout: 5000, interval: 20 })
  })

  it('serves sync pages only from committed records, so a crash cannot reuse a served idx', async () => {
    const { reader, net, key } = await writerAndReader()
    for (const seq of [1, 2]) net.add(await signRecord(makeFields(key, { seq }), key))
    expect(reader.counts().total).toBe(0) // in the open group
    const page = net.recordsSince(0, 10)
    expect(page.records).toHaveLength(2)
    // what a peer now holds as its cursor is on disk: another connection sees it
    expect(reader.counts().total).toBe(2)
    expect(new NetworkStore(reader, GENESIS).recordsSince(0, 10).cursor).toBe(page.cursor)
  })

  it('keeps sync cursors per peer (and per genesis) across a reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loopnet-cursors-'))
    const path = join(dir, 'store.sqlite')
    const first = new Store(path)
    new StoreSyncCursors(first, GENESIS).set('peerA', 41)
    new StoreSyncCursors(first, GENESIS).set('peerA', 42)
    new StoreSyncCursors(first, OTHER_GENESIS).set('peerA', 7)
    new StoreSyncCursors(first).set('peerB', 3)
    first.close()
    const again = new Store(path)
    stores.push(again)
    expect(new StoreSyncCursors(again, GENESIS).get('peerA')).toBe(42)
    expect(new StoreSyncCursors(again, OTHER_GENESIS).get('peerA')).toBe(7)
    expect(new StoreSyncCursors(again, GENESIS).get('peerB')).toBeUndefined()
    expect(new StoreSyncCursors(again).get('peerB')).toBe(3)
  })
})
