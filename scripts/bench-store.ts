/**
 * Store benchmarks, run alone or from bench-gossip.ts (merged into its JSON under "store"):
 *
 *   npm run bench:store -- [--sync-records 10000] [--board-records 100000] [--queries 200] [--json]
 *
 * (a) Late-joiner sync: a node process (scripts/testnet/p2p-node.ts) whose SQLite store holds
 *     N valid signed records of the genesis (4 authors, sequential seqs); a second, empty node
 *     bootstraps to it. Measured from spawning the joiner to its `sync` event with added == N,
 *     so it includes the joiner's start-up (also reported alone).
 * (b) Leaderboard queries: buildLeaderboard over a store of M records (many authors, two tiers
 *     at one budget, keeps / discards / crashes / rejections, lineages, re-measures of the
 *     tier's best), all tiers and one tier alternately. Target: p99 < 50 ms.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { buildLeaderboard } from '../node/leaderboard/leaderboard.ts'
import { NetworkStore } from '../node/store/network-store.ts'
import { Store } from '../node/store/store.ts'
import { sha256Hex } from '../protocol/hash.ts'
import type { EncodedRecord } from '../protocol/record.ts'
import { signRecord } from '../protocol/sign.ts'
import { type ExperimentFields, type ExperimentStatus, RECORD_VERSION } from '../protocol/types.ts'
import { spawnNode, stopAll, type TestnetNode } from './testnet/spawn.ts'

export interface StoreBenchOptions {
  syncRecords?: number
  boardRecords?: number
  queries?: number
  log?: (line: string) => void
}

const SYNC_AUTHORS = 4
const BOARD_AUTHORS = 400
const TIERS = ['cpu-2c', 'cuda-h100-80g'] as const
/** A diff of a typical one-hyperparameter change, padded to a realistic record size. */
const DIFF = `--- a/train.py\n+++ b/train.py\n@@ -10,3 +10,3 @@\n-LR = 0.01\n+LR = 0.02\n${' '.repeat(400)}\n`

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number
}

/** Deterministic PRNG (mulberry32), so every run builds the same history (and topology). */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The reason a crash or a rejection names (validation requires one, and none for the rest). */
function reasonOf(status: ExperimentStatus | undefined): string {
  return status === 'crash' ? 'timeout' : status === 'rejected' ? 'non-causal' : ''
}

function fields(
  over: Partial<ExperimentFields> & Pick<ExperimentFields, 'genesis' | 'author' | 'seq'>,
): ExperimentFields {
  return {
    version: RECORD_VERSION,
    parentHash: sha256Hex(`parent ${over.author} ${over.seq}`),
    fileHash: sha256Hex(`file ${over.author} ${over.seq}`),
    diff: DIFF,
    status: 'discard',
    valBpb: 1.5,
    budgetSeconds: 300,
    trainingSeconds: 300,
    startupSeconds: 12,
    evalSeconds: 14,
    probeSeconds: 4,
    totalSeconds: 330,
    numParams: 50_000_000,
    peakMemMb: 2048,
    seed: over.seq,
    tier: TIERS[0],
    reason: reasonOf(over.status),
    unsandboxed: false,
    description: 'raise the learning rate to 0.02',
    createdAt: 1_763_900_000_000 + over.seq * 1000,
    ...over,
  }
}

/** (a) Seconds from spawning an empty joiner to it holding all of a peer's N records. */
async function lateJoinerSync(n: number, dir: string, log: (line: string) => void) {
  const genesis = sha256Hex('bench store sync')
  const keys = await Promise.all(
    Array.from({ length: SYNC_AUTHORS }, () => generateKeyPair('Ed25519')),
  )
  log(`[store] signing ${n} records`)
  const records: EncodedRecord[] = []
  for (let i = 0; i < n; i++) {
    const key = keys[i % SYNC_AUTHORS]
    if (key === undefined) throw new Error('no key')
    const author = peerIdFromPrivateKey(key).toString()
    // Unknown parents: the joiner skips the diff check, as for most peers' records.
    records.push(
      await signRecord(fields({ genesis, author, seq: Math.floor(i / SYNC_AUTHORS) + 1 }), key),
    )
  }
  const seeded = new Store(join(dir, 'seed', 'store.sqlite'))
  const net = new NetworkStore(seeded, genesis)
  seeded.transaction(() => {
    for (const r of records) net.add(r)
  })
  seeded.close()

  const nodes: TestnetNode[] = []
  try {
    const seed = await spawnNode({ name: 'seed', dataDir: join(dir, 'seed'), genesis })
    nodes.push(seed)
    log(`[store] late joiner syncing ${n} records`)
    const t0 = performance.now()
    const joiner = await spawnNode({
      name: 'joiner',
      dataDir: join(dir, 'joiner'),
      genesis,
      bootstrap: [seed.multiaddrs[0] as string],
    })
    nodes.push(joiner)
    const readyMs = performance.now() - t0
    const synced = await joiner.waitFor(
      (e) => e.event === 'sync' && e.peer === seed.peerId && Number(e.added) === n,
      300_000,
      `sync of ${n} records`,
    )
    const totalMs = performance.now() - t0
    const count = await joiner.request({ cmd: 'count' }, 'count')
    if (Number(count.records) !== n) throw new Error(`joiner holds ${count.records}, want ${n}`)
    return { records: n, received: Number(synced.received), readyMs, totalMs }
  } finally {
    await stopAll(nodes)
  }
}

/**
 * A swarm history of `n` records. Each author works on one tier from the baseline: a KEEP
 * improves its current file (the lineage grows), discards, crashes and rejections branch off it, and now
 * and then it re-measures the tier's best file and adopts it when that is better.
 */
export function fillBoardStore(store: Store, genesis: string, n: number): void {
  const rand = rng(7)
  const baseline = sha256Hex('baseline train.py')
  const authors = Array.from({ length: BOARD_AUTHORS }, (_, i) => ({
    name: `12D3KooWbench${String(i).padStart(4, '0')}`,
    tier: TIERS[i % TIERS.length] as string,
    seq: 0,
    file: baseline,
    val: 0,
  }))
  const tierBest = new Map<string, { file: string; val: number }>()
  store.transaction(() => {
    for (let i = 0; i < n; i++) {
      const a = authors[i < BOARD_AUTHORS ? i : Math.floor(rand() * BOARD_AUTHORS)]
      if (a === undefined) throw new Error('no author')
      a.seq++
      const base = { genesis, author: a.name, seq: a.seq, tier: a.tier, createdAt: 1e12 + i }
      const best = tierBest.get(a.tier)
      let rec: ExperimentFields
      if (i < BOARD_AUTHORS) {
        a.val = 3 + (rand() - 0.5) * 0.05
        rec = fields({
          ...base,
          parentHash: '',
          fileHash: baseline,
          diff: '',
          status: 'keep',
          valBpb: a.val,
        })
      } else if (best !== undefined && best.file !== a.file && rand() < 0.05) {
        const val = best.val + (rand() - 0.5) * 0.01
        const adopt = val < a.val
        rec = fields({
          ...base,
          parentHash: best.file,
          fileHash: best.file,
          diff: '',
          status: adopt ? 'keep' : 'discard',
          valBpb: val,
        })
        if (adopt) {
          a.file = best.file
          a.val = val
        }
      } else {
        const roll = rand()
        const status: ExperimentStatus =
          roll < 0.15 ? 'keep' : roll < 0.8 ? 'discard' : roll < 0.95 ? 'crash' : 'rejected'
        const file = sha256Hex(`bench file ${i}`)
        const val =
          status === 'crash' || status === 'rejected'
            ? 0
            : status === 'keep'
              ? a.val - rand() * 0.002
              : a.val + rand() * 0.01
        rec = fields({ ...base, parentHash: a.file, fileHash: file, status, valBpb: val })
        if (status === 'keep') {
          a.file = file
          a.val = val
        }
      }
      store.insertRecord(rec)
      if (rec.status === 'keep' && (best === undefined || rec.valBpb < best.val))
        tierBest.set(a.tier, { file: rec.fileHash, val: rec.valBpb })
    }
  })
}

/** (b) buildLeaderboard latency over a store of `n` records. */
function leaderboardQueries(n: number, queries: number, dir: string, log: (line: string) => void) {
  const genesis = sha256Hex('bench store board')
  const store = new Store(join(dir, 'board', 'store.sqlite'))
  try {
    log(`[store] filling a store with ${n} records`)
    const t0 = performance.now()
    fillBoardStore(store, genesis, n)
    const fillMs = performance.now() - t0
    const all: number[] = []
    const oneTier: number[] = []
    let lineage = 0
    // Warm-up: prepared statements and the page cache, as in a running node.
    buildLeaderboard(store, genesis)
    for (let q = 0; q < queries; q++) {
      const tier = q % 2 === 1 ? TIERS[(q >> 1) % TIERS.length] : undefined
      const start = performance.now()
      const board = buildLeaderboard(store, genesis, tier === undefined ? {} : { tier })
      ;(tier === undefined ? all : oneTier).push(performance.now() - start)
      lineage = Math.max(lineage, ...board.tiers.map((t) => t.lineage.length))
    }
    const both = [...all, ...oneTier].sort((a, b) => a - b)
    all.sort((a, b) => a - b)
    oneTier.sort((a, b) => a - b)
    return {
      records: n,
      fillMs,
      maxLineage: lineage,
      allTiersP50Ms: percentile(all, 50),
      allTiersP99Ms: percentile(all, 99),
      oneTierP50Ms: percentile(oneTier, 50),
      oneTierP99Ms: percentile(oneTier, 99),
      p50Ms: percentile(both, 50),
      p99Ms: percentile(both, 99),
    }
  } finally {
    store.close()
  }
}

/** Both benchmarks, as named numbers (bench-gossip.ts's "store" section). */
export async function storeBenchmarks(
  options: StoreBenchOptions = {},
): Promise<Record<string, number>> {
  const log = options.log ?? (() => {})
  const dir = await mkdtemp(join(tmpdir(), 'loopnet-bench-store-'))
  try {
    const board = leaderboardQueries(
      options.boardRecords ?? 100_000,
      options.queries ?? 200,
      dir,
      log,
    )
    const sync = await lateJoinerSync(options.syncRecords ?? 10_000, dir, log)
    return {
      syncRecords: sync.records,
      syncTotalMs: sync.totalMs,
      syncJoinerReadyMs: sync.readyMs,
      syncAfterReadyMs: sync.totalMs - sync.readyMs,
      boardRecords: board.records,
      boardMaxLineage: board.maxLineage,
      boardP50Ms: board.p50Ms,
      boardP99Ms: board.p99Ms,
      boardAllTiersP50Ms: board.allTiersP50Ms,
      boardAllTiersP99Ms: board.allTiersP99Ms,
      boardOneTierP50Ms: board.oneTierP50Ms,
      boardOneTierP99Ms: board.oneTierP99Ms,
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The table bench-gossip.ts and this script print. */
export function formatStoreResults(r: Record<string, number>): string {
  const ms = (v: number | undefined) => (v === undefined ? '-' : `${v.toFixed(1)} ms`)
  return [
    `late joiner, ${r.syncRecords} records: ${ms(r.syncTotalMs)} to synced (joiner start-up ${ms(r.syncJoinerReadyMs)}, then ${ms(r.syncAfterReadyMs)})`,
    `leaderboard, ${r.boardRecords} records: p50 ${ms(r.boardP50Ms)}, p99 ${ms(r.boardP99Ms)} (all tiers p50 ${ms(r.boardAllTiersP50Ms)} p99 ${ms(r.boardAllTiersP99Ms)}; one tier p50 ${ms(r.boardOneTierP50Ms)} p99 ${ms(r.boardOneTierP99Ms)}; lineage up to ${r.boardMaxLineage})`,
  ].join('\n')
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      'sync-records': { type: 'string', default: '10000' },
      'board-records': { type: 'string', default: '100000' },
      queries: { type: 'string', default: '200' },
      json: { type: 'boolean', default: false },
    },
  })
  const results = await storeBenchmarks({
    syncRecords: Number(values['sync-records']),
    boardRecords: Number(values['board-records']),
    queries: Number(values.queries),
    log: values.json ? () => {} : (line) => process.stderr.write(`${line}\n`),
  })
  if (!values.json) console.log(`${formatStoreResults(results)}\n`)
  console.log(JSON.stringify(results))
}
