/**
 * /loopnet/<genesis>/sync/2: records a peer stored after a cursor, a page per stream. The cursor
 * is the server's local insertion index, so "everything after N" includes records the server
 * learned late. The client validates every record exactly as gossip does (see node.ts).
 */
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { RecordSource } from '../interfaces.ts'
import type { ProtocolServiceComponents, ProtocolServiceLimits } from '../protocol-service.ts'
import { RecordSyncService } from './sync.ts'

export { InvalidSyncResponseError } from './errors.ts'

export interface SyncPage {
  /** Encoded signed records, unvalidated. */
  records: Uint8Array[]
  nextCursor: number
  /** The server had nothing after this page. */
  done: boolean
}

export interface SyncFromOptions extends AbortOptions {
  /** Server cursor to start after (0: from the beginning). */
  cursor?: number
  /** Called with each page before the next is asked for. */
  onPage(page: SyncPage): void | Promise<void>
}

export interface RecordSync {
  readonly protocol: string
  requestPage(peer: PeerId, cursor: number, options?: AbortOptions): Promise<SyncPage>
  /** Pages through everything after options.cursor; resolves with the final cursor. */
  syncFrom(peer: PeerId, options: SyncFromOptions): Promise<{ cursor: number; received: number }>
}

/** timeout (ProtocolServiceLimits) is per page. */
export interface RecordSyncInit extends ProtocolServiceLimits {
  genesis: string
  records: RecordSource
  /** Records per page (capped at SYNC_PAGE_RECORDS). */
  pageSize?: number
}

export type RecordSyncComponents = ProtocolServiceComponents

export function recordSync(init: RecordSyncInit): (components: RecordSyncComponents) => RecordSync {
  return (components) => new RecordSyncService(components, init)
}
