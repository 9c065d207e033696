/**
 * `loopnet start` options resolved from flags, environment and <dataDir>/llm.json (in that
 * order of precedence). Pure apart from reading the config file.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { DEFAULT_NOISE_K } from '../../../agent/noise.ts'
import { MAX_TOTAL_SECONDS, MAX_TRAINING_SECONDS } from '../../../protocol/constants.ts'
import { resolveDataDir } from '../data-dir.ts'
import { CliUsageError } from '../errors.ts'
import { resolvePython } from '../trainer.ts'

export interface LlmSettings {
  baseURL: string
  apiKey?: string
  model: string
  temperature?: number
  requestTimeoutMs?: number
  maxAttempts?: number
}

export interface StartOptions {
  dataDir: string
  proposer: 'builtin' | 'llm'
  budgetSeconds: number | undefined
  graceSeconds: number | undefined
  maxExperiments: number | undefined
  json: boolean
  seed: number
  minDelta: number
  /** Runs of the baseline again when a lineage starts, to measure seed noise (0: none). */
  noiseRuns: number
  /** Sigmas of a difference that keep, adopt and reproduced allow. */
  noiseK: number
  python: string
  /** A UTF-8 text file or folder to train on instead of the pinned default corpus (absolute). */
  corpus: string | undefined
  pipeline: boolean
  llm: LlmSettings | undefined
  network: NetworkOptions
  /** Keep the node in the swarm (gossip, sync, fetch, API) after the loop ends. */
  serve: boolean
  /** --unsafe-no-sandbox: run every train file without the sandbox (logged, published). */
  unsafeNoSandbox: boolean
}

export interface NetworkOptions {
  /** Listen multiaddrs (default: every interface, a free TCP port). */
  listen: string[]
  /** Multiaddrs of nodes already in the swarm; none = start a new swarm. */
  bootstrap: string[]
  /** Several nodes on one machine: allow loopback and same-IP peers (see LoopnetHostInit). */
  localSwarm: boolean
}

/** Every interface, a port the OS picks: the printed multiaddrs tell others where to dial. */
export const DEFAULT_LISTEN = '/ip4/0.0.0.0/tcp/0'

export type StartFlags = Partial<
  Record<
    | 'data-dir'
    | 'proposer'
    | 'budget'
    | 'grace'
    | 'max-experiments'
    | 'seed'
    | 'min-delta'
    | 'noise-runs'
    | 'noise-k'
    | 'python'
    | 'corpus'
    | 'base-url'
    | 'api-key'
    | 'model',
    string
  >
> & {
  json?: boolean
  'no-pipeline'?: boolean
  listen?: string[]
  bootstrap?: string[]
  'local-swarm'?: boolean
  serve?: boolean
  'unsafe-no-sandbox'?: boolean
}

/**
 * A record's seconds must pass every peer's plausibility bounds (protocol/constants.ts), or the
 * node could not publish the run it spent them on (and would stop on it at every start). The
 * runner kills a run at 2x budget + grace: the budget is at most half of MAX_TRAINING_SECONDS
 * (300 s, the GPU tier's), and 2x that + grace stays a minute under MAX_TOTAL_SECONDS.
 */
const MAX_BUDGET_SECONDS = MAX_TRAINING_SECONDS / 2
const MAX_GRACE_SECONDS = MAX_TOTAL_SECONDS - MAX_TRAINING_SECONDS - 60

function atMost(name: string, value: number | undefined, max: number): number | undefined {
  if (value !== undefined && value > max)
    throw new CliUsageError(
      `--${name} may be at most ${max} s (records beyond it are refused by every peer), got ${value}`,
    )
  return value
}

function positive(name: string, text: string | undefined, integer = false): number | undefined {
  if (text === undefined) return undefined
  const v = Number(text)
  if (!(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v)))
    throw new CliUsageError(
      `--${name} must be a positive ${integer ? 'integer' : 'number'}, got '${text}'`,
    )
  return v
}

/** k >= 0: 0 turns the noise margins off (any gain is kept, as loopnet did before it measured noise). */
function noiseK(text: string | undefined): number {
  if (text === undefined) return DEFAULT_NOISE_K
  const v = Number(text)
  if (text.trim() === '' || !(v >= 0) || !Number.isFinite(v))
    throw new CliUsageError(`--noise-k must be a number >= 0, got '${text}'`)
  return v
}

export function resolveStartOptions(
  flags: StartFlags,
  env: NodeJS.ProcessEnv = process.env,
): StartOptions {
  const dataDir = resolveDataDir(flags['data-dir'], env)
  const proposer = flags.proposer ?? 'builtin'
  if (proposer !== 'builtin' && proposer !== 'llm')
    throw new CliUsageError(`--proposer must be builtin or llm, got '${proposer}'`)
  const minDelta = flags['min-delta'] === undefined ? 0 : Number(flags['min-delta'])
  if (!Number.isFinite(minDelta) || minDelta < 0)
    throw new CliUsageError(`--min-delta must be a number >= 0, got '${flags['min-delta']}'`)
  const seed = flags.seed === undefined ? 0 : Number(flags.seed)
  if (!Number.isInteger(seed))
    throw new CliUsageError(`--seed must be an integer, got '${flags.seed}'`)
  return {
    dataDir,
    proposer,
    noiseRuns: noiseRuns(flags['noise-runs']),
    noiseK: noiseK(flags['noise-k']),
    budgetSeconds: atMost('budget', positive('budget', flags.budget), MAX_BUDGET_SECONDS),
    graceSeconds: atMost('grace', positive('grace', flags.grace), MAX_GRACE_SECONDS),
    maxExperiments: maxExperiments(flags['max-experiments'], flags.serve === true),
    json: flags.json === true,
    seed,
    minDelta,
    python: resolvePython(flags.python),
    corpus: flags.corpus === undefined ? undefined : resolve(flags.corpus),
    pipeline: flags['no-pipeline'] !== true,
    llm: proposer === 'llm' ? resolveLlm(flags, env, dataDir) : undefined,
    network: resolveNetwork(flags),
    serve: flags.serve === true,
    unsafeNoSandbox: flags['unsafe-no-sandbox'] === true,
  }
}

/**
 * Two by default: with the baseline itself, three runs of one file (2 degrees of freedom,
 * MIN_NOISE_DOF) for two budgets per lineage; 0 leaves the node on the conservative default
 * until it has repeated some file for other reasons.
 */
export const DEFAULT_NOISE_RUNS = 2

function noiseRuns(text: string | undefined): number {
  if (text === undefined) return DEFAULT_NOISE_RUNS
  if (text === '0') return 0
  return positive('noise-runs', text, true) ?? DEFAULT_NOISE_RUNS
}

/** 0 is allowed with --serve: a node that only relays, serves files and hosts a leaderboard. */
function maxExperiments(text: string | undefined, serve: boolean): number | undefined {
  if (text === '0' && serve) return 0
  return positive('max-experiments', text, true)
}

function resolveNetwork(flags: StartFlags): NetworkOptions {
  const listen = flags.listen?.length ? flags.listen : [DEFAULT_LISTEN]
  const bootstrap = flags.bootstrap ?? []
  for (const [name, list] of [
    ['listen', listen],
    ['bootstrap', bootstrap],
  ] as const) {
    for (const addr of list) checkMultiaddr(name, addr, name === 'bootstrap')
  }
  // Nodes that dial each other over loopback are on one machine: a local swarm.
  const localSwarm =
    flags['local-swarm'] === true || bootstrap.some((a) => /^\/ip[46]\/(127\.|::1\/)/.test(a))
  return { listen, bootstrap, localSwarm }
}

function checkMultiaddr(name: string, addr: string, needsPeerId: boolean): void {
  try {
    multiaddr(addr)
  } catch (err) {
    throw new CliUsageError(`--${name} '${addr}' is not a multiaddr: ${(err as Error).message}`)
  }
  if (needsPeerId && !addr.includes('/p2p/'))
    throw new CliUsageError(
      `--${name} '${addr}' has no /p2p/<peer id>: use an address a running node printed`,
    )
}

export const LLM_CONFIG_FILE = 'llm.json'

function resolveLlm(flags: StartFlags, env: NodeJS.ProcessEnv, dataDir: string): LlmSettings {
  let file: Partial<LlmSettings> = {}
  const path = join(dataDir, LLM_CONFIG_FILE)
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as Partial<LlmSettings>
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new CliUsageError(`cannot read ${path}: ${(err as Error).message}`)
  }
  const baseURL =
    flags['base-url'] ?? env.OPENAI_BASE_URL ?? file.baseURL ?? 'https://api.openai.com/v1'
  const model = flags.model ?? env.LOOPNET_MODEL ?? file.model
  if (model === undefined || model === '')
    throw new CliUsageError(
      `--proposer llm needs a model: --model, $LOOPNET_MODEL or "model" in ${path}`,
    )
  const apiKey = flags['api-key'] ?? env.OPENAI_API_KEY ?? file.apiKey
  return {
    baseURL,
    model,
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(file.temperature !== undefined ? { temperature: file.temperature } : {}),
    ...(file.requestTimeoutMs !== undefined ? { requestTimeoutMs: file.requestTimeoutMs } : {}),
    ...(file.maxAttempts !== undefined ? { maxAttempts: file.maxAttempts } : {}),
  }
}
