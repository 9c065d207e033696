/** protocol/errors.ts: gossipVerdict for what is no record error. */
import { describe, expect, it } from 'vitest'
import { gossipVerdict } from '../../protocol/index.ts'

describe('gossipVerdict', () => {
  it('maps errors that are not record errors (our bugs) to ignore', () => {
    expect(gossipVerdict(new TypeError('bug'))).toBe('ignore')
  })
})
