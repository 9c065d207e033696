/**
 * The store's SQLite plumbing, apart from any table's rows: the connection (node:sqlite, WAL,
 * synchronous=FULL), migrations, transactions and savepoints, the group commit of peers'
 * records, and a cache of prepared statements. The row code (records.ts, files.ts, state.ts,
 * board.ts) gets a Db and runs its SQL through it.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite'
import { UserError } from '../errors.ts'
import { MIGRATIONS } from './schema.ts'

export type Row = Record<string, SQLInputValue>
export type Prepare = (sql: string) => StatementSync

/** The store file was written by a newer loopnet (its schema has migrations this one lacks). */
export class StoreSchemaError extends UserError {
  override name = 'StoreSchemaError'
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

export class Db {
  readonly path: string
  private readonly db: DatabaseSync
  /** Prepared statements by SQL text: the board and sync run the same few statements often. */
  private readonly statements = new Map<string, StatementSync>()
  /** A group of swarm records is in an open transaction, committed within GROUP_COMMIT_MS. */
  private groupOpen = false
  /** grouped() is running: its own transaction() calls join the group. */
  private inGroup = false
  private groupTimer: NodeJS.Timeout | undefined

  /** A prepared statement for this SQL, compiled once per connection. */
  readonly prepare: Prepare = (sql) => {
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
    if (version === MIGRATIONS.length) return
    // A table rebuild (migration 5) drops a table that another references; SQLite's way is
    // foreign keys off around it (the pragma does nothing inside a transaction) and a check of
    // every reference before the migration commits.
    this.db.exec('PRAGMA foreign_keys = OFF')
    try {
      for (let v = version; v < MIGRATIONS.length; v++) {
        this.transaction(() => {
          this.db.exec(MIGRATIONS[v] ?? '')
          const broken = this.db.prepare('PRAGMA foreign_key_check').all()
          if (broken.length > 0)
            throw new StoreSchemaError(
              `store ${this.path}: migration ${v + 1} left ${broken.length} broken references`,
            )
          this.db.exec(`PRAGMA user_version = ${v + 1}`)
        })
      }
    } finally {
      this.db.exec('PRAGMA foreign_keys = ON')
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

  /**
   * Runs fn (a swarm record's insert) in the open group transaction, opening one when none is:
   * writes arriving within GROUP_COMMIT_MS share it, committed by its timer, any other
   * transaction (an own experiment, a sync cursor), durable() or close. One commit per record
   * cost ~1 ms, most of a late joiner's sync. A crash before the commit loses only peers'
   * records, which a resync brings back (a sync cursor is only ever written after the records
   * it covers are committed).
   */
  grouped<T>(fn: () => T): T {
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
      return fn()
    } finally {
      this.inGroup = false
    }
  }

  /**
   * Makes every row written so far durable: an open group commits, and a checkpoint syncs the
   * WAL (the group committed without fsync). Nothing to do when no group is open.
   */
  durable(): void {
    if (!this.groupOpen) return
    this.commitGroup()
    this.db.exec('PRAGMA wal_checkpoint(PASSIVE)')
  }

  /** Commits the open group of swarm records (see grouped). */
  private commitGroup(): void {
    if (!this.groupOpen) return
    this.groupOpen = false
    clearTimeout(this.groupTimer)
    if (this.db.isOpen && this.db.isTransaction) this.db.exec('COMMIT')
    if (this.db.isOpen) this.db.exec('PRAGMA synchronous = FULL')
  }
}

/**
 * `column = ?` conditions for the filters that are set, and their values in order: the WHERE
 * of the board's and the counts' optional filters. Columns are code, never input.
 */
export function whereEqual(
  filters: ReadonlyArray<readonly [column: string, value: SQLInputValue | undefined]>,
): {
  sql: string
  args: SQLInputValue[]
} {
  const set = filters.filter(([, value]) => value !== undefined)
  return {
    sql: set.length === 0 ? '' : `WHERE ${set.map(([column]) => `${column} = ?`).join(' AND ')}`,
    args: set.map(([, value]) => value as SQLInputValue),
  }
}
