/**
 * node/cli/commands/leaderboard.ts: `loopnet leaderboard` as a real process over a real store
 * holding a small swarm history, with no node running.
 */
import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildLeaderboard } from '../../../../node/leaderboard/leaderboard.ts'
import { Store } from '../../../../node/store/store.ts'
import {
  A1,
  A2,
  ALICE,
  B1,
  BASE,
  cli,
  G,
  h,
  historyDataDir,
  type Offline,
  VIEWS,
} from '../helpers.ts'

let dataDir: string
let offline: Offline

beforeAll(async () => {
  ;({ dataDir, offline } = await historyDataDir(VIEWS))
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
    // the history as the board sees it: alice's deeper model leads, reproduced by carol (this
    // store's node), who now trusts alice; carol's own row is only her word here
    const board = JSON.parse(got?.stdout ?? '')
    expect(board).toMatchObject({ verifyK: 2, trusted: [ALICE] })
    const cpu = board.tiers.find((t: { tier: string }) => t.tier === 'cpu-2c')
    expect(cpu.baselineValBpb).toBe(1.51)
    expect(cpu.rows[0]).toMatchObject({
      rank: 1,
      author: ALICE,
      fileHash: h(A2),
      verification: 'reproduced-here',
      reproducedBy: ['carol'],
    })
    expect(cpu.rows[1]).toMatchObject({ author: 'carol', verification: 'provisional' })
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
    expect(row1).toMatch(/ here 1 {2}deeper model$/)
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

  it('--verify-k sets how many trusted reproducers make a row verified', async () => {
    const text = offline.get('leaderboard --verify-k 1')?.stdout ?? ''
    // carol reproduced alice's claim herself: one trusted reproducer is enough at k = 1
    const row1 = text.split('\n').find((l) => l.trimStart().startsWith('1  1.410000'))
    expect(row1).toMatch(/ verified 1 {2}deeper model$/)
    expect(text).toContain('verified = by 1 trusted authors (1 trusted here)')
    for (const k of ['0', '-1', '1.5', 'two']) {
      const bad = await cli(['leaderboard', `--verify-k=${k}`, '--data-dir', dataDir])
      expect(bad.exitCode).toBe(2)
      expect(bad.stderr).toContain(`--verify-k must be a positive integer, got '${k}'`)
    }
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
    expect(JSON.parse(json.stdout)).toEqual({
      genesis: '',
      verifyK: 2,
      trusted: [],
      tiers: [],
      nodes: [],
    })

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
