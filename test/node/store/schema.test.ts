/** node/store/schema.ts: a schema-4 store migrates to record format 2 (schema 5). */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../../node/store/schema.ts'
import { Store } from '../../../node/store/store.ts'
import { closeStores, record, stores } from './helpers.ts'

afterEach(closeStores)

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
