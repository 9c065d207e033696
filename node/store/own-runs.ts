/**
 * The `local_runs` table: this node's own facts about its experiments (git commits, proposer,
 * log, wall time, crash reason, the claim a re-measure judged), one row per own record, written
 * in the record's transaction and read joined to it (records.ts ownRuns). Never gossiped.
 */
import type { LocalRun } from '../../agent/interfaces.ts'
import type { Db, Row } from './db.ts'

/** The local_runs columns as ownRuns selects them next to the record's (r.*). */
export const LOCAL_RUN_COLUMNS =
  'l.commit_hash, l.parent_commit, l.source, l.log_path, l.wall_seconds, l.crash_reason, l.claimed_by, l.rebase_verdict'

/** Inside the record's transaction (records.ts insertRecord). */
export function insertLocalRun(db: Db, recordId: string, local: LocalRun): void {
  db.prepare(
    `INSERT INTO local_runs (record_id, commit_hash, parent_commit, source, log_path, wall_seconds,
         crash_reason, claimed_by, rebase_verdict)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    recordId,
    local.commit,
    local.parentCommit,
    local.source,
    local.logPath,
    local.wallSeconds,
    local.crashReason ?? null,
    local.claimedBy ?? null,
    local.rebaseVerdict ?? null,
  )
}

/** The local facts of a row selected with LOCAL_RUN_COLUMNS (absent optional ones left out). */
export function localRunOf(row: Row): LocalRun {
  const local: LocalRun = {
    commit: String(row.commit_hash),
    parentCommit: String(row.parent_commit),
    source: String(row.source),
    logPath: String(row.log_path),
    wallSeconds: Number(row.wall_seconds),
  }
  if (row.crash_reason !== null && row.crash_reason !== undefined)
    local.crashReason = String(row.crash_reason)
  if (row.claimed_by !== null && row.claimed_by !== undefined)
    local.claimedBy = String(row.claimed_by)
  if (row.rebase_verdict !== null && row.rebase_verdict !== undefined)
    local.rebaseVerdict = String(row.rebase_verdict)
  return local
}
