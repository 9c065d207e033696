/**
 * What an AgentLoop is made of (loop.ts): its collaborators, the train file it starts from, the
 * trainer's settings and the loop's limits, with the defaults of the optional ones.
 */
import type { CompileCheck } from './compile.ts'
import type { ResultSink, SwarmView } from './interfaces.ts'
import { DEFAULT_NOISE_K } from './noise.ts'
import type { Proposer } from './proposer.ts'

/** The values an AgentLoopInit's optional numbers take when they are left out. */
export const LOOP_DEFAULTS = {
  graceSeconds: 60,
  minDelta: 0,
  maxFixAttempts: 2,
  maxBaselineCrashes: 3,
  noiseRuns: 0,
  noiseK: DEFAULT_NOISE_K,
} as const

/**
 * How train files run. 'on': every file in the harness's sandbox. 'own-only': no sandbox could
 * be made here, so the node runs only its own built-in proposals (literal swaps of its own
 * lineage) unsandboxed and never re-measures a peer's file. 'off': the user's explicit opt-out:
 * everything runs unsandboxed, and every record says so.
 */
export type SandboxMode = 'on' | 'own-only' | 'off'

export interface AgentLoopInit {
  /** Holds workspace/, logs/, results.tsv and run.json. */
  dataDir: string
  genesis: string
  /** Local node id now; the swarm sets the libp2p peer id. */
  author: string
  sink: ResultSink
  swarm: SwarmView
  proposer: Proposer
  /** Used for one experiment when the proposer fails (an LLM endpoint that is down). */
  fallback?: Proposer
  /** The unmodified train file: the first experiment. */
  baselineText: string
  python: string
  /** trainer/ (prepare.py), put on PYTHONPATH. */
  trainerDir: string
  budgetSeconds: number
  /** Added to 2x budget before a run is killed as a timeout (default LOOP_DEFAULTS.graceSeconds: 60 s). */
  graceSeconds?: number
  /** Extra trainer environment (LOOPNET_CACHE...). */
  env?: Record<string, string>
  /**
   * Keep needs val_bpb < parent - max(minDelta, the seed-noise margin) (default 0: the noise
   * margin alone).
   */
  minDelta?: number
  /**
   * Extra runs of the baseline when a lineage starts, to measure seed noise (noise-runs.ts);
   * each costs one budget and counts as an experiment (default 0; the CLI's is 2).
   */
  noiseRuns?: number
  /**
   * Sigmas of a difference of two runs that keep, adopt and reproduced allow (default
   * DEFAULT_NOISE_K); 0 turns the noise margins off (minDelta alone, as in autoresearch).
   */
  noiseK?: number
  /** Stop after this many experiments (default: never). */
  maxExperiments?: number
  /** Prepare the next proposal while training, and the next interpreter during eval (default true). */
  pipeline?: boolean
  /** Start the next interpreter during the current run's eval (default: as `pipeline`). */
  warmStart?: boolean
  /** Fix attempts a proposer with fix() gets per crash (default 2). */
  maxFixAttempts?: number
  /** Consecutive crashes of the unmodified baseline before giving up (default 3). */
  maxBaselineCrashes?: number
  compile?: CompileCheck
  /** Default 'on'. */
  sandbox?: SandboxMode
}
