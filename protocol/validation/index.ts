/**
 * Full validation of a record received from the swarm (gossip or sync). Pure apart from the
 * lookups the caller passes in; every failure is a named RecordError, and gossipVerdict maps
 * it to accept / ignore / reject.
 *
 * Order: cheap and stateless first (size, decoding, schema, genesis, plausibility), then the
 * signature, then what depends on local state (seq, parent file). A forged record therefore
 * always fails as a forgery, whatever this node happens to know.
 */
import { MAX_RECORD_BYTES } from '../constants.ts'
import {
  DiffMismatchError,
  InvalidSignatureError,
  RecordTooLargeError,
  SeqNotMonotonicError,
  WrongGenesisError,
} from '../errors.ts'
import { decodeSignedRecord, type EncodedRecord, recordId } from '../record.ts'
import { verifyRecordSignature } from '../sign.ts'
import type { ExperimentFields } from '../types.ts'
import { checkDiffYieldsFile } from './diff.ts'
import { checkPlausibility, checkSchema, checkSignatureShape } from './schema.ts'

export { applyRecordDiff, checkDiffYieldsFile } from './diff.ts'
export { checkPlausibility, checkSchema, checkSignatureShape } from './schema.ts'

export interface ValidationContext {
  /** This node's swarm. */
  genesis: string
  /** Highest seq this node holds for an author, undefined when it holds none. */
  lastSeq?(author: string): number | undefined
  /** A train file's text by hash, undefined when this node does not hold it. */
  getFile?(hash: string): string | undefined
  signal?: AbortSignal
}

export async function validateRecord(
  bytes: Uint8Array,
  ctx: ValidationContext,
): Promise<EncodedRecord> {
  if (bytes.length > MAX_RECORD_BYTES) {
    throw new RecordTooLargeError(`${bytes.length} bytes, max ${MAX_RECORD_BYTES}`)
  }
  const { record, signingBytes } = decodeSignedRecord(bytes)
  checkSchema(record)
  checkSignatureShape(record.signature)
  if (record.genesis !== ctx.genesis) {
    throw new WrongGenesisError(`genesis ${record.genesis}, this swarm is ${ctx.genesis}`)
  }
  checkPlausibility(record)
  if (!(await verifyRecordSignature(record, { signal: ctx.signal, signingBytes }))) {
    throw new InvalidSignatureError(`signature does not verify for ${record.author}`)
  }
  checkAgainstLocalState(record, ctx)
  return { id: recordId(bytes), bytes, record }
}

/**
 * The checks that depend on what this node holds: seq order (when ctx.lastSeq is given) and the
 * diff against a known parent. Also what a node runs on its own freshly signed record, whose
 * stateless checks signRecord has already done (hence the genesis check again: signRecord does
 * not know which swarm the node is in).
 */
export function checkAgainstLocalState(record: ExperimentFields, ctx: ValidationContext): void {
  if (record.genesis !== ctx.genesis) {
    throw new WrongGenesisError(`genesis ${record.genesis}, this swarm is ${ctx.genesis}`)
  }
  const last = ctx.lastSeq?.(record.author)
  if (last !== undefined && record.seq <= last) {
    throw new SeqNotMonotonicError(`seq ${record.seq} <= last known ${last} of ${record.author}`)
  }
  if (record.parentHash !== '') {
    // Unknown parent: nothing to check against; the file is verified when fetched by hash.
    const parentText = ctx.getFile?.(record.parentHash)
    if (parentText === undefined) return
    try {
      checkDiffYieldsFile(parentText, record.diff, record.fileHash)
    } catch (err) {
      if (err instanceof DiffMismatchError) err.author = record.author
      throw err
    }
  }
}
