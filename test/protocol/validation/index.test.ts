/**
 * protocol/validation/index.ts, validateRecord as a receiver runs it: size, decoding, genesis,
 * the signature, then what depends on this node's state (seq, the diff against a held parent).
 * What the schema and the plausibility rules refuse is in schema.test.ts.
 */
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import {
  DiffMismatchError,
  decodeRecord,
  encodeRecord,
  fileHash,
  gossipVerdict,
  InvalidAuthorError,
  InvalidSignatureError,
  MalformedRecordError,
  NonCanonicalRecordError,
  RecordTooLargeError,
  RecordVersionError,
  recordId,
  SeqNotMonotonicError,
  sha256Hex,
  signingBytes,
  signRecord,
  validateRecord,
  WrongGenesisError,
} from '../../../protocol/index.ts'
import {
  CHILD_TEXT,
  encodeV1Record,
  GENESIS,
  makeFields,
  makeV1Fields,
  OTHER_GENESIS,
  signedV1Record,
} from '../../fixtures/p2p/records.ts'
import { ctx, expectRefused, forceSign, key, otherKey, type RefusalCase } from '../helpers.ts'

describe('validateRecord', () => {
  it('accepts a good record and returns its id', async () => {
    const signed = await signRecord(makeFields(key), key)
    const got = await validateRecord(signed.bytes, ctx)
    expect(got.id).toBe(recordId(signed.bytes))
    expect(got.record.author).toBe(peerIdFromPrivateKey(key).toString())
  })

  it('skips the diff check when the parent is unknown', async () => {
    const lying = await forceSign(makeFields(key, { fileHash: sha256Hex('not the child') }))
    await expect(validateRecord(lying, { genesis: GENESIS })).resolves.toBeDefined()
  })

  const cases: RefusalCase[] = [
    {
      name: 'bad signature (one bit flipped)',
      bytes: async () => {
        const signed = await signRecord(makeFields(key), key)
        const sig = Uint8Array.from(signed.record.signature)
        sig[0] = (sig[0] ?? 0) ^ 1
        return encodeRecord({ ...signed.record, signature: sig })
      },
      error: InvalidSignatureError,
      code: 'INVALID_SIGNATURE',
      verdict: 'reject',
    },
    {
      name: 'signed by someone other than the author',
      bytes: () => forceSign(makeFields(key), otherKey),
      error: InvalidSignatureError,
      code: 'INVALID_SIGNATURE',
      verdict: 'reject',
    },
    {
      name: 'wrong genesis',
      bytes: async () => (await signRecord(makeFields(key, { genesis: OTHER_GENESIS }), key)).bytes,
      error: WrongGenesisError,
      code: 'WRONG_GENESIS',
      verdict: 'reject',
    },
    {
      name: 'oversized message (600 KiB)',
      bytes: () => forceSign(makeFields(key, { diff: 'x'.repeat(600 * 1024) })),
      error: RecordTooLargeError,
      code: 'RECORD_TOO_LARGE',
      verdict: 'reject',
    },
    {
      name: 'garbage bytes',
      bytes: async () => Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]),
      error: MalformedRecordError,
      code: 'MALFORMED_RECORD',
      verdict: 'reject',
    },
    {
      name: 'no signature',
      bytes: async () => signingBytes(makeFields(key)),
      error: MalformedRecordError,
      code: 'MALFORMED_RECORD',
      verdict: 'reject',
    },
    {
      name: 'unknown field appended',
      bytes: async () => {
        const signed = await signRecord(makeFields(key), key)
        // field 30 (unused), varint: tag (30 << 3) = 240 is the two-byte varint 0xf0 0x01
        return Uint8Array.from([...signed.bytes, 0xf0, 0x01, 1])
      },
      error: NonCanonicalRecordError,
      code: 'NON_CANONICAL_RECORD',
      verdict: 'reject',
    },
    {
      name: 'a field repeated (non-canonical encoding)',
      bytes: async () => {
        const signed = await signRecord(makeFields(key), key)
        const genesisField = Uint8Array.from([(1 << 3) | 2, 64, ...Buffer.from(GENESIS)])
        return Uint8Array.from([...genesisField, ...signed.bytes])
      },
      error: NonCanonicalRecordError,
      code: 'NON_CANONICAL_RECORD',
      verdict: 'reject',
    },
    {
      name: 'lying file hash (diff does not yield it)',
      bytes: () => forceSign(makeFields(key, { fileHash: sha256Hex('not the child') })),
      error: DiffMismatchError,
      code: 'DIFF_MISMATCH',
      verdict: 'ignore',
    },
    {
      name: 'diff that does not apply to the parent',
      bytes: () =>
        forceSign(
          makeFields(key, {
            diff: '--- a\n+++ b\n@@ -1,1 +1,1 @@\n-NOT IN PARENT\n+x\n',
          }),
        ),
      error: DiffMismatchError,
      code: 'DIFF_MISMATCH',
      verdict: 'ignore',
    },
    {
      name: 'non-monotonic seq',
      bytes: async () => (await signRecord(makeFields(key, { seq: 5 }), key)).bytes,
      ctx: { ...ctx, lastSeq: () => 5 },
      error: SeqNotMonotonicError,
      code: 'SEQ_NOT_MONOTONIC',
      verdict: 'ignore',
    },
    // Format 1 is refused by name, before anything else is read.
    {
      name: 'a format-1 record, as a format-1 node signed it',
      bytes: () => signedV1Record(key),
      error: RecordVersionError,
      code: 'WRONG_VERSION',
      verdict: 'reject',
    },
    {
      name: 'a format-1 crash, as a format-1 node signed it',
      bytes: () => signedV1Record(key, { status: 'crash', valBpb: 0, seq: 2 }),
      error: RecordVersionError,
      code: 'WRONG_VERSION',
      verdict: 'reject',
    },
    {
      name: 'num_params beyond 2^53',
      bytes: async () => {
        const fields = makeFields(key)
        // signingBytes would refuse nothing: it assumes checkSchema. 2^53 + 2 is exact in a double.
        return forceSign({ ...fields, numParams: 2 ** 53 + 2 })
      },
      error: MalformedRecordError,
      code: 'MALFORMED_RECORD',
      verdict: 'reject',
    },
    {
      name: 'author that is not a peer id',
      bytes: () => forceSign(makeFields(key, { author: 'not-a-peer-id' })),
      error: InvalidAuthorError,
      code: 'INVALID_AUTHOR',
      verdict: 'reject',
    },
  ]

  it.each(cases)('$name -> $code, $verdict', (c) => expectRefused(c))

  it('refuses a format-1 record by its format, not as malformed', async () => {
    const bytes = await signedV1Record(key)
    // real format-1 bytes: fields 11 and 12 (num_steps, total_tokens), the signature in 17
    const v1 = makeV1Fields(key)
    expect(Buffer.from(bytes.subarray(0, encodeV1Record(v1).length))).toEqual(
      Buffer.from(encodeV1Record(v1)),
    )
    expect(() => decodeRecord(bytes)).toThrow(RecordVersionError)
    const err = await validateRecord(bytes, ctx).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RecordVersionError)
    expect(err).toMatchObject({ code: 'WRONG_VERSION', version: 1 })
    expect((err as Error).message).toBe('record format 1: this node reads format 2')
  })

  it('accepts the next seq and the correct diff', async () => {
    const bytes = (await signRecord(makeFields(key, { seq: 6 }), key)).bytes
    const got = await validateRecord(bytes, { ...ctx, lastSeq: () => 5 })
    expect(got.record.fileHash).toBe(fileHash(CHILD_TEXT))
  })

  it('random bytes never validate and always map to reject', async () => {
    for (let i = 0; i < 200; i++) {
      const bytes = Uint8Array.from({ length: 1 + (i % 97) * 7 }, (_, j) => (i * 31 + j * 17) & 255)
      const err = await validateRecord(bytes, ctx).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(gossipVerdict(err)).toBe('reject')
    }
  })

  it('rejects a lying diff only from its signing author, ignores it from a relay', async () => {
    const bytes = (
      await signRecord(makeFields(key, { seq: 6, fileHash: fileHash('not the child') }), key)
    ).bytes
    const err = await validateRecord(bytes, ctx).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(DiffMismatchError)
    const author = (err as DiffMismatchError).author
    expect(author).toBeDefined()
    expect(gossipVerdict(err, author)).toBe('reject')
    expect(gossipVerdict(err, `${author}-relay`)).toBe('ignore')
  })
})
