/**
 * The live claims of other nodes (docs/ARCHITECTURE.md "Claims"), in memory and bounded: a
 * claim is a lease that expires in minutes and is superseded by its record, so it never
 * outlives the process and needs no table. Pure: the clock is passed in.
 *
 * Bounds, because claims cost their signers nothing: an author holds at most `perAuthor` live
 * claims (a node runs one experiment at a time; a flood from one author evicts its own oldest,
 * never another's), and the book at most `total` (then the one expiring soonest goes).
 */
import { claimExpiry, type EncodedClaim } from '../../../protocol/claim.ts'

/** A node runs one experiment at a time; 4 leaves room for a re-announce and a restart. */
export const CLAIMS_PER_AUTHOR = 4
/** ~1 KiB each at most: a few MiB, whatever a swarm of sybils sends. */
export const CLAIMS_TOTAL = 4096

export interface HeldClaim extends EncodedClaim {
  /** Local clock, ms. */
  receivedAt: number
  /** claimExpiry(claim, receivedAt). */
  expiresAt: number
}

export type ClaimAddResult = 'added' | 'known' | 'expired'

export interface ClaimBookInit {
  perAuthor?: number
  total?: number
}

export class ClaimBook {
  private readonly perAuthor: number
  private readonly total: number
  private readonly byId = new Map<string, HeldClaim>()
  /** Ids per author, oldest first. */
  private readonly byAuthor = new Map<string, string[]>()

  constructor(init: ClaimBookInit = {}) {
    this.perAuthor = init.perAuthor ?? CLAIMS_PER_AUTHOR
    this.total = init.total ?? CLAIMS_TOTAL
  }

  get size(): number {
    return this.byId.size
  }

  /**
   * Holds a validated claim received at `now`. A claim of the same author on the same parent
   * and file replaces the older one (a re-announce); past the caps, the author's own oldest
   * goes first, then the book's soonest to expire.
   */
  add(encoded: EncodedClaim, now: number): ClaimAddResult {
    const { id, claim } = encoded
    if (this.byId.has(id)) return 'known'
    const expiresAt = claimExpiry(claim, now)
    if (expiresAt <= now) return 'expired'
    const mine = this.byAuthor.get(claim.author) ?? []
    for (const other of mine) {
      const held = this.byId.get(other)?.claim
      if (held?.parentHash === claim.parentHash && held.fileHash === claim.fileHash)
        this.remove(other)
    }
    while ((this.byAuthor.get(claim.author)?.length ?? 0) >= this.perAuthor) {
      const oldest = this.byAuthor.get(claim.author)?.[0]
      if (oldest === undefined) break
      this.remove(oldest)
    }
    if (this.byId.size >= this.total) this.expire(now)
    while (this.byId.size >= this.total) {
      const soonest = this.soonest()
      if (soonest === undefined) break
      this.remove(soonest.id)
    }
    this.byId.set(id, { ...encoded, receivedAt: now, expiresAt })
    this.byAuthor.set(claim.author, [...(this.byAuthor.get(claim.author) ?? []), id])
    return 'added'
  }

  /**
   * The author published the record of the run it claimed: the claim is done. Re-measures
   * match too (their record, like their claim, has the file as its own parent).
   */
  supersede(author: string, parentHash: string, fileHash: string): HeldClaim[] {
    const gone: HeldClaim[] = []
    for (const id of this.byAuthor.get(author) ?? []) {
      const held = this.byId.get(id)
      if (held?.claim.parentHash === parentHash && held.claim.fileHash === fileHash) {
        gone.push(held)
        this.remove(id)
      }
    }
    return gone
  }

  /** Live claims whose parent or file is `hash`, oldest first; expired ones are dropped. */
  live(hash: string, now: number): HeldClaim[] {
    this.expire(now)
    return [...this.byId.values()].filter(
      (h) => h.claim.parentHash === hash || h.claim.fileHash === hash,
    )
  }

  /** Drops and returns every claim expired by `now`. */
  expire(now: number): HeldClaim[] {
    const gone = [...this.byId.values()].filter((h) => h.expiresAt <= now)
    for (const h of gone) this.remove(h.id)
    return gone
  }

  /** When the next held claim expires (local ms), undefined when none is held. */
  nextExpiry(): number | undefined {
    return this.soonest()?.expiresAt
  }

  private soonest(): HeldClaim | undefined {
    let out: HeldClaim | undefined
    for (const h of this.byId.values())
      if (out === undefined || h.expiresAt < out.expiresAt) out = h
    return out
  }

  private remove(id: string): void {
    const held = this.byId.get(id)
    if (held === undefined) return
    this.byId.delete(id)
    const ids = (this.byAuthor.get(held.claim.author) ?? []).filter((x) => x !== id)
    if (ids.length === 0) this.byAuthor.delete(held.claim.author)
    else this.byAuthor.set(held.claim.author, ids)
  }
}
