/**
 * Stateless checks of a record's fields: shape, sizes, plausibility. Pure; the same on every
 * node, so a failure here means no honest node could have sent the record (verdict: reject).
 */
import {
  MAX_DESCRIPTION_BYTES,
  MAX_DIFF_BYTES,
  MAX_NOISE_SIGMA,
  MAX_REASON_BYTES,
  MAX_TIER_BYTES,
  MAX_TOTAL_SECONDS,
  MAX_TRAINING_SECONDS,
  MAX_VAL_BPB,
  maxTrainingSeconds,
  SIGNATURE_BYTES,
} from '../constants.ts'
import {
  DiffTooLargeError,
  ImplausibleNoiseError,
  ImplausibleSecondsError,
  ImplausibleValBpbError,
  InvalidFieldError,
  InvalidReasonError,
  RecordVersionError,
} from '../errors.ts'
import { isSha256Hex } from '../hash.ts'
import { type ExperimentFields, RECORD_VERSION } from '../types.ts'

// With the u flag a valid pair is one code point; only unpaired halves are category Cs.
const LONE_SURROGATE = /\p{Cs}/u
const STATUSES = new Set(['keep', 'discard', 'crash', 'rejected'])
/** Statuses that name a reason: the run failed (crash) or broke a rule (rejected). */
const NEEDS_REASON = new Set(['crash', 'rejected'])
// A reason is a name, as the harness and the runner write them: timeout, non-causal, over-budget.
const REASON = /^[a-z][a-z0-9-]*$/
const UINT32_MAX = 2 ** 32 - 1
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

function checkNumber(field: string, value: unknown): void {
  if (typeof value !== 'number') throw new InvalidFieldError(field, 'not a number')
}

function checkFiniteNonNegative(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidFieldError(field, `not a finite non-negative number: ${String(value)}`)
  }
}

/** Types, formats and sizes of every field (what must hold before a record can even be signed). */
export function checkSchema(fields: ExperimentFields): void {
  // First: a record of another format is named as such, whatever its other fields hold.
  if (fields.version !== RECORD_VERSION) {
    if (!Number.isSafeInteger(fields.version) || fields.version < 0)
      throw new InvalidFieldError('version', `not a record format: ${String(fields.version)}`)
    throw new RecordVersionError(fields.version === 0 ? 1 : fields.version)
  }
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
  checkUint('numParams', fields.numParams)
  checkFiniteNonNegative('peakMemMb', fields.peakMemMb)
  if (!Number.isInteger(fields.seed) || fields.seed < 0 || fields.seed > UINT32_MAX) {
    throw new InvalidFieldError('seed', `not a uint32: ${String(fields.seed)}`)
  }
  checkString('tier', fields.tier, MAX_TIER_BYTES)
  if (!TIER.test(fields.tier)) throw new InvalidFieldError('tier', `not a tier key: ${fields.tier}`)
  checkString('reason', fields.reason)
  checkReason(fields)
  if (typeof fields.unsandboxed !== 'boolean') {
    throw new InvalidFieldError('unsandboxed', `not a boolean: ${String(fields.unsandboxed)}`)
  }
  checkString('description', fields.description, MAX_DESCRIPTION_BYTES)
  checkUint('createdAt', fields.createdAt)
  checkNumber('valBpb', fields.valBpb)
  for (const f of SECONDS_FIELDS) checkNumber(f, fields[f])
  checkNoise(fields)
}

/**
 * The author's seed noise, when it says one: a sigma in [0, MAX_NOISE_SIGMA), a uint32 of
 * degrees of freedom, and no sigma without any (0, the wire's absent, is "not measured").
 */
function checkNoise({ noiseSigma, noiseDof }: ExperimentFields): void {
  const sigma = noiseSigma ?? 0
  const dof = noiseDof ?? 0
  if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma < 0 || sigma >= MAX_NOISE_SIGMA)
    throw new ImplausibleNoiseError(`noise_sigma ${String(sigma)} outside [0, ${MAX_NOISE_SIGMA})`)
  if (!Number.isInteger(dof) || dof < 0 || dof > UINT32_MAX)
    throw new ImplausibleNoiseError(`noise_dof ${String(dof)} is not a uint32`)
  if (sigma > 0 && dof === 0)
    throw new ImplausibleNoiseError(`noise_sigma ${sigma} measured over no degrees of freedom`)
}

const SECONDS_FIELDS = [
  'budgetSeconds',
  'trainingSeconds',
  'startupSeconds',
  'evalSeconds',
  'probeSeconds',
  'totalSeconds',
] as const

/** A crash or a rejection names its reason; a finished run has none. */
function checkReason({ status, reason }: ExperimentFields): void {
  if (!NEEDS_REASON.has(status)) {
    if (reason !== '') throw new InvalidReasonError(`a ${status} has no reason, got '${reason}'`)
    return
  }
  if (reason === '') throw new InvalidReasonError(`a ${status} names its reason`)
  if (utf8Bytes(reason) > MAX_REASON_BYTES)
    throw new InvalidReasonError(`reason longer than ${MAX_REASON_BYTES} bytes`)
  if (!REASON.test(reason))
    throw new InvalidReasonError(`reason is not a lowercase name: ${JSON.stringify(reason)}`)
}

/**
 * Are the measurements possible at all? Crashes may report zeros; finished runs may not; a
 * rejected run was never scored. A finished run trained within its budget (the harness's
 * over-budget rule): every node refuses a keep or a discard that claims more.
 */
export function checkPlausibility(fields: ExperimentFields): void {
  const { valBpb, status, budgetSeconds, trainingSeconds, totalSeconds } = fields
  if (!Number.isFinite(valBpb)) throw new ImplausibleValBpbError(`val_bpb ${valBpb} is not finite`)
  if (status === 'rejected') {
    if (valBpb !== 0) throw new ImplausibleValBpbError(`rejected val_bpb ${valBpb}, not 0`)
  } else if (status === 'crash') {
    if (valBpb < 0 || valBpb >= MAX_VAL_BPB) {
      throw new ImplausibleValBpbError(`crash val_bpb ${valBpb} outside [0, ${MAX_VAL_BPB})`)
    }
  } else if (!(valBpb > 0 && valBpb < MAX_VAL_BPB)) {
    throw new ImplausibleValBpbError(`val_bpb ${valBpb} outside (0, ${MAX_VAL_BPB})`)
  }
  if (
    !(Number.isFinite(budgetSeconds) && budgetSeconds > 0 && budgetSeconds <= MAX_TRAINING_SECONDS)
  )
    throw new ImplausibleSecondsError(
      `budget_seconds ${budgetSeconds} outside (0, ${MAX_TRAINING_SECONDS}]`,
    )
  for (const [name, value] of [
    ['training_seconds', trainingSeconds],
    ['startup_seconds', fields.startupSeconds],
    ['eval_seconds', fields.evalSeconds],
    ['probe_seconds', fields.probeSeconds],
    ['total_seconds', totalSeconds],
  ] as const) {
    if (!Number.isFinite(value) || value < 0 || value > MAX_TOTAL_SECONDS) {
      throw new ImplausibleSecondsError(`${name} ${value} outside [0, ${MAX_TOTAL_SECONDS}]`)
    }
  }
  // Only a finished run is held to these: a crash or a rejection may have been cut short
  // before the harness wrote its times (0 total), or have trained past its budget.
  if (status === 'keep' || status === 'discard') {
    const limit = maxTrainingSeconds(budgetSeconds)
    if (trainingSeconds > limit) {
      throw new ImplausibleSecondsError(
        `training_seconds ${trainingSeconds} over the budget ${budgetSeconds} s (at most ${limit.toFixed(2)} s)`,
      )
    }
    if (trainingSeconds > totalSeconds) {
      throw new ImplausibleSecondsError(
        `training_seconds ${trainingSeconds} > total_seconds ${totalSeconds}`,
      )
    }
  }
}

/** Only the length is checked here; whether it verifies is signature.ts's job. */
export function checkSignatureShape(signature: Uint8Array): void {
  if (signature.length !== SIGNATURE_BYTES) {
    throw new InvalidFieldError('signature', `${signature.length} bytes, want ${SIGNATURE_BYTES}`)
  }
}
