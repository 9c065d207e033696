/** agent/decide.ts: keep, discard or crash, from a run's val_bpb and its parent's. */
import { describe, expect, it } from 'vitest'
import { decide } from '../../agent/decide.ts'

describe('decide', () => {
  it.each([
    { valBpb: 1.0, parentValBpb: 1.1, minDelta: 0, want: 'keep' },
    { valBpb: 1.1, parentValBpb: 1.1, minDelta: 0, want: 'discard' }, // equal is not better
    { valBpb: 1.2, parentValBpb: 1.1, minDelta: 0, want: 'discard' },
    { valBpb: 1.099, parentValBpb: 1.1, minDelta: 0.002, want: 'discard' }, // gain within noise
    { valBpb: 1.097, parentValBpb: 1.1, minDelta: 0.002, want: 'keep' },
    { valBpb: 3.0, parentValBpb: undefined, minDelta: 0, want: 'keep' }, // baseline
    { valBpb: undefined, parentValBpb: 1.1, minDelta: 0, want: 'crash' },
    { valBpb: undefined, parentValBpb: undefined, minDelta: 0, want: 'crash' },
    { valBpb: Number.NaN, parentValBpb: 1.1, minDelta: 0, want: 'crash' },
    { valBpb: 0, parentValBpb: 1.1, minDelta: 0, want: 'crash' },
  ] as const)('$valBpb vs $parentValBpb (min delta $minDelta) -> $want', ({ want, ...input }) => {
    expect(decide(input)).toBe(want)
  })
})
