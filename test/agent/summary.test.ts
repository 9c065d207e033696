/** agent/summary.ts: the harness's summary block and the train file's progress lines. */
import { describe, expect, it } from 'vitest'
import { parseProgressLine, parseSummary } from '../../agent/summary.ts'

// the harness's block, as trainer/harness.py writes it on fd 3
const SUMMARY = `---
verdict:          ok
val_bpb:          1.234567
training_seconds: 60.1
startup_seconds:  1.9
eval_seconds:     3.1
probe_seconds:    3.4
total_seconds:    71.9
weights_mb:       5.5
num_params:       1443072
peak_mem_mb:      812.5
probe_max_diff:   1e-06
probe_mean_gain:  -2e-08
budget_seconds:   60
seed:             1402651658
device:           cpu-2c
sandbox:          bwrap`

describe('parseSummary', () => {
  it("reads the harness's block", () => {
    expect(parseSummary(SUMMARY)).toEqual({
      ok: true,
      summary: {
        verdict: 'ok',
        reason: '',
        detail: '',
        valBpb: 1.234567,
        budgetSeconds: 60,
        trainingSeconds: 60.1,
        startupSeconds: 1.9,
        evalSeconds: 3.1,
        probeSeconds: 3.4,
        totalSeconds: 71.9,
        weightsMb: 5.5,
        numParams: 1443072,
        peakMemMb: 812.5,
        probeMaxDiff: 1e-6,
        probeMeanGain: -2e-8,
        seed: 1402651658,
        device: 'cpu-2c',
        sandbox: 'bwrap',
      },
    })
  })
  it('reads a rejection with its reason and detail', () => {
    const text = SUMMARY.replace(
      'verdict:          ok',
      'verdict: rejected\nreason: non-causal\ndetail: outputs changed by 22.5 nats',
    )
    expect(parseSummary(text)).toMatchObject({
      ok: true,
      summary: {
        verdict: 'rejected',
        reason: 'non-causal',
        detail: 'outputs changed by 22.5 nats',
      },
    })
  })
  it.each([
    { name: 'no block', text: 'step 1\nstep 2', kind: 'missing' },
    { name: 'no verdict', text: SUMMARY.replace(/verdict.*\n/, ''), kind: 'malformed' },
    {
      name: 'odd verdict',
      text: SUMMARY.replace('verdict:          ok', 'verdict: great'),
      kind: 'malformed',
    },
    {
      name: 'a rejection without a reason',
      text: SUMMARY.replace('verdict:          ok', 'verdict: rejected'),
      kind: 'malformed',
    },
    {
      name: 'a reason that is no token',
      text: SUMMARY.replace('verdict:          ok', 'verdict: crash\nreason: Exit Code!'),
      kind: 'malformed',
    },
    { name: 'NaN val_bpb', text: SUMMARY.replace('1.234567', 'nan'), kind: 'malformed' },
    { name: 'missing seed', text: SUMMARY.replace(/seed.*\n/, ''), kind: 'malformed' },
    { name: 'bad number', text: SUMMARY.replace('60.1', 'sixty'), kind: 'malformed' },
    { name: 'odd device', text: SUMMARY.replace('cpu-2c', 'cpu 2c'), kind: 'malformed' },
    { name: 'ok with zero bpb', text: SUMMARY.replace('1.234567', '0.0'), kind: 'malformed' },
  ])('$name -> $kind', ({ text, kind }) => {
    const r = parseSummary(text)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.kind).toBe(kind)
  })
  it('uses the last block and tolerates stray lines and optional keys', () => {
    const text = `---\nverdict: ok\nval_bpb: 9.0\n${SUMMARY.replace(/probe_max_diff.*\n/, 'UserWarning: noise\n')}`
    const r = parseSummary(text)
    expect(r.ok && r.summary.valBpb).toBe(1.234567)
    expect(r.ok && r.summary.probeMaxDiff).toBe(0)
  })
})

describe('parseProgressLine', () => {
  it.each([
    [
      'step    12 | loss 5.1234 | 320 ms | 1193 tok/s | 3.1 s',
      { step: 12, loss: 5.1234, trainingSeconds: 3.1 },
    ],
    ['step 00012 (45.2%) | loss: 5.0', { step: 12, fraction: 0.452, loss: 5 }],
    ['step 3: loss nan', { step: 3, loss: Number.NaN }],
    ['val_bpb: 1.2', undefined],
    ['budget: 2 s  tokens/step: 4096  seq_len: 256', undefined],
    ['UserWarning: steps are slow', undefined],
  ])('%s', (line, want) => {
    expect(parseProgressLine(line)).toEqual(want)
  })
})
