/**
 * A full `loopnet start --json` node as a child process (agent loop + libp2p + store + API),
 * its JSON event lines turned into awaitable events by TestnetNode. Used by the local swarm
 * launcher, the swarm tests and benchmarks. Stopping is by SIGTERM, as a user would.
 */
import { execFile, spawn } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { TestnetNode } from './spawn.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const LOOPNET_BIN = join(ROOT, 'bin', 'loopnet.js')

export interface LoopnetProcessOptions {
  name: string
  dataDir: string
  /** Multiaddrs to join; none = a new swarm. */
  bootstrap?: string[]
  /** Default: loopback, a free port. */
  listen?: string
  /** More `loopnet start` flags (--budget, --seed, --max-experiments, ...). */
  args?: string[]
  env?: NodeJS.ProcessEnv
  /** How long to wait for the 'listening' event (prepare.py may build the data first). */
  readyTimeoutMs?: number
  /** Also gets every stderr chunk (the trainer's and prepare's messages go there). */
  onStderr?: (chunk: string) => void
  /** Pin the node (and so its trainer) to these CPUs, a taskset list like '0' or '2-3'. */
  cpus?: string
}

export class LoopnetProcess extends TestnetNode {
  readonly dataDir: string

  constructor(name: string, dataDir: string, proc: ReturnType<typeof spawn>) {
    super(name, proc)
    this.dataDir = dataDir
  }

  /** SIGTERM (the loop records nothing half-done), SIGKILL after timeoutMs. */
  override async stop(timeoutMs = 30_000): Promise<void> {
    if (!this.isRunning) return
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()))
    this.proc.kill('SIGTERM')
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs)
    await exited
    clearTimeout(timer)
  }
}

/**
 * Node i's cores (1-based, a taskset list) when `count` nodes share this machine's cores, each
 * its own; undefined when the nodes outnumber the cores (they then run unpinned).
 */
export function pinnedCores(
  i: number,
  count: number,
  cores = availableParallelism(),
): string | undefined {
  if (count > cores) return undefined
  const each = Math.floor(cores / count)
  const first = (i - 1) * each
  return each === 1 ? String(first) : `${first}-${first + each - 1}`
}

export async function startLoopnet(opts: LoopnetProcessOptions): Promise<LoopnetProcess> {
  const args = [
    LOOPNET_BIN,
    'start',
    '--json',
    '--data-dir',
    opts.dataDir,
    '--listen',
    opts.listen ?? '/ip4/127.0.0.1/tcp/0',
    '--local-swarm',
    ...(opts.bootstrap ?? []).flatMap((b) => ['--bootstrap', b]),
    ...(opts.args ?? []),
  ]
  // taskset execs the node in place: the pid is the node's
  const [cmd, argv] =
    opts.cpus === undefined
      ? [process.execPath, args]
      : ['taskset', ['-c', opts.cpus, process.execPath, ...args]]
  const proc = spawn(cmd, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  })
  if (opts.onStderr !== undefined) {
    const onStderr = opts.onStderr
    proc.stderr?.on('data', (chunk: Buffer) => onStderr(chunk.toString()))
  }
  const node = new LoopnetProcess(opts.name, opts.dataDir, proc)
  await node.announced('listening', opts.readyTimeoutMs ?? 120_000)
  return node
}

/**
 * `loopnet leaderboard` of a data dir (the running node's API, else its store), as printed;
 * `more` adds flags (--verify-k 1, --budget 300...).
 */
export function leaderboardText(
  dataDir: string,
  json = false,
  more: string[] = [],
): Promise<string> {
  const args = ['--no-warnings', LOOPNET_BIN, 'leaderboard', '--data-dir', dataDir, ...more]
  if (json) args.push('--json')
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { maxBuffer: 64 * 2 ** 20 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout.replace(/\n$/, '')),
    ),
  )
}
