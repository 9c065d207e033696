/**
 * A small seeded PRNG (mulberry32 keyed by a string hash): the built-in proposer must be
 * reproducible across runs and machines, which Math.random is not.
 */
import { createHash } from 'node:crypto'

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform integer in [0, n). */
  int(n: number): number
}

/** An Rng whose stream depends only on the given key parts. */
export function seededRng(...key: Array<string | number>): Rng {
  const digest = createHash('sha256').update(key.join('\u0000')).digest()
  let state = digest.readUInt32LE(0)
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, int: (n) => Math.floor(next() * n) }
}
