/**
 * The queries behind the board's verification levels (node/leaderboard/verification.ts): this
 * node's own checks of peers' claims (local_runs: whose claim, the verdict, what it measured),
 * who found a file, and who re-measured one. A re-measure record has parent_hash = file_hash.
 */
import type { SQLInputValue, StatementSync } from 'node:sqlite'
import type { BoardGroup, OwnCheck, RemeasureOf } from '../leaderboard/leaderboard.ts'

type Row = Record<string, SQLInputValue>
type Prepare = (sql: string) => StatementSync

/**
 * This node's re-measures of peers' claims in a genesis, oldest first (insertion order).
 * local_runs holds only own runs, a few per hour: walked first (CROSS JOIN fixes the order).
 */
export function ownChecks(prepare: Prepare, genesis: string): OwnCheck[] {
  const rows = prepare(
    `SELECT r.author, r.file_hash, r.val_bpb, r.tier, r.budget_seconds, l.claimed_by,
        l.rebase_verdict
       FROM local_runs l CROSS JOIN records r ON r.id = l.record_id
      WHERE r.genesis = ? AND l.claimed_by IS NOT NULL
      ORDER BY r.idx`,
  ).all(genesis) as Row[]
  return rows.map((r) => ({
    author: String(r.author),
    fileHash: String(r.file_hash),
    valBpb: Number(r.val_bpb),
    tier: String(r.tier),
    budgetSeconds: Number(r.budget_seconds),
    claimedBy: String(r.claimed_by),
    rebaseVerdict: r.rebase_verdict === null ? '' : String(r.rebase_verdict),
  }))
}

/**
 * The finder of each file: the author of the first KEEP of it that is not a re-measure, in
 * this store's own insertion order (idx), any tier or budget. Never the records' created_at:
 * that is the author's own word, and a republisher would date its copy first.
 */
export function findersOf(
  prepare: Prepare,
  genesis: string,
  fileHashes: readonly string[],
): Map<string, string> {
  if (fileHashes.length === 0) return new Map()
  // SQLite takes the bare column (author) from the row that gave MIN(idx)
  const rows = prepare(
    `SELECT file_hash, author, MIN(idx) AS first FROM records INDEXED BY records_file
      WHERE genesis = ?1 AND file_hash IN (SELECT value FROM json_each(?2))
        AND status = 'keep' AND parent_hash <> file_hash
      GROUP BY file_hash`,
  ).all(genesis, JSON.stringify(fileHashes)) as Row[]
  return new Map(rows.map((r) => [String(r.file_hash), String(r.author)]))
}

/**
 * The re-measures of a file in one tier and budget that produced a number (kept or
 * discarded: a discarded re-measure may still have reproduced the claim), oldest first.
 */
export function remeasuresOf(
  prepare: Prepare,
  genesis: string,
  group: BoardGroup,
  fileHash: string,
): RemeasureOf[] {
  const rows = prepare(
    `SELECT author, val_bpb FROM records INDEXED BY records_file
      WHERE genesis = ?1 AND file_hash = ?2 AND status IN ('keep', 'discard')
        AND parent_hash = ?2 AND tier = ?3 AND budget_seconds = ?4
      ORDER BY idx`,
  ).all(genesis, fileHash, group.tier, group.budgetSeconds) as Row[]
  return rows.map((r) => ({ author: String(r.author), valBpb: Number(r.val_bpb) }))
}

/**
 * This node's latest seed-noise estimate in one tier and budget, as its own latest measured
 * record carries it (noise_sigma, noise_dof); undefined before it has measured there.
 */
export function ownNoise(
  prepare: Prepare,
  genesis: string,
  group: BoardGroup,
): { sigma: number; dof: number } | undefined {
  const row = prepare(
    `SELECT r.noise_sigma, r.noise_dof
       FROM local_runs l CROSS JOIN records r ON r.id = l.record_id
      WHERE r.genesis = ? AND r.tier = ? AND r.budget_seconds = ? AND r.noise_dof > 0
      ORDER BY r.idx DESC LIMIT 1`,
  ).get(genesis, group.tier, group.budgetSeconds) as Row | undefined
  return row === undefined
    ? undefined
    : { sigma: Number(row.noise_sigma), dof: Number(row.noise_dof) }
}
