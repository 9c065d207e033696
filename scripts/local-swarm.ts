/**
 * A local swarm: N `loopnet start` nodes on this machine (CPU, built-in proposer, a short
 * budget), the first starting a new swarm and the others joining it by its multiaddr. Prints
 * what each node does and, after every finished experiment, the network leaderboard as the
 * first running node sees it. Ctrl-C stops them all (each finishes cleanly; rerunning resumes).
 *
 *   node scripts/local-swarm.ts [--nodes N] [--budget 30] [--max-experiments N] [--dir DIR]
 *                               [--corpus PATH] [--noise-runs N] [--noise-k K]
 *
 * Each node is pinned to cores of its own (taskset), so no node's measurements depend on what
 * the others do; the default is one node per core. More nodes than cores run only when asked,
 * unpinned, and their numbers then depend on the load.
 */
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { execa } from 'execa'
import { getJson, runningNodeUrl } from '../node/api/client.ts'
import { formatLeaderboard } from '../node/leaderboard/format.ts'
import type { Leaderboard } from '../node/leaderboard/leaderboard.ts'
import {
  LOOPNET_BIN,
  type LoopnetProcess,
  pinnedCores,
  startLoopnet,
} from './testnet/loopnet-process.ts'
import type { NodeEvent } from './testnet/spawn.ts'

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: String(availableParallelism()) },
    // 30 s each keeps the first leaderboard a few minutes away.
    budget: { type: 'string', default: '30' },
    'max-experiments': { type: 'string' },
    dir: { type: 'string', default: '.loopnet/swarm' },
    // every node the same corpus: it is part of the genesis, so of the swarm
    corpus: { type: 'string' },
    // passed on to every node's `loopnet start` (its defaults when left out)
    'noise-runs': { type: 'string' },
    'noise-k': { type: 'string' },
  },
})
const count = Number(values.nodes)
const dir = resolve(values.dir)
const cores = availableParallelism()
const coresOf = (i: number): string | undefined => pinnedCores(i, count, cores)
const common = [
  '--budget',
  values.budget,
  ...(values['max-experiments'] !== undefined
    ? ['--max-experiments', values['max-experiments']]
    : []),
  ...(values.corpus !== undefined ? ['--corpus', resolve(values.corpus)] : []),
  ...(values['noise-runs'] !== undefined ? ['--noise-runs', values['noise-runs']] : []),
  ...(values['noise-k'] !== undefined ? ['--noise-k', values['noise-k']] : []),
]

const nodes: LoopnetProcess[] = []
const stopController = new AbortController()
const stopAll = async (): Promise<void> => {
  stopController.abort()
  await Promise.all(nodes.map((n) => n.stop()))
}
process.once('SIGINT', () => void stopAll())
process.once('SIGTERM', () => void stopAll())

function say(name: string, text: string): void {
  process.stdout.write(`[${name}] ${text}\n`)
}

/** One line per event worth a human's attention; the rest stays in the node's data dir. */
function describe(e: NodeEvent): string | undefined {
  switch (e.event) {
    case 'listening':
      return `peer id ${String(e.peerId)}`
    case 'peer-connected':
      return `connected to ${String(e.peer).slice(-8)} (${String(e.peers)} peers)`
    case 'experiment-started':
      return `start  #${String(e.seq)} ${String(e.description)}`
    case 'experiment-finished': {
      const r = e.record as { seq: number; status: string; valBpb: number; description: string }
      return `${r.status.padEnd(7)}#${r.seq} ${r.status === 'crash' ? 'crash' : r.valBpb.toFixed(6)} ${r.description}`
    }
    case 'noise-estimated':
      return String(e.description)
    case 'rebase-started':
    case 'rebase-finished':
    case 'record-invalid':
      return `${e.event} ${JSON.stringify({ ...e, event: undefined, time: undefined })}`
    case 'stopped':
      return `stopped after ${String(e.experiments)} experiments`
    default:
      return undefined
  }
}

let printing = Promise.resolve()
/** The board as a running node sees it (after a finished experiment, every node is close). */
function printLeaderboard(): void {
  printing = printing.then(async () => {
    const url = nodes.filter((n) => n.isRunning).map((n) => runningNodeUrl(n.dataDir))[0]
    if (url === undefined || stopController.signal.aborted) return
    try {
      const board = await getJson<Leaderboard>(url, '/leaderboard', stopController.signal)
      process.stdout.write(`\n${formatLeaderboard(board)}\n`)
    } catch {
      // that node is stopping: the next finished experiment prints the board again
    }
  })
}

/**
 * Nodes in the order they exited. The last one was in the swarm while every other node still
 * published, so its store holds the whole log; the first to finish missed the others' last runs.
 */
const exited: LoopnetProcess[] = []

/** The final board, read from the store of the node that stopped last. */
async function printFinalLeaderboard(): Promise<void> {
  const last = exited.at(-1) ?? nodes.at(-1)
  if (last === undefined) return
  const res = await execa(
    process.execPath,
    [LOOPNET_BIN, 'leaderboard', '--data-dir', last.dataDir],
    {
      reject: false,
    },
  )
  if (res.exitCode === 0)
    process.stdout.write(`\nfinal leaderboard (${last.name}):\n${res.stdout}\n`)
}

function watch(node: LoopnetProcess): void {
  node.onEvent((e) => {
    const text = describe(e)
    if (text !== undefined) say(node.name, text)
    if (e.event === 'experiment-finished') printLeaderboard()
  })
}

try {
  say(
    'swarm',
    count > cores
      ? `${count} nodes on ${cores} cores: not pinned, so each node's numbers depend on the others' load`
      : `${count} nodes, each pinned to ${Math.floor(cores / count)} of ${cores} cores`,
  )
  for (let i = 1; i <= count && !stopController.signal.aborted; i++) {
    const name = `node${i}`
    // every earlier node, so they form a mesh, not a star around the first
    const bootstrap = nodes.flatMap((n) =>
      n.multiaddrs.filter((a) => a.includes('/ip4/127.0.0.1/')),
    )
    // The first node prepares the data (prepare.py) before it listens; the rest reuse it.
    const node = await startLoopnet({
      name,
      dataDir: resolve(dir, name),
      bootstrap,
      args: [...common, '--seed', String(i)],
      onStderr: (chunk) => process.stderr.write(chunk),
      readyTimeoutMs: 600_000,
      ...(coresOf(i) !== undefined ? { cpus: coresOf(i) } : {}),
    })
    nodes.push(node)
    node.proc.once('exit', () => exited.push(node))
    watch(node)
    say(name, `listening on ${node.multiaddrs.join(' ')}`)
  }
  say('swarm', `${nodes.length} nodes up; data in ${dir}; Ctrl-C stops them`)
  const codes = await Promise.all(
    nodes.map((n) =>
      n.isRunning
        ? new Promise<number | null>((done) => n.proc.once('exit', done))
        : n.proc.exitCode,
    ),
  )
  // a node that failed (not one stopped by Ctrl-C) fails the swarm
  if (codes.some((c) => c !== 0) && !stopController.signal.aborted) process.exitCode = 1
} finally {
  await stopAll()
  await printing
  await printFinalLeaderboard()
}
