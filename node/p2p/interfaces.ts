/**
 * What the network needs from the rest of the node, as interfaces the store implements
 * (node/store/network-store.ts). All synchronous: node:sqlite is,
 * and gossip validation calls them on every message.
 */
import type { EncodedClaim } from '../../protocol/claim.ts'
import type { EncodedRecord, SignedRecord } from '../../protocol/record.ts'

/** Train files by content hash: serves fetch, and lets validation check diffs against parents. */
export interface FileSource {
  /** The file's text, or undefined when this node does not hold it. */
  getFile(hash: string): string | undefined
}

/** A page of records after a cursor, in the source's own insertion order. */
export interface RecordPage {
  records: SignedRecord[]
  /** Cursor after the last record returned (the input cursor when there was none). */
  cursor: number
}

/** Records for the sync protocol, addressed by a local, monotonically increasing insertion index. */
export interface RecordSource {
  /** Up to `limit` records stored after `cursor` (0 = from the beginning), of this genesis. */
  recordsSince(cursor: number, limit: number): RecordPage
}

/**
 * Where validated records from the swarm go. This node's own go into the store by their sink
 * (node/swarm.ts), with their local facts; the node only announces them (announceOwn).
 */
export interface RecordSink {
  /** Highest seq held for an author, undefined when none. */
  lastSeq(author: string): number | undefined
  /** Is a record with this id held? */
  has(id: string): boolean
  /**
   * Stores a validated record. Returns false when it was already held (same id, or another
   * record with the same author and seq: the first one wins).
   */
  add(record: EncodedRecord): boolean
}

/** Per-peer sync cursors (the server's cursor values), so a reconnect resumes where it stopped. */
export interface SyncCursorStore {
  get(peer: string): number | undefined
  set(peer: string, cursor: number): void
}

/** Everything the store provides at once. */
export interface RecordStore extends FileSource, RecordSource, RecordSink {}

/** How a record reached this node. */
export type RecordOrigin = 'gossip' | 'sync' | 'self'

export interface RecordEventDetail extends EncodedRecord {
  via: RecordOrigin
  /** Peer it came from (gossip: the forwarding peer; sync: the server); absent for 'self'. */
  from?: string
}

export interface RecordRejectedDetail {
  via: Exclude<RecordOrigin, 'self'>
  from: string
  /** RecordError code, or 'INTERNAL' for our own bugs. */
  code: string
  verdict: 'ignore' | 'reject'
  message: string
}

export interface SyncDoneDetail {
  peer: string
  /** Records new to this node. */
  added: number
  /** Records received (new or not). */
  received: number
}

export interface LoopnetNodeEvents {
  /**
   * A validated record new to this node. Synced and own records are in the store already; a
   * gossiped one is announced on acceptance, before gossipsub forwards it, and is in the store
   * before any further I/O is handled (a listener that reads the store synchronously should
   * queue a microtask first).
   */
  record: RecordEventDetail
  /** A record that failed validation (not delivered, not forwarded). */
  'record:invalid': RecordRejectedDetail
  /** A sync from a peer finished. */
  'sync:done': SyncDoneDetail
  /** A peer's claim, validated and new to this node's claim book (claims/gossip.ts). */
  claim: ClaimEventDetail
  /** A claim that failed validation (not held, not forwarded). */
  'claim:invalid': RecordRejectedDetail
  /** A peer's claim lapsed without its record (its ttl ran out). */
  'claim:expired': ClaimEventDetail
}

export interface ClaimEventDetail extends EncodedClaim {
  /** The forwarding peer; absent for an expiry. */
  from?: string
}
