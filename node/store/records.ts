/**
 * The `records` table: every experiment record of every swarm this node has seen, own and
 * peers', signed or (solo) not. Inserts are idempotent by id and by (genesis, author, seq); a
 * signed record's file is derived from its held parent when the diff yields it.
 */
import type { LocalRun, PublishedRun, RebaseSkip } from '../../agent/interfaces.ts'
import { DiffMismatchError } from '../../protocol/errors.ts'
import { sha256Hex } from '../../protocol/hash.ts'
import {
  type EncodedRecord,
  pickExperimentFields,
  type SignedRecord,
} from '../../protocol/record.ts'
import {
  type ExperimentFields,
  type ExperimentStatus,
  RECORD_VERSION,
} from '../../protocol/types.ts'
import { applyRecordDiff } from '../../protocol/validation/diff.ts'
import { type Db, type Row, whereEqual } from './db.ts'
import * as files from './files.ts'
import { insertLocalRun, LOCAL_RUN_COLUMNS, localRunOf } from './own-runs.ts'
import { verdictsHere } from './verdicts.ts'

export interface StoredRecord extends ExperimentFields {
  id: string
  /** Local insertion index: the sync cursor. */
  idx: number
  signature?: Uint8Array
  receivedAt: number
}

export interface InsertOptions {
  /** Record id; default localRecordId(fields) (solo, unsigned). */
  id?: string
  signature?: Uint8Array
  /** This node's run facts, stored in the same transaction (own experiments only). */
  local?: LocalRun
  /** The train file, stored content-addressed in the same transaction. */
  fileText?: string
}

export interface SignedInsertOptions {
  /** This node's run facts (own experiments only). */
  local?: LocalRun
  /** The train file; when absent it is derived from the parent file and the diff if held. */
  fileText?: string
}

export interface Counts {
  keep: number
  discard: number
  crash: number
  rejected: number
  total: number
}

/** KEEPs read per query while looking for the best one not skipped (bestKeep). */
const BEST_KEEP_PAGE = 32

/** Id of an unsigned (solo) record: sha256 over its fields in a fixed key order. */
export function localRecordId(fields: ExperimentFields): string {
  const keys = Object.keys(fields).sort() as Array<keyof ExperimentFields>
  return sha256Hex(JSON.stringify(keys.map((k) => [k, fields[k]])))
}

export function toRecord(row: Row): StoredRecord {
  const rec: StoredRecord = {
    id: String(row.id),
    idx: Number(row.idx),
    version: Number(row.version),
    genesis: String(row.genesis),
    author: String(row.author),
    seq: Number(row.seq),
    parentHash: String(row.parent_hash),
    fileHash: String(row.file_hash),
    diff: String(row.diff),
    status: String(row.status) as ExperimentStatus,
    valBpb: Number(row.val_bpb),
    budgetSeconds: Number(row.budget_seconds),
    trainingSeconds: Number(row.training_seconds),
    startupSeconds: Number(row.startup_seconds),
    evalSeconds: Number(row.eval_seconds),
    probeSeconds: Number(row.probe_seconds),
    totalSeconds: Number(row.total_seconds),
    numParams: Number(row.num_params),
    peakMemMb: Number(row.peak_mem_mb),
    seed: Number(row.seed),
    tier: String(row.tier),
    reason: String(row.reason),
    unsandboxed: Number(row.unsandboxed) === 1,
    description: String(row.description),
    createdAt: Number(row.created_at),
    receivedAt: Number(row.received_at),
  }
  // absent when 0, as on the wire (protocol/record.ts): a record reads back as it was signed
  if (Number(row.noise_sigma) !== 0) rec.noiseSigma = Number(row.noise_sigma)
  if (Number(row.noise_dof) !== 0) rec.noiseDof = Number(row.noise_dof)
  if (row.signature instanceof Uint8Array) rec.signature = row.signature
  return rec
}

export function fieldsOf(rec: StoredRecord): ExperimentFields {
  const { id: _id, idx: _idx, signature: _sig, receivedAt: _r, ...fields } = rec
  return fields
}

/**
 * Inserts a record (and its file and local facts) in one transaction. Idempotent by id and
 * by (genesis, author, seq): a record already there is left as is. Returns its id and
 * whether it was new.
 */
export function insertRecord(
  db: Db,
  fields: ExperimentFields,
  options: InsertOptions = {},
): { id: string; inserted: boolean } {
  const id = options.id ?? localRecordId(fields)
  return db.transaction(() => {
    const existing = db
      .prepare('SELECT id FROM records WHERE id = ? OR (genesis = ? AND author = ? AND seq = ?)')
      .get(id, fields.genesis, fields.author, fields.seq) as Row | undefined
    if (existing !== undefined) return { id: String(existing.id), inserted: false }
    if (options.fileText !== undefined) files.putFile(db, options.fileText, fields.fileHash)
    db.prepare(
      `INSERT INTO records (id, version, genesis, author, seq, parent_hash, file_hash, diff, status,
           val_bpb, budget_seconds, training_seconds, startup_seconds, eval_seconds, probe_seconds,
           total_seconds, num_params, peak_mem_mb, seed, tier, reason, unsandboxed, description,
           created_at, noise_sigma, noise_dof, signature, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      fields.version,
      fields.genesis,
      fields.author,
      fields.seq,
      fields.parentHash,
      fields.fileHash,
      fields.diff,
      fields.status,
      fields.valBpb,
      fields.budgetSeconds,
      fields.trainingSeconds,
      fields.startupSeconds,
      fields.evalSeconds,
      fields.probeSeconds,
      fields.totalSeconds,
      fields.numParams,
      fields.peakMemMb,
      fields.seed,
      fields.tier,
      fields.reason,
      fields.unsandboxed ? 1 : 0,
      fields.description,
      fields.createdAt,
      fields.noiseSigma ?? 0,
      fields.noiseDof ?? 0,
      options.signature ?? null,
      Date.now(),
    )
    if (options.local !== undefined) insertLocalRun(db, id, options.local)
    return { id, inserted: true }
  })
}

/**
 * Inserts a signed record (from the swarm, or this node's own) under its id, with its
 * signature, in one transaction: idempotent, and the first record of an (author, seq) wins.
 * When its parent file is held and the diff yields exactly its file_hash, the file is stored
 * too, so peers' files are usually local without a fetch. Returns its id (the held record's,
 * for a fork) and whether it was new.
 */
export function insertSigned(
  db: Db,
  encoded: EncodedRecord,
  options: SignedInsertOptions = {},
): { id: string; inserted: boolean } {
  const fields = pickExperimentFields(encoded.record)
  return db.transaction(() => {
    const out = insertRecord(db, fields, {
      ...options,
      id: encoded.id,
      signature: encoded.record.signature,
    })
    if (out.inserted && options.fileText === undefined) deriveFile(db, fields)
    return out
  })
}

/** Stores the file a record's diff makes from its held parent, if it is what the record says. */
function deriveFile(db: Db, fields: ExperimentFields): void {
  // A baseline has no parent; a re-measure's file is its parent, held already or not at all.
  if (fields.parentHash === '' || fields.parentHash === fields.fileHash) return
  if (files.hasFile(db, fields.fileHash)) return
  const parent = files.getFile(db, fields.parentHash)
  if (parent === undefined) return
  let text: string
  try {
    text = applyRecordDiff(parent, fields.diff)
  } catch (err) {
    // Validation rejects such records; a caller that skipped it still gets the record stored.
    if (err instanceof DiffMismatchError) return
    throw err
  }
  if (sha256Hex(text) === fields.fileHash) files.putFile(db, text, fields.fileHash)
}

export function hasRecord(db: Db, id: string): boolean {
  return db.prepare('SELECT 1 FROM records WHERE id = ?').get(id) !== undefined
}

/** Highest seq of an author in one genesis, undefined when none (the swarm's seq check). */
export function lastSeq(db: Db, genesis: string, author: string): number | undefined {
  const row = db
    .prepare('SELECT MAX(seq) AS m FROM records WHERE genesis = ? AND author = ?')
    .get(genesis, author) as Row
  return row.m === null ? undefined : Number(row.m)
}

/** Highest seq of an author (0 when none): the next record gets seq + 1. */
export function maxSeq(db: Db, author: string): number {
  const row = db.prepare('SELECT MAX(seq) AS m FROM records WHERE author = ?').get(author) as Row
  return Number(row.m ?? 0)
}

/**
 * Signed records of a genesis stored after a cursor (an idx), oldest first, as they travel:
 * for the sync protocol. Unsigned (solo) records cannot be served and are skipped, and so are
 * records of an older format (kept by migration 5): their signatures cover other bytes.
 * Only durable rows are served: the peer keeps the last idx as its cursor, and a crash that
 * rolled back an open group would hand those idx values to other records, which the peer's
 * next sync would then skip. So an open group commits first, and a checkpoint syncs the WAL
 * (the group committed without fsync; a power loss must not roll back what a peer's cursor
 * has passed). Sync pages are rare next to gossip: the fsync is not on the gossip path.
 */
export function signedRecordsSince(
  db: Db,
  genesis: string,
  cursor: number,
  limit: number,
): { records: SignedRecord[]; cursor: number } {
  db.durable()
  const rows = db
    .prepare(
      `SELECT * FROM records INDEXED BY records_signed
        WHERE genesis = ? AND signature IS NOT NULL AND idx > ? AND version = ? ORDER BY idx LIMIT ?`,
    )
    .all(genesis, cursor, RECORD_VERSION, limit) as Row[]
  const records = rows.map((row) => {
    const rec = toRecord(row)
    return { ...pickExperimentFields(rec), signature: rec.signature as Uint8Array }
  })
  return { records, cursor: rows.length === 0 ? cursor : Number(rows.at(-1)?.idx) }
}

export function getRecord(db: Db, id: string): StoredRecord | undefined {
  const row = db.prepare('SELECT * FROM records WHERE id = ?').get(id) as Row | undefined
  return row === undefined ? undefined : toRecord(row)
}

/** Records inserted after a cursor (the idx of the last one seen), oldest first. */
export function recordsSince(
  db: Db,
  cursor: number,
  limit = 500,
  genesis?: string,
): { records: StoredRecord[]; cursor: number } {
  const rows = (
    genesis === undefined
      ? db.prepare('SELECT * FROM records WHERE idx > ? ORDER BY idx LIMIT ?').all(cursor, limit)
      : db
          .prepare('SELECT * FROM records WHERE idx > ? AND genesis = ? ORDER BY idx LIMIT ?')
          .all(cursor, genesis, limit)
  ) as Row[]
  const records = rows.map(toRecord)
  return { records, cursor: records.at(-1)?.idx ?? cursor }
}

/** Every record made on a parent (by anyone), oldest first. */
export function triedOn(db: Db, genesis: string, parentHash: string): StoredRecord[] {
  return (
    db
      .prepare(
        'SELECT * FROM records WHERE genesis = ? AND parent_hash = ? ORDER BY created_at, idx',
      )
      .all(genesis, parentHash) as Row[]
  ).map(toRecord)
}

/**
 * The lowest-val_bpb KEEP of a tier and budget whose file and author `skip` does not name, and
 * whose file this node never rejected or refuted (verdicts.ts): the rebase query. Results of
 * different budgets are never compared; with no budget (a caller of before budgets) any budget
 * of the tier will do, from an unindexed sort. Walks the KEEPs best first in pages
 * (records_best index), so a long skip list costs no SQL of its own size.
 */
export function bestKeep(
  db: Db,
  genesis: string,
  tier: string,
  skip?: RebaseSkip,
  budgetSeconds?: number,
): StoredRecord | undefined {
  const condemned = new Set(verdictsHere(db.prepare, genesis).map((v) => v.fileHash))
  const skipped = (row: Row) =>
    condemned.has(String(row.file_hash)) ||
    (skip !== undefined &&
      (skip.files.has(String(row.file_hash)) || skip.authors.has(String(row.author))))
  const page =
    budgetSeconds === undefined
      ? (limit: number, offset: number) =>
          db
            .prepare(
              `SELECT * FROM records WHERE genesis = ? AND tier = ? AND status = 'keep'
                 AND budget_seconds > 0 ORDER BY val_bpb, idx LIMIT ? OFFSET ?`,
            )
            .all(genesis, tier, limit, offset)
      : (limit: number, offset: number) =>
          db
            .prepare(
              `SELECT * FROM records INDEXED BY records_best
                WHERE genesis = ? AND tier = ? AND budget_seconds = ? AND status = 'keep'
                ORDER BY val_bpb, idx LIMIT ? OFFSET ?`,
            )
            .all(genesis, tier, budgetSeconds, limit, offset)
  for (let offset = 0; ; offset += BEST_KEEP_PAGE) {
    const rows = page(BEST_KEEP_PAGE, offset) as Row[]
    for (const row of rows) if (!skipped(row)) return toRecord(row)
    if (rows.length < BEST_KEEP_PAGE) return undefined
  }
}

/** keep / discard / crash / rejected / total, of one genesis or author or both, or of all records. */
export function counts(db: Db, filter: { genesis?: string; author?: string } = {}): Counts {
  const where = whereEqual([
    ['genesis', filter.genesis],
    ['author', filter.author],
  ])
  const rows = db
    .prepare(`SELECT status, COUNT(*) AS n FROM records ${where.sql} GROUP BY status`)
    .all(...where.args) as Row[]
  const out: Counts = { keep: 0, discard: 0, crash: 0, rejected: 0, total: 0 }
  for (const r of rows) {
    const status = String(r.status) as ExperimentStatus
    out[status] = Number(r.n)
    out.total += Number(r.n)
  }
  return out
}

/** This node's own runs (the records with local facts) of an author, by seq. */
export function ownRuns(db: Db, author: string): PublishedRun[] {
  const rows = db
    .prepare(
      `SELECT r.*, ${LOCAL_RUN_COLUMNS} FROM records r JOIN local_runs l ON l.record_id = r.id
        WHERE r.author = ? ORDER BY r.seq`,
    )
    .all(author) as Row[]
  return rows.map((row) => {
    const rec = toRecord(row)
    return { id: rec.id, fields: fieldsOf(rec), local: localRunOf(row) }
  })
}
