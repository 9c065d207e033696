import type { AbortOptions, Connection, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
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

const DEFAULT_TIMEOUT_MS = 30_000
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
  private readonly components: RecordSyncComponents
  private readonly source: RecordSource
  private readonly pageSize: number
  private readonly timeout: number

  constructor(components: RecordSyncComponents, init: RecordSyncInit) {
    super(components.registrar, syncProtocol(init.genesis), {
      maxInboundStreams: init.maxInboundStreams ?? 16,
      maxOutboundStreams: init.maxOutboundStreams ?? 16,
    })
    this.components = components
    this.source = init.records
    this.pageSize = Math.min(init.pageSize ?? SYNC_PAGE_RECORDS, SYNC_PAGE_RECORDS)
    this.timeout = init.timeout ?? DEFAULT_TIMEOUT_MS
  }

  readonly [Symbol.toStringTag] = 'loopnet/sync'

  protected async handle(stream: Stream, _connection: Connection): Promise<void> {
    const signal = AbortSignal.timeout(this.timeout)
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES })
      const request = loopnet.SyncRequest.decode((await lp.read({ signal })).subarray())
      const limit = Math.max(1, Math.min(request.limit || this.pageSize, this.pageSize))
      const page = buildPage(this.source, toNumber(request.cursor), limit)
      const response = loopnet.SyncResponse.encode({
        records: page.records,
        nextCursor: page.nextCursor,
        done: page.done,
      }).finish()
      await lp.write(response, { signal })
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err as Error)
    }
  }

  async requestPage(peer: PeerId, cursor: number, options: AbortOptions = {}): Promise<SyncPage> {
    const signal = AbortSignal.any([
      AbortSignal.timeout(this.timeout),
      ...(options.signal !== undefined ? [options.signal] : []),
    ])
    const stream = await this.components.connectionManager.openStream(peer, this.protocol, {
      signal,
    })
    try {
      const lp = lpStream(stream, { maxDataLength: SYNC_MAX_MESSAGE_BYTES })
      await lp.write(loopnet.SyncRequest.encode({ cursor, limit: this.pageSize }).finish(), {
        signal,
      })
      const bytes = (await lp.read({ signal })).subarray()
      await stream.close({ signal })
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
    } catch (err) {
      stream.abort(err as Error)
      throw err
    }
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
