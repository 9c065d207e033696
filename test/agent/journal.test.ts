/** agent/journal.ts: a results.tsv line, autoresearch's columns first. */
import { describe, expect, it } from 'vitest'
import { formatTsvLine, TSV_HEADER } from '../../agent/journal.ts'
import type { ExperimentFields } from '../../protocol/types.ts'
import { HARNESS_FIELDS } from './helpers.ts'

describe('journal formats', () => {
  const fields: ExperimentFields = {
    genesis: 'g',
    author: 'a',
    seq: 3,
    parentHash: 'p'.repeat(64),
    fileHash: 'f'.repeat(64),
    diff: '',
    status: 'crash',
    valBpb: 0,
    trainingSeconds: 0,
    totalSeconds: 1,
    ...HARNESS_FIELDS,
    reason: 'exit-code',
    peakMemMb: 1536,
    tier: 'cpu-2c',
    description: 'LR 0.01 -> 0.02\tweird',
    createdAt: 0,
  }
  it('writes autoresearch columns first, loopnet columns after', () => {
    const line = formatTsvLine({
      fields,
      local: {
        commit: 'abcdef0123',
        parentCommit: '0123456789',
        source: 'builtin',
        logPath: '',
        wallSeconds: 12.34,
      },
    })
    expect(TSV_HEADER.split('\t').slice(0, 5)).toEqual([
      'commit',
      'val_bpb',
      'memory_gb',
      'status',
      'description',
    ])
    expect(line.split('\t')).toEqual([
      'abcdef0',
      '0.000000',
      '1.5',
      'crash',
      'LR 0.01 -> 0.02 weird',
      '0123456',
      'ffffffffffff',
      '12.3',
      '1',
      'cpu-2c',
      'builtin',
      'exit-code',
    ])
  })
})
