/**
 * Verification levels of the board's rows (docs/ARCHITECTURE.md "Verification levels and
 * standing"), pure over the store's answers:
 * - provisional: only its author's word (and maybe untrusted peers') stands behind the number;
 * - reproduced-here: this node re-measured the file and the claim held (its own run, a verdict
 *   in REPRODUCED, within the tolerance of this row's claim);
 * - verified: at least k authors this node trusts reproduced it, this node counting as one when
 *   it reproduced the claim itself.
 * Trust is agent/standing.ts over this node's own re-measures, with the finder rule: a claim
 * reproduced here credits its author only when that author found the file, so republishing an
 * honest author's file earns nothing, and authors that only confirm one another (or claim
 * what they never found) are never trusted, whatever they publish.
 */
import { claimReproduced, rebaseTolerance } from '../../agent/rebase.ts'
import { REPRODUCED, trustedAuthors } from '../../agent/standing.ts'
import type { BoardRecord, LeaderboardSource, OwnCheck, RemeasureOf } from './leaderboard.ts'

export type VerificationLevel = 'provisional' | 'reproduced-here' | 'verified'

/** What a ranked row says of who stands behind its number. */
export interface Verification {
  verification: VerificationLevel
  /** This node (when it reproduced the claim) and the trusted authors whose re-measure did. */
  reproducedBy: string[]
}

/** Trusted reproducers that make a row verified, unless the board is asked for another k. */
export const DEFAULT_VERIFY_K = 2

/**
 * How far above a claim a re-measure may land and still reproduce it: the rebase's own rule
 * with this node's measured noise in the group (the conservative default before it has
 * measured), so the board and the rebase agree on what reproduced. The one place to change it.
 */
export function reproductionTolerance(noise: { sigma: number; dof: number } | undefined): number {
  return noise === undefined || noise.dof <= 0
    ? rebaseTolerance()
    : rebaseTolerance({ sigma: noise.sigma })
}

/** This node's standing of authors, and its own checks that the rows are matched against. */
export interface StandingHere {
  trusted: ReadonlySet<string>
  checks: readonly OwnCheck[]
}

export function standingHere(source: LeaderboardSource, genesis: string): StandingHere {
  const checks = source.ownChecks(genesis)
  const finders = source.findersOf(genesis, [...new Set(checks.map((c) => c.fileHash))])
  const trusted = trustedAuthors(checks, (author, fileHash) => finders.get(fileHash) === author)
  return { trusted, checks }
}

/**
 * A row's level. The row's author never counts as its own reproducer; only re-measures of the
 * row's tier and budget count (standing.ts builds trust from any tier, a row from its own).
 */
export function verificationOf(
  row: BoardRecord,
  remeasures: readonly RemeasureOf[],
  here: StandingHere,
  k: number,
  tolerance: number,
): Verification {
  const holds = (measured: number) => claimReproduced(row.valBpb, measured, tolerance)
  const own = here.checks.find(
    (c) =>
      c.fileHash === row.fileHash &&
      c.tier === row.tier &&
      c.budgetSeconds === row.budgetSeconds &&
      c.author !== row.author &&
      REPRODUCED.has(c.rebaseVerdict) &&
      holds(c.valBpb),
  )
  const by = new Set<string>(own === undefined ? [] : [own.author])
  for (const r of remeasures)
    if (r.author !== row.author && here.trusted.has(r.author) && holds(r.valBpb)) by.add(r.author)
  const reproducedBy = [...by]
  const verification =
    reproducedBy.length >= k ? 'verified' : own !== undefined ? 'reproduced-here' : 'provisional'
  return { verification, reproducedBy }
}
