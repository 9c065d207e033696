/**
 * The SQLite store: records with their local facts in one transaction, idempotent inserts,
 * the queries the loop and the swarm need, content-addressed files, and durability across a
 * SIGKILL of a writing process.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { execa } from 'execa'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { SoloSink, SoloSwarmView } from '../../node/solo.ts'
import {
  ForeignGenesisError,
  NetworkStore,
  StoreSyncCursors,
} from '../../node/store/network-store.ts'
import { MIGRATIONS } from '../../node/store/schema.ts'
import { localRecordId, Store } from '../../node/store/store.ts'
import { fileHash, sha256Hex } from '../../protocol/hash.ts'
import { type EncodedRecord, toEncodedRecord } from '../../protocol/record.ts'
import { signRecord, verifyRecordSignature } from '../../protocol/sign.ts'
import { type ExperimentFields, RECORD_VERSION } from '../../protocol/types.ts'
import { validateRecord } from '../../protocol/validation/index.ts'
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
    version: RECORD_VERSION,
    genesis: 'g1',
    author: 'alice',
    seq,
    parentHash: 'p0',
    fileHash: `f${seq}`,
    diff: '',
    status: 'discard',
    valBpb: 2 + seq / 100,
    budgetSeconds: 60,
    trainingSeconds: 60,
    startupSeconds: 3.5,
    evalSeconds: 4.25,
    probeSeconds: 1.5,
    totalSeconds: 70,
    numParams: 123_456,
    peakMemMb: 0,
    seed: 1000 + seq,
    tier: 'cpu-2c',
    reason: '',
    unsandboxed: false,
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
    expect(store.counts()).toEqual({ keep: 0, discard: 0, crash: 0, rejected: 0, total: 0 })
    expect(store.ownRuns('alice')).toEqual([])
  })

  it('answers tried, best, leaderboard, counts, maxSeq and sync cursors', async () => {
    const store = await open()
    store.insertRecord(record(1, { status: 'keep', valBpb: 2.5 }))
    store.insertRecord(record(2, { status: 'keep', valBpb: 2.4, parentHash: 'f1' }))
    store.insertRecord(
      record(3, { status: 'crash', reason: 'timeout', valBpb: 0, parentHash: 'f2' }),
    )
    store.insertRecord(
      record(4, { status: 'rejected', reason: 'non-causal', valBpb: 0, parentHash: 'f2' }),
    )
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
    expect(store.triedOn('g1', 'f2').map((r) => r.reason)).toEqual(['timeout', 'non-causal'])
    expect(store.bestKeep('g1', 'cpu-2c')?.valBpb).toBe(2.4)
    expect(store.bestKeep('g1', 'cpu-2c', undefined, 60)?.valBpb).toBe(2.4)
    expect(store.bestKeep('g1', 'cpu-2c', undefined, 300)).toBeUndefined()
    expect(store.bestKeep('g1', 'cuda-h100-80g')?.author).toBe('bob')
    const cpu60 = { tier: 'cpu-2c', budgetSeconds: 60 }
    expect(store.bestPerAuthor('g1', cpu60, 20).map((r) => [r.author, r.valBpb])).toEqual([
      ['alice', 2.4],
      ['bob', 2.45],
    ])
    expect(store.counts({ genesis: 'g1', author: 'alice' })).toEqual({
      keep: 2,
      discard: 0,
      crash: 1,
      rejected: 1,
      total: 4,
    })
    expect(store.maxSeq('alice')).toBe(9) // seq is per author, across games
    expect(store.maxSeq('nobody')).toBe(0)
    const page1 = store.recordsSince(0, 5)
    expect(page1.records).toHaveLength(5)
    const page2 = store.recordsSince(page1.cursor, 5)
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
        store.insertRecord({ version: 2, genesis: 'g', author: 'a', seq, parentHash: '', fileHash,
          diff: 'd'.repeat(4096), status: 'discard', valBpb: 2, budgetSeconds: 1, trainingSeconds: 1,
          startupSeconds: 0, evalSeconds: 0, probeSeconds: 0, totalSeconds: 1, numParams: 1,
          peakMemMb: 0, seed: seq, tier: 't', reason: '', unsandboxed: false, description: 'x',
          createdAt: seq }, { fileText: text, local })
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

  it('bestKnown ranks within a budget and never returns a file this node rejected, refuted or crashed on', async () => {
    const store = await open()
    const view = new SoloSwarmView(store, 'g1')
    store.setState('node_id', 'me')
    const none = { files: new Set<string>(), authors: new Set<string>() }
    // peers' KEEPs at two budgets: 60 s and 300 s never compete
    store.insertRecord(record(1, { author: 'bob', status: 'keep', valBpb: 2.1, fileHash: 'FB' }))
    store.insertRecord(record(2, { author: 'bob', status: 'keep', valBpb: 2.2, fileHash: 'FC' }))
    store.insertRecord(record(3, { author: 'bob', status: 'keep', valBpb: 2.3, fileHash: 'FD' }))
    store.insertRecord(record(1, { author: 'eve', status: 'keep', valBpb: 1.0, fileHash: 'FE' }))
    store.insertRecord(
      record(1, {
        author: 'carl',
        status: 'keep',
        valBpb: 0.9,
        fileHash: 'FL',
        budgetSeconds: 300,
      }),
    )
    expect((await view.bestKnown('cpu-2c', undefined, none, 60))?.fileHash).toBe('FE')
    expect((await view.bestKnown('cpu-2c', undefined, none, 300))?.fileHash).toBe('FL')
    expect(await view.bestKnown('cpu-2c', undefined, none, 30)).toBeUndefined()
    // no budget: any budget of the tier (a caller from before budgets)
    expect((await view.bestKnown('cpu-2c'))?.fileHash).toBe('FL')

    // this node re-measured eve's FE: the harness rejected it here (no local facts: its own
    // record synced back, known as its own by the node id)
    store.insertRecord(
      record(1, {
        author: 'me',
        parentHash: 'FE',
        fileHash: 'FE',
        status: 'rejected',
        reason: 'non-causal',
        valBpb: 0,
      }),
    )
    expect((await view.bestKnown('cpu-2c', undefined, none, 60))?.fileHash).toBe('FB')
    // ...and refuted bob's FB (its local facts say so)
    store.insertRecord(
      record(2, { author: 'me', parentHash: 'FB', fileHash: 'FB', status: 'discard', valBpb: 2.5 }),
      { local: { ...LOCAL_RUN, claimedBy: 'bob', rebaseVerdict: 'refuted' } },
    )
    expect((await view.bestKnown('cpu-2c', undefined, none, 60))?.fileHash).toBe('FC')
    // a re-measure that reproduced the claim but did not beat this node's best refutes nothing
    store.insertRecord(
      record(3, { author: 'me', parentHash: 'FC', fileHash: 'FC', status: 'discard', valBpb: 2.2 }),
      { local: { ...LOCAL_RUN, claimedBy: 'bob', rebaseVerdict: 'not-better-here' } },
    )
    expect((await view.bestKnown('cpu-2c', undefined, none, 60))?.fileHash).toBe('FC')
    // a solo run (another author id, with local facts) rejected FC here too
    store.insertRecord(
      record(1, {
        author: 'local-0123456789abcdef',
        parentHash: 'FA',
        fileHash: 'FC',
        status: 'rejected',
        reason: 'val-text',
        valBpb: 0,
      }),
      { local: LOCAL_RUN },
    )
    expect((await view.bestKnown('cpu-2c', undefined, none, 60))?.fileHash).toBe('FD')
    // and FD's re-run crashed here: no run here produced its number
    store.insertRecord(
      record(4, {
        author: 'me',
        parentHash: 'FD',
        fileHash: 'FD',
        status: 'crash',
        reason: 'timeout',
        valBpb: 0,
      }),
    )
    expect(await view.bestKnown('cpu-2c', undefined, none, 60)).toBeUndefined()
    expect(store.verdictsHere('g1').map((v) => [v.fileHash, v.verdict, v.reason])).toEqual([
      ['FE', 'rejected', 'non-causal'],
      ['FB', 'refuted', ''],
      ['FC', 'rejected', 'val-text'],
      ['FD', 'crashed', 'timeout'],
    ])
  })
})

describe('migration to record format 2 (schema 5)', () => {
  it('migrates a schema-4 store: old rows readable as format 1, idx and local facts kept', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'loopnet-migrate-')), 'store.sqlite')
    const raw = new DatabaseSync(path)
    for (const m of MIGRATIONS.slice(0, 4)) raw.exec(m)
    raw.exec('PRAGMA user_version = 4')
    const insert = raw.prepare(`INSERT INTO records (id, genesis, author, seq, parent_hash,
        file_hash, diff, status, val_bpb, training_seconds, total_seconds, num_steps,
        total_tokens, peak_mem_mb, tier, description, created_at, signature, received_at)
      VALUES (?, 'g0', 'alice', ?, ?, ?, '', ?, ?, 60, 70, 300, 1000, 512, 'cpu-2c', ?, ?, ?, ?)`)
    insert.run('r1', 1, '', 'B0', 'keep', 3.0, 'baseline', 1, null, 1)
    insert.run('r2', 2, 'B0', 'F1', 'crash', 0, 'oom', 2, Uint8Array.from([1, 2, 3]), 2)
    insert.run('r3', 3, 'F1', 'F2', 'discard', 3.1, 'gone', 3, null, 3)
    raw.exec("DELETE FROM records WHERE id = 'r3'") // idx 3 was used once: never again
    raw
      .prepare(`INSERT INTO local_runs (record_id, commit_hash, parent_commit, source, log_path,
          wall_seconds, crash_reason) VALUES ('r2', 'c', 'p', 'builtin', '/l', 71, 'oom')`)
      .run()
    raw.close()

    const store = new Store(path)
    stores.push(store)
    expect(store.getRecord('r1')).toMatchObject({
      idx: 1,
      version: 1,
      status: 'keep',
      valBpb: 3,
      budgetSeconds: 0,
      trainingSeconds: 60,
      startupSeconds: 0,
      numParams: 0,
      peakMemMb: 512,
      seed: 0,
      reason: '',
      unsandboxed: false,
      description: 'baseline',
    })
    expect(store.getRecord('r1')).not.toHaveProperty('numSteps')
    expect(store.ownRuns('alice')).toMatchObject([
      { id: 'r2', fields: { status: 'crash', version: 1 }, local: { crashReason: 'oom' } },
    ])
    expect(store.counts()).toEqual({ keep: 1, discard: 0, crash: 1, rejected: 0, total: 2 })
    // format-1 rows: never served by sync (their signature covers format-1 bytes), never ranked
    expect(store.signedRecordsSince('g0', 0, 10).records).toEqual([])
    expect(store.groups('g0')).toEqual([])
    // a new record continues after every idx ever used; counts and triggers count rejections
    const { id } = store.insertRecord(
      record(4, { genesis: 'g0', status: 'rejected', reason: 'output-flood', valBpb: 0 }),
    )
    expect(store.getRecord(id)?.idx).toBe(4)
    expect(store.countsByAuthor('g0')).toEqual([
      { author: 'alice', keep: 1, discard: 0, crash: 1, rejected: 1, total: 3 },
    ])
    expect(store.groups('g0')).toEqual([{ tier: 'cpu-2c', budgetSeconds: 60 }])
    store.close()

    const check = new DatabaseSync(path)
    expect(check.prepare('PRAGMA user_version').get()).toEqual({ user_version: MIGRATIONS.length })
    expect(check.prepare('PRAGMA foreign_key_check').all()).toEqual([])
    const columns = (
      check.prepare('PRAGMA table_info(records)').all() as Array<{ name: string }>
    ).map((c) => c.name)
    expect(columns).toEqual(
      expect.arrayContaining(['version', 'budget_seconds', 'reason', 'unsandboxed', 'num_params']),
    )
    expect(columns).not.toContain('num_steps')
    expect(columns).not.toContain('total_tokens')
    // a status format 1 did not have is now allowed, one nobody has is not
    expect(() => check.exec(`UPDATE records SET status = 'nonsense' WHERE id = 'r1'`)).toThrow(
      /CHECK constraint/,
    )
    check.close()
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
