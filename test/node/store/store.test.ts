/**
 * node/store/store.ts, the SQLite store: records with their local facts in one transaction,
 * idempotent inserts, the queries the loop and the swarm need, content-addressed files, the
 * solo sink and swarm view over it, and durability across a SIGKILL of a writing process.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterEach, describe, expect, it } from 'vitest'
import { SoloSink, SoloSwarmView } from '../../../node/solo.ts'
import { localRecordId, Store } from '../../../node/store/store.ts'
import { sha256Hex } from '../../../protocol/hash.ts'
import { LOCAL_RUN } from '../../fixtures/p2p/records.ts'
import { closeStores, open, record, stores } from './helpers.ts'

afterEach(closeStores)

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

  it("keeps the author's seed noise of a record, and reads a record without it as written", async () => {
    const store = await open()
    const noisy = record(1, { noiseSigma: 0.0153, noiseDof: 4 })
    const plain = record(2)
    const a = store.insertRecord(noisy, { local: LOCAL_RUN })
    const b = store.insertRecord(plain, { local: LOCAL_RUN })
    expect(store.ownRuns('alice').map((r) => r.fields)).toEqual([noisy, plain])
    expect(store.getRecord(a.id)).toMatchObject({ noiseSigma: 0.0153, noiseDof: 4 })
    expect(store.getRecord(b.id)).not.toHaveProperty('noiseSigma')
    expect(store.getRecord(b.id)).not.toHaveProperty('noiseDof')
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
    const storeUrl = new URL('../../../node/store/store.ts', import.meta.url).href
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
