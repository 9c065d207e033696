/**
 * The leaderboard's queries (node/leaderboard LeaderboardSource) in SQL, kept out of store.ts.
 * Each is one indexed statement (schema.ts migrations 2 and 3), so a board stays in milliseconds
 * on a store of 100k records. The indexes are named (INDEXED BY): without ANALYZE statistics
 * SQLite's planner picked the (genesis, author, seq) index and scanned a whole genesis. A re-measure record (a node re-running a peer's file) has
 * parent_hash = file_hash.
 */
import type { SQLInputValue, StatementSync } from 'node:sqlite'
import type { ExperimentStatus } from '../../protocol/types.ts'
import type { AuthorCounts, BoardRecord } from '../leaderboard/leaderboard.ts'

type Row = Record<string, SQLInputValue>
type Prepare = (sql: string) => StatementSync

const BOARD_COLUMNS =
  'r.id, r.author, r.file_hash, r.parent_hash, r.val_bpb, r.tier, r.description, r.created_at, r.status'

function toBoardRecord(row: Row): BoardRecord {
  return {
    id: String(row.id),
    author: String(row.author),
    fileHash: String(row.file_hash),
    parentHash: String(row.parent_hash),
    valBpb: Number(row.val_bpb),
    tier: String(row.tier),
    description: String(row.description),
    createdAt: Number(row.created_at),
    status: String(row.status) as ExperimentStatus,
  }
}

/**
 * Distinct tiers of a genesis, by skip-scan: one index seek per tier instead of a scan over
 * every record (SQLite's DISTINCT reads the whole index range).
 */
export function tiers(prepare: Prepare, genesis: string): string[] {
  const rows = prepare(
    `WITH RECURSIVE t(tier) AS (
       SELECT MIN(tier) FROM records WHERE genesis = ?1
       UNION ALL
       SELECT (SELECT MIN(tier) FROM records WHERE genesis = ?1 AND tier > t.tier)
         FROM t WHERE t.tier IS NOT NULL
     )
     SELECT tier FROM t WHERE tier IS NOT NULL`,
  ).all(genesis) as Row[]
  return rows.map((r) => String(r.tier))
}

/**
 * Each author's lowest-val_bpb KEEP in a tier, best first; ties (per author and between
 * authors) go to the earliest. One index seek per author with a KEEP (author_counts lists
 * them): records_author_best is in (val_bpb, created_at, idx) order within an author.
 */
export function bestPerAuthor(
  prepare: Prepare,
  genesis: string,
  tier: string,
  limit: number,
): BoardRecord[] {
  const rows = prepare(
    `SELECT ${BOARD_COLUMNS} FROM author_counts c JOIN records r ON r.idx = (
       SELECT idx FROM records INDEXED BY records_author_best
        WHERE genesis = c.genesis AND tier = c.tier AND status = 'keep' AND author = c.author
        ORDER BY val_bpb, created_at, idx LIMIT 1)
      WHERE c.genesis = ? AND c.tier = ? AND c.keep > 0
      ORDER BY r.val_bpb, r.created_at, r.idx
      LIMIT ?`,
  ).all(genesis, tier, limit) as Row[]
  return rows.map(toBoardRecord)
}

/** val_bpb of every KEEP baseline run (no parent) in a tier. */
export function baselineValBpbs(prepare: Prepare, genesis: string, tier: string): number[] {
  const rows = prepare(
    `SELECT val_bpb FROM records INDEXED BY records_parent
      WHERE genesis = ? AND parent_hash = '' AND tier = ? AND status = 'keep'`,
  ).all(genesis, tier) as Row[]
  return rows.map((r) => Number(r.val_bpb))
}

/**
 * The KEEP that found a file: not a re-measure, of the asked tier when there is one (a file is
 * often found on one tier and re-measured on another, so the finder may be elsewhere),
 * earliest first; else any KEEP of the file (only re-measures are held).
 */
export function keepOfFile(
  prepare: Prepare,
  genesis: string,
  fileHash: string,
  tier: string,
): BoardRecord | undefined {
  const row = prepare(
    `SELECT ${BOARD_COLUMNS} FROM records r INDEXED BY records_file
      WHERE r.genesis = ? AND r.file_hash = ? AND r.status = 'keep'
      ORDER BY r.parent_hash = r.file_hash, r.tier <> ?, r.created_at, r.idx
      LIMIT 1`,
  ).get(genesis, fileHash, tier) as Row | undefined
  return row === undefined ? undefined : toBoardRecord(row)
}

/** Distinct authors other than the finder who re-measured a file and kept it (any tier). */
export function confirmations(
  prepare: Prepare,
  genesis: string,
  fileHash: string,
  finder: string,
): number {
  const row = prepare(
    `SELECT COUNT(DISTINCT author) AS n FROM records INDEXED BY records_file
      WHERE genesis = ?1 AND file_hash = ?2 AND status = 'keep' AND parent_hash = ?2
        AND author <> ?3`,
  ).get(genesis, fileHash, finder) as Row
  return Number(row.n)
}

/** keep / discard / crash / total per author, most experiments first (from author_counts). */
export function countsByAuthor(prepare: Prepare, genesis: string, tier?: string): AuthorCounts[] {
  const select = `SELECT author, SUM(keep) AS keep, SUM(discard) AS discard, SUM(crash) AS crash,
      SUM(keep + discard + crash) AS total FROM author_counts`
  const order = 'GROUP BY author HAVING total > 0 ORDER BY total DESC, author'
  const rows = (
    tier === undefined
      ? prepare(`${select} WHERE genesis = ? ${order}`).all(genesis)
      : prepare(`${select} WHERE genesis = ? AND tier = ? ${order}`).all(genesis, tier)
  ) as Row[]
  return rows.map((r) => ({
    author: String(r.author),
    keep: Number(r.keep),
    discard: Number(r.discard),
    crash: Number(r.crash),
    total: Number(r.total),
  }))
}
