/**
 * /loopnet/<genesis>/fetch/1: a train file by content hash. The server answers from a
 * FileSource; the client hashes what it receives and refuses anything that does not match.
 */
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { FileSource } from '../interfaces.ts'
import type { ProtocolServiceComponents, ProtocolServiceLimits } from '../protocol-service.ts'
import { FileFetchService } from './fetch.ts'

export {
  FileNotFoundOnPeerError,
  FileUnavailableError,
  FileVerificationError,
  InvalidFetchResponseError,
} from './errors.ts'

export interface FileFetch {
  /** The file's text from one peer, verified against `hash`. */
  fetchFrom(peer: PeerId, hash: string, options?: AbortOptions): Promise<string>
  /** Tries peers in order until one supplies a verified copy; FileUnavailableError otherwise. */
  fetchFromAny(peers: PeerId[], hash: string, options?: AbortOptions): Promise<string>
  readonly protocol: string
}

export interface FileFetchInit extends ProtocolServiceLimits {
  genesis: string
  files: FileSource
}

export type FileFetchComponents = ProtocolServiceComponents

export function fileFetch(init: FileFetchInit): (components: FileFetchComponents) => FileFetch {
  return (components) => new FileFetchService(components, init)
}
