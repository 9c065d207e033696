/** agent/record.ts: where an iteration's seconds went, phase by phase, and their sums. */
import { describe, expect, it } from 'vitest'
import { addPhases, phaseSeconds, zeroPhases } from '../../../agent/record.ts'
import { CRASH, OK, SUMMARY } from './helpers.ts'

describe('phaseSeconds', () => {
  const loop = { propose: 0.5, git: 0.25, journal: 0.125, total: 50 }
  it.each([
    {
      name: 'an ok run: eval is the process time past start-up and training',
      outcome: { ...OK, summary: { ...SUMMARY, trainingSeconds: 30 } },
      want: {
        propose: 0.5,
        git: 0.25,
        startup: 2,
        training: 30,
        eval: 8,
        journal: 0.125,
        total: 50,
      },
    },
    {
      name: 'a crash: no training, the rest of the process is eval',
      outcome: CRASH,
      want: {
        propose: 0.5,
        git: 0.25,
        startup: 2,
        training: 0,
        eval: 38,
        journal: 0.125,
        total: 50,
      },
    },
    {
      name: 'a trainer that reports more than its process took: eval is 0, not negative',
      outcome: { ...OK, summary: { ...SUMMARY, trainingSeconds: 45 } },
      want: {
        propose: 0.5,
        git: 0.25,
        startup: 2,
        training: 45,
        eval: 0,
        journal: 0.125,
        total: 50,
      },
    },
  ] as const)('$name', ({ outcome, want }) => {
    expect(phaseSeconds(outcome, loop)).toEqual(want)
  })

  it('sums phase by phase, from zero', () => {
    const a = phaseSeconds(OK, loop)
    expect(addPhases(zeroPhases(), a)).toEqual(a)
    const twice = addPhases(a, a)
    for (const k of Object.keys(a) as Array<keyof typeof a>) expect(twice[k]).toBe(2 * a[k])
  })
})
