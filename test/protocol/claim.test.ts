/**
 * protocol/claim.ts and validation/claim.ts: the claim's canonical encoding, its signature,
 * and every way a hostile claim is refused (by class, code and gossip verdict).
 */
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import protobuf from 'protobufjs/minimal.js'
import { describe, expect, it } from 'vitest'
import {
  CLAIM_MAX_CLOCK_SKEW_MS,
  CLAIM_MAX_TTL_SECONDS,
  ClaimExpiredError,
  ClaimFromFutureError,
  ClaimTooLargeError,
  claimExpiry,
  claimsTopic,
  decodeClaim,
  encodeClaim,
  gossipVerdict,
  InvalidClaimTtlError,
  InvalidFieldError,
  InvalidSignatureError,
  MalformedClaimError,
  NonCanonicalClaimError,
  sha256Hex,
  signCheckedClaim,
  validateClaim,
  WrongGenesisError,
} from '../../protocol/index.ts'
import { forceSignClaim, makeClaim } from '../fixtures/p2p/claims.ts'
import { GENESIS, OTHER_GENESIS } from '../fixtures/p2p/records.ts'
import { key, otherKey } from './helpers.ts'

const NOW = 1_800_000_000_000
const ctx = { genesis: GENESIS, now: NOW }
const fields = (over: Parameters<typeof makeClaim>[2] = {}) =>
  makeClaim(key, GENESIS, { createdAt: NOW - 1000, ...over })

describe('claims: encoding and signature', () => {
  it('round-trips a signed claim byte for byte, ~500 bytes, and names the claims topic', () => {
    const signed = signCheckedClaim(fields(), key)
    expect(signed.bytes.length).toBeLessThan(600)
    const { claim } = decodeClaim(signed.bytes)
    expect(claim).toEqual(signed.claim)
    expect(encodeClaim(claim)).toEqual(signed.bytes)
    expect(validateClaim(signed.bytes, ctx)).toEqual(signed)
    const remeasure = signCheckedClaim(
      fields({ kind: 'remeasure', parentHash: sha256Hex('f'), fileHash: sha256Hex('f') }),
      key,
    )
    expect(validateClaim(remeasure.bytes, ctx).claim.kind).toBe('remeasure')
    expect(claimsTopic('g')).toBe('/loopnet/g/claims/1')
  })

  it('refuses to sign for another author or a claim of the wrong shape', () => {
    const other = peerIdFromPrivateKey(otherKey).toString()
    expect(() => signCheckedClaim(fields({ author: other }), key)).toThrow(InvalidFieldError)
    expect(() => signCheckedClaim(fields({ ttlSeconds: 1 }), key)).toThrow(InvalidClaimTtlError)
  })

  it('expires by the receipt time, never later than createdAt + ttl + skew', () => {
    const c = { createdAt: NOW, ttlSeconds: 60 }
    expect(claimExpiry(c, NOW + 1000)).toBe(NOW + 61_000)
    // dated an hour ahead: still 60 s from receipt
    expect(claimExpiry({ ...c, createdAt: NOW + 3_600_000 }, NOW)).toBe(NOW + 60_000)
    // a 10-minute claim replayed 100 s after it was made: the rest of its own lease, plus the skew
    expect(claimExpiry({ createdAt: NOW, ttlSeconds: 600 }, NOW + 100_000)).toBe(
      NOW + 600_000 + CLAIM_MAX_CLOCK_SKEW_MS,
    )
  })
})

type Hostile = {
  name: string
  bytes: () => Promise<Uint8Array> | Uint8Array
  error: new (...args: never[]) => Error
  code: string
  verdict: 'ignore' | 'reject'
}

const hostile: Hostile[] = [
  {
    name: 'oversize (a description past the cap)',
    bytes: () => forceSignClaim(fields({ description: 'x'.repeat(1100) }), key),
    error: ClaimTooLargeError,
    code: 'CLAIM_TOO_LARGE',
    verdict: 'reject',
  },
  {
    name: 'a description over 200 bytes',
    bytes: () => forceSignClaim(fields({ description: 'x'.repeat(201) }), key),
    error: InvalidFieldError,
    code: 'INVALID_FIELD',
    verdict: 'reject',
  },
  {
    name: 'a two-line description',
    bytes: () => forceSignClaim(fields({ description: 'a\nb' }), key),
    error: InvalidFieldError,
    code: 'INVALID_FIELD',
    verdict: 'reject',
  },
  {
    name: 'ttl too long',
    bytes: () => forceSignClaim(fields({ ttlSeconds: CLAIM_MAX_TTL_SECONDS + 1 }), key),
    error: InvalidClaimTtlError,
    code: 'INVALID_CLAIM_TTL',
    verdict: 'reject',
  },
  {
    name: 'ttl too short',
    bytes: () => forceSignClaim(fields({ ttlSeconds: 1 }), key),
    error: InvalidClaimTtlError,
    code: 'INVALID_CLAIM_TTL',
    verdict: 'reject',
  },
  {
    name: 'expired on arrival',
    bytes: () => forceSignClaim(fields({ createdAt: NOW - 61_000, ttlSeconds: 60 }), key),
    error: ClaimExpiredError,
    code: 'CLAIM_EXPIRED',
    verdict: 'ignore',
  },
  {
    name: 'future-dated past the skew',
    bytes: () => forceSignClaim(fields({ createdAt: NOW + CLAIM_MAX_CLOCK_SKEW_MS + 1 }), key),
    error: ClaimFromFutureError,
    code: 'CLAIM_FROM_FUTURE',
    verdict: 'ignore',
  },
  {
    name: 'wrong genesis',
    bytes: () => forceSignClaim(fields({ genesis: OTHER_GENESIS }), key),
    error: WrongGenesisError,
    code: 'WRONG_GENESIS',
    verdict: 'reject',
  },
  {
    name: 'a file hash that is no hash',
    bytes: () => forceSignClaim(fields({ fileHash: 'abc' }), key),
    error: InvalidFieldError,
    code: 'INVALID_FIELD',
    verdict: 'reject',
  },
  {
    name: 'an upper-case parent hash',
    bytes: () => forceSignClaim(fields({ parentHash: sha256Hex('p').toUpperCase() }), key),
    error: InvalidFieldError,
    code: 'INVALID_FIELD',
    verdict: 'reject',
  },
  {
    name: 'a re-measure of another file than its parent',
    bytes: () => forceSignClaim(fields({ kind: 'remeasure' }), key),
    error: InvalidFieldError,
    code: 'INVALID_FIELD',
    verdict: 'reject',
  },
  {
    name: 'a budget over the maximum',
    bytes: () => forceSignClaim(fields({ budgetSeconds: 601 }), key),
    error: InvalidFieldError,
    code: 'INVALID_FIELD',
    verdict: 'reject',
  },
  {
    name: 'a forged signature (signed by another key for this author)',
    bytes: () => forceSignClaim(fields(), otherKey),
    error: InvalidSignatureError,
    code: 'INVALID_SIGNATURE',
    verdict: 'reject',
  },
  {
    name: 'a field changed after signing',
    bytes: async () => {
      const bytes = await forceSignClaim(fields(), key)
      const { claim } = decodeClaim(bytes)
      return encodeClaim({ ...claim, fileHash: sha256Hex('another file') })
    },
    error: InvalidSignatureError,
    code: 'INVALID_SIGNATURE',
    verdict: 'reject',
  },
  {
    name: 'an unknown kind',
    bytes: async () => {
      const bytes = await forceSignClaim(fields(), key)
      const w = protobuf.Writer.create()
      w.uint32((3 << 3) | 0).uint32(7)
      return Buffer.concat([bytes, w.finish()])
    },
    error: MalformedClaimError,
    code: 'MALFORMED_CLAIM',
    verdict: 'reject',
  },
  {
    name: 'garbage',
    bytes: () => Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]),
    error: MalformedClaimError,
    code: 'MALFORMED_CLAIM',
    verdict: 'reject',
  },
  {
    name: 'non-canonical: an unknown field',
    bytes: async () => {
      const bytes = await forceSignClaim(fields(), key)
      const w = protobuf.Writer.create()
      w.uint32((30 << 3) | 0).uint32(1)
      return Buffer.concat([bytes, w.finish()])
    },
    error: NonCanonicalClaimError,
    code: 'NON_CANONICAL_CLAIM',
    verdict: 'reject',
  },
  {
    name: 'non-canonical: the signature first',
    bytes: async () => {
      const bytes = await forceSignClaim(fields(), key)
      const { claim, signingBytes } = decodeClaim(bytes)
      const sig = bytes.subarray(signingBytes.length)
      expect(sig.length).toBe(claim.signature.length + 3)
      return Buffer.concat([sig, signingBytes])
    },
    error: NonCanonicalClaimError,
    code: 'NON_CANONICAL_CLAIM',
    verdict: 'reject',
  },
  {
    name: 'non-canonical: a default value written out (tier "")',
    bytes: async () => {
      const bytes = await forceSignClaim(fields({ tier: '' }), key)
      const w = protobuf.Writer.create()
      w.uint32((6 << 3) | 2).string('')
      return Buffer.concat([w.finish(), bytes])
    },
    error: NonCanonicalClaimError,
    code: 'NON_CANONICAL_CLAIM',
    verdict: 'reject',
  },
]

describe('claims: hostile claims are refused by name', () => {
  it.each(hostile)('$name', async (c) => {
    const bytes = await c.bytes()
    let err: unknown
    try {
      validateClaim(bytes, ctx)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(c.error)
    expect((err as { code: string }).code).toBe(c.code)
    expect((err as Error).name).toBe(c.error.name)
    expect(gossipVerdict(err)).toBe(c.verdict)
  })
})
