/**
 * Claims (leases): "I am about to run this" (claim.proto, docs/ARCHITECTURE.md "Claims"). The
 * fields, the limits every node shares, and the canonical codec and signature, as for records
 * (record.ts, sign.ts): a claim has exactly one encoding, and its id is sha256 of it.
 */
import { MAX_TOTAL_SECONDS } from './constants.ts'
import { MalformedClaimError, NonCanonicalClaimError } from './errors.ts'
import { sha256Hex } from './hash.ts'
import { loopnet } from './messages.gen.js'
import { signBytesAs, verifyBytesBy } from './sign.ts'

/** remeasure: a peer's file run on itself (parent == file); edit: parent -> file. */
export type ClaimKind = 'remeasure' | 'edit'

export interface ClaimFields {
  /** Swarm identity, as in records. */
  genesis: string
  /** The claiming node's peer id. */
  author: string
  kind: ClaimKind
  /** sha256 hex of the file edited; the file itself for a re-measure. */
  parentHash: string
  /** sha256 hex of the file that will run. */
  fileHash: string
  /** Hardware tier key of the claimant ('' before it knows its own). */
  tier: string
  budgetSeconds: number
  /** One line, at most MAX_CLAIM_DESCRIPTION_BYTES. */
  description: string
  /** Unix milliseconds by the author's clock. */
  createdAt: number
  /** How long the claim holds, from when a node receives it (and from createdAt, see claimExpiry). */
  ttlSeconds: number
}

export interface SignedClaim extends ClaimFields {
  signature: Uint8Array
}

/** A claim as it travels: canonical bytes, id (sha256 hex of them, also the gossip msg id). */
export interface EncodedClaim {
  id: string
  bytes: Uint8Array
  claim: SignedClaim
}

/**
 * Largest encoded claim. A real one is ~550 bytes (genesis, peer id and two hashes in hex, a
 * 200-byte description, the signature): 1 KiB leaves room and keeps a flood cheap to hold.
 */
export const MAX_CLAIM_BYTES = 1024
/** The description is a one-line label for proposers, not the diff. */
export const MAX_CLAIM_DESCRIPTION_BYTES = 200
/**
 * The shortest lease: below it a claim would expire in transit. The longest: a run is killed
 * at 2x budget + grace after begin() and then evaluated, and budget and grace are bounded so
 * that this fits in MAX_TOTAL_SECONDS (node/cli start-config); a longer lease can only be a
 * node parking work it never means to run.
 */
export const CLAIM_MIN_TTL_SECONDS = 5
export const CLAIM_MAX_TTL_SECONDS = MAX_TOTAL_SECONDS
/**
 * How far in the future a created_at may be by the receiver's clock (and how much longer than
 * createdAt + ttl a receiver keeps a claim): clocks of honest nodes differ by seconds.
 */
export const CLAIM_MAX_CLOCK_SKEW_MS = 60_000

const KIND_TO_WIRE: Record<ClaimKind, loopnet.ClaimKind> = {
  remeasure: loopnet.ClaimKind.REMEASURE,
  edit: loopnet.ClaimKind.EDIT,
}

function kindFromWire(value: number): ClaimKind | undefined {
  if (value === loopnet.ClaimKind.REMEASURE) return 'remeasure'
  if (value === loopnet.ClaimKind.EDIT) return 'edit'
  return undefined
}

/** Exactly the ClaimFields of an object that may carry more. */
export function pickClaimFields(f: ClaimFields): ClaimFields {
  return {
    genesis: f.genesis,
    author: f.author,
    kind: f.kind,
    parentHash: f.parentHash,
    fileHash: f.fileHash,
    tier: f.tier,
    budgetSeconds: f.budgetSeconds,
    description: f.description,
    createdAt: f.createdAt,
    ttlSeconds: f.ttlSeconds,
  }
}

function toWire(f: ClaimFields, signature?: Uint8Array): loopnet.Claim.$Properties {
  return {
    ...pickClaimFields(f),
    kind: KIND_TO_WIRE[f.kind],
    ...(signature !== undefined ? { signature } : {}),
  }
}

/** What the author signs: the canonical encoding without the signature (a prefix of the claim). */
export function claimSigningBytes(fields: ClaimFields): Uint8Array {
  return loopnet.Claim.encode(toWire(fields)).finish()
}

export function encodeClaim(claim: SignedClaim): Uint8Array {
  return loopnet.Claim.encode(toWire(claim, claim.signature)).finish()
}

export function claimId(bytes: Uint8Array): string {
  return sha256Hex(bytes)
}

/**
 * Signs a claim as its author. The caller checks the fields first (checkClaimFields): an
 * integer field holding 1.5 would be truncated by the encoder and sign something else.
 */
export function signClaim(
  fields: ClaimFields,
  privateKey: Parameters<typeof signBytesAs>[2],
): EncodedClaim {
  const clean = pickClaimFields(fields)
  const signature = signBytesAs(clean.author, claimSigningBytes(clean), privateKey)
  const claim = { ...clean, signature }
  const bytes = encodeClaim(claim)
  return { id: claimId(bytes), bytes, claim }
}

export function verifyClaimSignature(claim: SignedClaim, signingBytes?: Uint8Array): boolean {
  return verifyBytesBy(claim.author, signingBytes ?? claimSigningBytes(claim), claim.signature)
}

interface LongLike {
  low: number
  high: number
}

function uint64ToNumber(field: string, value: number | LongLike | undefined): number {
  if (value === undefined) return 0
  const n = typeof value === 'number' ? value : (value.high >>> 0) * 2 ** 32 + (value.low >>> 0)
  if (!Number.isSafeInteger(n)) throw new MalformedClaimError(`${field} beyond 2^53`)
  return n
}

/**
 * Decodes canonical claim bytes: MalformedClaimError for bytes that are not a claim (or an
 * unknown kind, or no signature), NonCanonicalClaimError for any other encoding of one. No
 * semantic checks: validation/claim.ts.
 */
export function decodeClaim(bytes: Uint8Array): { claim: SignedClaim; signingBytes: Uint8Array } {
  let wire: loopnet.Claim
  try {
    wire = loopnet.Claim.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  } catch (err) {
    throw new MalformedClaimError(`not a Claim: ${(err as Error).message}`)
  }
  if (wire.$unknowns !== undefined && wire.$unknowns.length > 0)
    throw new NonCanonicalClaimError('unknown fields')
  const kind = kindFromWire(wire.kind)
  if (kind === undefined) throw new MalformedClaimError(`unknown claim kind ${wire.kind}`)
  if (wire.signature.length === 0) throw new MalformedClaimError('no signature')
  const claim: SignedClaim = {
    genesis: wire.genesis,
    author: wire.author,
    kind,
    parentHash: wire.parentHash,
    fileHash: wire.fileHash,
    tier: wire.tier,
    budgetSeconds: wire.budgetSeconds,
    description: wire.description,
    createdAt: uint64ToNumber('createdAt', wire.createdAt),
    ttlSeconds: wire.ttlSeconds,
    signature: Uint8Array.from(wire.signature),
  }
  const unsigned = claimSigningBytes(claim)
  const field = loopnet.Claim.encode({ signature: claim.signature }).finish()
  const canonical = Buffer.concat([unsigned, field])
  if (canonical.length !== bytes.length || Buffer.compare(canonical, bytes) !== 0)
    throw new NonCanonicalClaimError('bytes differ from the canonical encoding')
  return { claim, signingBytes: unsigned }
}

/**
 * When a claim stops holding on a node that received it at `receivedAt`: its ttl from
 * receipt, and never later than its own createdAt + ttl (+ the skew allowed): a claim that
 * dates itself into the future gains nothing, and a replayed old one lives no longer.
 */
export function claimExpiry(
  claim: Pick<ClaimFields, 'createdAt' | 'ttlSeconds'>,
  receivedAt: number,
): number {
  const ttlMs = claim.ttlSeconds * 1000
  return Math.min(receivedAt + ttlMs, claim.createdAt + ttlMs + CLAIM_MAX_CLOCK_SKEW_MS)
}
