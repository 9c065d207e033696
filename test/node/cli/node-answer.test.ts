/**
 * node/cli/node-answer.ts with a node running: leaderboard, show and diff ask a real ApiServer
 * over createNodeApi and print the same bytes as from the store; --genesis and a stale api.json
 * read the store; the API's errors are named bodies with their status.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { get as httpGet } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getJson } from '../../../node/api/client.ts'
import { createNodeApi } from '../../../node/api/node-api.ts'
import { API_FILE, ApiServer } from '../../../node/api/server.ts'
import { Store } from '../../../node/store/store.ts'
import {
  A2,
  ALICE,
  BASE,
  buildHistory,
  COMMANDS,
  cli,
  G,
  h,
  historyDataDir,
  type Offline,
} from './helpers.ts'

let dataDir: string
let ids: Record<string, string>
let offline: Offline

beforeAll(async () => {
  ;({ dataDir, ids, offline } = await historyDataDir(COMMANDS))
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
    for (const args of COMMANDS) {
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
    for (const k of ['0', '1.5', 'x'])
      await expect(getJson(url, `/leaderboard?verify-k=${k}`)).rejects.toMatchObject({
        status: 400,
      })
    expect(await getJson(url, '/leaderboard?verify-k=1&tier=cpu-2c&rows=1')).toMatchObject({
      verifyK: 1,
      trusted: [ALICE],
      tiers: [{ rows: [{ author: ALICE, verification: 'verified', reproducedBy: ['carol'] }] }],
    })
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
