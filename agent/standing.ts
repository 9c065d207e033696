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

/** The part of a local run standing reads: whose claim it checked, and how that went. */
export type StandingRun = Pick<LocalRun, 'claimedBy' | 'rebaseVerdict'>

export interface AuthorStanding {
  /** Claims of the author that reproduced here. */
  reproduced: number
  /** Claims that did not reproduce here since the last one that did. */
  refutedSince: number
}

/** Every author whose claim this node re-measured, oldest run first in `runs`. */
export function standings(runs: readonly StandingRun[]): Map<string, AuthorStanding> {
  const out = new Map<string, AuthorStanding>()
  for (const run of runs) {
    if (run.claimedBy === undefined) continue
    const verdict = run.rebaseVerdict ?? ''
    const s = out.get(run.claimedBy) ?? { reproduced: 0, refutedSince: 0 }
    if (REPRODUCED.has(verdict))
      out.set(run.claimedBy, { reproduced: s.reproduced + 1, refutedSince: 0 })
    else if (NOT_REPRODUCED.has(verdict))
      out.set(run.claimedBy, { reproduced: s.reproduced, refutedSince: s.refutedSince + 1 })
  }
  return out
}

/**
 * Authors this node trusts: a claim of theirs reproduced here, and none failed since. One
 * unlucky refutation costs an honest author its trust only until its next claim reproduces.
 */
export function trustedAuthors(runs: readonly StandingRun[]): Set<string> {
  const out = new Set<string>()
  for (const [author, s] of standings(runs))
    if (s.reproduced > 0 && s.refutedSince === 0) out.add(author)
  return out
}

/** Authors with at least `limit` failed claims since their last one that reproduced here. */
export function distrustedAuthors(runs: readonly StandingRun[], limit: number): Set<string> {
  const out = new Set<string>()
  for (const [author, s] of standings(runs)) if (s.refutedSince >= limit) out.add(author)
  return out
}
