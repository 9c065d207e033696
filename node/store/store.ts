/**
 * The node's SQLite store: every experiment record, train files by content hash, this node's
 * local run facts and small state. Each finished experiment is one transaction, so a SIGKILL
 * leaves it whole or absent. Synchronous API: the store is local and small, and node:sqlite is
 * synchronous anyway.
 *
 * A facade over its parts: db.ts (connection, migrations, transactions, group commit, prepared
 * statements) and the row code of each table: records.ts, own-runs.ts (this node's local facts
 * of its records), files.ts, state.ts, board.ts (the leaderboard's queries), reproductions.ts
 * (its verification levels) and verdicts.ts (the files this node rejected or refuted itself).
 */
import type { PublishedRun, RebaseSkip } from '../../agent/interfaces.ts'
import type { EncodedRecord, SignedRecord } from '../../protocol/record.ts'
import type { ExperimentFields } from '../../protocol/types.ts'
import type {
  AuthorCounts,
  BoardGroup,
  BoardRecord,
  LeaderboardSource,
  OwnCheck,
  RemeasureOf,
  VerdictHere,
} from '../leaderboard/leaderboard.ts'
import * as board from './board.ts'
import { Db } from './db.ts'
import * as files from './files.ts'
import type { Counts, InsertOptions, SignedInsertOptions, StoredRecord } from './records.ts'
import * as records from './records.ts'
import * as reproductions from './reproductions.ts'
import * as state from './state.ts'
import * as verdicts from './verdicts.ts'

export { StoreSchemaError } from './db.ts'
export { FileHashMismatchError } from './files.ts'
export {
  type Counts,
  fieldsOf,
  type InsertOptions,
  localRecordId,
  type SignedInsertOptions,
  type StoredRecord,
} from './records.ts'

export class Store implements LeaderboardSource {
  readonly path: string
  private readonly db: Db

  constructor(path: string) {
    this.path = path
    this.db = new Db(path)
  }

  close(): void {
    this.db.close()
  }

  /** Runs fn in one transaction (in a savepoint when one is open already). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)
  }

  // ---------------------------------------------------------------------------------------
  // Records (records.ts)

  /** Inserts a record with its file and local facts, in one transaction; idempotent. */
  insertRecord(
    fields: ExperimentFields,
    options: InsertOptions = {},
  ): { id: string; inserted: boolean } {
    return records.insertRecord(this.db, fields, options)
  }

  /** Inserts a signed record under its id (its file derived from a held parent when absent). */
  insertSigned(
    encoded: EncodedRecord,
    options: SignedInsertOptions = {},
  ): { id: string; inserted: boolean } {
    return records.insertSigned(this.db, encoded, options)
  }

  /**
   * insertSigned for records from the swarm: those arriving within a short window share one
   * transaction (Db.grouped), committed before any other transaction, a sync page, or close.
   */
  insertSignedGrouped(encoded: EncodedRecord): { id: string; inserted: boolean } {
    return this.db.grouped(() => records.insertSigned(this.db, encoded))
  }

  hasRecord(id: string): boolean {
    return records.hasRecord(this.db, id)
  }

  getRecord(id: string): StoredRecord | undefined {
    return records.getRecord(this.db, id)
  }

  /** Highest seq of an author in one genesis, undefined when none (the swarm's seq check). */
  lastSeq(genesis: string, author: string): number | undefined {
    return records.lastSeq(this.db, genesis, author)
  }

  /** Highest seq of an author (0 when none): the next record gets seq + 1. */
  maxSeq(author: string): number {
    return records.maxSeq(this.db, author)
  }

  /** Durable signed records of a genesis after a cursor, as they travel: for sync. */
  signedRecordsSince(
    genesis: string,
    cursor: number,
    limit: number,
  ): { records: SignedRecord[]; cursor: number } {
    return records.signedRecordsSince(this.db, genesis, cursor, limit)
  }

  /** Records inserted after a cursor (the idx of the last one seen), oldest first. */
  recordsSince(
    cursor: number,
    limit = 500,
    genesis?: string,
  ): { records: StoredRecord[]; cursor: number } {
    return records.recordsSince(this.db, cursor, limit, genesis)
  }

  /** Every record made on a parent (by anyone), oldest first. */
  triedOn(genesis: string, parentHash: string): StoredRecord[] {
    return records.triedOn(this.db, genesis, parentHash)
  }

  /**
   * The lowest-val_bpb KEEP of a tier and budget (any budget when undefined) whose file and
   * author `skip` does not name and whose file this node never rejected or refuted.
   */
  bestKeep(
    genesis: string,
    tier: string,
    skip?: RebaseSkip,
    budgetSeconds?: number,
  ): StoredRecord | undefined {
    return records.bestKeep(this.db, genesis, tier, skip, budgetSeconds)
  }

  counts(filter: { genesis?: string; author?: string } = {}): Counts {
    return records.counts(this.db, filter)
  }

  /** This node's own runs with their local facts, by seq. */
  ownRuns(author: string): PublishedRun[] {
    return records.ownRuns(this.db, author)
  }

  // ---------------------------------------------------------------------------------------
  // Leaderboard (LeaderboardSource; the SQL is in board.ts and reproductions.ts)

  groups(genesis: string): BoardGroup[] {
    return board.groups(this.db.prepare, genesis)
  }

  verdictsHere(genesis: string): VerdictHere[] {
    return verdicts.verdictsHere(this.db.prepare, genesis)
  }

  bestPerAuthor(
    genesis: string,
    group: BoardGroup,
    limit: number,
    exclude?: readonly string[],
  ): BoardRecord[] {
    return board.bestPerAuthor(this.db.prepare, genesis, group, limit, exclude)
  }

  keepsOfFiles(genesis: string, group: BoardGroup, fileHashes: readonly string[]): BoardRecord[] {
    return board.keepsOfFiles(this.db.prepare, genesis, group, fileHashes)
  }

  baselineValBpbs(genesis: string, group: BoardGroup): number[] {
    return board.baselineValBpbs(this.db.prepare, genesis, group)
  }

  keepOfFile(genesis: string, fileHash: string, group: BoardGroup): BoardRecord | undefined {
    return board.keepOfFile(this.db.prepare, genesis, fileHash, group)
  }

  ownChecks(genesis: string): OwnCheck[] {
    return reproductions.ownChecks(this.db.prepare, genesis)
  }

  findersOf(genesis: string, fileHashes: readonly string[]): Map<string, string> {
    return reproductions.findersOf(this.db.prepare, genesis, fileHashes)
  }

  ownNoise(genesis: string, group: BoardGroup): { sigma: number; dof: number } | undefined {
    return reproductions.ownNoise(this.db.prepare, genesis, group)
  }

  remeasuresOf(genesis: string, group: BoardGroup, fileHash: string): RemeasureOf[] {
    return reproductions.remeasuresOf(this.db.prepare, genesis, group, fileHash)
  }

  countsByAuthor(
    genesis: string,
    filter?: { tier?: string; budgetSeconds?: number },
  ): AuthorCounts[] {
    return board.countsByAuthor(this.db.prepare, genesis, filter)
  }

  // ---------------------------------------------------------------------------------------
  // Files (files.ts)

  /** Stores a train file by the sha256 of its text, in a transaction of its own; the hash. */
  putFile(text: string, expectedHash?: string): string {
    return this.db.transaction(() => files.putFile(this.db, text, expectedHash))
  }

  getFile(hash: string): string | undefined {
    return files.getFile(this.db, hash)
  }

  // ---------------------------------------------------------------------------------------
  // State (state.ts)

  getState(key: string): string | undefined {
    return state.getState(this.db, key)
  }

  setState(key: string, value: string): void {
    state.setState(this.db, key, value)
  }

  /** A persistent local node id, made once (the swarm replaces it with the libp2p peer id). */
  nodeId(): string {
    return state.nodeId(this.db)
  }
}
