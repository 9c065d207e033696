/** node/cli/commands/start-config.ts: the seed-noise flags, resolved and refused. */
import { describe, expect, it } from 'vitest'
import { DEFAULT_NOISE_K } from '../../../../agent/noise.ts'
import {
  DEFAULT_NOISE_RUNS,
  resolveStartOptions,
} from '../../../../node/cli/commands/start-config.ts'
import { CliUsageError } from '../../../../node/cli/errors.ts'

const base = { 'data-dir': '/tmp/loopnet-start-config', python: '/usr/bin/python3' }

describe('resolveStartOptions: seed noise', () => {
  it('runs the baseline twice more and allows 2 sigmas by default; 0 noise runs disables them', () => {
    expect(resolveStartOptions(base, {})).toMatchObject({
      noiseRuns: DEFAULT_NOISE_RUNS,
      noiseK: DEFAULT_NOISE_K,
    })
    expect(DEFAULT_NOISE_RUNS).toBe(2)
    expect(resolveStartOptions({ ...base, 'noise-runs': '0' }, {}).noiseRuns).toBe(0)
    expect(resolveStartOptions({ ...base, 'noise-runs': '5' }, {}).noiseRuns).toBe(5)
    expect(resolveStartOptions({ ...base, 'noise-k': '2.5' }, {}).noiseK).toBe(2.5)
    // 0: no noise margins, the rule before noise was measured
    expect(resolveStartOptions({ ...base, 'noise-k': '0' }, {}).noiseK).toBe(0)
  })

  it.each([
    ['noise-runs', '-1'],
    ['noise-runs', '1.5'],
    ['noise-runs', 'two'],
    ['noise-runs', ''],
    ['noise-k', ''],
    ['noise-k', '-2'],
    ['noise-k', 'Infinity'],
    ['noise-k', 'NaN'],
  ])('refuses --%s %s', (flag, value) => {
    expect(() => resolveStartOptions({ ...base, [flag]: value }, {})).toThrow(CliUsageError)
  })
})
