/**
 * Gossip benchmark: loopnet nodes vs bare gossipsub nodes, same N, same topology recipe, same
 * message count, size and schedule, in one run.
 *
 *   npm run bench:gossip -- [--n 10,25,50] [--messages 200] [--size 2048] [--interval-ms 50]
 *                           [--kinds bare,loopnet] [--rounds 1] [--json] [--out FILE]
 *                           [--store-only]
 *
 * Each node is a process on loopback (scripts/testnet/). Node i dials up to 3 random earlier
 * nodes (a sparse random graph, not a star). Latency is publish -> received by all, from
 * wall-clock timestamps (performance.timeOrigin + performance.now()) that are comparable across
 * processes on one machine. CPU ms/msg is each node's CPU time (process.cpuUsage) over the
 * publishing and draining, per message, averaged over nodes: on a 2-core box the swarm is
 * CPU-bound, so it explains the latencies and moves far less between runs than they do.
 * Targets: loopnet/bare latency <= 1.0, 100 % delivery, RSS <= bare + 30 MiB. Then the
 * store benchmarks (scripts/bench-store.ts: a late joiner syncing 10k records,
 * leaderboard queries over 100k); --store-only runs just those.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { sha256Hex } from '../protocol/hash.ts'
import { formatStoreResults, rng, storeBenchmarks } from './bench-store.ts'
import { type NodeKind, spawnNode, stopAll, type TestnetNode } from './testnet/spawn.ts'

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '10,25,50' },
    messages: { type: 'string', default: '200' },
    size: { type: 'string', default: '2048' },
    'interval-ms': { type: 'string', default: '50' },
    kinds: { type: 'string', default: 'bare,loopnet' },
    degree: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
    'store-only': { type: 'boolean', default: false },
  },
})

const SIZES = values['store-only'] ? [] : values.n.split(',').map(Number)
const MESSAGES = Number(values.messages)
const SIZE = Number(values.size)
const INTERVAL_MS = Number(values['interval-ms'])
const KINDS = values.kinds.split(',') as NodeKind[]
const DEGREE = Number(values.degree)
const SEED = Number(values.seed)
/**
 * Each N runs both kinds this many times, alternating which goes first, and reports medians:
 * one run of either kind moves 10-40 % with whatever else the box is doing.
 */
const ROUNDS = Number(values.rounds)
/** Nodes started at once: start-up is CPU-bound (~2.5 s each on 2 cores). */
const SPAWN_BATCH = 4
/** After the last publish, how long stragglers may take before they count as undelivered. */
const DRAIN_MS = 30_000
/**
 * A loopnet record wraps its payload (the diff) in 400 bytes of fields and signature: the diff
 * is shortened by that much so both kinds put SIZE bytes on the wire per message (the table's
 * bytes column shows it).
 */
const RECORD_OVERHEAD = 400
const MiB = 1024 * 1024

function log(line: string): void {
  if (!values.json) process.stderr.write(`${line}\n`)
}

function pick<T>(items: T[], k: number, rand: () => number): T[] {
  const copy = [...items]
  const out: T[] = []
  while (out.length < k && copy.length > 0) {
    out.push(copy.splice(Math.floor(rand() * copy.length), 1)[0] as T)
  }
  return out
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number
}

interface RunResult {
  kind: NodeKind
  n: number
  messages: number
  messageBytes: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  delivery: number
  rssMeanMiB: number
  rssMaxMiB: number
  startupMeanMs: number
  /** CPU time per published message per node while publishing and draining (all nodes' mean). */
  cpuMsPerMessage: number
}

async function startSwarm(
  kind: NodeKind,
  n: number,
  dir: string,
): Promise<{ nodes: TestnetNode[]; startupMs: number[] }> {
  const rand = rng(SEED * 1000 + n)
  const genesis = sha256Hex(`bench ${n}`)
  const nodes: TestnetNode[] = []
  const startupMs: number[] = []
  for (let start = 0; start < n; start += start === 0 ? 1 : SPAWN_BATCH) {
    const end = start === 0 ? 1 : Math.min(n, start + SPAWN_BATCH)
    const batch = await Promise.all(
      Array.from({ length: end - start }, async (_, j) => {
        const i = start + j
        const peers = pick(nodes.slice(0, start), DEGREE, rand)
        const t0 = performance.now()
        const node = await spawnNode({
          kind,
          name: `${kind}-${i}`,
          dataDir: join(dir, `${kind}-${n}-${i}`),
          genesis,
          bootstrap: peers.map((p) => p.multiaddrs[0] as string),
          readyTimeoutMs: 120_000,
        })
        startupMs.push(performance.now() - t0)
        return node
      }),
    )
    nodes.push(...batch)
  }
  // Every node in some mesh: gossip can flow everywhere.
  await Promise.all(nodes.map((node) => node.waitFor((e) => e.event === 'graft', 60_000, 'graft')))
  return { nodes, startupMs }
}

/** Publishes `count` messages on a schedule; resolves when all are received by all (or drain). */
async function measure(nodes: TestnetNode[], count: number, seed: number, warmup: boolean) {
  const rand = rng(seed)
  const n = nodes.length
  const sizeFor = (node: TestnetNode) =>
    node.name.startsWith('loopnet') ? SIZE - RECORD_OVERHEAD : SIZE
  const published = new Map<string, { t: number; publisher: number }>()
  const received = new Map<string, Map<number, number>>()
  let complete = 0
  let resolveAll: () => void = () => {}
  const allDone = new Promise<void>((resolve) => {
    resolveAll = resolve
  })
  const check = (id: string) => {
    const pub = published.get(id)
    const got = received.get(id)
    if (pub === undefined || got === undefined) return
    got.delete(pub.publisher)
    if (got.size === n - 1 && !(got as Map<number, number> & { done?: boolean }).done) {
      ;(got as Map<number, number> & { done?: boolean }).done = true
      if (++complete === count) resolveAll()
    }
  }
  const unsubscribe = nodes.map((node, i) =>
    node.onEvent((e) => {
      if (e.event !== 'record' || e.via === 'self') return
      const id = String(e.id)
      let got = received.get(id)
      if (got === undefined) {
        got = new Map()
        received.set(id, got)
      }
      if (!got.has(i)) got.set(i, Number(e.t))
      check(id)
    }),
  )
  const ids: string[] = []
  let bytes = 0
  const start = performance.now()
  for (let m = 0; m < count; m++) {
    const publisher = Math.floor(rand() * n)
    const node = nodes[publisher] as TestnetNode
    const reply = await node.request({ cmd: 'publish', size: sizeFor(node) }, 'published', 30_000)
    if (reply.event !== 'published') throw new Error(`publish failed: ${JSON.stringify(reply)}`)
    const id = String(reply.id)
    ids.push(id)
    bytes = Number(reply.bytes ?? sizeFor(node))
    published.set(id, { t: Number(reply.t), publisher })
    check(id)
    // Fixed schedule from the start, not from each reply: slow replies do not slow the load.
    const wait = start + (m + 1) * INTERVAL_MS - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
  }
  const drained = await Promise.race([
    allDone.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), warmup ? 60_000 : DRAIN_MS)),
  ])
  for (const u of unsubscribe) u()
  if (warmup && !drained) throw new Error('warm-up messages did not reach every node')
  const latencies: number[] = []
  let deliveries = 0
  for (const id of ids) {
    const pub = published.get(id) as { t: number; publisher: number }
    const got = received.get(id) ?? new Map<number, number>()
    got.delete(pub.publisher)
    deliveries += got.size
    if (got.size === n - 1) latencies.push(Math.max(...got.values()) - pub.t)
  }
  latencies.sort((a, b) => a - b)
  return { latencies, delivery: deliveries / (ids.length * (n - 1)), bytes }
}

async function statsOf(nodes: TestnetNode[]): Promise<{ rssMiB: number[]; cpuMs: number[] }> {
  const replies = await Promise.all(nodes.map((n) => n.request({ cmd: 'stats' }, 'stats')))
  return {
    rssMiB: replies.map((r) => Number(r.rss) / MiB),
    cpuMs: replies.map((r) => Number(r.cpuMs)),
  }
}

async function run(kind: NodeKind, n: number, dir: string): Promise<RunResult> {
  log(`[${kind} n=${n}] starting ${n} processes`)
  const { nodes, startupMs } = await startSwarm(kind, n, dir)
  try {
    log(`[${kind} n=${n}] warm-up`)
    await measure(nodes, 3, SEED + 7, true)
    log(`[${kind} n=${n}] publishing ${MESSAGES} messages, one per ${INTERVAL_MS} ms`)
    const before = await statsOf(nodes)
    const { latencies, delivery, bytes } = await measure(nodes, MESSAGES, SEED + n, false)
    const after = await statsOf(nodes)
    const rss = after.rssMiB
    const cpuMs = after.cpuMs.reduce((sum, ms, i) => sum + ms - (before.cpuMs[i] ?? 0), 0)
    return {
      kind,
      n,
      messages: MESSAGES,
      messageBytes: bytes,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1) ?? Number.NaN,
      delivery,
      rssMeanMiB: rss.reduce((a, b) => a + b, 0) / rss.length,
      rssMaxMiB: Math.max(...rss),
      startupMeanMs: startupMs.reduce((a, b) => a + b, 0) / startupMs.length,
      cpuMsPerMessage: cpuMs / n / MESSAGES,
    }
  } finally {
    await stopAll(nodes)
  }
}

function fmt(v: number, digits = 0): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '-'
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** The median of every measured number over the rounds of one kind and N. */
function medianOf(runs: RunResult[]): RunResult {
  const first = runs[0] as RunResult
  const m = (pick: (r: RunResult) => number) => median(runs.map(pick))
  return {
    ...first,
    p50Ms: m((r) => r.p50Ms),
    p99Ms: m((r) => r.p99Ms),
    maxMs: m((r) => r.maxMs),
    delivery: Math.min(...runs.map((r) => r.delivery)),
    rssMeanMiB: m((r) => r.rssMeanMiB),
    rssMaxMiB: Math.max(...runs.map((r) => r.rssMaxMiB)),
    startupMeanMs: m((r) => r.startupMeanMs),
    cpuMsPerMessage: m((r) => r.cpuMsPerMessage),
  }
}

const dir = await mkdtemp(join(tmpdir(), 'loopnet-bench-'))
const rounds: RunResult[] = []
try {
  for (const n of SIZES)
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? KINDS : [...KINDS].reverse()
      // a fresh data dir per round: a store left by the last round would be synced and cached
      for (const kind of order) rounds.push(await run(kind, n, join(dir, `round-${round}`)))
    }
} finally {
  await rm(dir, { recursive: true, force: true })
}
const results = SIZES.flatMap((n) =>
  KINDS.map((kind) => medianOf(rounds.filter((r) => r.n === n && r.kind === kind))),
)

const ratios = SIZES.flatMap((n) => {
  const bare = results.find((r) => r.n === n && r.kind === 'bare')
  const loop = results.find((r) => r.n === n && r.kind === 'loopnet')
  if (bare === undefined || loop === undefined) return []
  return [
    {
      n,
      p50: loop.p50Ms / bare.p50Ms,
      p99: loop.p99Ms / bare.p99Ms,
      max: loop.maxMs / bare.maxMs,
      rssDeltaMiB: loop.rssMeanMiB - bare.rssMeanMiB,
      cpu: loop.cpuMsPerMessage / bare.cpuMsPerMessage,
      meetsTargets:
        loop.p50Ms <= bare.p50Ms &&
        loop.p99Ms <= bare.p99Ms &&
        loop.delivery === 1 &&
        loop.rssMeanMiB <= bare.rssMeanMiB + 30,
    },
  ]
})

const store = await storeBenchmarks({ log })
const summary = {
  config: {
    n: SIZES,
    messages: MESSAGES,
    size: SIZE,
    intervalMs: INTERVAL_MS,
    degree: DEGREE,
    seed: SEED,
    rounds: ROUNDS,
  },
  results,
  rounds,
  ratios,
  store,
}

if (!values.json) {
  if (results.length > 0) {
    if (ROUNDS > 1)
      console.log(`medians of ${ROUNDS} rounds per kind and N (each round in the JSON)`)
    const rows = [
      [
        'N',
        'kind',
        'bytes',
        'p50 ms',
        'p99 ms',
        'max ms',
        'delivery',
        'RSS MiB',
        'RSS max',
        'CPU ms/msg',
        'start ms',
      ],
      ...results.map((r) => [
        String(r.n),
        r.kind,
        String(r.messageBytes),
        fmt(r.p50Ms),
        fmt(r.p99Ms),
        fmt(r.maxMs),
        `${fmt(r.delivery * 100, 2)} %`,
        fmt(r.rssMeanMiB),
        fmt(r.rssMaxMiB),
        fmt(r.cpuMsPerMessage, 2),
        fmt(r.startupMeanMs),
      ]),
      ...ratios.map((r) => [
        String(r.n),
        'loopnet/bare',
        '',
        fmt(r.p50, 2),
        fmt(r.p99, 2),
        fmt(r.max, 2),
        '',
        `${r.rssDeltaMiB >= 0 ? '+' : ''}${fmt(r.rssDeltaMiB)}`,
        '',
        fmt(r.cpu, 2),
        r.meetsTargets ? 'ok' : 'MISSED',
      ]),
    ]
    const widths =
      rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length))) ?? []
    for (const row of rows)
      console.log(row.map((cell, c) => cell.padStart(widths[c] ?? 0)).join('  '))
    console.log()
  }
  console.log(formatStoreResults(store))
  console.log()
}
console.log(JSON.stringify(summary))
if (values.out !== undefined) await writeFile(values.out, `${JSON.stringify(summary, null, 2)}\n`)
