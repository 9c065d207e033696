/** The peer sent a file whose sha256 is not the hash asked for: it lied or corrupted it. */
export class FileVerificationError extends Error {
  override name = 'FileVerificationError'
  readonly code = 'FILE_VERIFICATION_FAILED'
}

/** The peer answered that it does not hold the file. */
export class FileNotFoundOnPeerError extends Error {
  override name = 'FileNotFoundOnPeerError'
  readonly code = 'FILE_NOT_FOUND_ON_PEER'
}

/** The peer's answer was not a FetchResponse (bad encoding, oversized, truncated). */
export class InvalidFetchResponseError extends Error {
  override name = 'InvalidFetchResponseError'
  readonly code = 'INVALID_FETCH_RESPONSE'
}

/** No peer asked could supply a verified copy of the file. */
export class FileUnavailableError extends AggregateError {
  override name = 'FileUnavailableError'
  readonly code = 'FILE_UNAVAILABLE'
}
