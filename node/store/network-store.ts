/**
 * The SQLite store seen by the network (node/p2p/interfaces.ts): one genesis's signed records
 * for sync and gossip validation, train files for fetch, and per-peer sync cursors that survive
 * a restart.
 */

import type { EncodedRecord } from '../../protocol/record.ts'
import type { RecordPage, RecordStore, SyncCursorStore } from '../p2p/interfaces.ts'
import type { Store } from './store.ts'

/** A record of another swarm was handed to this genesis's store (a caller skipped validation). */
export class ForeignGenesisError extends Error {
  override name = 'ForeignGenesisError'
}

export class NetworkStore implements RecordStore {
  readonly store: Store
  readonly genesis: string

  constructor(store: Store, genesis: string) {
    this.store = store
    this.genesis = genesis
  }

  getFile(hash: string): string | undefined {
    return this.store.getFile(hash)
  }

  /** Only signed records: an unsigned solo record cannot be verified by anyone we send it to. */
  recordsSince(cursor: number, limit: number): RecordPage {
    return this.store.signedRecordsSince(this.genesis, cursor, limit)
  }

  lastSeq(author: string): number | undefined {
    return this.store.lastSeq(this.genesis, author)
  }

  has(id: string): boolean {
    return this.store.hasRecord(id)
  }

  /**
   * Stores a validated record (and the file its diff makes, when the parent is held); commits
   * with the other records of a short window (Store.insertSignedGrouped).
   */
  add(record: EncodedRecord): boolean {
    if (record.record.genesis !== this.genesis)
      throw new ForeignGenesisError(
        `record ${record.id} is of genesis ${record.record.genesis}, this store serves ${this.genesis}`,
      )
    return this.store.insertSignedGrouped(record).inserted
  }
}

/**
 * Sync cursors in the store's state table. With a genesis the keys are per genesis too: a
 * cursor is an index into the peer's records of one genesis and means nothing in another.
 */
export class StoreSyncCursors implements SyncCursorStore {
  private readonly store: Store
  private readonly prefix: string

  constructor(store: Store, genesis?: string) {
    this.store = store
    this.prefix = genesis === undefined ? 'sync-cursor:' : `sync-cursor:${genesis}:`
  }

  get(peer: string): number | undefined {
    const value = this.store.getState(this.prefix + peer)
    return value === undefined ? undefined : Number(value)
  }

  set(peer: string, cursor: number): void {
    this.store.setState(this.prefix + peer, String(cursor))
  }
}
