/**
 * The node's SQLite store (node:sqlite, WAL, synchronous=FULL): every experiment record, train
 * files by content hash, this node's local run facts and small state. Each finished experiment
 * is one transaction, so a SIGKILL leaves it whole or absent. Synchronous API: the store is
 * local and small, and node:sqlite is synchronous anyway.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite'
import type { LocalRun, PublishedRun, RebaseSkip } from '../../agent/interfaces.ts'
import { DiffMismatchError } from '../../protocol/errors.ts'
import {
  type EncodedRecord,
  pickExperimentFields,
  type SignedRecord,
} from '../../protocol/record.ts'
import type { ExperimentFields, ExperimentStatus } from '../../protocol/types.ts'
import { applyRecordDiff } from '../../protocol/validation/diff.ts'
import type { AuthorCounts, BoardRecord, LeaderboardSource } from '../leaderboard/leaderboard.ts'
import * as board from './board.ts'
import { MIGRATIONS } from './schema.ts'

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
  total: number
}

/** The file text does not hash to the hash it was stored or asked for under. */
export class FileHashMismatchError extends Error {
  override name = 'FileHashMismatchError'
}

export class StoreSchemaError extends Error {
  override name = 'StoreSchemaError'
}

/** Id of an unsigned (solo) record: sha256 over its fields in a fixed key order. */
export function localRecordId(fields: ExperimentFields): string {
  const keys = Object.keys(fields).sort() as Array<keyof ExperimentFields>
  const canonical = JSON.stringify(keys.map((k) => [k, fields[k]]))
  return createHash('sha256').update(canonical).digest('hex')
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

type Row = Record<string, SQLInputValue>

function toRecord(row: Row): StoredRecord {
  const rec: StoredRecord = {
    id: String(row.id),
    idx: Number(row.idx),
    genesis: String(row.genesis),
    author: String(row.author),
    seq: Number(row.seq),
    parentHash: String(row.parent_hash),
    fileHash: String(row.file_hash),
    diff: String(row.diff),
    status: String(row.status) as ExperimentStatus,
    valBpb: Number(row.val_bpb),
    trainingSeconds: Number(row.training_seconds),
    totalSeconds: Number(row.total_seconds),
    numSteps: Number(row.num_steps),
    totalTokens: Number(row.total_tokens),
    peakMemMb: Number(row.peak_mem_mb),
    tier: String(row.tier),
    description: String(row.description),
    createdAt: Number(row.created_at),
    receivedAt: Number(row.received_at),
  }
  if (row.signature instanceof Uint8Array) rec.signature = row.signature
  return rec
}

export function fieldsOf(rec: StoredRecord): ExperimentFields {
  const { id: _id, idx: _idx, signature: _sig, receivedAt: _r, ...fields } = rec
  return fields
}

/**
 * How long peers' records wait in their open transaction before it commits. A commit costs
 * ~0.4 ms on 2 cores (WAL frames for the row, seven indexes and the counts), more than the
 * insert, and records of one window share index pages; at gossip rates one commit per window
 * instead of per record is most of a node's store time. At 20 records/s, a 1 s window took
 * ~720 us of CPU per record against ~840 us with 100 ms. A crash loses at most this window of
 * peers' records, which a resync brings back; this process's own reads see them at once.
 */
const GROUP_COMMIT_MS = 1000

/** KEEPs read per query while looking for the best one not skipped (bestKeep). */
const BEST_KEEP_PAGE = 32

export class Store implements LeaderboardSource {
  readonly path: string
  private readonly db: DatabaseSync
  /** Prepared statements by SQL text: the board and sync run the same few statements often. */
  private readonly statements = new Map<string, StatementSync>()
  /** A group of swarm records is in an open transaction, committed within GROUP_COMMIT_MS. */
  private groupOpen = false
  /** insertSignedGrouped is running: its own transaction() joins the group. */
  private inGroup = false
  private groupTimer: NodeJS.Timeout | undefined
  private readonly prepare = (sql: string): StatementSync => {
    let stmt = this.statements.get(sql)
    if (stmt === undefined) {
      stmt = this.db.prepare(sql)
      this.statements.set(sql, stmt)
    }
    return stmt
  }

  constructor(path: string) {
    this.path = path
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    this.db = new DatabaseSync(path, { timeout: 5000 })
    this.db.exec('PRAGMA journal_mode = WAL')
    // FULL: a committed experiment survives power loss, not only a process kill; one
    // transaction a minute makes the extra fsync free
    this.db.exec('PRAGMA synchronous = FULL')
    this.db.exec('PRAGMA foreign_keys = ON')
    this.migrate()
  }

  close(): void {
    if (!this.db.isOpen) return
    this.commitGroup()
    this.db.close()
  }

  private migrate(): void {
    const version = Number((this.prepare('PRAGMA user_version').get() as Row).user_version)
    if (version > MIGRATIONS.length)
      throw new StoreSchemaError(
        `store ${this.path} has schema ${version}, newer than this loopnet (${MIGRATIONS.length})`,
      )
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.transaction(() => {
        this.db.exec(MIGRATIONS[v] ?? '')
        this.db.exec(`PRAGMA user_version = ${v + 1}`)
      })
    }
  }

  /**
   * Runs fn in one transaction (BEGIN IMMEDIATE: the writer lock up front); inside another one,
   * in a savepoint, so a failing inner part is undone whole even when the outer one goes on.
   */
  transaction<T>(fn: () => T): T {
    // Anything but a swarm record commits the open group first: an own experiment is durable
    // when its insert returns, never waiting for the group timer.
    if (this.groupOpen && !this.inGroup) this.commitGroup()
    if (this.db.isTransaction) return this.savepoint(fn)
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const out = fn()
      this.db.exec('COMMIT')
      return out
    } catch (err) {
      this.db.exec('ROLLBACK')
      throw err
    }
  }

  private savepoint<T>(fn: () => T): T {
    // Prepared, not exec'd: every swarm record opens two, and exec compiles the SQL each time.
    this.prepare('SAVEPOINT nested').run()
    try {
      const out = fn()
      this.prepare('RELEASE nested').run()
      return out
    } catch (err) {
      this.prepare('ROLLBACK TO nested').run()
      this.prepare('RELEASE nested').run()
      throw err
    }
  }

  /** Commits the open group of swarm records (see insertSignedGrouped). */
  private commitGroup(): void {
    if (!this.groupOpen) return
    this.groupOpen = false
    clearTimeout(this.groupTimer)
    if (this.db.isOpen && this.db.isTransaction) this.db.exec('COMMIT')
    if (this.db.isOpen) this.db.exec('PRAGMA synchronous = FULL')
  }

  // ---------------------------------------------------------------------------------------
  // Records

  /**
   * Inserts a record (and its file and local facts) in one transaction. Idempotent by id and
   * by (genesis, author, seq): a record already there is left as is. Returns its id and
   * whether it was new.
   */
  insertRecord(
    fields: ExperimentFields,
    options: InsertOptions = {},
  ): { id: string; inserted: boolean } {
    const id = options.id ?? localRecordId(fields)
    return this.transaction(() => {
      const existing = this.prepare(
        'SELECT id FROM records WHERE id = ? OR (genesis = ? AND author = ? AND seq = ?)',
      ).get(id, fields.genesis, fields.author, fields.seq) as Row | undefined
      if (existing !== undefined) return { id: String(existing.id), inserted: false }
      if (options.fileText !== undefined) this.putFileInTx(options.fileText, fields.fileHash)
      this.prepare(
        `INSERT INTO records (id, genesis, author, seq, parent_hash, file_hash, diff, status, val_bpb,
             training_seconds, total_seconds, num_steps, total_tokens, peak_mem_mb, tier, description,
             created_at, signature, received_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        fields.genesis,
        fields.author,
        fields.seq,
        fields.parentHash,
        fields.fileHash,
        fields.diff,
        fields.status,
        fields.valBpb,
        fields.trainingSeconds,
        fields.totalSeconds,
        fields.numSteps,
        fields.totalTokens,
        fields.peakMemMb,
        fields.tier,
        fields.description,
        fields.createdAt,
        options.signature ?? null,
        Date.now(),
      )
      const local = options.local
      if (local !== undefined)
        this.prepare(
          `INSERT INTO local_runs (record_id, commit_hash, parent_commit, source, log_path, wall_seconds,
               crash_reason, claimed_by, rebase_verdict)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          id,
          local.commit,
          local.parentCommit,
          local.source,
          local.logPath,
          local.wallSeconds,
          local.crashReason ?? null,
          local.claimedBy ?? null,
          local.rebaseVerdict ?? null,
        )
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
  insertSigned(
    encoded: EncodedRecord,
    options: SignedInsertOptions = {},
  ): { id: string; inserted: boolean } {
    const fields = pickExperimentFields(encoded.record)
    return this.transaction(() => {
      const out = this.insertRecord(fields, {
        ...options,
        id: encoded.id,
        signature: encoded.record.signature,
      })
      if (out.inserted && options.fileText === undefined) this.deriveFileInTx(fields)
      return out
    })
  }

  /**
   * insertSigned for records from the swarm: those arriving within GROUP_COMMIT_MS share a
   * transaction, committed by its timer, any other transaction (an own experiment, a sync
   * cursor), or close. One commit per record cost ~1 ms, most of a late joiner's sync. A crash
   * before the commit loses only peers' records, which a resync brings back (a sync cursor is
   * only ever written after the records it covers are committed).
   */
  insertSignedGrouped(encoded: EncodedRecord): { id: string; inserted: boolean } {
    if (!this.db.isTransaction) {
      // Peers' records need not survive a power loss (a resync brings them back): the group
      // commits without fsync (WAL + NORMAL, ~0.04 ms instead of ~0.6 ms here), so the gossip
      // path of a node never waits on the disk. Own experiments still commit with FULL.
      this.db.exec('PRAGMA synchronous = NORMAL')
      try {
        this.db.exec('BEGIN IMMEDIATE')
      } catch (err) {
        this.db.exec('PRAGMA synchronous = FULL')
        throw err
      }
      this.groupOpen = true
      this.groupTimer = setTimeout(() => this.commitGroup(), GROUP_COMMIT_MS)
      // A node with nothing else to do may exit; close() commits the group.
      this.groupTimer.unref()
    }
    this.inGroup = true
    try {
      return this.insertSigned(encoded)
    } finally {
      this.inGroup = false
    }
  }

  /** Stores the file a record's diff makes from its held parent, if it is what the record says. */
  private deriveFileInTx(fields: ExperimentFields): void {
    // A baseline has no parent; a re-measure's file is its parent, held already or not at all.
    if (fields.parentHash === '' || fields.parentHash === fields.fileHash) return
    if (this.hasFile(fields.fileHash)) return
    const parent = this.getFile(fields.parentHash)
    if (parent === undefined) return
    let text: string
    try {
      text = applyRecordDiff(parent, fields.diff)
    } catch (err) {
      // Validation rejects such records; a caller that skipped it still gets the record stored.
      if (err instanceof DiffMismatchError) return
      throw err
    }
    if (sha256(text) === fields.fileHash) this.putFileInTx(text, fields.fileHash)
  }

  hasRecord(id: string): boolean {
    return this.prepare('SELECT 1 FROM records WHERE id = ?').get(id) !== undefined
  }

  /** Highest seq of an author in one genesis, undefined when none (the swarm's seq check). */
  lastSeq(genesis: string, author: string): number | undefined {
    const row = this.prepare(
      'SELECT MAX(seq) AS m FROM records WHERE genesis = ? AND author = ?',
    ).get(genesis, author) as Row
    return row.m === null ? undefined : Number(row.m)
  }

  /**
   * Signed records of a genesis stored after a cursor (an idx), oldest first, as they travel:
   * for the sync protocol. Unsigned (solo) records cannot be served and are skipped.
   * Only durable rows are served: the peer keeps the last idx as its cursor, and a crash that
   * rolled back an open group would hand those idx values to other records, which the peer's
   * next sync would then skip. So an open group commits first, and a checkpoint syncs the WAL
   * (the group committed without fsync; a power loss must not roll back what a peer's cursor
   * has passed). Sync pages are rare next to gossip: the fsync is not on the gossip path.
   */
  signedRecordsSince(
    genesis: string,
    cursor: number,
    limit: number,
  ): { records: SignedRecord[]; cursor: number } {
    if (this.groupOpen) {
      this.commitGroup()
      this.db.exec('PRAGMA wal_checkpoint(PASSIVE)')
    }
    const rows = this.prepare(
      `SELECT * FROM records INDEXED BY records_signed
        WHERE genesis = ? AND signature IS NOT NULL AND idx > ? ORDER BY idx LIMIT ?`,
    ).all(genesis, cursor, limit) as Row[]
    const records = rows.map((row) => {
      const rec = toRecord(row)
      return { ...pickExperimentFields(rec), signature: rec.signature as Uint8Array }
    })
    return { records, cursor: rows.length === 0 ? cursor : Number(rows.at(-1)?.idx) }
  }

  getRecord(id: string): StoredRecord | undefined {
    const row = this.prepare('SELECT * FROM records WHERE id = ?').get(id) as Row | undefined
    return row === undefined ? undefined : toRecord(row)
  }

  /** Records inserted after a cursor (the idx of the last one seen), oldest first: for sync. */
  recordsSince(
    cursor: number,
    limit = 500,
    genesis?: string,
  ): { records: StoredRecord[]; cursor: number } {
    const rows = (
      genesis === undefined
        ? this.prepare('SELECT * FROM records WHERE idx > ? ORDER BY idx LIMIT ?').all(
            cursor,
            limit,
          )
        : this.prepare(
            'SELECT * FROM records WHERE idx > ? AND genesis = ? ORDER BY idx LIMIT ?',
          ).all(cursor, genesis, limit)
    ) as Row[]
    const records = rows.map(toRecord)
    return { records, cursor: records.at(-1)?.idx ?? cursor }
  }

  /** Every record made on a parent (by anyone), oldest first. */
  triedOn(genesis: string, parentHash: string): StoredRecord[] {
    return (
      this.prepare(
        'SELECT * FROM records WHERE genesis = ? AND parent_hash = ? ORDER BY created_at, idx',
      ).all(genesis, parentHash) as Row[]
    ).map(toRecord)
  }

  /**
   * The lowest-val_bpb KEEP of a tier whose file and author `skip` does not name. Walks the
   * tier's KEEPs best first in pages (records_best index), so a long skip list costs no SQL of
   * its own size.
   */
  bestKeep(genesis: string, tier: string, skip?: RebaseSkip): StoredRecord | undefined {
    const skipped = (row: Row) =>
      skip !== undefined &&
      (skip.files.has(String(row.file_hash)) || skip.authors.has(String(row.author)))
    const page = this.prepare(
      `SELECT * FROM records WHERE genesis = ? AND tier = ? AND status = 'keep'
         ORDER BY val_bpb, idx LIMIT ? OFFSET ?`,
    )
    for (let offset = 0; ; offset += BEST_KEEP_PAGE) {
      const rows = page.all(genesis, tier, BEST_KEEP_PAGE, offset) as Row[]
      for (const row of rows) if (!skipped(row)) return toRecord(row)
      if (rows.length < BEST_KEEP_PAGE) return undefined
    }
  }

  /** Best KEEP per author in a tier, best first: the leaderboard. */
  leaderboard(genesis: string, tier: string, limit = 20): StoredRecord[] {
    return (
      this.prepare(
        `SELECT * FROM records r WHERE genesis = ? AND tier = ? AND status = 'keep'
             AND val_bpb = (SELECT MIN(val_bpb) FROM records s WHERE s.genesis = r.genesis
               AND s.tier = r.tier AND s.author = r.author AND s.status = 'keep')
           GROUP BY author ORDER BY val_bpb LIMIT ?`,
      ).all(genesis, tier, limit) as Row[]
    ).map(toRecord)
  }

  counts(filter: { genesis?: string; author?: string } = {}): Counts {
    const where: string[] = []
    const args: SQLInputValue[] = []
    if (filter.genesis !== undefined) {
      where.push('genesis = ?')
      args.push(filter.genesis)
    }
    if (filter.author !== undefined) {
      where.push('author = ?')
      args.push(filter.author)
    }
    const rows = this.prepare(
      `SELECT status, COUNT(*) AS n FROM records ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY status`,
    ).all(...args) as Row[]
    const out: Counts = { keep: 0, discard: 0, crash: 0, total: 0 }
    for (const r of rows) {
      const status = String(r.status) as ExperimentStatus
      out[status] = Number(r.n)
      out.total += Number(r.n)
    }
    return out
  }

  /** Highest seq of an author (0 when none): the next record gets seq + 1. */
  maxSeq(author: string): number {
    const row = this.prepare('SELECT MAX(seq) AS m FROM records WHERE author = ?').get(
      author,
    ) as Row
    return Number(row.m ?? 0)
  }

  /** This node's own runs with their local facts, by seq. */
  ownRuns(author: string): PublishedRun[] {
    const rows = this.prepare(
      `SELECT r.*, l.commit_hash, l.parent_commit, l.source, l.log_path, l.wall_seconds, l.crash_reason,
              l.claimed_by, l.rebase_verdict
           FROM records r JOIN local_runs l ON l.record_id = r.id
          WHERE r.author = ? ORDER BY r.seq`,
    ).all(author) as Row[]
    return rows.map((row) => {
      const rec = toRecord(row)
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
      return { id: rec.id, fields: fieldsOf(rec), local }
    })
  }

  // ---------------------------------------------------------------------------------------
  // Leaderboard (LeaderboardSource; the SQL is in board.ts)

  tiers(genesis: string): string[] {
    return board.tiers(this.prepare, genesis)
  }

  bestPerAuthor(genesis: string, tier: string, limit: number): BoardRecord[] {
    return board.bestPerAuthor(this.prepare, genesis, tier, limit)
  }

  baselineValBpbs(genesis: string, tier: string): number[] {
    return board.baselineValBpbs(this.prepare, genesis, tier)
  }

  keepOfFile(genesis: string, fileHash: string, tier: string): BoardRecord | undefined {
    return board.keepOfFile(this.prepare, genesis, fileHash, tier)
  }

  confirmations(genesis: string, fileHash: string, finder: string): number {
    return board.confirmations(this.prepare, genesis, fileHash, finder)
  }

  countsByAuthor(genesis: string, tier?: string): AuthorCounts[] {
    return board.countsByAuthor(this.prepare, genesis, tier)
  }

  // ---------------------------------------------------------------------------------------
  // Files

  /** Stores a train file by the sha256 of its text; returns the hash. */
  putFile(text: string, expectedHash?: string): string {
    return this.transaction(() => this.putFileInTx(text, expectedHash))
  }

  private putFileInTx(text: string, expectedHash?: string): string {
    const hash = sha256(text)
    if (expectedHash !== undefined && expectedHash !== hash)
      throw new FileHashMismatchError(`file hashes to ${hash}, expected ${expectedHash}`)
    this.prepare(
      'INSERT OR IGNORE INTO files (hash, text, size, added_at) VALUES (?, ?, ?, ?)',
    ).run(hash, text, Buffer.byteLength(text), Date.now())
    return hash
  }

  getFile(hash: string): string | undefined {
    const row = this.prepare('SELECT text FROM files WHERE hash = ?').get(hash) as Row | undefined
    return row === undefined ? undefined : String(row.text)
  }

  hasFile(hash: string): boolean {
    return this.prepare('SELECT 1 FROM files WHERE hash = ?').get(hash) !== undefined
  }

  // ---------------------------------------------------------------------------------------
  // State

  getState(key: string): string | undefined {
    const row = this.prepare('SELECT value FROM state WHERE key = ?').get(key) as Row | undefined
    return row === undefined ? undefined : String(row.value)
  }

  setState(key: string, value: string): void {
    this.prepare(
      'INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(key, value)
  }

  /** A persistent local node id, made once (the swarm replaces it with the libp2p peer id). */
  nodeId(): string {
    return this.transaction(() => {
      const existing = this.getState('node_id')
      if (existing !== undefined) return existing
      const id = `local-${randomBytes(8).toString('hex')}`
      this.setState('node_id', id)
      return id
    })
  }
}
