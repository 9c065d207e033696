/** agent/proposers/builtin/mutate.ts: one-constant mutations of a train file, and their order. */
import { describe, expect, it } from 'vitest'
import { chooseMutation, listMutations } from '../../../../agent/proposers/builtin/mutate.ts'
import { seededRng } from '../../../../agent/proposers/builtin/rng.ts'
import { parseConstants } from '../../../../agent/train-constants.ts'
import { sha256Hex } from '../../../../protocol/hash.ts'
import { baseline as fixtureTrain } from '../../helpers.ts'

describe('mutations', () => {
  it('keeps ints ints within bounds, flips bools, swaps choices, never touches SEED', () => {
    const ms = listMutations(fixtureTrain)
    const by = (name: string) =>
      ms.filter((m) => m.changes[0]?.name === name).map((m) => m.changes[0]?.to)
    expect(by('WIDTH')).toEqual(['32', '128'])
    expect(by('USE_NORM')).toEqual(['False'])
    expect(by('ACTIVATION')).toEqual(['"gelu"', '"silu"'])
    expect(by('LR')).toEqual(['0.005', '0.0075', '0.015', '0.02'])
    expect(by('SEED')).toEqual([])
    for (const m of ms) expect(m.description).toMatch(/^[A-Z_]+ \S+ -> \S+$/)
  })
  it('bounds ints relative to the baseline', () => {
    const base = parseConstants('N = 4\n')
    const grown = listMutations('N = 64\n', { baseline: base }).map((m) => m.changes[0]?.to)
    expect(grown).toEqual(['32']) // 128 would be 32x the baseline
  })
  it('scales both branches of a per-device constant', () => {
    const ms = listMutations('DEPTH = 8 if ON_GPU else 2\n')
    expect(ms.map((m) => m.description)).toEqual([
      'DEPTH 8 if ON_GPU else 2 -> 4 if ON_GPU else 1',
      'DEPTH 8 if ON_GPU else 2 -> 16 if ON_GPU else 4',
    ])
  })
  it('never proposes a file twice on one parent, then pairs, reproducibly', () => {
    const pick = (seed: number): string[] => {
      const seen = new Set<string>([sha256Hex(fixtureTrain)])
      const order: string[] = []
      for (let i = 0; i < 20; i++) {
        const m = chooseMutation(fixtureTrain, seen, seededRng(seed, seen.size))
        if (m === undefined) break
        expect(seen.has(m.fileHash)).toBe(false)
        seen.add(m.fileHash)
        order.push(m.description)
      }
      return order
    }
    const a = pick(7)
    const singles = listMutations(fixtureTrain).length
    expect(a).toHaveLength(20)
    expect(a.slice(0, singles).every((d) => !d.includes(';'))).toBe(true)
    expect(a.slice(singles).every((d) => d.includes(';'))).toBe(true) // pairs once singles run out
    expect(pick(7)).toEqual(a)
    expect(pick(8)).not.toEqual(a)
  })
})

describe('mutations others only may have tried', () => {
  it('draws fresh singles first, then deprioritized singles, then pairs', () => {
    const singles = listMutations(fixtureTrain)
    expect(singles).toHaveLength(9)
    // a sybil "tried" all but two single edits
    const later = new Set(singles.slice(2).map((m) => m.fileHash))
    const seen = new Set<string>([sha256Hex(fixtureTrain)])
    const order: string[] = []
    for (let i = 0; i < 10; i++) {
      const m = chooseMutation(fixtureTrain, seen, seededRng(1, seen.size), {
        deprioritized: later,
      })
      if (m === undefined) break
      seen.add(m.fileHash)
      order.push(m.fileHash)
    }
    const single = new Set(singles.map((m) => m.fileHash))
    expect(new Set(order.slice(0, 2))).toEqual(new Set(singles.slice(0, 2).map((m) => m.fileHash)))
    expect(order.slice(2, 9).every((h) => later.has(h))).toBe(true)
    expect(single.has(order[9] ?? '')).toBe(false)
  })
})
