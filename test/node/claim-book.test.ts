/** node/p2p/claims/book.ts: expiry from receipt, supersession, and the caps, on an injected clock. */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { describe, expect, it } from 'vitest'
import { ClaimBook } from '../../node/p2p/claims/book.ts'
import type { ClaimFields } from '../../protocol/claim.ts'
import { sha256Hex } from '../../protocol/hash.ts'
import { signCheckedClaim } from '../../protocol/validation/claim.ts'
import { makeClaim } from '../fixtures/p2p/claims.ts'
import { GENESIS } from '../fixtures/p2p/records.ts'

const T0 = 1_800_000_000_000
const PARENT = sha256Hex('parent train file')
const [alice, bob, mallory] = await Promise.all([
  generateKeyPair('Ed25519'),
  generateKeyPair('Ed25519'),
  generateKeyPair('Ed25519'),
])

function claim(key: typeof alice, over: Partial<ClaimFields> = {}) {
  return signCheckedClaim(makeClaim(key, GENESIS, { createdAt: T0, ...over }), key)
}
const file = (n: number) => sha256Hex(`child ${n}`)

describe('ClaimBook', () => {
  it('holds a claim for its ttl from receipt, finds it by parent or file, then drops it', () => {
    const book = new ClaimBook()
    const c = claim(alice, { ttlSeconds: 30, fileHash: file(1) })
    expect(book.add(c, T0 + 1000)).toBe('added')
    expect(book.add(c, T0 + 1000)).toBe('known')
    expect(book.live(PARENT, T0 + 2000).map((h) => h.id)).toEqual([c.id])
    expect(book.live(file(1), T0 + 2000).map((h) => h.id)).toEqual([c.id])
    expect(book.live(sha256Hex('elsewhere'), T0 + 2000)).toEqual([])
    expect(book.nextExpiry()).toBe(T0 + 31_000)
    expect(book.live(PARENT, T0 + 30_999)).toHaveLength(1)
    expect(book.live(PARENT, T0 + 31_000)).toEqual([])
    expect(book.size).toBe(0)
  })

  it('a claim dated into the future lives its ttl from receipt, not from its own date', () => {
    const book = new ClaimBook()
    const c = claim(alice, { ttlSeconds: 30, createdAt: T0 + 50_000 })
    book.add(c, T0)
    expect(book.expire(T0 + 29_999)).toEqual([])
    expect(book.expire(T0 + 30_000).map((h) => h.id)).toEqual([c.id])
  })

  it("is superseded by its author's record of the same parent and file, not by another's", () => {
    const book = new ClaimBook()
    const c = claim(alice, { fileHash: file(1) })
    book.add(c, T0)
    const bobId = peerOf(bob)
    expect(book.supersede(bobId, PARENT, file(1))).toEqual([])
    expect(book.supersede(c.claim.author, PARENT, file(2))).toEqual([])
    expect(book.supersede(c.claim.author, PARENT, file(1)).map((h) => h.id)).toEqual([c.id])
    expect(book.size).toBe(0)
  })

  it("a flood from one author evicts its own oldest claims, never another author's", () => {
    const book = new ClaimBook({ perAuthor: 4, total: 100 })
    const honest = claim(alice, { fileHash: file(0) })
    book.add(honest, T0)
    const flood = Array.from({ length: 50 }, (_, i) => claim(mallory, { fileHash: file(i + 1) }))
    for (const [i, c] of flood.entries()) book.add(c, T0 + i)
    const live = book.live(PARENT, T0 + 100)
    expect(live.map((h) => h.id)).toEqual([honest.id, ...flood.slice(-4).map((c) => c.id)])
  })

  it('a re-announce of the same parent and file replaces the older claim', () => {
    const book = new ClaimBook()
    const first = claim(alice, { fileHash: file(1), createdAt: T0 })
    const again = claim(alice, { fileHash: file(1), createdAt: T0 + 5000 })
    book.add(first, T0)
    book.add(again, T0 + 5000)
    expect(book.live(PARENT, T0 + 6000).map((h) => h.id)).toEqual([again.id])
  })

  it('past the global cap, the claim expiring soonest goes', () => {
    const book = new ClaimBook({ perAuthor: 4, total: 3 })
    const short = claim(alice, { fileHash: file(1), ttlSeconds: 10 })
    const long = claim(alice, { fileHash: file(2), ttlSeconds: 600 })
    const mid = claim(bob, { fileHash: file(3), ttlSeconds: 100 })
    const next = claim(bob, { fileHash: file(4), ttlSeconds: 100 })
    for (const c of [short, long, mid, next]) book.add(c, T0)
    expect(book.size).toBe(3)
    expect(
      book
        .live(PARENT, T0)
        .map((h) => h.id)
        .sort(),
    ).toEqual([long.id, mid.id, next.id].sort())
  })

  it('refuses a claim already expired by its own date on arrival', () => {
    const book = new ClaimBook()
    const old = claim(alice, { createdAt: T0, ttlSeconds: 60 })
    // a replay received 5 minutes later: createdAt + ttl + skew is past
    expect(book.add(old, T0 + 300_000)).toBe('expired')
  })
})

function peerOf(key: typeof alice): string {
  return makeClaim(key, GENESIS).author
}
