import type { AbortOptions, Connection, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { FETCH_MAX_MESSAGE_BYTES } from '../../../protocol/constants.ts'
import { isSha256Hex, sha256Hex } from '../../../protocol/hash.ts'
import { loopnet } from '../../../protocol/messages.gen.js'
import { fetchProtocol } from '../../../protocol/topic.ts'
import type { FileSource } from '../interfaces.ts'
import { ProtocolService } from '../protocol-service.ts'
import {
  FileNotFoundOnPeerError,
  FileUnavailableError,
  FileVerificationError,
  InvalidFetchResponseError,
} from './errors.ts'
import type { FileFetch, FileFetchComponents, FileFetchInit } from './index.ts'

const DEFAULT_TIMEOUT_MS = 30_000
/** A request is one hash: anything longer is not a loopnet client. */
const MAX_REQUEST_BYTES = 256
const UTF8 = new TextDecoder('utf-8', { fatal: true })

export class FileFetchService extends ProtocolService implements FileFetch {
  private readonly components: FileFetchComponents
  private readonly files: FileSource
  private readonly timeout: number

  constructor(components: FileFetchComponents, init: FileFetchInit) {
    super(components.registrar, fetchProtocol(init.genesis), {
      maxInboundStreams: init.maxInboundStreams ?? 32,
      maxOutboundStreams: init.maxOutboundStreams ?? 32,
    })
    this.components = components
    this.files = init.files
    this.timeout = init.timeout ?? DEFAULT_TIMEOUT_MS
  }

  readonly [Symbol.toStringTag] = 'loopnet/fetch'

  /** Server side: one request, one response. */
  protected async handle(stream: Stream, _connection: Connection): Promise<void> {
    const signal = AbortSignal.timeout(this.timeout)
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES })
      const request = loopnet.FetchRequest.decode((await lp.read({ signal })).subarray())
      const text = isSha256Hex(request.hash) ? this.files.getFile(request.hash) : undefined
      const response: loopnet.FetchResponse.$Properties =
        text === undefined
          ? { result: loopnet.FetchResponse.Result.NOT_FOUND }
          : { result: loopnet.FetchResponse.Result.FOUND, content: Buffer.from(text, 'utf8') }
      await lp.write(loopnet.FetchResponse.encode(response).finish(), { signal })
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err as Error)
    }
  }

  async fetchFrom(peer: PeerId, hash: string, options: AbortOptions = {}): Promise<string> {
    const signal = AbortSignal.any([
      AbortSignal.timeout(this.timeout),
      ...(options.signal !== undefined ? [options.signal] : []),
    ])
    const stream = await this.components.connectionManager.openStream(peer, this.protocol, {
      signal,
    })
    try {
      const lp = lpStream(stream, { maxDataLength: FETCH_MAX_MESSAGE_BYTES })
      await lp.write(loopnet.FetchRequest.encode({ hash }).finish(), { signal })
      const bytes = (await lp.read({ signal })).subarray()
      await stream.close({ signal })
      return verifiedText(decodeResponse(bytes), hash, peer)
    } catch (err) {
      stream.abort(err as Error)
      throw err
    }
  }

  async fetchFromAny(peers: PeerId[], hash: string, options: AbortOptions = {}): Promise<string> {
    const errors: Error[] = []
    for (const peer of peers) {
      options.signal?.throwIfAborted()
      try {
        return await this.fetchFrom(peer, hash, options)
      } catch (err) {
        // A liar, a peer without the file, or a broken connection: all mean "ask the next one".
        errors.push(err as Error)
      }
    }
    throw new FileUnavailableError(errors, `no peer of ${peers.length} supplied file ${hash}`)
  }
}

function decodeResponse(bytes: Uint8Array): loopnet.FetchResponse {
  try {
    return loopnet.FetchResponse.decode(bytes)
  } catch (err) {
    throw new InvalidFetchResponseError(`not a FetchResponse: ${(err as Error).message}`)
  }
}

function verifiedText(response: loopnet.FetchResponse, hash: string, peer: PeerId): string {
  if (response.result === loopnet.FetchResponse.Result.NOT_FOUND) {
    throw new FileNotFoundOnPeerError(`${peer} does not hold ${hash}`)
  }
  if (response.result !== loopnet.FetchResponse.Result.FOUND) {
    throw new InvalidFetchResponseError(`unknown result ${response.result} from ${peer}`)
  }
  const got = sha256Hex(response.content)
  if (got !== hash) {
    throw new FileVerificationError(`${peer} sent a file hashing to ${got}, asked for ${hash}`)
  }
  return UTF8.decode(response.content)
}
