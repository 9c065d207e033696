/** agent/validate.ts: re-applying a proposal to a parent that moved. */
import { describe, expect, it } from 'vitest'
import { rebaseProposal } from '../../agent/validate.ts'
import { baseline as fixtureTrain } from './helpers.ts'

describe('rebaseProposal', () => {
  it('re-applies a change to a parent that moved elsewhere, or gives up', () => {
    const proposal = {
      text: fixtureTrain.replace('WIDTH = 64', 'WIDTH = 128'),
      fileHash: '',
      description: 'wider',
      source: 'llm',
      parentText: fixtureTrain,
    }
    const moved = fixtureTrain.replace('LR = 0.01', 'LR = 0.02')
    expect(rebaseProposal(proposal, moved)?.text).toBe(moved.replace('WIDTH = 64', 'WIDTH = 128'))
    const clash = fixtureTrain.replace('WIDTH = 64', 'WIDTH = 32')
    expect(rebaseProposal(proposal, clash)).toBeUndefined()
  })
})
