/**
 * protocol/: what every loopnet node agrees on, byte for byte. Imports nothing of loopnet's but
 * types.ts, so store, agent and network can all depend on it.
 */
export {
  CLAIM_MAX_CLOCK_SKEW_MS,
  CLAIM_MAX_TTL_SECONDS,
  CLAIM_MIN_TTL_SECONDS,
  type ClaimFields,
  type ClaimKind,
  claimExpiry,
  claimId,
  decodeClaim,
  type EncodedClaim,
  encodeClaim,
  MAX_CLAIM_BYTES,
  MAX_CLAIM_DESCRIPTION_BYTES,
  type SignedClaim,
} from './claim.ts'
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
export { claimsTopic, fetchProtocol, resultsTopic, syncProtocol } from './topic.ts'
export { type ExperimentFields, type ExperimentStatus, RECORD_VERSION } from './types.ts'
export {
  type ClaimValidationContext,
  checkClaimFields,
  checkClaimTime,
  signCheckedClaim,
  validateClaim,
} from './validation/claim.ts'
export {
  applyRecordDiff,
  checkAgainstLocalState,
  checkDiffYieldsFile,
  checkPlausibility,
  checkSchema,
  type ValidationContext,
  validateRecord,
} from './validation/index.ts'
