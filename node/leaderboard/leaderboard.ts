/**
 * The network leaderboard: per hardware tier, the best KEEP of each author, the lineage of the
 * tier's best back to the baseline, and experiment counts per node. Built from store queries
 * (LeaderboardSource) by a pure assembly step, so the same code serves the HTTP API and the
 * CLI's offline read of the store.
 */
import type { ExperimentStatus } from '../../protocol/types.ts'

/** The few fields of a record the leaderboard shows. */
export interface BoardRecord {
  id: string
  author: string
  fileHash: string
  parentHash: string
  valBpb: number
  tier: string
  description: string
  createdAt: number
  status: ExperimentStatus
}

export interface AuthorCounts {
  author: string
  keep: number
  discard: number
  crash: number
  total: number
}

/** The queries the leaderboard needs; the SQLite store implements them with indexes. */
export interface LeaderboardSource {
  tiers(genesis: string): string[]
  /** Best KEEP per author in a tier, best first. */
  bestPerAuthor(genesis: string, tier: string, limit: number): BoardRecord[]
  /** val_bpb of every KEEP baseline run (no parent) in a tier. */
  baselineValBpbs(genesis: string, tier: string): number[]
  /**
   * The KEEP that found a file (not a re-measure, preferably of this tier, earliest), else any
   * KEEP of it (to walk a lineage); undefined when none is held.
   */
  keepOfFile(genesis: string, fileHash: string, tier: string): BoardRecord | undefined
  /** How many authors other than `finder` re-measured the file (any tier) and kept it. */
  confirmations(genesis: string, fileHash: string, finder: string): number
  countsByAuthor(genesis: string, tier?: string): AuthorCounts[]
}

export interface BoardRow extends BoardRecord {
  rank: number
  /** val_bpb minus the tier's baseline (negative is better). */
  deltaVsBaseline: number | undefined
  confirmations: number
}

export interface TierBoard {
  tier: string
  baselineValBpb: number | undefined
  rows: BoardRow[]
  /** The best file's ancestry, best first, ending at the baseline (or the first unknown parent). */
  lineage: BoardRecord[]
}

export interface Leaderboard {
  genesis: string
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
    const step = source.keepOfFile(genesis, next, best.tier)
    // Only re-measures of the file the chain ends at are held: its finder is unknown here.
    if (step === undefined || (isRemeasure(step) && step.fileHash === current.fileHash)) break
    chain.push(step)
    if (!isRemeasure(step)) found.add(step.fileHash)
    current = step
  }
  return chain
}

export function buildLeaderboard(
  source: LeaderboardSource,
  genesis: string,
  options: { tier?: string; rows?: number } = {},
): Leaderboard {
  const tiers = options.tier === undefined ? source.tiers(genesis) : [options.tier]
  return {
    genesis,
    tiers: tiers.map((tier) => {
      // The median of every node's baseline run: one noisy baseline should not move the deltas.
      const baselineValBpb = median(source.baselineValBpbs(genesis, tier))
      const best = source.bestPerAuthor(genesis, tier, options.rows ?? DEFAULT_ROWS)
      const rows = best.map((rec, i) => ({
        ...rec,
        rank: i + 1,
        deltaVsBaseline: baselineValBpb === undefined ? undefined : rec.valBpb - baselineValBpb,
        confirmations: source.confirmations(genesis, rec.fileHash, rec.author),
      }))
      const top = best[0]
      return {
        tier,
        baselineValBpb,
        rows,
        lineage: top === undefined ? [] : lineageOf(source, genesis, top),
      }
    }),
    nodes: source.countsByAuthor(genesis, options.tier),
  }
}
