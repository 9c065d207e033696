/**
 * What the loop does after a crash, pure: the unmodified baseline must run (a machine that
 * cannot train it gives up), a proposer with fix() may repair its own bug a bounded number of
 * times (a peer's file that crashes here is nobody's to fix), and a run of crashes backs off.
 * Table-tested in test/agent/crash-policy.test.ts.
 */

/** Counted across the experiments of one run(). */
export interface CrashCounters {
  /** Fix attempts spent on the current chain of crashes. */
  fixAttempts: number
  baselineCrashes: number
  consecutiveCrashes: number
}

export interface CrashLimits {
  /** Crashes of the unmodified baseline before giving up (the loop's default: 3). */
  maxBaselineCrashes: number
  /** Fix attempts per crash chain (the loop's default: 2). */
  maxFixAttempts: number
}

export interface FinishedRun {
  crashed: boolean
  /** The run was the unmodified baseline. */
  baseline: boolean
  /** Its proposer can fix() it: an own proposal (not a re-measure) of a proposer with fix(). */
  fixable: boolean
}

/** After a crash: go on, ask for fix attempt `attempt` (1-based), or give up. */
export type CrashStep =
  | { action: 'go-on' }
  | { action: 'fix'; attempt: number }
  | { action: 'give-up' }

export const NO_CRASHES: CrashCounters = {
  fixAttempts: 0,
  baselineCrashes: 0,
  consecutiveCrashes: 0,
}

/** The counters after `run`, and what to do about it. A run that did not crash resets the chain. */
export function afterRun(
  counters: Readonly<CrashCounters>,
  run: FinishedRun,
  limits: CrashLimits,
): { counters: CrashCounters; step: CrashStep } {
  if (!run.crashed)
    return {
      counters: { ...counters, fixAttempts: 0, consecutiveCrashes: 0 },
      step: { action: 'go-on' },
    }
  const consecutiveCrashes = counters.consecutiveCrashes + 1
  if (run.baseline) {
    const baselineCrashes = counters.baselineCrashes + 1
    const step: CrashStep =
      baselineCrashes >= limits.maxBaselineCrashes ? { action: 'give-up' } : { action: 'go-on' }
    return { counters: { ...counters, baselineCrashes, consecutiveCrashes }, step }
  }
  if (run.fixable && counters.fixAttempts < limits.maxFixAttempts) {
    const attempt = counters.fixAttempts + 1
    return {
      counters: { ...counters, fixAttempts: attempt, consecutiveCrashes },
      step: { action: 'fix', attempt },
    }
  }
  return {
    counters: { ...counters, fixAttempts: 0, consecutiveCrashes },
    step: { action: 'go-on' },
  }
}

/**
 * How long to wait before the next experiment after `consecutiveCrashes` crashes in a row with
 * no fix to run: nothing for the first two, then 1 s doubling up to 60 s. A run of crashes on
 * unmodified code means the machine, not the idea, is broken.
 */
export function crashBackoffMs(consecutiveCrashes: number): number {
  if (consecutiveCrashes < 3) return 0
  return Math.min(60_000, 1000 * 2 ** (consecutiveCrashes - 3))
}
