/**
 * What the loop does after a run (agent/crash-policy.ts): the counters it carries and the
 * step it takes, table-driven; and the back-off after a run of crashes.
 */
import { describe, expect, it } from 'vitest'
import {
  afterRun,
  type CrashCounters,
  crashBackoffMs,
  NO_CRASHES,
} from '../../agent/crash-policy.ts'

const LIMITS = { maxBaselineCrashes: 3, maxFixAttempts: 2 }
const counters = (over: Partial<CrashCounters>): CrashCounters => ({ ...NO_CRASHES, ...over })

describe('afterRun', () => {
  it.each([
    {
      name: 'a run that did not crash ends the chain (baseline crashes stay counted)',
      before: counters({ fixAttempts: 2, consecutiveCrashes: 4, baselineCrashes: 1 }),
      run: { crashed: false, baseline: false, fixable: true },
      after: counters({ baselineCrashes: 1 }),
      step: { action: 'go-on' },
    },
    {
      name: 'a baseline crash is counted, no fix',
      before: NO_CRASHES,
      run: { crashed: true, baseline: true, fixable: true },
      after: counters({ baselineCrashes: 1, consecutiveCrashes: 1 }),
      step: { action: 'go-on' },
    },
    {
      name: 'the third baseline crash gives up',
      before: counters({ baselineCrashes: 2, consecutiveCrashes: 2 }),
      run: { crashed: true, baseline: true, fixable: false },
      after: counters({ baselineCrashes: 3, consecutiveCrashes: 3 }),
      step: { action: 'give-up' },
    },
    {
      name: 'a fixable crash asks for the first fix',
      before: NO_CRASHES,
      run: { crashed: true, baseline: false, fixable: true },
      after: counters({ fixAttempts: 1, consecutiveCrashes: 1 }),
      step: { action: 'fix', attempt: 1 },
    },
    {
      name: 'a crashed fix asks for the second',
      before: counters({ fixAttempts: 1, consecutiveCrashes: 1 }),
      run: { crashed: true, baseline: false, fixable: true },
      after: counters({ fixAttempts: 2, consecutiveCrashes: 2 }),
      step: { action: 'fix', attempt: 2 },
    },
    {
      name: 'past the fix limit the chain of fixes ends',
      before: counters({ fixAttempts: 2, consecutiveCrashes: 2 }),
      run: { crashed: true, baseline: false, fixable: true },
      after: counters({ fixAttempts: 0, consecutiveCrashes: 3 }),
      step: { action: 'go-on' },
    },
    {
      name: "a crash nobody can fix (a peer's file, a proposer without fix())",
      before: counters({ fixAttempts: 1, consecutiveCrashes: 1 }),
      run: { crashed: true, baseline: false, fixable: false },
      after: counters({ fixAttempts: 0, consecutiveCrashes: 2 }),
      step: { action: 'go-on' },
    },
  ] as const)('$name', ({ before, run, after, step }) => {
    expect(afterRun(before, run, LIMITS)).toEqual({ counters: after, step })
  })

  it('never changes the counters it is given', () => {
    const before = counters({ fixAttempts: 1, consecutiveCrashes: 1 })
    afterRun(before, { crashed: true, baseline: false, fixable: true }, LIMITS)
    afterRun(NO_CRASHES, { crashed: true, baseline: true, fixable: false }, LIMITS)
    expect(before).toEqual(counters({ fixAttempts: 1, consecutiveCrashes: 1 }))
    expect(NO_CRASHES).toEqual({ fixAttempts: 0, baselineCrashes: 0, consecutiveCrashes: 0 })
  })
})

describe('crashBackoffMs', () => {
  it.each([
    { crashes: 0, ms: 0 },
    { crashes: 2, ms: 0 },
    { crashes: 3, ms: 1000 },
    { crashes: 4, ms: 2000 },
    { crashes: 8, ms: 32_000 },
    { crashes: 9, ms: 60_000 },
    { crashes: 50, ms: 60_000 },
  ])('$crashes crashes in a row -> $ms ms', ({ crashes, ms }) => {
    expect(crashBackoffMs(crashes)).toBe(ms)
  })
})
