/**
 * The canonical codec of ExperimentRecord (record.proto). One record has exactly one encoding:
 * decoding re-encodes and demands identical bytes, so signatures and ids never depend on which
 * encoder a peer used.
 */

import { MalformedRecordError, NonCanonicalRecordError } from './errors.ts'
import { sha256Hex } from './hash.ts'
import { loopnet } from './messages.gen.js'
import type { ExperimentFields, ExperimentStatus } from './types.ts'

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
}

function statusFromWire(value: number): ExperimentStatus | undefined {
  switch (value) {
    case loopnet.Status.KEEP:
      return 'keep'
    case loopnet.Status.DISCARD:
      return 'discard'
    case loopnet.Status.CRASH:
      return 'crash'
    default:
      return undefined
  }
}

function toWire(
  fields: ExperimentFields,
  signature?: Uint8Array,
): loopnet.ExperimentRecord.$Properties {
  return {
    genesis: fields.genesis,
    author: fields.author,
    seq: fields.seq,
    parentHash: fields.parentHash,
    fileHash: fields.fileHash,
    diff: fields.diff,
    status: STATUS_TO_WIRE[fields.status],
    valBpb: fields.valBpb,
    trainingSeconds: fields.trainingSeconds,
    totalSeconds: fields.totalSeconds,
    numSteps: fields.numSteps,
    totalTokens: fields.totalTokens,
    peakMemMb: fields.peakMemMb,
    tier: fields.tier,
    description: fields.description,
    createdAt: fields.createdAt,
    ...(signature !== undefined ? { signature } : {}),
  }
}

/** Exactly the ExperimentFields of an object that may carry more (a stored row, a signed record). */
export function pickExperimentFields(fields: ExperimentFields): ExperimentFields {
  return {
    genesis: fields.genesis,
    author: fields.author,
    seq: fields.seq,
    parentHash: fields.parentHash,
    fileHash: fields.fileHash,
    diff: fields.diff,
    status: fields.status,
    valBpb: fields.valBpb,
    trainingSeconds: fields.trainingSeconds,
    totalSeconds: fields.totalSeconds,
    numSteps: fields.numSteps,
    totalTokens: fields.totalTokens,
    peakMemMb: fields.peakMemMb,
    tier: fields.tier,
    description: fields.description,
    createdAt: fields.createdAt,
  }
}

/**
 * The bytes an author signs: the canonical encoding with no signature. Since signature is the
 * last field, they are also a prefix of the signed record's bytes.
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
 * encodeRecord from bytes already made: signature is the last field, so the canonical bytes are
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
 * Decodes canonical record bytes. Throws MalformedRecordError for bytes that are not a record
 * (or carry no signature) and NonCanonicalRecordError for any encoding but the canonical one.
 * Does no semantic validation: see validation/.
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
  if (wire.$unknowns !== undefined && wire.$unknowns.length > 0) {
    throw new NonCanonicalRecordError('unknown fields')
  }
  const status = statusFromWire(wire.status)
  if (status === undefined) throw new MalformedRecordError(`unknown status ${wire.status}`)
  if (wire.signature.length === 0) throw new MalformedRecordError('no signature')
  const record: SignedRecord = {
    genesis: wire.genesis,
    author: wire.author,
    seq: uint64ToNumber('seq', wire.seq),
    parentHash: wire.parentHash,
    fileHash: wire.fileHash,
    diff: wire.diff,
    status,
    valBpb: wire.valBpb,
    trainingSeconds: wire.trainingSeconds,
    totalSeconds: wire.totalSeconds,
    numSteps: uint64ToNumber('numSteps', wire.numSteps),
    totalTokens: uint64ToNumber('totalTokens', wire.totalTokens),
    peakMemMb: wire.peakMemMb,
    tier: wire.tier,
    description: wire.description,
    createdAt: uint64ToNumber('createdAt', wire.createdAt),
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
