/**
 * node/cli/commands/show.ts: `loopnet show` of a record (by id or a prefix) and of a train file,
 * as a real process over a real store holding a small swarm history.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import {
  A1,
  A2,
  ALICE,
  B1,
  cli,
  h,
  historyDataDir,
  type Offline,
  storeWithBaselines,
} from '../helpers.ts'

let dataDir: string
let ids: Record<string, string>
let offline: Offline

beforeAll(async () => {
  ;({ dataDir, ids, offline } = await historyDataDir([['show', h(A2).slice(0, 12)]]))
})

describe('loopnet show', () => {
  it('shows a record by id and by a unique id prefix', async () => {
    const id = ids.a2 ?? ''
    const full = await cli(['show', id, '--data-dir', dataDir])
    expect(full.exitCode).toBe(0)
    expect(full.stdout).toContain(`record      ${id}`)
    expect(full.stdout).toContain('kind        experiment, keep')
    expect(full.stdout).toContain('val_bpb     1.410000')
    expect(full.stdout).toContain(`parent      ${h(A1)}`)
    expect(full.stdout).toContain('--- diff against the parent ---')
    expect(full.stdout.endsWith(`--- train file ${h(A2)} (3 lines) ---\n${A2.trimEnd()}`)).toBe(
      true,
    )
    // every phase the harness measured, the model, the seed, the sandbox; no steps or tokens
    expect(full.stdout).toContain('tier        cpu-2c, budget 60 s')
    expect(full.stdout).toContain(
      'seconds     training 60.0 s, startup 4.5 s, eval 5.3 s, probes 1.5 s, total 71.5 s',
    )
    expect(full.stdout).toContain('model       3,407,872 params, peak 812 MB, seed 4242')
    expect(full.stdout).toContain('sandbox     yes')
    expect(full.stdout).not.toMatch(/steps|tokens/)
    const prefix = await cli(['show', id.slice(0, 10), '--data-dir', dataDir])
    expect(prefix.stdout).toBe(full.stdout)

    const json = await cli(['show', id.slice(0, 8), '--json', '--data-dir', dataDir])
    const shown = JSON.parse(json.stdout)
    expect(shown.record.record).toMatchObject({ id, author: ALICE, seq: 3, fileHash: h(A2) })
    expect(shown.record.fileText).toBe(A2)
  })

  it('shows a train file by hash with the records that made and used it', async () => {
    const json = await cli(['show', h(A2), '--json', '--data-dir', dataDir])
    const { file } = JSON.parse(json.stdout)
    expect(file.hash).toBe(h(A2))
    expect(file.text).toBe(A2)
    expect(file.producedBy.map((r: { id: string }) => r.id)).toEqual([ids.a2, ids.carolRemeasure])
    expect(file.builtOn.map((r: { id: string }) => r.id)).toEqual([ids.c1])
    const text = offline.get(`show ${h(A2).slice(0, 12)}`)?.stdout ?? ''
    expect(text.split('\n')[0]).toBe(`train file  ${h(A2)}`)
    expect(text).toContain('made by (2):')
    expect(text).toContain('re-measure confirm deeper model')
    expect(text).toContain('used as parent by (1):')
    expect(text).toContain('discard  1.430000  cpu-2c 60 s  learning rate 0.05')
  })

  it('shows a rejected record and the records of a file with their reasons', async () => {
    const rejected = await cli(['show', ids.carolRejects ?? '', '--data-dir', dataDir])
    expect(rejected.exitCode).toBe(0)
    expect(rejected.stdout).toContain('kind        re-measure, rejected (non-causal)')
    expect(rejected.stdout).toContain('val_bpb     none (rejected: never scored)')
    const file = await cli(['show', h(B1), '--data-dir', dataDir])
    expect(file.stdout).toContain('made by (2):')
    const lines = file.stdout.split('\n')
    expect(lines).toContain(
      `  ${ids.carolRejects?.slice(0, 12)}  carol #4  rejected (non-causal)         -  cpu-2c 60 s  re-measure wider model, run here`,
    )
    expect(lines).toContain(
      `  ${ids.b2?.slice(0, 12)}  12D3Ko…bBobBo #3  crash (exit-code)         -  cpu-2c 60 s  OOM: width 4096`,
    )
  })

  it('shows a record whose created_at is valid on the wire but no date', async () => {
    const id = `c0ffee${'0'.repeat(58)}`
    // a safe integer past the last date JavaScript has
    const dir = await storeWithBaselines([{ seq: 1, id, createdAt: 9e15 }])
    const res = await cli(['show', id, '--data-dir', dir])
    expect(res.exitCode, res.stderr).toBe(0)
    expect(res.stdout).toContain('created     9000000000000000 (not a date)')
  })

  it('an id prefix shared by two records is ambiguous', async () => {
    const dir = await storeWithBaselines([
      { seq: 1, id: `feedface${'0'.repeat(56)}`, createdAt: 1 },
      { seq: 2, id: `feedface${'1'.repeat(56)}`, createdAt: 2 },
    ])
    const res = await cli(['show', 'feedface', '--data-dir', dir])
    expect(res.exitCode).not.toBe(0)
    expect(res.stderr).toMatch(
      /^loopnet: feedface is the start of 2 record ids .*give more digits$/,
    )
    const unique = await cli(['show', 'feedface1', '--json', '--data-dir', dir])
    expect(JSON.parse(unique.stdout).record.record.seq).toBe(2)
  })
})
