/**
 * One error class per way a record can be invalid, and the one function that turns any of them
 * into a gossip verdict (lodestar's gossip/errors.ts shape). Callers check `code` (or `name`),
 * never message text.
 */
import { RECORD_VERSION } from './types.ts'

/** What gossipsub should do with a message: deliver and forward, drop, or drop and penalise. */
export type GossipVerdict = 'accept' | 'ignore' | 'reject'

export type RecordErrorCode =
  | 'RECORD_TOO_LARGE'
  | 'MALFORMED_RECORD'
  | 'NON_CANONICAL_RECORD'
  | 'WRONG_VERSION'
  | 'INVALID_FIELD'
  | 'INVALID_REASON'
  | 'DIFF_TOO_LARGE'
  | 'WRONG_GENESIS'
  | 'INVALID_AUTHOR'
  | 'INVALID_SIGNATURE'
  | 'IMPLAUSIBLE_VAL_BPB'
  | 'IMPLAUSIBLE_SECONDS'
  | 'IMPLAUSIBLE_NOISE'
  | 'SEQ_NOT_MONOTONIC'
  | 'DIFF_MISMATCH'
  | 'CLAIM_TOO_LARGE'
  | 'MALFORMED_CLAIM'
  | 'NON_CANONICAL_CLAIM'
  | 'INVALID_CLAIM_TTL'
  | 'CLAIM_FROM_FUTURE'
  | 'CLAIM_EXPIRED'

/** Base of every record validation failure. */
export abstract class RecordError extends Error {
  abstract readonly code: RecordErrorCode
}

/** The encoded record exceeds MAX_RECORD_BYTES. */
export class RecordTooLargeError extends RecordError {
  override name = 'RecordTooLargeError'
  readonly code = 'RECORD_TOO_LARGE'
}

/** The bytes are not an ExperimentRecord at all (bad wire format, bad UTF-8, missing signature). */
export class MalformedRecordError extends RecordError {
  override name = 'MalformedRecordError'
  readonly code = 'MALFORMED_RECORD'
}

/** Decodable, but not the one canonical encoding (unknown fields, field order, default values present). */
export class NonCanonicalRecordError extends RecordError {
  override name = 'NonCanonicalRecordError'
  readonly code = 'NON_CANONICAL_RECORD'
}

/**
 * A record of another format than RECORD_VERSION: format 1 (before the trusted harness, with no
 * version field) or a newer one. Named apart from a malformed record so that a node running an
 * older or newer loopnet is told what it is looking at.
 */
export class RecordVersionError extends RecordError {
  override name = 'RecordVersionError'
  readonly code = 'WRONG_VERSION'
  /** The record's format (1 when it carries no version field). */
  readonly version: number

  constructor(version: number) {
    super(`record format ${version}: this node reads format ${RECORD_VERSION}`)
    this.version = version
  }
}

/** A field is out of its schema: hash format, status, integer range, string length. */
export class InvalidFieldError extends RecordError {
  override name = 'InvalidFieldError'
  readonly code = 'INVALID_FIELD'
  readonly field: string

  constructor(field: string, message: string) {
    super(`${field}: ${message}`)
    this.field = field
  }
}

/**
 * The reason does not fit the status: a crash or a rejection names one (a lowercase name of at
 * most MAX_REASON_BYTES, e.g. timeout, non-causal, over-budget); a keep or a discard has none.
 */
export class InvalidReasonError extends RecordError {
  override name = 'InvalidReasonError'
  readonly code = 'INVALID_REASON'
}

/** The diff exceeds MAX_DIFF_BYTES. */
export class DiffTooLargeError extends RecordError {
  override name = 'DiffTooLargeError'
  readonly code = 'DIFF_TOO_LARGE'
}

/** The record belongs to another swarm. */
export class WrongGenesisError extends RecordError {
  override name = 'WrongGenesisError'
  readonly code = 'WRONG_GENESIS'
}

/** The author is not an Ed25519 peer id, so no public key can be recovered from it. */
export class InvalidAuthorError extends RecordError {
  override name = 'InvalidAuthorError'
  readonly code = 'INVALID_AUTHOR'
}

/** The signature does not verify under the author's key. */
export class InvalidSignatureError extends RecordError {
  override name = 'InvalidSignatureError'
  readonly code = 'INVALID_SIGNATURE'
}

/**
 * val_bpb is not finite, outside (0, MAX_VAL_BPB) for keep/discard, outside [0, MAX_VAL_BPB) for
 * a crash, or not 0 for a rejection (a rejected run was never scored).
 */
export class ImplausibleValBpbError extends RecordError {
  override name = 'ImplausibleValBpbError'
  readonly code = 'IMPLAUSIBLE_VAL_BPB'
}

/**
 * Seconds are negative, not finite or beyond their bounds: a budget outside (0,
 * MAX_TRAINING_SECONDS], a keep or discard that trained past its budget (the harness's
 * over-budget rule, maxTrainingSeconds), a phase beyond MAX_TOTAL_SECONDS, or training > total.
 */
export class ImplausibleSecondsError extends RecordError {
  override name = 'ImplausibleSecondsError'
  readonly code = 'IMPLAUSIBLE_SECONDS'
}

/**
 * The author's seed-noise estimate is impossible: a sigma that is not finite, negative or of a
 * whole bpb or more (MAX_NOISE_SIGMA), a degree-of-freedom count that is no uint32, or a
 * sigma measured over no degrees of freedom.
 */
export class ImplausibleNoiseError extends RecordError {
  override name = 'ImplausibleNoiseError'
  readonly code = 'IMPLAUSIBLE_NOISE'
}

/** seq is not above the last seq known for this author: a replay, a fork, or a reordering. */
export class SeqNotMonotonicError extends RecordError {
  override name = 'SeqNotMonotonicError'
  readonly code = 'SEQ_NOT_MONOTONIC'
}

/** The diff does not apply to the (known) parent, or applying it does not yield file_hash. */
export class DiffMismatchError extends RecordError {
  override name = 'DiffMismatchError'
  readonly code = 'DIFF_MISMATCH'
  /** The record's (signature-verified) author, once known: see gossipVerdict. */
  author?: string
}

/*
 * Claims (protocol/claim.ts) are validated like records and fail with RecordErrors too, so
 * gossipVerdict stays the one map from a validation failure to a verdict. Fields, genesis,
 * author and signature failures of a claim use the record's classes above.
 */

/** The encoded claim exceeds MAX_CLAIM_BYTES. */
export class ClaimTooLargeError extends RecordError {
  override name = 'ClaimTooLargeError'
  readonly code = 'CLAIM_TOO_LARGE'
}

/** The bytes are not a Claim (bad wire format, unknown kind, no signature). */
export class MalformedClaimError extends RecordError {
  override name = 'MalformedClaimError'
  readonly code = 'MALFORMED_CLAIM'
}

/** Decodable, but not the one canonical encoding of a claim. */
export class NonCanonicalClaimError extends RecordError {
  override name = 'NonCanonicalClaimError'
  readonly code = 'NON_CANONICAL_CLAIM'
}

/** ttl_seconds outside [CLAIM_MIN_TTL_SECONDS, CLAIM_MAX_TTL_SECONDS]: a lease nobody needs. */
export class InvalidClaimTtlError extends RecordError {
  override name = 'InvalidClaimTtlError'
  readonly code = 'INVALID_CLAIM_TTL'
}

/** created_at is further in the future than CLAIM_MAX_CLOCK_SKEW_MS by this node's clock. */
export class ClaimFromFutureError extends RecordError {
  override name = 'ClaimFromFutureError'
  readonly code = 'CLAIM_FROM_FUTURE'
}

/** created_at + ttl lies in the past by this node's clock. */
export class ClaimExpiredError extends RecordError {
  override name = 'ClaimExpiredError'
  readonly code = 'CLAIM_EXPIRED'
}

export function isRecordError(err: unknown): err is RecordError {
  return err instanceof RecordError
}

/**
 * The gossip verdict for a validation outcome: the only place this mapping lives.
 *
 * reject (gossipsub penalises the peer that forwarded it) where no honest node could have
 * produced or relayed the message, because every node runs the same stateless checks with the
 * same limits before forwarding. ignore where the outcome depends on what this node happens to
 * know: an honest relay may have seen things in another order, or lacked a parent. Errors
 * that are not RecordErrors are our own bugs, never a reason to punish a peer.
 */
export function gossipVerdict(err: unknown, from?: string): Exclude<GossipVerdict, 'accept'> {
  if (!isRecordError(err)) return 'ignore'
  switch (err.code) {
    // Both depend on what this node happens to hold (the author's last seq, the parent file):
    // an honest relay that lacked the parent could not check the diff, and penalising it would
    // let one liar turn honest nodes against each other. Dropping the record is enough...
    case 'SEQ_NOT_MONOTONIC':
      return 'ignore'
    // A claim's times are judged by this node's clock: an honest relay whose clock differs,
    // or a claim that expired in transit, is no reason to penalise anyone.
    case 'CLAIM_FROM_FUTURE':
    case 'CLAIM_EXPIRED':
      return 'ignore'
    // ...except when the peer that sent a lying diff (or file hash) is its signing author: no
    // honest node signs a diff that does not yield its own file, so that peer is penalised.
    case 'DIFF_MISMATCH':
      return err instanceof DiffMismatchError && from !== undefined && err.author === from
        ? 'reject'
        : 'ignore'
    case 'RECORD_TOO_LARGE':
    case 'MALFORMED_RECORD':
    case 'NON_CANONICAL_RECORD':
    // Topics and sync protocols carry the format (/results/2, /sync/2) and a node never serves
    // a record of another format (node/store keeps older ones but does not sync them): on a
    // format-2 topic, no honest node sends or relays a record of format 1 or 3.
    case 'WRONG_VERSION':
    case 'INVALID_FIELD':
    case 'INVALID_REASON':
    case 'DIFF_TOO_LARGE':
    case 'WRONG_GENESIS':
    case 'INVALID_AUTHOR':
    case 'INVALID_SIGNATURE':
    case 'IMPLAUSIBLE_VAL_BPB':
    case 'IMPLAUSIBLE_SECONDS':
    case 'CLAIM_TOO_LARGE':
    case 'MALFORMED_CLAIM':
    case 'NON_CANONICAL_CLAIM':
    case 'INVALID_CLAIM_TTL':
    case 'IMPLAUSIBLE_NOISE':
      return 'reject'
  }
}
