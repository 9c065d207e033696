import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { createPatch } from 'diff'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  applyRecordDiff,
  DiffMismatchError,
  DiffTooLargeError,
  decodeRecord,
  encodeRecord,
  fetchProtocol,
  fileHash,
  gossipVerdict,
  ImplausibleSecondsError,
  ImplausibleValBpbError,
  InvalidAuthorError,
  InvalidFieldError,
  InvalidReasonError,
  InvalidSignatureError,
  MalformedRecordError,
  NonCanonicalRecordError,
  RECORD_VERSION,
  RecordTooLargeError,
  RecordVersionError,
  recordId,
  resultsTopic,
  SeqNotMonotonicError,
  sha256Hex,
  signingBytes,
  signRecord,
  syncProtocol,
  type ValidationContext,
  validateRecord,
  WrongGenesisError,
} from '../../protocol/index.ts'
import type { ExperimentFields } from '../../protocol/types.ts'
import {
  CHILD_TEXT,
  encodeV1Record,
  GENESIS,
  makeFields,
  makeV1Fields,
  OTHER_GENESIS,
  PARENT_TEXT,
  signedV1Record,
} from '../fixtures/p2p/records.ts'

let key: PrivateKey
let otherKey: PrivateKey

beforeAll(async () => {
  key = await generateKeyPair('Ed25519')
  otherKey = await generateKeyPair('Ed25519')
})

/** Signs without signRecord's checks: how a buggy or hostile peer would build a record. */
async function forceSign(fields: ExperimentFields, signer: PrivateKey = key): Promise<Uint8Array> {
  const signature = await signer.sign(signingBytes(fields))
  return encodeRecord({ ...fields, signature })
}

const files = new Map([[fileHash(PARENT_TEXT), PARENT_TEXT]])
const ctx: ValidationContext = { genesis: GENESIS, getFile: (h) => files.get(h) }

describe('record codec', () => {
  it('round-trips canonically and the id is the sha256 of the signed bytes', async () => {
    const fields = makeFields(key)
    const signed = await signRecord(fields, key)
    expect(signed.id).toBe(sha256Hex(signed.bytes))
    const decoded = decodeRecord(signed.bytes)
    expect(decoded).toEqual({ ...fields, signature: signed.record.signature })
    expect(Buffer.from(encodeRecord(decoded)).equals(Buffer.from(signed.bytes))).toBe(true)
    // Ed25519 is deterministic: signing the same fields again gives the same record id, and
    // signRecord's kept OpenSSL key signs exactly as the libp2p key itself does.
    expect((await signRecord(fields, key)).id).toBe(signed.id)
    expect(Buffer.from(signed.record.signature)).toEqual(
      Buffer.from(await key.sign(signingBytes(fields))),
    )
    // The signed bytes are the unsigned bytes plus the trailing signature field.
    const unsigned = signingBytes(fields)
    expect(
      Buffer.from(signed.bytes.subarray(0, unsigned.length)).equals(Buffer.from(unsigned)),
    ).toBe(true)
  })

  it('keeps a crash with zeros, a rejection with its reason and a baseline with no parent', async () => {
    const crash = makeFields(key, {
      status: 'crash',
      reason: 'timeout',
      valBpb: 0,
      trainingSeconds: 0,
      startupSeconds: 0,
      evalSeconds: 0,
      probeSeconds: 0,
      totalSeconds: 0,
      numParams: 0,
      peakMemMb: 0,
    })
    // rejected for training past its budget: its own training seconds are over it, as measured
    const rejected = makeFields(key, {
      status: 'rejected',
      reason: 'over-budget',
      valBpb: 0,
      trainingSeconds: 95.2,
      evalSeconds: 0,
      probeSeconds: 0,
      totalSeconds: 101.3,
    })
    const unsandboxed = makeFields(key, { unsandboxed: true, seed: 2 ** 32 - 1 })
    const baseline = makeFields(key, { parentHash: '', diff: '', fileHash: fileHash(PARENT_TEXT) })
    for (const fields of [crash, rejected, unsandboxed, baseline]) {
      const signed = await signRecord(fields, key)
      // signRecord appends the signature field to the signing bytes; zeros and empty strings
      // are encoded all the same, exactly as the full encoder does
      expect(Buffer.from(signed.bytes).equals(Buffer.from(encodeRecord(signed.record)))).toBe(true)
      const got = await validateRecord(signed.bytes, ctx)
      expect(got.record).toEqual({ ...fields, signature: signed.record.signature })
    }
  })

  it('encodes 64-bit integers exactly up to 2^53 - 1', async () => {
    const fields = makeFields(key, { createdAt: Number.MAX_SAFE_INTEGER, numParams: 2 ** 40 + 3 })
    const signed = await signRecord(fields, key)
    expect(decodeRecord(signed.bytes).createdAt).toBe(Number.MAX_SAFE_INTEGER)
    expect(decodeRecord(signed.bytes).numParams).toBe(2 ** 40 + 3)
  })

  it('refuses to sign for another author or a field the swarm would reject', async () => {
    await expect(signRecord(makeFields(otherKey), key)).rejects.toBeInstanceOf(InvalidFieldError)
    await expect(signRecord(makeFields(key, { seq: 1.5 }), key)).rejects.toBeInstanceOf(
      InvalidFieldError,
    )
    await expect(signRecord(makeFields(key, { valBpb: Number.NaN }), key)).rejects.toBeInstanceOf(
      ImplausibleValBpbError,
    )
  })

  // What the wire cannot even carry (it would be truncated or wrapped into something else, and
  // the author would sign a record other than the one it holds): refused before signing.
  it.each([
    [{ numParams: 1.5 }, 'numParams'],
    [{ numParams: -1 }, 'numParams'],
    [{ numParams: 2 ** 53 }, 'numParams'],
    [{ seed: 2 ** 32 }, 'seed'],
    [{ seed: -1 }, 'seed'],
    [{ seed: 0.5 }, 'seed'],
    [{ unsandboxed: 'no' as unknown as boolean }, 'unsandboxed'],
    [{ version: 2.5 }, 'version'],
    [{ reason: 7 as unknown as string }, 'reason'],
    [{ budgetSeconds: '60' as unknown as number }, 'budgetSeconds'],
    [{ evalSeconds: undefined as unknown as number }, 'evalSeconds'],
  ] as Array<[Partial<ExperimentFields>, string]>)(
    'refuses to sign %j (InvalidFieldError on %s)',
    async (over, field) => {
      const err = await signRecord(makeFields(key, over), key).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(InvalidFieldError)
      expect((err as InvalidFieldError).field).toBe(field)
      expect(gossipVerdict(err)).toBe('reject')
    },
  )

  it('refuses to sign a record of another format, by name', async () => {
    for (const version of [1, 3]) {
      const err = await signRecord(makeFields(key, { version }), key).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(RecordVersionError)
      expect((err as Error).message).toBe(`record format ${version}: this node reads format 2`)
    }
  })

  it('names topics and protocols after the genesis; results and sync carry the format', () => {
    expect(RECORD_VERSION).toBe(2)
    expect(resultsTopic('g')).toBe('/loopnet/g/results/2')
    expect(fetchProtocol('g')).toBe('/loopnet/g/fetch/1')
    expect(syncProtocol('g')).toBe('/loopnet/g/sync/2')
  })

  it('puts the signature last, so the signed bytes are the signing bytes plus field 40', async () => {
    // every field set to something other than its default: each is encoded before field 40
    const fields = makeFields(key, {
      unsandboxed: true,
      status: 'rejected',
      reason: 'non-causal',
      valBpb: 0,
    })
    const signed = await signRecord(fields, key)
    const unsigned = signingBytes(fields)
    // field 40, wire type 2: the tag 322 is the two-byte varint 0xc2 0x02, then the length 64
    expect([...signed.bytes.subarray(unsigned.length, unsigned.length + 3)]).toEqual([
      0xc2, 0x02, 64,
    ])
    expect(signed.bytes.length).toBe(unsigned.length + 3 + 64)
    expect(Buffer.from(encodeRecord(signed.record)).equals(Buffer.from(signed.bytes))).toBe(true)
    expect(decodeRecord(signed.bytes)).toEqual({ ...fields, signature: signed.record.signature })
  })
})

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

  type Case = {
    name: string
    bytes: () => Promise<Uint8Array>
    ctx?: ValidationContext
    error: new (...args: never[]) => Error
    code: string
    verdict: 'ignore' | 'reject'
  }

  const cases: Case[] = [
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
      name: 'oversized diff (300 KiB)',
      bytes: () => forceSign(makeFields(key, { diff: 'x'.repeat(300 * 1024) })),
      error: DiffTooLargeError,
      code: 'DIFF_TOO_LARGE',
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
    ...[Number.NaN, Number.POSITIVE_INFINITY, 0, -1, 10, 42].map(
      (valBpb): Case => ({
        name: `implausible val_bpb ${valBpb} for a keep`,
        bytes: () => forceSign(makeFields(key, { valBpb })),
        error: ImplausibleValBpbError,
        code: 'IMPLAUSIBLE_VAL_BPB',
        verdict: 'reject',
      }),
    ),
    {
      name: 'implausible val_bpb for a crash (negative)',
      bytes: () => forceSign(makeFields(key, { status: 'crash', reason: 'nan', valBpb: -0.5 })),
      error: ImplausibleValBpbError,
      code: 'IMPLAUSIBLE_VAL_BPB',
      verdict: 'reject',
    },
    ...[
      { trainingSeconds: -1 },
      { trainingSeconds: 100_000, totalSeconds: 100_001 },
      { totalSeconds: 86_400 },
      { trainingSeconds: 80, totalSeconds: 70 },
    ].map(
      (seconds): Case => ({
        name: `implausible seconds ${JSON.stringify(seconds)}`,
        bytes: () => forceSign(makeFields(key, seconds)),
        error: ImplausibleSecondsError,
        code: 'IMPLAUSIBLE_SECONDS',
        verdict: 'reject',
      }),
    ),
    // Rules of format 2: each record here was valid in format 1's terms (its val_bpb, its
    // training and total seconds) and is refused now.
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
      name: 'a record of a newer format (3)',
      bytes: () => forceSign(makeFields(key, { version: 3 })),
      error: RecordVersionError,
      code: 'WRONG_VERSION',
      verdict: 'reject',
    },
    {
      name: 'a record claiming format 1 in a format-2 body',
      bytes: () => forceSign(makeFields(key, { version: 1 })),
      error: RecordVersionError,
      code: 'WRONG_VERSION',
      verdict: 'reject',
    },
    ...[
      { status: 'crash', valBpb: 0, reason: '' },
      { status: 'rejected', valBpb: 0, reason: '' },
      { status: 'keep', reason: 'timeout' },
      { status: 'discard', reason: 'over-budget' },
      { status: 'rejected', valBpb: 0, reason: 'Non-Causal' },
      { status: 'rejected', valBpb: 0, reason: 'non causal' },
      { status: 'crash', valBpb: 0, reason: '-timeout' },
      { status: 'crash', valBpb: 0, reason: '9lives' },
      { status: 'rejected', valBpb: 0, reason: 'x'.repeat(49) },
      { status: 'rejected', valBpb: 0, reason: 'over-budget\n' },
    ].map(
      (over): Case => ({
        name: `reason ${JSON.stringify(over.reason)} for a ${over.status}`,
        bytes: () => forceSign(makeFields(key, over as Partial<ExperimentFields>)),
        error: InvalidReasonError,
        code: 'INVALID_REASON',
        verdict: 'reject',
      }),
    ),
    ...[1.2345, 0.5, -1, 10].map(
      (valBpb): Case => ({
        name: `val_bpb ${valBpb} for a rejection (never scored)`,
        bytes: () =>
          forceSign(makeFields(key, { status: 'rejected', reason: 'non-causal', valBpb })),
        error: ImplausibleValBpbError,
        code: 'IMPLAUSIBLE_VAL_BPB',
        verdict: 'reject',
      }),
    ),
    ...[
      { budgetSeconds: 0 },
      { budgetSeconds: -60 },
      { budgetSeconds: 601 },
      { budgetSeconds: Number.POSITIVE_INFINITY },
      { budgetSeconds: Number.NaN },
      { budgetSeconds: 0, status: 'crash', reason: 'timeout', valBpb: 0 },
      { budgetSeconds: 900, status: 'rejected', reason: 'over-budget', valBpb: 0 },
      // the harness's over-budget rule: 60 s may train max(3, 5 %) longer, 300 s 15 s longer
      { budgetSeconds: 60, trainingSeconds: 63.1 },
      { budgetSeconds: 60, trainingSeconds: 70, status: 'discard' },
      { budgetSeconds: 30, trainingSeconds: 60.1 },
      { budgetSeconds: 300, trainingSeconds: 315.1, totalSeconds: 400 },
      { budgetSeconds: 600, trainingSeconds: 631, totalSeconds: 700 },
      { startupSeconds: -0.1 },
      { startupSeconds: 3601 },
      { evalSeconds: Number.POSITIVE_INFINITY },
      { evalSeconds: -1 },
      { probeSeconds: Number.NaN },
      { probeSeconds: 4000 },
      { status: 'crash', reason: 'timeout', valBpb: 0, trainingSeconds: 3601, totalSeconds: 3601 },
      { status: 'rejected', reason: 'startup-too-long', valBpb: 0, startupSeconds: 7200 },
    ].map(
      (over): Case => ({
        name: `implausible seconds ${JSON.stringify(over)}`,
        bytes: () => forceSign(makeFields(key, over as Partial<ExperimentFields>)),
        error: ImplausibleSecondsError,
        code: 'IMPLAUSIBLE_SECONDS',
        verdict: 'reject',
      }),
    ),
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
    {
      name: 'file hash that is not sha256 hex',
      bytes: () => forceSign(makeFields(key, { fileHash: 'abc' })),
      error: InvalidFieldError,
      code: 'INVALID_FIELD',
      verdict: 'reject',
    },
    {
      name: 'baseline carrying a diff',
      bytes: () => forceSign(makeFields(key, { parentHash: '' })),
      error: InvalidFieldError,
      code: 'INVALID_FIELD',
      verdict: 'reject',
    },
  ]

  it.each(cases)('$name -> $code, $verdict', async (c) => {
    const bytes = await c.bytes()
    const err = await validateRecord(bytes, c.ctx ?? ctx).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(c.error)
    expect((err as { code: string }).code).toBe(c.code)
    expect((err as Error).name).toBe(c.error.name)
    expect(gossipVerdict(err)).toBe(c.verdict)
  })

  it('accepts what the harness measures at the edges of its rules', async () => {
    const accepted: Array<Partial<ExperimentFields>> = [
      // at the over-budget limit: 60 + 3 s; 300 + 15 s; 600 + 30 s (printed in tenths)
      { budgetSeconds: 60, trainingSeconds: 63, totalSeconds: 80 },
      { budgetSeconds: 61.3, trainingSeconds: 64.4, totalSeconds: 80 },
      { budgetSeconds: 300, trainingSeconds: 315, totalSeconds: 400 },
      { budgetSeconds: 600, trainingSeconds: 630, totalSeconds: 700 },
      { budgetSeconds: 0.5, trainingSeconds: 3.5, totalSeconds: 10 },
      // a rejection or a crash may have trained past its budget, or not at all
      {
        status: 'rejected',
        reason: 'over-budget',
        valBpb: 0,
        trainingSeconds: 630,
        totalSeconds: 650,
      },
      { status: 'crash', reason: 'timeout', valBpb: 0, trainingSeconds: 0, totalSeconds: 150 },
      {
        status: 'rejected',
        reason: 'malformed-reply',
        valBpb: 0,
        trainingSeconds: 0,
        totalSeconds: 0,
      },
      { status: 'rejected', reason: 'x'.repeat(48), valBpb: 0 },
      { status: 'crash', reason: 'exit-code', valBpb: 0 },
      { startupSeconds: 0, evalSeconds: 0, probeSeconds: 0, numParams: 0, seed: 0 },
    ]
    for (const [i, over] of accepted.entries()) {
      const signed = await signRecord(makeFields(key, { seq: 10 + i, ...over }), key)
      const got = await validateRecord(signed.bytes, ctx)
      expect(got.record).toMatchObject(over)
    }
  })

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

  it('maps errors that are not record errors (our bugs) to ignore', () => {
    expect(gossipVerdict(new TypeError('bug'))).toBe('ignore')
  })
})

describe('applyRecordDiff', () => {
  const parentLines = Array.from({ length: 3000 }, (_, i) => `a${i.toString(36)}`)
  const parent = `${parentLines.join('\n')}\n`

  it('applies a many-hunk diff as createPatch wrote it', () => {
    const child = parentLines.map((l, i) => (i % 40 === 0 ? `${l} changed` : l))
    const text = `${child.join('\n')}\n`
    expect(applyRecordDiff(parent, createPatch('train.py', parent, text, '', ''))).toBe(text)
  })

  it('refuses hunks whose headers name other lines than where they fit, before searching', () => {
    // Each hunk deletes the next line from the top while its header points near the end, so
    // jsdiff would search the whole file for every hunk (minutes for a 256 KiB diff). It does
    // apply that way: the refusal is the bound, not a mismatch.
    let diff = '--- a/train.py\n+++ b/train.py\n'
    let offset = 0
    for (let p = 0; p < 500; p++) {
      const start = parentLines.length - p - offset
      diff += `@@ -${start},1 +1,0 @@\n-${parentLines[p]}\n`
      offset = p + 1 - start
    }
    expect(() => applyRecordDiff(parent, diff)).toThrow(DiffMismatchError)
    expect(() => applyRecordDiff(parent, diff)).toThrow(/at the lines its hunks name/)
  })
})
