/**
 * Stateless checks of a record's fields: shape, sizes, plausibility. Pure; the same on every
 * node, so a failure here means no honest node could have sent the record (verdict: reject).
 */
import {
  MAX_DESCRIPTION_BYTES,
  MAX_DIFF_BYTES,
  MAX_TIER_BYTES,
  MAX_TOTAL_SECONDS,
  MAX_TRAINING_SECONDS,
  MAX_VAL_BPB,
  SIGNATURE_BYTES,
} from '../constants.ts'
import {
  DiffTooLargeError,
  ImplausibleSecondsError,
  ImplausibleValBpbError,
  InvalidFieldError,
} from '../errors.ts'
import { isSha256Hex } from '../hash.ts'
import type { ExperimentFields } from '../types.ts'

// With the u flag a valid pair is one code point; only unpaired halves are category Cs.
const LONE_SURROGATE = /\p{Cs}/u
const STATUSES = new Set(['keep', 'discard', 'crash'])
// Tier keys come from the trainer (cpu-2c, cuda-h100-80g): one token, no spaces.
const TIER = /^[A-Za-z0-9][A-Za-z0-9._:+-]*$/

function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8')
}

function checkString(field: string, value: unknown, maxBytes?: number): void {
  if (typeof value !== 'string') throw new InvalidFieldError(field, 'not a string')
  // A lone surrogate would be encoded as U+FFFD: the signed bytes would not be what the author held.
  if (LONE_SURROGATE.test(value)) throw new InvalidFieldError(field, 'not well-formed Unicode')
  if (maxBytes !== undefined && utf8Bytes(value) > maxBytes) {
    throw new InvalidFieldError(field, `longer than ${maxBytes} bytes`)
  }
}

function checkUint(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidFieldError(field, `not a non-negative safe integer: ${String(value)}`)
  }
}

function checkFiniteNonNegative(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidFieldError(field, `not a finite non-negative number: ${String(value)}`)
  }
}

/** Types, formats and sizes of every field (what must hold before a record can even be signed). */
export function checkSchema(fields: ExperimentFields): void {
  checkString('genesis', fields.genesis)
  if (!isSha256Hex(fields.genesis)) throw new InvalidFieldError('genesis', 'not sha256 hex')
  checkString('author', fields.author, 128)
  if (fields.author === '') throw new InvalidFieldError('author', 'empty')
  checkUint('seq', fields.seq)
  checkString('parentHash', fields.parentHash)
  if (fields.parentHash !== '' && !isSha256Hex(fields.parentHash)) {
    throw new InvalidFieldError('parentHash', 'neither empty (baseline) nor sha256 hex')
  }
  checkString('fileHash', fields.fileHash)
  if (!isSha256Hex(fields.fileHash)) throw new InvalidFieldError('fileHash', 'not sha256 hex')
  checkString('diff', fields.diff)
  if (utf8Bytes(fields.diff) > MAX_DIFF_BYTES) {
    throw new DiffTooLargeError(`diff is ${utf8Bytes(fields.diff)} bytes, max ${MAX_DIFF_BYTES}`)
  }
  if (fields.parentHash === '' && fields.diff !== '') {
    throw new InvalidFieldError('diff', 'a baseline (no parent) carries no diff')
  }
  if (!STATUSES.has(fields.status)) throw new InvalidFieldError('status', String(fields.status))
  checkUint('numSteps', fields.numSteps)
  checkUint('totalTokens', fields.totalTokens)
  checkFiniteNonNegative('peakMemMb', fields.peakMemMb)
  checkString('tier', fields.tier, MAX_TIER_BYTES)
  if (!TIER.test(fields.tier)) throw new InvalidFieldError('tier', `not a tier key: ${fields.tier}`)
  checkString('description', fields.description, MAX_DESCRIPTION_BYTES)
  checkUint('createdAt', fields.createdAt)
  if (typeof fields.valBpb !== 'number') throw new InvalidFieldError('valBpb', 'not a number')
  for (const f of ['trainingSeconds', 'totalSeconds'] as const) {
    if (typeof fields[f] !== 'number') throw new InvalidFieldError(f, 'not a number')
  }
}

/** Are the measurements possible at all? Crashes may report zeros; finished runs may not. */
export function checkPlausibility(fields: ExperimentFields): void {
  const { valBpb, status, trainingSeconds, totalSeconds } = fields
  if (!Number.isFinite(valBpb)) throw new ImplausibleValBpbError(`val_bpb ${valBpb} is not finite`)
  if (status === 'crash') {
    if (valBpb < 0 || valBpb >= MAX_VAL_BPB) {
      throw new ImplausibleValBpbError(`crash val_bpb ${valBpb} outside [0, ${MAX_VAL_BPB})`)
    }
  } else if (!(valBpb > 0 && valBpb < MAX_VAL_BPB)) {
    throw new ImplausibleValBpbError(`val_bpb ${valBpb} outside (0, ${MAX_VAL_BPB})`)
  }
  for (const [name, value, max] of [
    ['training_seconds', trainingSeconds, MAX_TRAINING_SECONDS],
    ['total_seconds', totalSeconds, MAX_TOTAL_SECONDS],
  ] as const) {
    if (!Number.isFinite(value) || value < 0 || value > max) {
      throw new ImplausibleSecondsError(`${name} ${value} outside [0, ${max}]`)
    }
  }
  // Total time includes training; only a finished run is held to it (a crash may report 0 total).
  if (status !== 'crash' && trainingSeconds > totalSeconds) {
    throw new ImplausibleSecondsError(
      `training_seconds ${trainingSeconds} > total_seconds ${totalSeconds}`,
    )
  }
}

/** Only the length is checked here; whether it verifies is signature.ts's job. */
export function checkSignatureShape(signature: Uint8Array): void {
  if (signature.length !== SIGNATURE_BYTES) {
    throw new InvalidFieldError('signature', `${signature.length} bytes, want ${SIGNATURE_BYTES}`)
  }
}
