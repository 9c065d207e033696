/**
 * One arm of bench:swarm: N real `loopnet start` processes on loopback (built-in proposer, the
 * real loop, git, store, gossip, rebase), sharing on (every node bootstraps off node 1) or off
 * (no bootstrap: N unconnected nodes), on the SIMULATED trainer or the real one. It waits on
 * the nodes' JSON events, never on sleeps, and returns every node's finished experiments and
 * the train files its store holds.
 */
import { readFileSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { storePath } from '../../../node/cli/data-dir.ts'
import { type LoopnetProcess, startLoopnet } from '../../testnet/loopnet-process.ts'
import type { NodeEvent } from '../../testnet/spawn.ts'
import type { RunRow } from './analysis.ts'

export interface ArmSpec {
  n: number
  sharing: boolean
  /** Experiments per node; with wallSeconds, none (the nodes run until stopped). */
  rounds: number | undefined
  /** Seed of the simulation: node i's proposer gets seed * 1000 + i. */
  seed: number
  dir: string
  /** $LOOPNET_TRAINER_DIR for the nodes; undefined: the real trainer/. */
  trainerDir: string | undefined
  /** The SIMULATED harness's settings (sigma, run seconds); the go file is added here. */
  simEnv?: Record<string, string>
  budgetSeconds: number
  /** More `loopnet start` flags for every node (e.g. --noise-runs 2 once it exists). */
  nodeArgs: string[]
  /** Pin node i (1-based) to these CPUs. */
  cpus?: (i: number) => string | undefined
  /** Real-trainer mode: stop every node this long after the first experiment starts. */
  wallSeconds?: number
  log: (text: string) => void
}

export interface ArmResult {
  runs: RunRow[]
  /** Train files by hash, from every node's store. */
  files: Map<string, string>
  /** From the go signal (or the first experiment) to the last node's last experiment. */
  wallSeconds: number
  startupSeconds: number
  /** Each node's resident memory just before it was stopped, MiB. */
  rssMb: number[]
  /** Records a node refused from a peer (should be 0). */
  invalidRecords: number
}

/** A node did not do what the arm waits for. */
export class ArmFailedError extends Error {
  override name = 'ArmFailedError'
}

function rssMb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
  } catch {
    return 0
  }
}

function loopbackAddr(node: LoopnetProcess): string {
  const addr = node.multiaddrs.find((a) => a.includes('/ip4/127.0.0.1/'))
  if (addr === undefined) throw new ArmFailedError(`${node.name} has no loopback address`)
  return addr
}

export async function runArm(spec: ArmSpec): Promise<ArmResult> {
  await rm(spec.dir, { recursive: true, force: true })
  await mkdir(spec.dir, { recursive: true })
  const goFile = join(spec.dir, 'go')
  const env: NodeJS.ProcessEnv = {
    ...(spec.trainerDir !== undefined ? { LOOPNET_TRAINER_DIR: spec.trainerDir } : {}),
    ...(spec.simEnv !== undefined ? { ...spec.simEnv, LOOPNET_SIM_GO_FILE: goFile } : {}),
  }
  const nodes: LoopnetProcess[] = []
  const t0 = performance.now()
  const start = (i: number, bootstrap: string[]): Promise<LoopnetProcess> => {
    const cpus = spec.cpus?.(i)
    return startLoopnet({
      name: `node${i}`,
      dataDir: join(spec.dir, `node${i}`),
      bootstrap,
      env,
      readyTimeoutMs: 600_000,
      ...(cpus !== undefined ? { cpus } : {}),
      args: [
        '--budget',
        String(spec.budgetSeconds),
        '--seed',
        String(spec.seed * 1000 + i),
        ...(spec.rounds !== undefined ? ['--max-experiments', String(spec.rounds), '--serve'] : []),
        ...spec.nodeArgs,
      ],
    })
  }
  try {
    const first = await start(1, [])
    nodes.push(first)
    const boot = spec.sharing ? [loopbackAddr(first)] : []
    const rest = await Promise.all(Array.from({ length: spec.n - 1 }, (_, k) => start(k + 2, boot)))
    nodes.push(...rest)
    if (spec.sharing && spec.n > 1) {
      // everyone connected to the bootstrap node before anyone runs an experiment
      await Promise.all([
        first.waitFor(
          (e) => e.event === 'peer-connected' && Number(e.peers) >= spec.n - 1,
          120_000,
          `${spec.n - 1} peers`,
        ),
        ...rest.map((n) => n.waitFor((e) => e.event === 'peer-connected', 120_000, 'a peer')),
      ])
    }
    const startupSeconds = (performance.now() - t0) / 1000
    spec.log(`  ${spec.n} nodes up in ${startupSeconds.toFixed(1)} s`)
    await writeFile(goFile, '')
    const go = Date.now()
    if (spec.wallSeconds !== undefined) {
      await Promise.all(
        nodes.map((n) => n.waitFor((e) => e.event === 'experiment-started', 600_000)),
      )
      await new Promise((resolve) => setTimeout(resolve, (spec.wallSeconds ?? 0) * 1000))
    } else {
      const timeoutMs = 120_000 + (spec.rounds ?? 0) * spec.n * 2_000
      await Promise.all(
        nodes.map((n) => n.waitFor((e) => e.event === 'stopped', timeoutMs, 'the loop to stop')),
      )
    }
    const rss = nodes.map((n) => rssMb(n.proc.pid))
    await Promise.all(nodes.map((n) => n.stop()))
    const runs = nodes.flatMap((n, k) => rowsOf(k + 1, n.events))
    const end = Math.max(go, ...runs.map((r) => r.time))
    return {
      runs,
      files: readFiles(nodes),
      wallSeconds: (end - go) / 1000,
      startupSeconds,
      rssMb: rss,
      invalidRecords: nodes.reduce(
        (a, n) => a + n.events.filter((e) => e.event === 'record-invalid').length,
        0,
      ),
    }
  } finally {
    await Promise.all(nodes.map((n) => n.stop()))
  }
}

interface FinishedEvent {
  time: number
  record: {
    status: string
    parentHash: string
    fileHash: string
    valBpb: number
  }
  local: { source: string }
}

/** A node's finished experiments in order: its rounds. */
export function rowsOf(node: number, events: readonly NodeEvent[]): RunRow[] {
  return events
    .filter((e) => e.event === 'experiment-finished')
    .map((e, i) => {
      const f = e as unknown as FinishedEvent
      return {
        node,
        round: i + 1,
        time: f.time,
        status: f.record.status,
        source: f.local.source,
        parentHash: f.record.parentHash,
        fileHash: f.record.fileHash,
        valBpb: f.record.valBpb,
      }
    })
}

function readFiles(nodes: readonly LoopnetProcess[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const n of nodes) {
    const db = new DatabaseSync(storePath(n.dataDir), { readOnly: true })
    try {
      for (const row of db.prepare('SELECT hash, text FROM files').all())
        out.set(String(row.hash), String(row.text))
    } finally {
      db.close()
    }
  }
  return out
}
