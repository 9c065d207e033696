/**
 * An author's standing on this node (docs/ARCHITECTURE.md "Sharing decisions"): pure, built
 * from this node's own re-measures of that author's claims, so nothing an author says of
 * itself, and nothing other authors say of it, moves it. Used by the rebase (whose claims
 * get re-runs), the proposers (whose discards and claims rule an edit out) and the
 * leaderboard's verification levels (whose re-measures count as reproductions).
 */
import type { LocalRun } from './interfaces.ts'

/** Re-measure verdicts (rebase.ts RebaseReason) whose claim did not hold here. */
export const NOT_REPRODUCED: ReadonlySet<string> = new Set(['refuted', 'better-here', 'rejected'])
/** Re-measure verdicts whose claim held here. */
export const REPRODUCED: ReadonlySet<string> = new Set(['confirmed', 'not-better-here'])

/**
 * The part of a local run standing reads: whose claim it checked, how that went, and which
 * file it ran (for the finder rule; see standings()).
 */
export interface StandingRun extends Pick<LocalRun, 'claimedBy' | 'rebaseVerdict'> {
  fileHash?: string
}

/**
 * Whether `author` found the file (made the first KEEP of it that is not a re-measure, as this
 * node stored them), not republished someone else's find as its own claim.
 */
export type IsFinder = (author: string, fileHash: string) => boolean

export interface AuthorStanding {
  /** Claims of the author that reproduced here. */
  reproduced: number
  /** Claims that did not reproduce here since the last one that did. */
  refutedSince: number
}

/**
 * Every author whose claim this node re-measured, oldest run first in `runs`.
 *
 * With `isFinder`, a reproduced claim counts for its author only when that author found the
 * file: a sybil that republishes an honest author's kept file as its own claim, and has it
 * confirmed here, earns nothing (not even a cleared failure count). A failed claim counts
 * against its author whoever found the file: claiming a number is the author's own act.
 * Without `isFinder` (the rebase, which only asks whom to stop re-running) every reproduced
 * claim counts.
 */
export function standings(
  runs: readonly StandingRun[],
  isFinder?: IsFinder,
): Map<string, AuthorStanding> {
  const out = new Map<string, AuthorStanding>()
  for (const run of runs) {
    if (run.claimedBy === undefined) continue
    const verdict = run.rebaseVerdict ?? ''
    const s = out.get(run.claimedBy) ?? { reproduced: 0, refutedSince: 0 }
    if (REPRODUCED.has(verdict)) {
      const found =
        isFinder === undefined ||
        (run.fileHash !== undefined && isFinder(run.claimedBy, run.fileHash))
      if (found) out.set(run.claimedBy, { reproduced: s.reproduced + 1, refutedSince: 0 })
    } else if (NOT_REPRODUCED.has(verdict))
      out.set(run.claimedBy, { reproduced: s.reproduced, refutedSince: s.refutedSince + 1 })
  }
  return out
}

/**
 * Authors this node trusts: a claim of theirs reproduced here, and none failed since. One
 * unlucky refutation costs an honest author its trust only until its next claim reproduces.
 */
export function trustedAuthors(runs: readonly StandingRun[], isFinder?: IsFinder): Set<string> {
  const out = new Set<string>()
  for (const [author, s] of standings(runs, isFinder))
    if (s.reproduced > 0 && s.refutedSince === 0) out.add(author)
  return out
}

/** Authors with at least `limit` failed claims since their last one that reproduced here. */
export function distrustedAuthors(
  runs: readonly StandingRun[],
  limit: number,
  isFinder?: IsFinder,
): Set<string> {
  const out = new Set<string>()
  for (const [author, s] of standings(runs, isFinder)) if (s.refutedSince >= limit) out.add(author)
  return out
}
