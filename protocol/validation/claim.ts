/**
 * Validation of a claim (protocol/claim.ts), pure but for the clock the caller passes: the
 * stateless checks first (size, decoding, fields, genesis), then the signature, then time.
 * Every failure is a named RecordError; gossipVerdict maps it to a verdict.
 */
import {
  CLAIM_MAX_CLOCK_SKEW_MS,
  CLAIM_MAX_TTL_SECONDS,
  CLAIM_MIN_TTL_SECONDS,
  type ClaimFields,
  claimId,
  decodeClaim,
  type EncodedClaim,
  MAX_CLAIM_BYTES,
  MAX_CLAIM_DESCRIPTION_BYTES,
  signClaim,
  verifyClaimSignature,
} from '../claim.ts'
import { MAX_TIER_BYTES, MAX_TRAINING_SECONDS, SIGNATURE_BYTES } from '../constants.ts'
import {
  ClaimExpiredError,
  ClaimFromFutureError,
  ClaimTooLargeError,
  InvalidClaimTtlError,
  InvalidFieldError,
  InvalidSignatureError,
  WrongGenesisError,
} from '../errors.ts'
import { isSha256Hex } from '../hash.ts'

const LONE_SURROGATE = /\p{Cs}/u
const TIER = /^[A-Za-z0-9][A-Za-z0-9._:+-]*$/
// One line: a label, never a channel for a second paragraph.
const LINE_BREAK = /[\r\n]/

function checkString(field: string, value: unknown, maxBytes: number): asserts value is string {
  if (typeof value !== 'string') throw new InvalidFieldError(field, 'not a string')
  if (LONE_SURROGATE.test(value)) throw new InvalidFieldError(field, 'not well-formed Unicode')
  if (Buffer.byteLength(value, 'utf8') > maxBytes)
    throw new InvalidFieldError(field, `longer than ${maxBytes} bytes`)
}

/** Shapes, sizes and ranges of every field: what must hold before a claim can be signed. */
export function checkClaimFields(c: ClaimFields): void {
  checkString('genesis', c.genesis, 64)
  if (!isSha256Hex(c.genesis)) throw new InvalidFieldError('genesis', 'not sha256 hex')
  checkString('author', c.author, 128)
  if (c.author === '') throw new InvalidFieldError('author', 'empty')
  if (c.kind !== 'edit' && c.kind !== 'remeasure')
    throw new InvalidFieldError('kind', String(c.kind))
  checkString('parentHash', c.parentHash, 64)
  if (!isSha256Hex(c.parentHash)) throw new InvalidFieldError('parentHash', 'not sha256 hex')
  checkString('fileHash', c.fileHash, 64)
  if (!isSha256Hex(c.fileHash)) throw new InvalidFieldError('fileHash', 'not sha256 hex')
  if (c.kind === 'remeasure' && c.parentHash !== c.fileHash)
    throw new InvalidFieldError('parentHash', 'a re-measure claims the file on itself')
  if (c.kind === 'edit' && c.parentHash === c.fileHash)
    throw new InvalidFieldError('fileHash', 'an edit changes its parent')
  checkString('tier', c.tier, MAX_TIER_BYTES)
  if (c.tier !== '' && !TIER.test(c.tier))
    throw new InvalidFieldError('tier', `not a tier key: ${c.tier}`)
  if (
    typeof c.budgetSeconds !== 'number' ||
    !(Number.isFinite(c.budgetSeconds) && c.budgetSeconds > 0) ||
    c.budgetSeconds > MAX_TRAINING_SECONDS
  )
    throw new InvalidFieldError('budgetSeconds', `outside (0, ${MAX_TRAINING_SECONDS}]`)
  checkString('description', c.description, MAX_CLAIM_DESCRIPTION_BYTES)
  if (LINE_BREAK.test(c.description)) throw new InvalidFieldError('description', 'not one line')
  if (!Number.isSafeInteger(c.createdAt) || c.createdAt < 0)
    throw new InvalidFieldError('createdAt', `not a non-negative safe integer: ${c.createdAt}`)
  if (
    !Number.isInteger(c.ttlSeconds) ||
    c.ttlSeconds < CLAIM_MIN_TTL_SECONDS ||
    c.ttlSeconds > CLAIM_MAX_TTL_SECONDS
  )
    throw new InvalidClaimTtlError(
      `ttl ${c.ttlSeconds} s outside [${CLAIM_MIN_TTL_SECONDS}, ${CLAIM_MAX_TTL_SECONDS}]`,
    )
}

/** Is the claim live by `now` (this node's clock)? */
export function checkClaimTime(
  c: Pick<ClaimFields, 'createdAt' | 'ttlSeconds'>,
  now: number,
): void {
  if (c.createdAt > now + CLAIM_MAX_CLOCK_SKEW_MS)
    throw new ClaimFromFutureError(
      `created ${c.createdAt - now} ms in the future (at most ${CLAIM_MAX_CLOCK_SKEW_MS})`,
    )
  if (c.createdAt + c.ttlSeconds * 1000 <= now)
    throw new ClaimExpiredError(`expired ${now - c.createdAt - c.ttlSeconds * 1000} ms ago`)
}

export interface ClaimValidationContext {
  genesis: string
  /** Unix ms by this node's clock. */
  now: number
}

export function validateClaim(bytes: Uint8Array, ctx: ClaimValidationContext): EncodedClaim {
  if (bytes.length > MAX_CLAIM_BYTES)
    throw new ClaimTooLargeError(`${bytes.length} bytes, max ${MAX_CLAIM_BYTES}`)
  const { claim, signingBytes } = decodeClaim(bytes)
  checkClaimFields(claim)
  if (claim.signature.length !== SIGNATURE_BYTES)
    throw new InvalidFieldError(
      'signature',
      `${claim.signature.length} bytes, want ${SIGNATURE_BYTES}`,
    )
  if (claim.genesis !== ctx.genesis)
    throw new WrongGenesisError(`genesis ${claim.genesis}, this swarm is ${ctx.genesis}`)
  if (!verifyClaimSignature(claim, signingBytes))
    throw new InvalidSignatureError(`claim signature does not verify for ${claim.author}`)
  checkClaimTime(claim, ctx.now)
  return { id: claimId(bytes), bytes, claim }
}

/**
 * Checks the fields, then signs them: a node never sends a claim its peers would refuse for
 * its shape (time is the receiver's to judge).
 */
export function signCheckedClaim(
  fields: ClaimFields,
  privateKey: Parameters<typeof signClaim>[1],
): EncodedClaim {
  checkClaimFields(fields)
  return signClaim(fields, privateKey)
}
