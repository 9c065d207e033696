/** agent/trailers.ts: a commit message with its metrics as git trailers, and reading them back. */
import { describe, expect, it } from 'vitest'
import { formatCommitMessage, parseTrailers } from '../../agent/trailers.ts'

describe('trailers', () => {
  it('puts metrics in parseable trailers', () => {
    const msg = formatCommitMessage('LR 0.01 -> 0.02\n', { Status: 'keep', 'Val-Bpb': '1.234567' })
    expect(msg.split('\n')[0]).toBe('LR 0.01 -> 0.02')
    expect(parseTrailers(msg)).toEqual({ Status: 'keep', 'Val-Bpb': '1.234567' })
  })
})
