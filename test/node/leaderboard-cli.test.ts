/**
 * `loopnet leaderboard`, `show` and `diff` as real processes over a real store holding a small
 * swarm history (three nodes, baselines, keeps, a discard, a crash, a re-measure, two tiers):
 * read from the store when no node runs, and through a real ApiServer over createNodeApi when
 * one does, printing the same bytes both ways.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { get as httpGet } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { applyPatch, createPatch } from 'diff'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getJson } from '../../node/api/client.ts'
import { createNodeApi } from '../../node/api/node-api.ts'
import { API_FILE, ApiServer } from '../../node/api/server.ts'
import { buildLeaderboard } from '../../node/leaderboard/leaderboard.ts'
import { Store } from '../../node/store/store.ts'
import { sha256Hex } from '../../protocol/hash.ts'
import {
  type ExperimentFields,
  type ExperimentStatus,
  RECORD_VERSION,
} from '../../protocol/types.ts'

const bin = fileURLToPath(new URL('../../bin/loopnet.js', import.meta.url))
const G = sha256Hex('leaderboard-cli genesis')

const ALICE = '12D3KooWAliceAliceAliceAliceAliceAliceAliceAliceAlic'
const BOB = '12D3KooWBobBobBobBobBobBobBobBobBobBobBobBobBobBobBo'
const CAROL = 'carol'

const BASE = 'LR = 0.01\nDEPTH = 4\nWIDTH = 128\n'
const A1 = 'LR = 0.02\nDEPTH = 4\nWIDTH = 128\n'
const A2 = 'LR = 0.02\nDEPTH = 6\nWIDTH = 128\n'
const B1 = 'LR = 0.01\nDEPTH = 4\nWIDTH = 192\n'
const C1 = 'LR = 0.05\nDEPTH = 6\nWIDTH = 128\n'
const B2 = 'LR = 0.01\nDEPTH = 4\nWIDTH = 4096\n'
const h = sha256Hex

async function cli(args: string[]) {
  return execa(process.execPath, ['--no-warnings', bin, ...args], { reject: false })
}

/** The history: who found what, in order. Returns record ids by name. */
function buildHistory(store: Store): Record<string, string> {
  const seq = new Map<string, number>()
  let t = 1_763_900_000_000
  const ids: Record<string, string> = {}
  const add = (
    name: string,
    author: string,
    parent: string | undefined,
    text: string,
    status: ExperimentStatus,
    valBpb: number,
    description: string,
    over: Partial<ExperimentFields> = {},
  ): void => {
    const s = (seq.get(author) ?? 0) + 1
    seq.set(author, s)
    t += 60_000
    const fields: ExperimentFields = {
      version: RECORD_VERSION,
      genesis: G,
      author,
      seq: s,
      parentHash: parent === undefined ? '' : h(parent),
      fileHash: h(text),
      diff:
        parent === undefined || parent === text
          ? ''
          : createPatch('train.py', parent, text, '', ''),
      status,
      valBpb,
      budgetSeconds: 60,
      trainingSeconds: 60,
      startupSeconds: 4.5,
      evalSeconds: 5.25,
      probeSeconds: 1.5,
      totalSeconds: 71.5,
      numParams: 3_407_872,
      peakMemMb: 812,
      seed: 4242,
      tier: 'cpu-2c',
      reason: '',
      unsandboxed: false,
      description,
      createdAt: t,
      ...over,
    }
    ids[name] = store.insertRecord(fields, { fileText: text }).id
  }
  add('aliceBase', ALICE, undefined, BASE, 'keep', 1.5, 'baseline')
  add('bobBase', BOB, undefined, BASE, 'keep', 1.52, 'baseline')
  add('carolBase', CAROL, undefined, BASE, 'keep', 1.51, 'baseline')
  add('a1', ALICE, BASE, A1, 'keep', 1.45, 'double the learning rate')
  // bob's record carries no diff: `loopnet diff` computes one from the two held files
  add('b1', BOB, BASE, B1, 'keep', 1.48, 'wider model', { diff: '' })
  add('a2', ALICE, A1, A2, 'keep', 1.41, 'deeper model')
  add('c1', CAROL, A2, C1, 'discard', 1.43, 'learning rate 0.05')
  add('b2', BOB, B1, B2, 'crash', 0, 'OOM: width 4096', { reason: 'exit-code' })
  add('carolRemeasure', CAROL, A2, A2, 'keep', 1.412, 'confirm deeper model')
  add('dave', 'dave', undefined, BASE, 'keep', 1.2, 'baseline', {
    tier: 'cuda-h100-80g',
    budgetSeconds: 300,
  })
  // this store is carol's: her harness rejected bob's wider model when she re-ran it
  store.setState('node_id', CAROL)
  add('carolRejects', CAROL, B1, B1, 'rejected', 0, 'wider model, run here', {
    reason: 'non-causal',
  })
  return ids
}

let dataDir: string
let ids: Record<string, string>
/** What the CLI printed with no node running, by argument list. */
const offline = new Map<string, { stdout: string; exitCode: number | undefined }>()
const VIEWS: string[][] = [
  ['leaderboard'],
  ['leaderboard', '--json'],
  ['leaderboard', '--tier', 'cpu-2c', '--rows', '2'],
  ['leaderboard', '--budget', '300'],
]

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'loopnet-lb-cli-'))
  const store = new Store(join(dataDir, 'store.sqlite'))
  try {
    ids = buildHistory(store)
  } finally {
    store.close()
  }
  for (const args of [...VIEWS, ['show', h(A2).slice(0, 12)], ['diff', h(A2)]]) {
    const res = await cli([...args, '--data-dir', dataDir])
    expect(res.stderr).toBe('')
    offline.set(args.join(' '), { stdout: res.stdout, exitCode: res.exitCode })
  }
})

describe('loopnet leaderboard with no node running', () => {
  it('--json is the store-built leaderboard', async () => {
    const store = new Store(join(dataDir, 'store.sqlite'))
    let expected: unknown
    try {
      expected = JSON.parse(JSON.stringify(buildLeaderboard(store, G)))
    } finally {
      store.close()
    }
    const got = offline.get('leaderboard --json')
    expect(got?.exitCode).toBe(0)
    expect(JSON.parse(got?.stdout ?? '')).toEqual(expected)
    // the history as the board sees it: alice's deeper model leads, confirmed by carol
    const board = JSON.parse(got?.stdout ?? '')
    const cpu = board.tiers.find((t: { tier: string }) => t.tier === 'cpu-2c')
    expect(cpu.baselineValBpb).toBe(1.51)
    expect(cpu.rows[0]).toMatchObject({ rank: 1, author: ALICE, fileHash: h(A2), confirmations: 1 })
    expect(cpu.lineage.map((r: { fileHash: string }) => r.fileHash)).toEqual([
      h(A2),
      h(A1),
      h(BASE),
    ])
  })

  it('prints per-tier tables, the lineage of the best and per-node counts', () => {
    const text = offline.get('leaderboard')?.stdout ?? ''
    expect(text).toContain(`genesis ${G.slice(0, 12)}`)
    expect(text).toContain('tier cpu-2c  budget 60 s  baseline 1.510000')
    expect(text).toContain('tier cuda-h100-80g  budget 300 s  baseline 1.200000')
    const lines = text.split('\n')
    const row1 = lines.find((l) => l.trimStart().startsWith('1  1.410000'))
    expect(row1).toBeDefined()
    expect(row1).toContain('-0.100000')
    expect(row1).toContain('12D3Ko…ceAlic')
    expect(row1).toContain(h(A2).slice(0, 12))
    expect(row1).toMatch(/ 1 {2}deeper model$/)
    // lineage: deeper model <- double the learning rate <- baseline
    const lineage = lines.slice(lines.findIndex((l) => l.includes('lineage of the best')))
    expect(lineage[1]).toMatch(/^ {4}file +val_bpb/)
    expect(lineage[2]).toContain(h(A2).slice(0, 12))
    expect(lineage[3]).toContain(h(A1).slice(0, 12))
    expect(lineage[4]).toMatch(/^ {4}\S+ {2}1\.500000 {2}12D3Ko…ceAlic {2}baseline$/)
    // bob's wider model (1.48) was rejected here when carol re-ran it: listed apart, and
    // bob's rank is his baseline's
    const apart = lines.indexOf('  not ranked: claims this node ran and could not reproduce')
    expect(apart).toBeGreaterThan(0)
    expect(lines[apart + 2]).toMatch(
      new RegExp(
        `^ {4}1\\.480000 {2}12D3Ko…bBobBo {2}${h(B1).slice(0, 12)} {2}rejected here: non-causal {2}wider model$`,
      ),
    )
    const bobRow = lines.find((l) => /^ +3 {2}/.test(l))
    expect(bobRow).toMatch(/^ +3 {2}1\.520000 .*12D3Ko…bBobBo/)
    // node counts: bob 2 keep, 0 discard, 1 crash, 0 rejected; carol 1 rejected
    const nodes = lines.slice(lines.indexOf('nodes'))
    expect(nodes[1]).toMatch(/^ {2}node +keep +discard +crash +rejected +total$/)
    expect(nodes.find((l) => l.includes('12D3Ko…bBobBo'))).toMatch(/ 2 +0 +1 +0 +3$/)
    expect(nodes.find((l) => l.includes('carol'))).toMatch(/ 2 +1 +0 +1 +4$/)
    expect(text).not.toMatch(/ +$/m) // no trailing blanks
  })

  it('--budget shows one budget: results of different budgets are never ranked together', async () => {
    const text = offline.get('leaderboard --budget 300')?.stdout ?? ''
    expect(text).toContain('tier cuda-h100-80g  budget 300 s  baseline 1.200000')
    expect(text).not.toContain('cpu-2c')
    const bad = await cli(['leaderboard', '--budget', '0', '--data-dir', dataDir])
    expect(bad.exitCode).toBe(2)
    expect(bad.stderr).toContain("--budget must be a positive number of seconds, got '0'")
  })

  it('--tier and --rows narrow the board', () => {
    const text = offline.get('leaderboard --tier cpu-2c --rows 2')?.stdout ?? ''
    expect(text).not.toContain('cuda-h100-80g')
    expect(text).toContain('tier cpu-2c')
    expect(text).toMatch(/^ +2 {2}1\.4/m)
    expect(text).not.toMatch(/^ +3 {2}1\./m)
  })

  it('an empty store says so and exits 0; a data dir without a store is a user error', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'loopnet-lb-empty-'))
    new Store(join(empty, 'store.sqlite')).close()
    const res = await cli(['leaderboard', '--data-dir', empty])
    expect(res.exitCode).toBe(0)
    expect(res.stdout).toBe('no experiments yet: the leaderboard is empty')
    const json = await cli(['leaderboard', '--json', '--data-dir', empty])
    expect(JSON.parse(json.stdout)).toEqual({ genesis: '', tiers: [], nodes: [] })

    const none = await mkdtemp(join(tmpdir(), 'loopnet-lb-none-'))
    const missing = await cli(['leaderboard', '--data-dir', none])
    expect(missing.exitCode).not.toBe(0)
    expect(missing.stdout).toBe('')
    expect(missing.stderr).toBe(
      `loopnet: no loopnet data in ${none} (run \`loopnet start\` there first)`,
    )
    expect(existsSync(join(none, 'store.sqlite'))).toBe(false)
  })
})

/** A data dir whose store holds only erin's baseline records, under chosen ids. */
async function storeWithBaselines(
  records: Array<{ seq: number; id: string; createdAt: number }>,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loopnet-lb-erin-'))
  const store = new Store(join(dir, 'store.sqlite'))
  try {
    for (const { seq, id, createdAt } of records)
      store.insertRecord(
        {
          version: RECORD_VERSION,
          genesis: G,
          author: 'erin',
          seq,
          parentHash: '',
          fileHash: h(BASE),
          diff: '',
          status: 'keep',
          valBpb: 1.5,
          budgetSeconds: 1,
          trainingSeconds: 1,
          startupSeconds: 0,
          evalSeconds: 0,
          probeSeconds: 0,
          totalSeconds: 1,
          numParams: 1,
          peakMemMb: 1,
          seed: 1,
          tier: 'cpu-2c',
          reason: '',
          unsandboxed: false,
          description: 'baseline',
          createdAt,
        },
        { id },
      )
  } finally {
    store.close()
  }
  return dir
}

describe('loopnet show and diff', () => {
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

  it('diff prints the unified diff that turns the parent into the file', async () => {
    const stdout = offline.get(`diff ${h(A2)}`)?.stdout ?? ''
    expect(stdout).toMatch(/^--- train\.py/m)
    expect(applyPatch(A1, `${stdout}\n`)).toBe(A2)
    // bob's record has no diff: one is computed from the held parent and file
    const computed = await cli(['diff', h(B1).slice(0, 12), '--data-dir', dataDir])
    expect(computed.exitCode).toBe(0)
    expect(applyPatch(BASE, computed.stdout)).toBe(B1)
    const json = JSON.parse((await cli(['diff', h(B1), '--json', '--data-dir', dataDir])).stdout)
    expect(json).toMatchObject({ fileHash: h(B1), parentHash: h(BASE), computed: true })
    expect(json.record.id).toBe(ids.b1)
  })

  it('unknown, malformed and diff-less hashes are one-line user errors', async () => {
    const unknown = await cli(['show', 'deadbeefdeadbeef', '--data-dir', dataDir])
    expect(unknown.exitCode).not.toBe(0)
    expect(unknown.stdout).toBe('')
    expect(unknown.stderr).toBe(
      `loopnet: no record id or train file hash in ${dataDir} starts with deadbeefdeadbeef`,
    )
    const short = await cli(['show', 'abc', '--data-dir', dataDir])
    expect(short.stderr).toBe("loopnet: 'abc' is too short: give at least 8 hex digits")
    const noDiff = await cli(['diff', h(BASE), '--data-dir', dataDir])
    expect(noDiff.exitCode).toBe(unknown.exitCode)
    expect(noDiff.stderr).toBe(
      `loopnet: file ${h(BASE).slice(0, 12)} is a baseline: it has no parent to diff against`,
    )
    const unknownDiff = await cli(['diff', 'deadbeefdeadbeef', '--data-dir', dataDir])
    expect(unknownDiff.stderr).toBe('loopnet: no train file hash starts with deadbeefdeadbeef')
    expect(unknownDiff.exitCode).toBe(unknown.exitCode)
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

describe('with a node API running', () => {
  let store: Store
  let server: ApiServer
  /** The server's data dir holds only api.json: reading it offline would fail. */
  let apiDir: string

  beforeAll(async () => {
    apiDir = await mkdtemp(join(tmpdir(), 'loopnet-lb-api-'))
    store = new Store(join(dataDir, 'store.sqlite'))
    server = new ApiServer({
      dataDir: apiDir,
      api: createNodeApi({ store, genesis: G, status: () => ({ peerId: 'test' }) }),
    })
    await server.start()
  })

  afterAll(async () => {
    await server.stop()
    store.close()
  })

  it('the CLI asks the API (no store to read) and prints byte-identical output', async () => {
    expect(existsSync(join(apiDir, API_FILE))).toBe(true)
    expect(existsSync(join(apiDir, 'store.sqlite'))).toBe(false)
    for (const args of [...VIEWS, ['show', h(A2).slice(0, 12)], ['diff', h(A2)]]) {
      const before = server.requests
      const res = await cli([...args, '--data-dir', apiDir])
      expect(res.stderr, args.join(' ')).toBe('')
      expect(res.exitCode, args.join(' ')).toBe(0)
      expect(server.requests, args.join(' ')).toBeGreaterThan(before)
      expect(res.stdout, args.join(' ')).toBe(offline.get(args.join(' '))?.stdout)
    }
    // show by record id answers from /records/<id> alone; --json too
    const before = server.requests
    const res = await cli(['show', ids.b2 ?? '', '--json', '--data-dir', apiDir])
    expect(server.requests).toBe(before + 1)
    expect(JSON.parse(res.stdout).record.record).toMatchObject({ status: 'crash', seq: 3 })
  })

  it('--genesis reads the store directly, and an api.json nobody answers falls back to it', async () => {
    const before = server.requests
    const direct = await cli(['leaderboard', '--genesis', G, '--data-dir', dataDir])
    expect(direct.stdout).toBe(offline.get('leaderboard')?.stdout)
    // the node's data dir has no store here, so reading it directly fails: the API was skipped
    const skipped = await cli(['leaderboard', '--genesis', G, '--data-dir', apiDir])
    expect(skipped.stderr).toMatch(/^loopnet: no loopnet data in /)
    // a live pid (this process) but a port nothing listens on: the node is gone
    const stale = await mkdtemp(join(tmpdir(), 'loopnet-lb-stale-'))
    const copy = new Store(join(stale, 'store.sqlite'))
    try {
      buildHistory(copy)
    } finally {
      copy.close()
    }
    writeFileSync(
      join(stale, API_FILE),
      JSON.stringify({ url: 'http://127.0.0.1:9', pid: process.pid }),
    )
    const fallback = await cli(['leaderboard', '--data-dir', stale])
    expect(fallback.stderr).toBe('')
    expect(fallback.stdout).toBe(offline.get('leaderboard')?.stdout)
    expect(server.requests).toBe(before)
  })

  it('answers errors with a named body and its status; the CLI reports them as offline', async () => {
    const url = server.url ?? ''
    const res = await fetch(`${url}/records/deadbeefdeadbeef`)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({
      error: 'UnknownHashError',
      message: 'no record id starts with deadbeefdeadbeef',
    })
    const file = await fetch(`${url}/files/${'0'.repeat(64)}`)
    expect(file.status).toBe(404)
    expect(((await file.json()) as { error: string }).error).toBe('UnknownHashError')
    await expect(getJson(url, '/diff/nothex!!')).rejects.toMatchObject({ name: 'BadHashError' })
    await expect(getJson(url, '/files/%zz')).rejects.toMatchObject({
      name: 'ApiError',
      status: 400,
    })
    // a page that rebound its own name to 127.0.0.1 sends that name as Host
    const rebound = await new Promise<number | undefined>((resolve, reject) =>
      httpGet(`${url}/status`, { headers: { host: 'attacker.example:80' } }, (res) => {
        res.resume()
        resolve(res.statusCode)
      }).on('error', reject),
    )
    expect(rebound).toBe(403)
    await expect(getJson(url, '/leaderboard?rows=0')).rejects.toMatchObject({ status: 400 })
    await expect(getJson(url, '/leaderboard?rows=1e20')).rejects.toMatchObject({ status: 400 })
    await expect(getJson(url, '/leaderboard?budget=-1')).rejects.toMatchObject({ status: 400 })
    expect(await getJson(url, '/leaderboard?budget=300')).toMatchObject({
      tiers: [{ tier: 'cuda-h100-80g', budgetSeconds: 300 }],
    })
    await expect(getJson(url, '/records?since=1e20')).rejects.toMatchObject({ status: 400 })
    expect(await getJson(url, '/leaderboard?rows=1&tier=cpu-2c')).toMatchObject({
      tiers: [{ tier: 'cpu-2c', rows: [{ rank: 1, fileHash: h(A2) }] }],
    })
    expect(await getJson(url, '/status')).toEqual({ peerId: 'test' })
    const page = await getJson<{ records: Array<{ id: string }>; cursor: number }>(
      url,
      '/records?since=0&limit=3',
    )
    expect(page.records.map((r) => r.id)).toEqual([ids.aliceBase, ids.bobBase, ids.carolBase])
    expect(page.cursor).toBe(3)

    const cliErr = await cli(['diff', h(BASE).slice(0, 8), '--data-dir', apiDir])
    expect(cliErr.exitCode).not.toBe(0)
    expect(cliErr.stderr).toBe(
      `loopnet: file ${h(BASE).slice(0, 12)} is a baseline: it has no parent to diff against`,
    )
  })
})
