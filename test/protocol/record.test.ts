/**
 * protocol/record.ts, the canonical codec: round trips byte for byte, the id, zeros and empty
 * strings, 64-bit integers, and the signature as the last field.
 */
import { describe, expect, it } from 'vitest'
import {
  decodeRecord,
  encodeRecord,
  fileHash,
  sha256Hex,
  signingBytes,
  signRecord,
  validateRecord,
} from '../../protocol/index.ts'
import { makeFields, PARENT_TEXT } from '../fixtures/p2p/records.ts'
import { ctx, key } from './helpers.ts'

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

  it("carries the author's seed noise when measured, and reads a record without it as signed", async () => {
    const measured = makeFields(key, { noiseSigma: 0.0153, noiseDof: 4 })
    // a measured sigma of 0 (a deterministic trainer): only the dof travels
    const exact = makeFields(key, { noiseDof: 2 })
    const unmeasured = makeFields(key)
    for (const fields of [measured, exact, unmeasured]) {
      const signed = await signRecord(fields, key)
      const got = await validateRecord(signed.bytes, ctx)
      expect(got.record).toEqual({ ...fields, signature: signed.record.signature })
    }
    // 0 is the wire's absent: a record that says 0 is the one that says nothing
    const zero = await signRecord(makeFields(key, { noiseSigma: 0, noiseDof: 0 }), key)
    expect(zero.id).toBe((await signRecord(unmeasured, key)).id)
    expect(decodeRecord(zero.bytes)).not.toHaveProperty('noiseSigma')
    expect((await signRecord(measured, key)).id).not.toBe(zero.id)
  })

  it('encodes 64-bit integers exactly up to 2^53 - 1', async () => {
    const fields = makeFields(key, { createdAt: Number.MAX_SAFE_INTEGER, numParams: 2 ** 40 + 3 })
    const signed = await signRecord(fields, key)
    expect(decodeRecord(signed.bytes).createdAt).toBe(Number.MAX_SAFE_INTEGER)
    expect(decodeRecord(signed.bytes).numParams).toBe(2 ** 40 + 3)
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
