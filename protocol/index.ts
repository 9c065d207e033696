/**
 * protocol/: what every loopnet node agrees on, byte for byte. Imports nothing of loopnet's but
 * types.ts, so store, agent and network can all depend on it.
 */
export * from './constants.ts'
export * from './errors.ts'
export { fileHash, isSha256Hex, sha256Hex } from './hash.ts'
export {
  decodeRecord,
  type EncodedRecord,
  encodeRecord,
  recordId,
  type SignedRecord,
  signingBytes,
  toEncodedRecord,
} from './record.ts'
export { authorPublicKey, signRecord, verifyRecordSignature } from './sign.ts'
export { fetchProtocol, resultsTopic, syncProtocol } from './topic.ts'
export { type ExperimentFields, type ExperimentStatus, RECORD_VERSION } from './types.ts'
export {
  applyRecordDiff,
  checkAgainstLocalState,
  checkDiffYieldsFile,
  checkPlausibility,
  checkSchema,
  type ValidationContext,
  validateRecord,
} from './validation/index.ts'
