/**
 * node/p2p: loopnet's network. LoopnetNode is the entry point; the rest is exported for tests,
 * benchmarks and the store that implements interfaces.ts.
 */
export { BootstrapDialer, bootstrapDialer } from './bootstrap-dialer.ts'
export { TypedEventEmitter } from './events.ts'
export {
  type FileFetch,
  FileNotFoundOnPeerError,
  FileUnavailableError,
  FileVerificationError,
  fileFetch,
  InvalidFetchResponseError,
} from './fetch/index.ts'
export { msgIdFn, msgIdToStrFn } from './gossip/encoding.ts'
export { PublishQueue, PublishStoppedError } from './gossip/publish-queue.ts'
export {
  peerScoreParams,
  resultsTopicScoreParams,
  SCORE_THRESHOLDS,
} from './gossip/scoring-parameters.ts'
export { createRecordValidator, toTopicValidatorResult } from './gossip/validator.ts'
export {
  createLoopnetHost,
  LOOPBACK_ALLOW,
  type LoopnetHost,
  type LoopnetHostInit,
  type LoopnetServices,
} from './host.ts'
export { IDENTITY_FILE, InvalidIdentityError, loadOrCreateIdentity } from './identity.ts'
export type * from './interfaces.ts'
export { LoopnetNode, type LoopnetNodeInit, type PublishedRecord } from './node.ts'
export {
  InvalidSyncResponseError,
  type RecordSync,
  recordSync,
  type SyncPage,
} from './sync/index.ts'
