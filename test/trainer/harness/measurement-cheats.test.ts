/**
 * trainer/harness.py, the trusted harness, against train files that cheat the measurement: each
 * case is one threat of docs/ARCHITECTURE.md "Trusted measurement" (a forged summary, peeking at
 * future tokens, learning from or caching eval queries, malformed or hung eval replies, untimed
 * compute, hangs, val text pasted into the file), plus the honest tiny file and the real baseline
 * train.py, which must pass every check. Real processes under bubblewrap, no mocks: the harness
 * writes its summary to fd 3, which no child holds, so a summary a child prints on stdout can
 * never pass for the harness's. Sandbox escapes and resource bounds: sandbox-escapes.test.ts.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { trainerDir } from '../helpers.ts'
import {
  type Case,
  COMMON,
  compose,
  expectVerdict,
  runHarness,
  setUpRuns,
  tearDownRuns,
  testCases,
  valText,
} from './helpers.ts'

const CASES: Case[] = [
  {
    fixture: 'honest',
    verdict: 'ok',
    check: (r, e) => {
      e(Number(r.summary.val_bpb)).toBeGreaterThan(2.5)
      e(Number(r.summary.val_bpb)).toBeLessThan(4.5)
      e(Number(r.summary.probe_max_diff)).toBe(0)
      e(Number(r.summary.training_seconds)).toBeLessThan(1 + 3)
    },
  },
  {
    // the original capture: a summary on stdout and nothing else
    fixture: 'forged_summary',
    verdict: 'crash',
    reason: 'exit-code',
    check: (r, e) => {
      e(r.log).toContain('val_bpb:          0.123456')
      e(r.summary.val_bpb).toBe('0.000000')
    },
  },
  {
    // the contract followed, nothing trained: the harness scores the untrained model itself
    fixture: 'forged_summary_contract',
    verdict: 'ok',
    check: (r, e) => {
      e(r.log).toContain('val_bpb:          0.123456')
      e(Number(r.summary.val_bpb)).toBeGreaterThan(3)
    },
  },
  ...['peek_next', 'peek_some', 'peek_neighbour', 'prefix_cache', 'learns_from_eval'].map(
    (fixture): Case => ({ fixture, verdict: 'rejected', reason: 'non-causal' }),
  ),
  {
    // inside the per-position bound: caught by the mean gain at the probes' boundaries
    fixture: 'peek_tiny',
    verdict: 'rejected',
    reason: 'non-causal',
    check: (r, e) => {
      e(Number(r.summary.probe_max_diff)).toBeLessThan(1e-3)
      e(Number(r.summary.probe_mean_gain)).toBeGreaterThan(2e-4)
    },
  },
  { fixture: 'nan_logits', verdict: 'rejected', reason: 'malformed-reply' },
  { fixture: 'wrong_shape', verdict: 'rejected', reason: 'malformed-reply' },
  {
    fixture: 'eval_hang',
    args: ['--batch-seconds', '3'],
    verdict: 'rejected',
    reason: 'malformed-reply',
    check: (r, e) => e(r.summary.detail).toMatch(/no reply within 3 s/),
  },
  { fixture: 'nan_loss', verdict: 'crash', reason: 'fail' },
  { fixture: 'nan_weights', verdict: 'crash', reason: 'nan' },
  {
    // a pasted paragraph of the (public) val text, byte for byte in the file
    fixture: 'val_pasted',
    fills: () => ({ VAL_TEXT: `r"""${valText}"""` }),
    verdict: 'rejected',
    reason: 'val-text',
  },
]

describe('harness.py against train files that cheat the measurement', () => {
  beforeAll(setUpRuns)
  afterAll(tearDownRuns)

  testCases(CASES)

  // Timed cases, one at a time: each asserts how long the harness took.

  it('untimed_training: compute before begin() is bounded (startup-too-long)', async ({
    signal,
  }) => {
    const file = await compose('untimed_training')
    const r = await runHarness(file, [...COMMON, '--startup-max', '5'], {}, signal)
    expectVerdict(r, 'rejected', 'startup-too-long', expect)
    expect(Number(r.summary.total_seconds)).toBeLessThan(15) // the file computes for 30 s
  })

  it('after_finish: killed at finish(), SIGTERM ignored, the harness returns promptly', async ({
    signal,
  }) => {
    const file = await compose('after_finish')
    const r = await runHarness(file, COMMON, {}, signal)
    expectVerdict(r, 'ok', undefined, expect)
    expect(Number(r.summary.val_bpb)).toBeGreaterThan(2.5)
    expect(r.seconds).toBeLessThan(25) // the file would never stop by itself
  })

  it('hang_after_begin: a crash (timeout) at 2 x budget + 6 s after begin()', async ({
    signal,
  }) => {
    const file = await compose('hang_after_begin')
    const r = await runHarness(file, COMMON, {}, signal)
    expectVerdict(r, 'crash', 'timeout', expect)
    expect(r.summary.detail).toMatch(/no finish\(\) within 8 s of begin\(\)/)
    const afterBegin = Number(r.summary.total_seconds) - Number(r.summary.startup_seconds)
    expect(afterBegin).toBeGreaterThanOrEqual(8)
    expect(afterBegin).toBeLessThan(20)
  })

  it('the baseline trainer/train.py (budget 3) passes every check', { timeout: 120_000 }, async ({
    signal,
  }) => {
    const r = await runHarness(join(trainerDir, 'train.py'), ['--budget', '3'], {}, signal)
    expectVerdict(r, 'ok', undefined, expect)
    const s = r.summary
    expect(Number(s.val_bpb)).toBeGreaterThan(0)
    expect(Number(s.val_bpb)).toBeLessThan(4)
    expect(Number(s.probe_max_diff)).toBeLessThan(1e-3)
    expect(Number(s.probe_mean_gain)).toBeLessThanOrEqual(2e-4)
    expect(Number(s.training_seconds)).toBeLessThanOrEqual(3 + 3)
    expect(Number(s.weights_mb)).toBeGreaterThan(1) // the real model, not the tiny one
  })
})
