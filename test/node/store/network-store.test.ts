/**
 * node/store/network-store.ts, the swarm's view of the store: signed records added once per
 * (author, seq), served to sync as they travelled, files derived from held parents, records
 * committed in short groups, and sync cursors per peer.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  ForeignGenesisError,
  NetworkStore,
  StoreSyncCursors,
} from '../../../node/store/network-store.ts'
import { Store } from '../../../node/store/store.ts'
import { fileHash, sha256Hex } from '../../../protocol/hash.ts'
import { type EncodedRecord, toEncodedRecord } from '../../../protocol/record.ts'
import { signRecord, verifyRecordSignature } from '../../../protocol/sign.ts'
import { validateRecord } from '../../../protocol/validation/index.ts'
import {
  CHILD_TEXT,
  GENESIS,
  makeFields,
  OTHER_GENESIS,
  PARENT_TEXT,
} from '../../fixtures/p2p/records.ts'
import { closeStores, open, record, stores } from './helpers.ts'

afterEach(closeStores)

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

describe('rejected records and budgets', () => {
  it('round-trips a rejected record with its reason through sign, validate, store and sync', async () => {
    const store = await open()
    const net = new NetworkStore(store, GENESIS)
    const key = await generateKeyPair('Ed25519')
    const fields = makeFields(key, {
      status: 'rejected',
      reason: 'non-causal',
      valBpb: 0,
      evalSeconds: 6.5,
      probeSeconds: 2.25,
      unsandboxed: true,
      seed: 2 ** 32 - 1,
    })
    const signed = await signRecord(fields, key)
    const valid = await validateRecord(signed.bytes, { genesis: GENESIS })
    expect(net.add(valid)).toBe(true)
    const held = store.getRecord(signed.id)
    expect(held).toMatchObject({ ...fields, signature: signed.record.signature })
    // served by sync as it travelled: the same bytes, so the same id, and it verifies
    const page = net.recordsSince(0, 10)
    expect(page.records).toHaveLength(1)
    const [served] = page.records
    if (served === undefined) throw new Error('not served')
    expect(toEncodedRecord(served).id).toBe(signed.id)
    expect(await verifyRecordSignature(served)).toBe(true)
    expect(store.counts({ genesis: GENESIS })).toEqual({
      keep: 0,
      discard: 0,
      crash: 0,
      rejected: 1,
      total: 1,
    })
    // never a best, never ranked
    expect(store.bestKeep(GENESIS, 'cpu-2c', undefined, 60)).toBeUndefined()
  })
})

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
