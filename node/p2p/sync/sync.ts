import type { AbortOptions, PeerId } from '@libp2p/interface'
import {
  SYNC_MAX_MESSAGE_BYTES,
  SYNC_PAGE_BYTES,
  SYNC_PAGE_RECORDS,
} from '../../../protocol/constants.ts'
import { loopnet } from '../../../protocol/messages.gen.js'
import { encodeRecord } from '../../../protocol/record.ts'
import { syncProtocol } from '../../../protocol/topic.ts'
import type { RecordSource } from '../interfaces.ts'
import { ProtocolService } from '../protocol-service.ts'
import { InvalidSyncResponseError } from './errors.ts'
import type {
  RecordSync,
  RecordSyncComponents,
  RecordSyncInit,
  SyncFromOptions,
  SyncPage,
} from './index.ts'

const MAX_REQUEST_BYTES = 64

interface LongLike {
  low: number
  high: number
}

/** protobufjs hands back a Long for uint64 when the long package is installed. */
function toNumber(value: number | LongLike): number {
  const n = typeof value === 'number' ? value : (value.high >>> 0) * 2 ** 32 + (value.low >>> 0)
  if (!Number.isSafeInteger(n)) throw new InvalidSyncResponseError(`cursor ${n} beyond 2^53`)
  return n
}

/**
 * The server's page: at most `limit` records and SYNC_PAGE_BYTES (one record may overshoot, so a
 * page always makes progress). When bytes cut the page short, the source is asked again for
 * exactly the records that fit, to learn the cursor after them.
 */
export function buildPage(source: RecordSource, cursor: number, limit: number): SyncPage {
  const page = source.recordsSince(cursor, limit)
  const records: Uint8Array[] = []
  let bytes = 0
  for (const record of page.records) {
    const encoded = encodeRecord(record)
    if (records.length > 0 && bytes + encoded.length > SYNC_PAGE_BYTES) break
    records.push(encoded)
    bytes += encoded.length
  }
  if (records.length === page.records.length) {
    return { records, nextCursor: page.cursor, done: page.records.length < limit }
  }
  const fitting = source.recordsSince(cursor, records.length)
  return { records, nextCursor: fitting.cursor, done: false }
}

export class RecordSyncService extends ProtocolService implements RecordSync {
  private readonly source: RecordSource
  private readonly pageSize: number

  constructor(components: RecordSyncComponents, init: RecordSyncInit) {
    super(
      components,
      {
        protocol: syncProtocol(init.genesis),
        streams: 16,
        maxRequestBytes: MAX_REQUEST_BYTES,
        maxResponseBytes: SYNC_MAX_MESSAGE_BYTES,
      },
      init,
    )
    this.source = init.records
    this.pageSize = Math.min(init.pageSize ?? SYNC_PAGE_RECORDS, SYNC_PAGE_RECORDS)
  }

  readonly [Symbol.toStringTag] = 'loopnet/sync'

  protected respond(bytes: Uint8Array): Uint8Array {
    const request = loopnet.SyncRequest.decode(bytes)
    const limit = Math.max(1, Math.min(request.limit || this.pageSize, this.pageSize))
    const page = buildPage(this.source, toNumber(request.cursor), limit)
    return loopnet.SyncResponse.encode({
      records: page.records,
      nextCursor: page.nextCursor,
      done: page.done,
    }).finish()
  }

  async requestPage(peer: PeerId, cursor: number, options: AbortOptions = {}): Promise<SyncPage> {
    const request = loopnet.SyncRequest.encode({ cursor, limit: this.pageSize }).finish()
    const bytes = await this.request(peer, request, options)
    let response: loopnet.SyncResponse
    try {
      response = loopnet.SyncResponse.decode(bytes)
    } catch (err) {
      throw new InvalidSyncResponseError(`not a SyncResponse: ${(err as Error).message}`)
    }
    const nextCursor = toNumber(response.nextCursor)
    if (nextCursor < cursor) {
      throw new InvalidSyncResponseError(`cursor went back from ${cursor} to ${nextCursor}`)
    }
    // A page that moves nowhere yet claims more would loop forever.
    const done = response.done || nextCursor === cursor
    return { records: response.records, nextCursor, done }
  }

  async syncFrom(
    peer: PeerId,
    options: SyncFromOptions,
  ): Promise<{ cursor: number; received: number }> {
    let cursor = options.cursor ?? 0
    let received = 0
    for (;;) {
      options.signal?.throwIfAborted()
      const page = await this.requestPage(peer, cursor, options)
      received += page.records.length
      await options.onPage(page)
      cursor = page.nextCursor
      if (page.done) return { cursor, received }
    }
  }
}
