/**
 * What this node itself found when it ran a file: the files it rejected (its harness saw the
 * file break a rule), refuted (its re-measure did not reproduce a peer's claim) or could not
 * re-measure at all (the re-run crashed: a file that never calls finish() claims a number no
 * run here produced). Such a file is never this node's answer to "what is best": the
 * leaderboard lists it apart and the rebase query (records.ts bestKeep) never returns it, so a
 * forged or non-causal file that a peer claims as a KEEP is never shown as better on an honest
 * node that checked it.
 *
 * An own record is one with local facts (local_runs: this node ran it, solo or networked) or one
 * signed by this node's id (state node_id; its own records synced back into a fresh store).
 */
import type { SQLInputValue, StatementSync } from 'node:sqlite'
import type { VerdictHere } from '../leaderboard/leaderboard.ts'

type Row = Record<string, SQLInputValue>
type Prepare = (sql: string) => StatementSync

/** Re-measure verdicts (agent/rebase.ts) that reproduced the claim: not a refutation. */
const REPRODUCED = ['confirmed', 'not-better-here']

/**
 * Own records (see above) of one genesis that condemn their file, oldest first: status
 * rejected (any own run of the file), a local re-measure verdict of refuted, rejected or
 * crashed, a re-measure (parent = file) that crashed, or one discarded without a verdict that
 * says it reproduced (a discarded re-measure is a refutation unless its local facts say it only
 * did not beat this node's best).
 * Both halves walk only own rows: local_runs first (CROSS JOIN fixes the order: SQLite's
 * planner, without statistics, scanned a genesis of records and probed local_runs, 200 ms on
 * 100k records), then the node id's rows by records_author.
 */
const OWN_VERDICTS = `
  WITH own AS (
    SELECT r.idx, r.id, r.file_hash, r.parent_hash, r.status, r.reason, r.val_bpb,
        l.rebase_verdict AS verdict
      FROM local_runs l CROSS JOIN records r ON r.id = l.record_id
     WHERE r.genesis = ?1
    UNION ALL
    SELECT r.idx, r.id, r.file_hash, r.parent_hash, r.status, r.reason, r.val_bpb, NULL
      FROM records r INDEXED BY records_author
     WHERE r.author = ?2 AND r.genesis = ?1
       AND NOT EXISTS (SELECT 1 FROM local_runs l WHERE l.record_id = r.id)
  )
  SELECT id, file_hash, status, reason, val_bpb, verdict FROM own
   WHERE status = 'rejected'
      OR verdict IN ('refuted', 'rejected', 'crashed')
      OR (parent_hash = file_hash AND status = 'crash')
      OR (parent_hash = file_hash AND status = 'discard'
          AND (verdict IS NULL OR verdict NOT IN (${REPRODUCED.map((v) => `'${v}'`).join(', ')})))
   ORDER BY idx`

/** Which verdict a file keeps when several own records condemn it: the strongest. */
const STRENGTH: Record<VerdictHere['verdict'], number> = { rejected: 3, refuted: 2, crashed: 1 }

function verdictOf(row: Row): VerdictHere['verdict'] {
  if (row.status === 'rejected' || row.verdict === 'rejected') return 'rejected'
  if (row.status === 'crash' || row.verdict === 'crashed') return 'crashed'
  return 'refuted'
}

/**
 * One verdict per file this node condemned (rejected over refuted over crashed), in the order
 * of the first record that condemned it.
 */
export function verdictsHere(prepare: Prepare, genesis: string): VerdictHere[] {
  const byFile = new Map<string, VerdictHere>()
  const self = prepare("SELECT value FROM state WHERE key = 'node_id'").get() as Row | undefined
  const rows = prepare(OWN_VERDICTS).all(genesis, self === undefined ? null : String(self.value))
  for (const row of rows as Row[]) {
    const fileHash = String(row.file_hash)
    const verdict = verdictOf(row)
    const held = byFile.get(fileHash)
    if (held !== undefined && STRENGTH[held.verdict] >= STRENGTH[verdict]) continue
    byFile.set(fileHash, {
      fileHash,
      verdict,
      reason: verdict === 'refuted' ? '' : String(row.reason),
      valBpb: Number(row.val_bpb),
      recordId: String(row.id),
    })
  }
  return [...byFile.values()]
}
