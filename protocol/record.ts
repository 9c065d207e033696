/**
 * The canonical codec of ExperimentRecord (record.proto). One record has exactly one encoding:
 * decoding re-encodes and demands identical bytes, so signatures and ids never depend on which
 * encoder a peer used.
 */

import { MalformedRecordError, NonCanonicalRecordError, RecordVersionError } from './errors.ts'
import { sha256Hex } from './hash.ts'
import { loopnet } from './messages.gen.js'
import { type ExperimentFields, type ExperimentStatus, RECORD_VERSION } from './types.ts'

/** A record with its author's signature (over `signingBytes` of the fields). */
export interface SignedRecord extends ExperimentFields {
  signature: Uint8Array
}

/** A record as it travels: its canonical bytes and its id (sha256 hex of those bytes). */
export interface EncodedRecord {
  id: string
  bytes: Uint8Array
  record: SignedRecord
}

const STATUS_TO_WIRE: Record<ExperimentStatus, loopnet.Status> = {
  keep: loopnet.Status.KEEP,
  discard: loopnet.Status.DISCARD,
  crash: loopnet.Status.CRASH,
  rejected: loopnet.Status.REJECTED,
}

function statusFromWire(value: number): ExperimentStatus | undefined {
  switch (value) {
    case loopnet.Status.KEEP:
      return 'keep'
    case loopnet.Status.DISCARD:
      return 'discard'
    case loopnet.Status.CRASH:
      return 'crash'
    case loopnet.Status.REJECTED:
      return 'rejected'
    default:
      return undefined
  }
}

/** Exactly the ExperimentFields of an object that may carry more (a stored row, a signed record). */
export function pickExperimentFields(fields: ExperimentFields): ExperimentFields {
  return {
    version: fields.version,
    genesis: fields.genesis,
    author: fields.author,
    seq: fields.seq,
    parentHash: fields.parentHash,
    fileHash: fields.fileHash,
    diff: fields.diff,
    status: fields.status,
    valBpb: fields.valBpb,
    budgetSeconds: fields.budgetSeconds,
    trainingSeconds: fields.trainingSeconds,
    startupSeconds: fields.startupSeconds,
    evalSeconds: fields.evalSeconds,
    probeSeconds: fields.probeSeconds,
    totalSeconds: fields.totalSeconds,
    numParams: fields.numParams,
    peakMemMb: fields.peakMemMb,
    seed: fields.seed,
    tier: fields.tier,
    reason: fields.reason,
    unsandboxed: fields.unsandboxed,
    description: fields.description,
    createdAt: fields.createdAt,
    ...noiseOf(fields),
  }
}

/**
 * The optional noise fields, present only when not 0: the wire cannot tell an absent field
 * from a 0, so neither may the fields, or a record would not come back as it was signed.
 */
function noiseOf({
  noiseSigma,
  noiseDof,
}: Pick<ExperimentFields, 'noiseSigma' | 'noiseDof'>): Pick<
  ExperimentFields,
  'noiseSigma' | 'noiseDof'
> {
  return {
    ...(noiseSigma !== undefined && noiseSigma !== 0 ? { noiseSigma } : {}),
    ...(noiseDof !== undefined && noiseDof !== 0 ? { noiseDof } : {}),
  }
}

/**
 * The wire form: the fields as they are but the status, an enum on the wire. Key order does not
 * matter: the generated encoder writes own properties in field-number order.
 */
function toWire(
  fields: ExperimentFields,
  signature?: Uint8Array,
): loopnet.ExperimentRecord.$Properties {
  return {
    ...pickExperimentFields(fields),
    status: STATUS_TO_WIRE[fields.status],
    ...(signature !== undefined ? { signature } : {}),
  }
}

/**
 * The bytes an author signs: the canonical encoding with no signature. Since signature has the
 * highest field number (40), it is the last field, so they are also a prefix of the signed
 * record's bytes.
 *
 * The fields must already satisfy the schema (checkSchema): an integer field holding 1.5 would
 * be truncated by the encoder and sign something other than what the caller holds.
 */
export function signingBytes(fields: ExperimentFields): Uint8Array {
  return loopnet.ExperimentRecord.encode(toWire(fields)).finish()
}

/** Canonical bytes of a signed record. */
export function encodeRecord(record: SignedRecord): Uint8Array {
  return loopnet.ExperimentRecord.encode(toWire(record, record.signature)).finish()
}

/**
 * encodeRecord from bytes already made: signature has the highest field number, so the
 * canonical bytes are
 * the signing bytes followed by the encoded signature field. Signing and validating both need
 * the signing bytes anyway; this spares encoding the whole record a second time.
 */
export function appendSignature(unsigned: Uint8Array, signature: Uint8Array): Uint8Array {
  // Only own properties are encoded: a message with nothing but the signature is that field.
  const field = loopnet.ExperimentRecord.encode({ signature }).finish()
  const bytes = new Uint8Array(unsigned.length + field.length)
  bytes.set(unsigned)
  bytes.set(field, unsigned.length)
  return bytes
}

/** Record id: sha256 hex of the signed record's canonical bytes (also its gossip message id). */
export function recordId(bytes: Uint8Array): string {
  return sha256Hex(bytes)
}

/** Encodes a signed record and names it. */
export function toEncodedRecord(record: SignedRecord): EncodedRecord {
  const bytes = encodeRecord(record)
  return { id: recordId(bytes), bytes, record }
}

/** protobufjs returns a Long for uint64 when the long package is installed. */
interface LongLike {
  low: number
  high: number
}

function uint64ToNumber(field: string, value: number | LongLike | undefined): number {
  if (value === undefined) return 0
  const n = typeof value === 'number' ? value : (value.high >>> 0) * 2 ** 32 + (value.low >>> 0)
  if (!Number.isSafeInteger(n)) throw new MalformedRecordError(`${field} beyond 2^53`)
  return n
}

/**
 * Decodes canonical record bytes. Throws RecordVersionError for a record of another format (a
 * format-1 record has no version field: its num_steps, total_tokens and signature are then
 * unknown fields, so the version is checked before anything else), MalformedRecordError for
 * bytes that are not a record (or carry no signature) and NonCanonicalRecordError for any
 * encoding but the canonical one. Does no semantic validation: see validation/.
 */
export function decodeRecord(bytes: Uint8Array): SignedRecord {
  return decodeSignedRecord(bytes).record
}

/** decodeRecord, plus the bytes the signature covers (what verification needs next). */
export function decodeSignedRecord(bytes: Uint8Array): {
  record: SignedRecord
  signingBytes: Uint8Array
} {
  let wire: loopnet.ExperimentRecord
  try {
    // A Buffer view: protobufjs then reads strings with Node's native UTF-8 decoder instead of
    // its JavaScript one (a record with a 20 KB diff: 6.6 instead of 9.0 us).
    wire = loopnet.ExperimentRecord.decode(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    )
  } catch (err) {
    throw new MalformedRecordError(`not an ExperimentRecord: ${(err as Error).message}`)
  }
  // Format 1 had no version field: it decodes as 0.
  const version = wire.version === 0 ? 1 : wire.version
  if (version !== RECORD_VERSION) throw new RecordVersionError(version)
  if (wire.$unknowns !== undefined && wire.$unknowns.length > 0) {
    throw new NonCanonicalRecordError('unknown fields')
  }
  const status = statusFromWire(wire.status)
  if (status === undefined) throw new MalformedRecordError(`unknown status ${wire.status}`)
  if (wire.signature.length === 0) throw new MalformedRecordError('no signature')
  const record: SignedRecord = {
    version: wire.version,
    genesis: wire.genesis,
    author: wire.author,
    seq: uint64ToNumber('seq', wire.seq),
    parentHash: wire.parentHash,
    fileHash: wire.fileHash,
    diff: wire.diff,
    status,
    valBpb: wire.valBpb,
    budgetSeconds: wire.budgetSeconds,
    trainingSeconds: wire.trainingSeconds,
    startupSeconds: wire.startupSeconds,
    evalSeconds: wire.evalSeconds,
    probeSeconds: wire.probeSeconds,
    totalSeconds: wire.totalSeconds,
    numParams: uint64ToNumber('numParams', wire.numParams),
    peakMemMb: wire.peakMemMb,
    seed: wire.seed,
    tier: wire.tier,
    reason: wire.reason,
    unsandboxed: wire.unsandboxed,
    description: wire.description,
    createdAt: uint64ToNumber('createdAt', wire.createdAt),
    ...noiseOf(wire),
    // Copy: the decoder's bytes are a view into the caller's buffer.
    signature: Uint8Array.from(wire.signature),
  }
  const unsigned = signingBytes(record)
  if (!bytesEqual(appendSignature(unsigned, record.signature), bytes)) {
    throw new NonCanonicalRecordError('bytes differ from the canonical encoding')
  }
  return { record, signingBytes: unsigned }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0
}
