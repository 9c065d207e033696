/**
 * The CLI's glue to trainer/ (prepare.py, train.py, program.md), for the commands that run
 * it: `start` (the genesis, the tier's budget, the baseline and the program) and `train` (one
 * run of a train file). Where trainer/ is and which python runs it: agent/paths.ts.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { pythonPath, trainerDir } from '../../agent/paths.ts'
import { isSha256Hex } from '../../protocol/hash.ts'
import { UserError } from '../errors.ts'

export { trainerDir }

export const PREPARE_PY = join(trainerDir, 'prepare.py')
export const TRAIN_PY = join(trainerDir, 'train.py')
export const HARNESS_PY = join(trainerDir, 'harness.py')
const SANDBOX_PY = join(trainerDir, 'sandbox.py')
const PROGRAM_MD = join(trainerDir, 'program.md')

/** The budget when the trainer's tier table cannot be read (the CPU tier's). */
const FALLBACK_BUDGET_SECONDS = 60

/** The interpreter: --python, else $LOOPNET_PYTHON or the system python (agent/paths.ts). */
export function resolvePython(flag: string | undefined): string {
  return flag ?? pythonPath()
}

/** The environment prepare.py's module needs to be imported (by train.py, by the tier probe). */
export function trainerEnv(): Record<string, string> {
  return { PYTHONPATH: trainerDir }
}

/** prepare.py failed: no corpus, wrong corpus, no numpy... Its message is for the user. */
export class PrepareFailedError extends UserError {
  override name = 'PrepareFailedError'
}

/** The corpus this node trains on, as prepare.py reports it (building its data on first use). */
export interface CorpusInfo {
  /** The swarm: every node with the same genesis trains on the same data and baseline. */
  genesis: string
  /** Handed to the trainer as $LOOPNET_CORPUS, so it loads the data the genesis names. */
  corpusSha256: string
}

/**
 * What `prepare.py --json` reported: its last stdout line, when it exited 0 and that line is
 * a JSON object with both hashes; else undefined.
 */
export function parseCorpusInfo(
  exitCode: number | undefined,
  stdout: string,
): CorpusInfo | undefined {
  if (exitCode !== 0) return undefined
  let info: { genesis?: unknown; corpus_sha256?: unknown } | null = null
  try {
    info = JSON.parse(stdout.trim().split('\n').at(-1) ?? '')
  } catch {
    return undefined
  }
  const { genesis, corpus_sha256: corpusSha256 } = info ?? {}
  if (typeof genesis !== 'string' || !isSha256Hex(genesis)) return undefined
  if (typeof corpusSha256 !== 'string' || !isSha256Hex(corpusSha256)) return undefined
  return { genesis, corpusSha256 }
}

/** Runs prepare.py (its stderr goes to the user) and answers the corpus it prepared. */
export async function prepareCorpus(
  python: string,
  source: string | undefined,
  signal: AbortSignal,
): Promise<CorpusInfo> {
  const args = [PREPARE_PY, '--json']
  if (source !== undefined) args.push('--source', source)
  const res = await execa(python, args, { cancelSignal: signal, reject: false, stderr: 'inherit' })
  if (signal.aborted) throw signal.reason
  const info = parseCorpusInfo(res.exitCode, `${res.stdout}`)
  if (info === undefined)
    throw new PrepareFailedError(`prepare.py failed (exit ${res.exitCode}); see its output above`)
  return info
}

/** The tier's default budget, from the trainer's own tier table (imports torch: ~1-2 s). */
export async function defaultBudget(python: string, signal: AbortSignal): Promise<number> {
  const res = await execa(
    python,
    ['-c', 'from prepare import TIERS, detect_tier; print(TIERS[detect_tier()[0]]["time_budget"])'],
    { cancelSignal: signal, reject: false, env: trainerEnv() },
  )
  const v = Number(`${res.stdout}`.trim())
  return res.exitCode === 0 && v > 0 ? v : FALLBACK_BUDGET_SECONDS
}

/** Whether train files can run sandboxed here (`sandbox.py --check`), and if not, why. */
export interface SandboxCheck {
  ok: boolean
  /** One line on what failed (bwrap missing, namespaces refused...). */
  error?: string
  /** How processes are bounded: cgroup, uid (nobody + RLIMIT_NPROC) or rlimit. */
  processBound?: string
}

export async function checkSandbox(python: string, signal: AbortSignal): Promise<SandboxCheck> {
  const res = await execa(python, [SANDBOX_PY, '--check'], {
    cancelSignal: signal,
    reject: false,
    env: trainerEnv(),
  })
  if (signal.aborted) throw signal.reason
  try {
    const info = JSON.parse(`${res.stdout}`.trim().split('\n').at(-1) ?? '') as {
      ok?: unknown
      error?: unknown
      process_bound?: unknown
    }
    return {
      ok: info.ok === true,
      ...(typeof info.error === 'string' ? { error: info.error } : {}),
      ...(typeof info.process_bound === 'string' ? { processBound: info.process_bound } : {}),
    }
  } catch {
    return { ok: false, error: `sandbox.py --check failed (exit ${res.exitCode})` }
  }
}

/** The baseline train file: what a fresh node's first experiment runs. */
export async function readBaseline(): Promise<string> {
  return readFile(TRAIN_PY, 'utf8')
}

/** The research program the LLM proposer is given, when the trainer has one. */
export async function readProgram(): Promise<string | undefined> {
  return readFile(PROGRAM_MD, 'utf8').catch(() => undefined)
}
