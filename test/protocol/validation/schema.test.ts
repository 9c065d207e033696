/**
 * protocol/validation/schema.ts, through validateRecord: the fields' schema (format, hashes,
 * sizes, reasons) and the plausibility of what the harness measured (val_bpb, seconds).
 */
import { describe, expect, it } from 'vitest'
import {
  DiffTooLargeError,
  ImplausibleNoiseError,
  ImplausibleSecondsError,
  ImplausibleValBpbError,
  InvalidFieldError,
  InvalidReasonError,
  RecordVersionError,
  signRecord,
  validateRecord,
} from '../../../protocol/index.ts'
import type { ExperimentFields } from '../../../protocol/types.ts'
import { makeFields } from '../../fixtures/p2p/records.ts'
import { ctx, expectRefused, forceSign, key, type RefusalCase } from '../helpers.ts'

describe('validateRecord', () => {
  const cases: RefusalCase[] = [
    {
      name: 'oversized diff (300 KiB)',
      bytes: () => forceSign(makeFields(key, { diff: 'x'.repeat(300 * 1024) })),
      error: DiffTooLargeError,
      code: 'DIFF_TOO_LARGE',
      verdict: 'reject',
    },
    {
      name: 'file hash that is not sha256 hex',
      bytes: () => forceSign(makeFields(key, { fileHash: 'abc' })),
      error: InvalidFieldError,
      code: 'INVALID_FIELD',
      verdict: 'reject',
    },
    {
      name: 'baseline carrying a diff',
      bytes: () => forceSign(makeFields(key, { parentHash: '' })),
      error: InvalidFieldError,
      code: 'INVALID_FIELD',
      verdict: 'reject',
    },
    ...[Number.NaN, Number.POSITIVE_INFINITY, 0, -1, 10, 42].map(
      (valBpb): RefusalCase => ({
        name: `implausible val_bpb ${valBpb} for a keep`,
        bytes: () => forceSign(makeFields(key, { valBpb })),
        error: ImplausibleValBpbError,
        code: 'IMPLAUSIBLE_VAL_BPB',
        verdict: 'reject',
      }),
    ),
    {
      name: 'implausible val_bpb for a crash (negative)',
      bytes: () => forceSign(makeFields(key, { status: 'crash', reason: 'nan', valBpb: -0.5 })),
      error: ImplausibleValBpbError,
      code: 'IMPLAUSIBLE_VAL_BPB',
      verdict: 'reject',
    },
    ...[
      { trainingSeconds: -1 },
      { trainingSeconds: 100_000, totalSeconds: 100_001 },
      { totalSeconds: 86_400 },
      { trainingSeconds: 80, totalSeconds: 70 },
    ].map(
      (seconds): RefusalCase => ({
        name: `implausible seconds ${JSON.stringify(seconds)}`,
        bytes: () => forceSign(makeFields(key, seconds)),
        error: ImplausibleSecondsError,
        code: 'IMPLAUSIBLE_SECONDS',
        verdict: 'reject',
      }),
    ),
    // Rules of format 2: each record from here on was valid in format 1's terms (its val_bpb,
    // its training and total seconds) and is refused now.
    {
      name: 'a record of a newer format (3)',
      bytes: () => forceSign(makeFields(key, { version: 3 })),
      error: RecordVersionError,
      code: 'WRONG_VERSION',
      verdict: 'reject',
    },
    {
      name: 'a record claiming format 1 in a format-2 body',
      bytes: () => forceSign(makeFields(key, { version: 1 })),
      error: RecordVersionError,
      code: 'WRONG_VERSION',
      verdict: 'reject',
    },
    ...[
      { status: 'crash', valBpb: 0, reason: '' },
      { status: 'rejected', valBpb: 0, reason: '' },
      { status: 'keep', reason: 'timeout' },
      { status: 'discard', reason: 'over-budget' },
      { status: 'rejected', valBpb: 0, reason: 'Non-Causal' },
      { status: 'rejected', valBpb: 0, reason: 'non causal' },
      { status: 'crash', valBpb: 0, reason: '-timeout' },
      { status: 'crash', valBpb: 0, reason: '9lives' },
      { status: 'rejected', valBpb: 0, reason: 'x'.repeat(49) },
      { status: 'rejected', valBpb: 0, reason: 'over-budget\n' },
    ].map(
      (over): RefusalCase => ({
        name: `reason ${JSON.stringify(over.reason)} for a ${over.status}`,
        bytes: () => forceSign(makeFields(key, over as Partial<ExperimentFields>)),
        error: InvalidReasonError,
        code: 'INVALID_REASON',
        verdict: 'reject',
      }),
    ),
    ...[1.2345, 0.5, -1, 10].map(
      (valBpb): RefusalCase => ({
        name: `val_bpb ${valBpb} for a rejection (never scored)`,
        bytes: () =>
          forceSign(makeFields(key, { status: 'rejected', reason: 'non-causal', valBpb })),
        error: ImplausibleValBpbError,
        code: 'IMPLAUSIBLE_VAL_BPB',
        verdict: 'reject',
      }),
    ),
    ...[
      { budgetSeconds: 0 },
      { budgetSeconds: -60 },
      { budgetSeconds: 601 },
      { budgetSeconds: Number.POSITIVE_INFINITY },
      { budgetSeconds: Number.NaN },
      { budgetSeconds: 0, status: 'crash', reason: 'timeout', valBpb: 0 },
      { budgetSeconds: 900, status: 'rejected', reason: 'over-budget', valBpb: 0 },
      // the harness's over-budget rule: 60 s may train max(3, 5 %) longer, 300 s 15 s longer
      { budgetSeconds: 60, trainingSeconds: 63.1 },
      { budgetSeconds: 60, trainingSeconds: 70, status: 'discard' },
      { budgetSeconds: 30, trainingSeconds: 60.1 },
      { budgetSeconds: 300, trainingSeconds: 315.1, totalSeconds: 400 },
      { budgetSeconds: 600, trainingSeconds: 631, totalSeconds: 700 },
      { startupSeconds: -0.1 },
      { startupSeconds: 3601 },
      { evalSeconds: Number.POSITIVE_INFINITY },
      { evalSeconds: -1 },
      { probeSeconds: Number.NaN },
      { probeSeconds: 4000 },
      { status: 'crash', reason: 'timeout', valBpb: 0, trainingSeconds: 3601, totalSeconds: 3601 },
      { status: 'rejected', reason: 'startup-too-long', valBpb: 0, startupSeconds: 7200 },
    ].map(
      (over): RefusalCase => ({
        name: `implausible seconds ${JSON.stringify(over)}`,
        bytes: () => forceSign(makeFields(key, over as Partial<ExperimentFields>)),
        error: ImplausibleSecondsError,
        code: 'IMPLAUSIBLE_SECONDS',
        verdict: 'reject',
      }),
    ),
    // the author's seed noise: a sigma in [0, 1) over some degrees of freedom
    ...[
      { noiseSigma: Number.NaN, noiseDof: 3 },
      { noiseSigma: Number.POSITIVE_INFINITY, noiseDof: 3 },
      { noiseSigma: -0.01, noiseDof: 3 },
      { noiseSigma: 1, noiseDof: 3 },
      { noiseSigma: 42, noiseDof: 3 },
      { noiseSigma: 0.01 },
    ].map(
      (over): RefusalCase => ({
        name: `implausible noise ${JSON.stringify(over)}`,
        bytes: () => forceSign(makeFields(key, over)),
        error: ImplausibleNoiseError,
        code: 'IMPLAUSIBLE_NOISE',
        verdict: 'reject',
      }),
    ),
  ]

  it.each(cases)('$name -> $code, $verdict', (c) => expectRefused(c))

  it.each([
    { noiseSigma: 0.01, noiseDof: 2.5 },
    { noiseSigma: 0.01, noiseDof: -1 },
    { noiseSigma: 0.01, noiseDof: 2 ** 32 },
    { noiseSigma: Number.NaN, noiseDof: 2 },
  ])('refuses to sign noise the wire could not carry as it is: %o', async (over) => {
    // a dof of 2.5 would be truncated by the encoder, signing another record than the caller's
    await expect(signRecord(makeFields(key, over), key)).rejects.toThrow(ImplausibleNoiseError)
  })

  it('accepts what the harness measures at the edges of its rules', async () => {
    const accepted: Array<Partial<ExperimentFields>> = [
      // at the over-budget limit: 60 + 3 s; 300 + 15 s; 600 + 30 s (printed in tenths)
      { budgetSeconds: 60, trainingSeconds: 63, totalSeconds: 80 },
      { budgetSeconds: 61.3, trainingSeconds: 64.4, totalSeconds: 80 },
      { budgetSeconds: 300, trainingSeconds: 315, totalSeconds: 400 },
      { budgetSeconds: 600, trainingSeconds: 630, totalSeconds: 700 },
      { budgetSeconds: 0.5, trainingSeconds: 3.5, totalSeconds: 10 },
      // a rejection or a crash may have trained past its budget, or not at all
      {
        status: 'rejected',
        reason: 'over-budget',
        valBpb: 0,
        trainingSeconds: 630,
        totalSeconds: 650,
      },
      { status: 'crash', reason: 'timeout', valBpb: 0, trainingSeconds: 0, totalSeconds: 150 },
      {
        status: 'rejected',
        reason: 'malformed-reply',
        valBpb: 0,
        trainingSeconds: 0,
        totalSeconds: 0,
      },
      { status: 'rejected', reason: 'x'.repeat(48), valBpb: 0 },
      { status: 'crash', reason: 'exit-code', valBpb: 0 },
      { startupSeconds: 0, evalSeconds: 0, probeSeconds: 0, numParams: 0, seed: 0 },
      { noiseSigma: 0.999, noiseDof: 2 ** 32 - 1 },
      { noiseSigma: 0.0007, noiseDof: 1 },
      { noiseDof: 9 },
    ]
    for (const [i, over] of accepted.entries()) {
      const signed = await signRecord(makeFields(key, { seq: 10 + i, ...over }), key)
      const got = await validateRecord(signed.bytes, ctx)
      expect(got.record).toMatchObject(over)
    }
  })
})
