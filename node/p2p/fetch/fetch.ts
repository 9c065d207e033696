import type { AbortOptions, PeerId } from '@libp2p/interface'
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

/** A request is one hash: anything longer is not a loopnet client. */
const MAX_REQUEST_BYTES = 256
const UTF8 = new TextDecoder('utf-8', { fatal: true })

export class FileFetchService extends ProtocolService implements FileFetch {
  private readonly files: FileSource

  constructor(components: FileFetchComponents, init: FileFetchInit) {
    super(
      components,
      {
        protocol: fetchProtocol(init.genesis),
        streams: 32,
        maxRequestBytes: MAX_REQUEST_BYTES,
        maxResponseBytes: FETCH_MAX_MESSAGE_BYTES,
      },
      init,
    )
    this.files = init.files
  }

  readonly [Symbol.toStringTag] = 'loopnet/fetch'

  protected respond(bytes: Uint8Array): Uint8Array {
    const request = loopnet.FetchRequest.decode(bytes)
    const text = isSha256Hex(request.hash) ? this.files.getFile(request.hash) : undefined
    const response: loopnet.FetchResponse.$Properties =
      text === undefined
        ? { result: loopnet.FetchResponse.Result.NOT_FOUND }
        : { result: loopnet.FetchResponse.Result.FOUND, content: Buffer.from(text, 'utf8') }
    return loopnet.FetchResponse.encode(response).finish()
  }

  async fetchFrom(peer: PeerId, hash: string, options: AbortOptions = {}): Promise<string> {
    const bytes = await this.request(peer, loopnet.FetchRequest.encode({ hash }).finish(), options)
    return verifiedText(decodeResponse(bytes), hash, peer)
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
