/**
 * The network leaderboard: per hardware tier and time budget, the best KEEP of each author, the
 * lineage of the group's best back to the baseline, and experiment counts per node. Results of
 * different budgets are never ranked against each other. Built from store queries
 * (LeaderboardSource) by a pure assembly step, so the same code serves the HTTP API and the
 * CLI's offline read of the store.
 *
 * The board is this node's view: a file this node rejected or refuted when it ran it, or whose
 * re-measure crashed here (store/verdicts.ts), is never ranked; peers' KEEPs of it are listed
 * apart with the verdict, so a forged or non-causal file is never shown as better on a node
 * that checked it. Each ranked row carries its verification level here (verification.ts):
 * provisional, reproduced here, or verified by authors this node trusts.
 */
import type { ExperimentStatus } from '../../protocol/types.ts'
import {
  DEFAULT_VERIFY_K,
  reproductionTolerance,
  standingHere,
  type Verification,
  verificationOf,
} from './verification.ts'

/** The few fields of a record the leaderboard shows. */
export interface BoardRecord {
  id: string
  author: string
  fileHash: string
  parentHash: string
  valBpb: number
  tier: string
  budgetSeconds: number
  description: string
  createdAt: number
  status: ExperimentStatus
}

/** Results are comparable within one tier and one budget: the unit of ranking. */
export interface BoardGroup {
  tier: string
  budgetSeconds: number
}

export interface AuthorCounts {
  author: string
  keep: number
  discard: number
  crash: number
  rejected: number
  total: number
}

/** This node's verdict on a file it ran itself (store/verdicts.ts). */
export interface VerdictHere {
  fileHash: string
  /**
   * rejected: it broke a rule of the harness here; refuted: its claim did not reproduce here;
   * crashed: its re-measure here never produced a number (no claim of it is shown as a best).
   */
  verdict: 'rejected' | 'refuted' | 'crashed'
  /** For rejected and crashed: the named reason here; '' for refuted. */
  reason: string
  /** This node's val_bpb of the file (0 for a rejection). */
  valBpb: number
  recordId: string
}

/** One of this node's own re-measures of a peer's claim (its local facts joined to its record). */
export interface OwnCheck {
  /** The re-measure record's author: this node. */
  author: string
  fileHash: string
  /** What this node measured (0 when the run gave no number). */
  valBpb: number
  tier: string
  budgetSeconds: number
  /** The author of the claim it checked. */
  claimedBy: string
  /** agent/rebase.ts RebaseReason ('' when none was written). */
  rebaseVerdict: string
}

/** A re-measure record of a file (anyone's): who re-ran it and what it measured. */
export interface RemeasureOf {
  author: string
  valBpb: number
}

/** The queries the leaderboard needs; the SQLite store implements them with indexes. */
export interface LeaderboardSource {
  /** The (tier, budget) groups holding any record, by tier then budget. */
  groups(genesis: string): BoardGroup[]
  /** Files this node rejected, refuted or could not re-measure: never ranked here. */
  verdictsHere(genesis: string): VerdictHere[]
  /** Best KEEP per author in a group whose file is not excluded, best first. */
  bestPerAuthor(
    genesis: string,
    group: BoardGroup,
    limit: number,
    exclude?: readonly string[],
  ): BoardRecord[]
  /** The KEEPs of these files in a group, best first. */
  keepsOfFiles(genesis: string, group: BoardGroup, fileHashes: readonly string[]): BoardRecord[]
  /** val_bpb of every KEEP baseline run (no parent) in a group. */
  baselineValBpbs(genesis: string, group: BoardGroup): number[]
  /**
   * The KEEP that found a file (not a re-measure, preferably of this group, earliest), else any
   * KEEP of it (to walk a lineage); undefined when none is held.
   */
  keepOfFile(genesis: string, fileHash: string, group: BoardGroup): BoardRecord | undefined
  /** This node's own re-measures of peers' claims, oldest first: its standings come from them. */
  ownChecks(genesis: string): OwnCheck[]
  /** Who found each file: the first non-re-measure KEEP of it this store inserted. */
  findersOf(genesis: string, fileHashes: readonly string[]): Map<string, string>
  /** Re-measures of a file in a group that produced a number, oldest first. */
  remeasuresOf(genesis: string, group: BoardGroup, fileHash: string): RemeasureOf[]
  /** This node's own latest seed-noise estimate in a group (its records carry it). */
  ownNoise(genesis: string, group: BoardGroup): { sigma: number; dof: number } | undefined
  countsByAuthor(
    genesis: string,
    filter?: { tier?: string; budgetSeconds?: number },
  ): AuthorCounts[]
}

export interface BoardRow extends BoardRecord, Verification {
  rank: number
  /** val_bpb minus the group's baseline (negative is better). */
  deltaVsBaseline: number | undefined
}

/** A peer's KEEP of a file this node rejected, refuted or could not re-measure: never ranked. */
export interface NotRankedRow extends BoardRecord {
  here: VerdictHere
}

/** One tier at one budget: what is ranked together. */
export interface TierBoard {
  tier: string
  budgetSeconds: number
  baselineValBpb: number | undefined
  rows: BoardRow[]
  /** The best file's ancestry, best first, ending at the baseline (or the first unknown parent). */
  lineage: BoardRecord[]
  /** The best KEEP of each file this node rejected, refuted or crashed on, best first: apart. */
  notRanked: NotRankedRow[]
}

export interface Leaderboard {
  genesis: string
  /** Trusted reproducers a row needs to be 'verified'. */
  verifyK: number
  /** Authors this node trusts now (a claim they found reproduced here, none failed since). */
  trusted: string[]
  tiers: TierBoard[]
  nodes: AuthorCounts[]
}

/** Long chains are walked only this far: a lineage is for reading, not an audit. */
const MAX_LINEAGE = 200
const DEFAULT_ROWS = 20

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

/** A node re-running a file it did not make (to confirm it before adopting it): no diff. */
export function isRemeasure(rec: BoardRecord): boolean {
  return rec.parentHash === rec.fileHash
}

/**
 * The best record's ancestry: each file's finder, then its parent's finder, back to the
 * baseline. A re-measure's parent is its own file, so the walk goes on from whoever found that
 * file (the adopter's best would otherwise show no history at all).
 */
export function lineageOf(
  source: LeaderboardSource,
  genesis: string,
  best: BoardRecord,
): BoardRecord[] {
  const chain = [best]
  // Files whose finder is in the chain: a parent seen again is a cycle (or a repeat).
  const found = new Set(isRemeasure(best) ? [] : [best.fileHash])
  let current = best
  while (chain.length < MAX_LINEAGE) {
    const next = isRemeasure(current) ? current.fileHash : current.parentHash
    if (next === '' || found.has(next)) break
    const step = source.keepOfFile(genesis, next, {
      tier: best.tier,
      budgetSeconds: best.budgetSeconds,
    })
    // Only re-measures of the file the chain ends at are held: its finder is unknown here.
    if (step === undefined || (isRemeasure(step) && step.fileHash === current.fileHash)) break
    chain.push(step)
    if (!isRemeasure(step)) found.add(step.fileHash)
    current = step
  }
  return chain
}

export interface LeaderboardOptions {
  /** Only this tier. */
  tier?: string
  /** Only this budget (seconds). */
  budgetSeconds?: number
  /** Ranked rows per group (default 20). */
  rows?: number
  /** Trusted reproducers a row needs to be 'verified' (default 2). */
  verifyK?: number
}

export function buildLeaderboard(
  source: LeaderboardSource,
  genesis: string,
  options: LeaderboardOptions = {},
): Leaderboard {
  const groups = source
    .groups(genesis)
    .filter(
      (g) =>
        (options.tier === undefined || g.tier === options.tier) &&
        (options.budgetSeconds === undefined || g.budgetSeconds === options.budgetSeconds),
    )
  const verdicts = groups.length === 0 ? [] : source.verdictsHere(genesis)
  const condemned = verdicts.map((v) => v.fileHash)
  const verdictOf = new Map(verdicts.map((v) => [v.fileHash, v]))
  const standing = standingHere(source, genesis)
  const verifyK = options.verifyK ?? DEFAULT_VERIFY_K
  return {
    genesis,
    verifyK,
    trusted: [...standing.trusted].sort(),
    tiers: groups.map((group) => {
      // The median of every node's baseline run: one noisy baseline should not move the deltas.
      const baselineValBpb = median(source.baselineValBpbs(genesis, group))
      const best = source.bestPerAuthor(genesis, group, options.rows ?? DEFAULT_ROWS, condemned)
      const tolerance = reproductionTolerance(source.ownNoise(genesis, group))
      const rows = best.map((rec, i) => ({
        ...rec,
        rank: i + 1,
        deltaVsBaseline: baselineValBpb === undefined ? undefined : rec.valBpb - baselineValBpb,
        ...verificationOf(
          rec,
          source.remeasuresOf(genesis, group, rec.fileHash),
          standing,
          verifyK,
          tolerance,
        ),
      }))
      const top = best[0]
      return {
        tier: group.tier,
        budgetSeconds: group.budgetSeconds,
        baselineValBpb,
        rows,
        lineage: top === undefined ? [] : lineageOf(source, genesis, top),
        notRanked: notRankedRows(source, genesis, group, condemned, verdictOf),
      }
    }),
    nodes: source.countsByAuthor(genesis, {
      ...(options.tier !== undefined ? { tier: options.tier } : {}),
      ...(options.budgetSeconds !== undefined ? { budgetSeconds: options.budgetSeconds } : {}),
    }),
  }
}

/** The best KEEP of each condemned file in a group, best first, with this node's verdict. */
function notRankedRows(
  source: LeaderboardSource,
  genesis: string,
  group: BoardGroup,
  condemned: readonly string[],
  verdictOf: ReadonlyMap<string, VerdictHere>,
): NotRankedRow[] {
  const seen = new Set<string>()
  const out: NotRankedRow[] = []
  for (const rec of source.keepsOfFiles(genesis, group, condemned)) {
    const here = verdictOf.get(rec.fileHash)
    if (here === undefined || seen.has(rec.fileHash)) continue
    seen.add(rec.fileHash)
    out.push({ ...rec, here })
  }
  return out
}
