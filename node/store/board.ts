/**
 * The leaderboard's queries (node/leaderboard LeaderboardSource) in SQL, kept out of store.ts.
 * Each is one indexed statement (schema.ts migration 5), so a board stays in milliseconds on a
 * store of 100k records. The indexes are named (INDEXED BY): without ANALYZE statistics SQLite's
 * planner picked the (genesis, author, seq) index and scanned a whole genesis. A re-measure
 * record (a node re-running a peer's file) has parent_hash = file_hash. Results are ranked
 * within a tier and a budget: a board is per (tier, budget_seconds) group.
 */
import type { SQLInputValue, StatementSync } from 'node:sqlite'
import type { ExperimentStatus } from '../../protocol/types.ts'
import type { AuthorCounts, BoardGroup, BoardRecord } from '../leaderboard/leaderboard.ts'
import { whereEqual } from './db.ts'

type Row = Record<string, SQLInputValue>
type Prepare = (sql: string) => StatementSync

const BOARD_COLUMNS =
  'r.id, r.author, r.file_hash, r.parent_hash, r.val_bpb, r.tier, r.budget_seconds, r.description, r.created_at, r.status'

function toBoardRecord(row: Row): BoardRecord {
  return {
    id: String(row.id),
    author: String(row.author),
    fileHash: String(row.file_hash),
    parentHash: String(row.parent_hash),
    valBpb: Number(row.val_bpb),
    tier: String(row.tier),
    budgetSeconds: Number(row.budget_seconds),
    description: String(row.description),
    createdAt: Number(row.created_at),
    status: String(row.status) as ExperimentStatus,
  }
}

/**
 * The (tier, budget) groups of a genesis that hold any record, by tier then budget, from the
 * per-author counts (a few rows per author, not a scan of the records). Budget 0 is a format-1
 * row kept by migration 5: no group of its own.
 */
export function groups(prepare: Prepare, genesis: string): BoardGroup[] {
  const rows = prepare(
    `SELECT DISTINCT tier, budget_seconds FROM author_counts
      WHERE genesis = ? AND budget_seconds > 0 ORDER BY tier, budget_seconds`,
  ).all(genesis) as Row[]
  return rows.map((r) => ({ tier: String(r.tier), budgetSeconds: Number(r.budget_seconds) }))
}

/**
 * Each author's lowest-val_bpb KEEP in a tier and budget whose file is not in `exclude`, best
 * first; ties (per author and between authors) go to the earliest. One index seek per author
 * with a KEEP (author_counts lists them): records_author_best is in (val_bpb, created_at, idx)
 * order within an author, and an excluded file only makes that author's walk one row longer.
 */
export function bestPerAuthor(
  prepare: Prepare,
  genesis: string,
  group: BoardGroup,
  limit: number,
  exclude: readonly string[] = [],
): BoardRecord[] {
  const rows = prepare(
    `SELECT ${BOARD_COLUMNS} FROM author_counts c JOIN records r ON r.idx = (
       SELECT idx FROM records INDEXED BY records_author_best
        WHERE genesis = c.genesis AND tier = c.tier AND budget_seconds = c.budget_seconds
          AND status = 'keep' AND author = c.author
          AND file_hash NOT IN (SELECT value FROM json_each(?4))
        ORDER BY val_bpb, created_at, idx LIMIT 1)
      WHERE c.genesis = ?1 AND c.tier = ?2 AND c.budget_seconds = ?3 AND c.keep > 0
      ORDER BY r.val_bpb, r.created_at, r.idx
      LIMIT ?5`,
  ).all(genesis, group.tier, group.budgetSeconds, JSON.stringify(exclude), limit) as Row[]
  return rows.map(toBoardRecord)
}

/** The KEEPs of some files in a tier and budget, best first (the claims a board lists apart). */
export function keepsOfFiles(
  prepare: Prepare,
  genesis: string,
  group: BoardGroup,
  fileHashes: readonly string[],
): BoardRecord[] {
  if (fileHashes.length === 0) return []
  const rows = prepare(
    `SELECT ${BOARD_COLUMNS} FROM records r INDEXED BY records_file
      WHERE r.genesis = ?1 AND r.file_hash IN (SELECT value FROM json_each(?2))
        AND r.status = 'keep' AND r.tier = ?3 AND r.budget_seconds = ?4
      ORDER BY r.val_bpb, r.created_at, r.idx`,
  ).all(genesis, JSON.stringify(fileHashes), group.tier, group.budgetSeconds) as Row[]
  return rows.map(toBoardRecord)
}

/** val_bpb of every KEEP baseline run (no parent) in a tier and budget. */
export function baselineValBpbs(prepare: Prepare, genesis: string, group: BoardGroup): number[] {
  const rows = prepare(
    `SELECT val_bpb FROM records INDEXED BY records_parent
      WHERE genesis = ? AND parent_hash = '' AND tier = ? AND budget_seconds = ?
        AND status = 'keep'`,
  ).all(genesis, group.tier, group.budgetSeconds) as Row[]
  return rows.map((r) => Number(r.val_bpb))
}

/**
 * The KEEP that found a file: not a re-measure, of the asked tier and budget when there is one
 * (a file is often found on one tier or budget and re-measured on another, so the finder may be
 * elsewhere), earliest first; else any KEEP of the file (only re-measures are held).
 */
export function keepOfFile(
  prepare: Prepare,
  genesis: string,
  fileHash: string,
  group: BoardGroup,
): BoardRecord | undefined {
  const row = prepare(
    `SELECT ${BOARD_COLUMNS} FROM records r INDEXED BY records_file
      WHERE r.genesis = ? AND r.file_hash = ? AND r.status = 'keep'
      ORDER BY r.parent_hash = r.file_hash, r.tier <> ?, r.budget_seconds <> ?, r.created_at, r.idx
      LIMIT 1`,
  ).get(genesis, fileHash, group.tier, group.budgetSeconds) as Row | undefined
  return row === undefined ? undefined : toBoardRecord(row)
}

/**
 * keep / discard / crash / rejected / total per author, most experiments first (from
 * author_counts), of a whole genesis or of one tier, one budget, or one group.
 */
export function countsByAuthor(
  prepare: Prepare,
  genesis: string,
  filter: { tier?: string; budgetSeconds?: number } = {},
): AuthorCounts[] {
  const where = whereEqual([
    ['genesis', genesis],
    ['tier', filter.tier],
    ['budget_seconds', filter.budgetSeconds],
  ])
  const rows = prepare(
    `SELECT author, SUM(keep) AS keep, SUM(discard) AS discard, SUM(crash) AS crash,
        SUM(rejected) AS rejected, SUM(keep + discard + crash + rejected) AS total
       FROM author_counts ${where.sql}
      GROUP BY author HAVING total > 0 ORDER BY total DESC, author`,
  ).all(...where.args) as Row[]
  return rows.map((r) => ({
    author: String(r.author),
    keep: Number(r.keep),
    discard: Number(r.discard),
    crash: Number(r.crash),
    rejected: Number(r.rejected),
    total: Number(r.total),
  }))
}
