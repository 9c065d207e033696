/**
 * What the loop tells its views (the CLI's log lines and JSON events, the benchmarks, the
 * tests): the event names and their payloads. Types and one list, no logic.
 */
import type { ExperimentFields } from '../protocol/types.ts'
import type { RejectionKind } from './errors.ts'
import type { LocalRun } from './interfaces.ts'
import type { NoiseEstimate } from './noise.ts'
import type { RebaseVerdict } from './rebase.ts'
import type { CrashReason } from './runner.ts'
import type { Progress } from './summary.ts'

export interface PhaseSeconds {
  /** Waiting for a proposal (zero when the pipelined one was ready). */
  propose: number
  /** Writing the file, committing, resetting. */
  git: number
  /** Trainer start to its first step line. */
  startup: number
  /** Training time as the trainer reports it. */
  training: number
  /** The rest of the trainer process: warm-up steps, eval, exit. */
  eval: number
  /** Store transaction and results.tsv append. */
  journal: number
  total: number
}

export interface AgentLoopEvents {
  resumed: {
    experiments: number
    parentHash: string
    parentValBpb: number | undefined
    commit: string
    tsvLinesAdded: number
    /**
     * The journal holds runs of another genesis only (an older loopnet: another train file
     * contract or metric): a new lineage starts from the baseline; the old runs stay readable.
     */
    previousGenesis?: string
  }
  'proposal-rejected': { source: string; attempt: number; kind: RejectionKind; message: string }
  'proposal-failed': { source: string; message: string; fallback: string | undefined }
  'experiment-started': {
    seq: number
    description: string
    source: string
    parentHash: string
    fileHash: string
    logPath: string
    budgetSeconds: number
    timeoutSeconds: number
  }
  progress: Progress & { seq: number; elapsedSeconds: number }
  'experiment-finished': {
    record: ExperimentFields
    local: LocalRun
    parentValBpb: number | undefined
    crash?: { reason: CrashReason; message: string; tail: string }
    phases: PhaseSeconds
  }
  'experiment-interrupted': { seq: number; description: string }
  'parent-changed': { fileHash: string; valBpb: number; commit: string }
  /** The tier's best beats ours: its file was fetched and is about to be re-measured here. */
  'rebase-started': {
    fileHash: string
    author: string
    claimedValBpb: number
    recordId?: string
  }
  /** The re-measure was journaled; `adopted` means the parent moved to that file. */
  'rebase-finished': {
    fileHash: string
    author: string
    claimedValBpb: number
    /** Undefined when the re-run crashed. */
    measuredValBpb?: number
    reason: RebaseVerdict['reason']
    /** For 'rejected' and 'crashed': the harness's named reason (non-causal, timeout...). */
    runReason?: string
    adopted: boolean
  }
  /** The tier's best could not be fetched (its holders are gone): a normal proposal runs. */
  'rebase-fetch-failed': {
    fileHash: string
    author: string
    claimedValBpb: number
    recordId?: string
    message: string
  }
  /**
   * This node's seed noise (agent/noise.ts), at start and whenever a run changed it: one run's
   * sigma, its degrees of freedom, and the margin a gain must clear (k sigmas of a difference).
   */
  'noise-estimated': NoiseEstimate & { k: number; margin: number; description: string }
  stopped: { experiments: number; reason: 'max-experiments' | 'aborted' }
}

export type LoopEventName = keyof AgentLoopEvents & string

/** How the loop's parts emit: its own TypedEventTarget's `emit`, bound. */
export type EmitLoopEvent = <K extends LoopEventName>(type: K, detail: AgentLoopEvents[K]) => void

/**
 * The argument itself, accepted only when it names every event: a list that lacks one fails
 * to compile with the missing names in the message, so a new event cannot be left out of the
 * views that subscribe to all of them.
 */
function everyEvent<const T extends readonly LoopEventName[]>(
  names: T &
    ([Exclude<LoopEventName, T[number]>] extends [never]
      ? unknown
      : { missing: Exclude<LoopEventName, T[number]> }),
): T {
  return names
}

/** Every event the loop emits, in the order of one experiment's life. */
export const LOOP_EVENT_NAMES = everyEvent([
  'resumed',
  'noise-estimated',
  'proposal-rejected',
  'proposal-failed',
  'experiment-started',
  'progress',
  'experiment-finished',
  'experiment-interrupted',
  'parent-changed',
  'rebase-started',
  'rebase-finished',
  'rebase-fetch-failed',
  'stopped',
])
