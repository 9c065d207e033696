/** The peer's answer was not a SyncResponse, or its cursor went backwards. */
export class InvalidSyncResponseError extends Error {
  override name = 'InvalidSyncResponseError'
  readonly code = 'INVALID_SYNC_RESPONSE'
}
