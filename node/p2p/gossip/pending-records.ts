/**
 * Gossip records the validator accepted, held until gossipsub has forwarded them. Storing and
 * announcing a record (a SQLite insert and commit, listeners that print) happens after the
 * forward instead of before it, so no hop of a record's way waits on a store. The lookups the
 * validator makes see held records, so a second copy, or the author's next record, is judged as
 * if the first were stored already.
 */
import type { PeerId } from '@libp2p/interface'
import type { EncodedRecord } from '../../../protocol/record.ts'
import type { RecordSink } from '../interfaces.ts'

export interface PendingRecord {
  record: EncodedRecord
  from: PeerId
}

export type PendingLookups = Pick<RecordSink, 'has' | 'lastSeq'>

export class PendingRecords implements PendingLookups {
  private readonly store: PendingLookups
  private readonly ingest: (pending: PendingRecord) => void
  private readonly held = new Map<string, PendingRecord>()
  /** Highest held seq per author. */
  private readonly heldSeq = new Map<string, number>()

  /** `ingest` stores and announces one record; it runs once gossipsub is done with the turn. */
  constructor(store: PendingLookups, ingest: (pending: PendingRecord) => void) {
    this.store = store
    this.ingest = ingest
  }

  has(id: string): boolean {
    return this.held.has(id) || this.store.has(id)
  }

  lastSeq(author: string): number | undefined {
    const stored = this.store.lastSeq(author)
    const held = this.heldSeq.get(author)
    if (held === undefined) return stored
    return stored === undefined ? held : Math.max(stored, held)
  }

  /** Holds a validated record until the next flush (scheduled by the first record held). */
  add(record: EncodedRecord, from: PeerId): void {
    if (this.held.has(record.id)) return
    // setImmediate runs after this turn's microtasks, where gossipsub forwards the record.
    if (this.held.size === 0) setImmediate(() => this.flush())
    this.held.set(record.id, { record, from })
    const { author, seq } = record.record
    if (seq > (this.heldSeq.get(author) ?? 0)) this.heldSeq.set(author, seq)
  }

  /** Ingests every held record in arrival order; also called on stop, so none is lost. */
  flush(): void {
    const batch = [...this.held.values()]
    this.held.clear()
    this.heldSeq.clear()
    for (const pending of batch) this.ingest(pending)
  }
}
