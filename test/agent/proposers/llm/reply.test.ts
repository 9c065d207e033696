/** agent/proposers/llm/reply.ts: SEARCH/REPLACE edits or a whole file from a model's reply. */
import { describe, expect, it } from 'vitest'
import {
  applyEdits,
  applyReply,
  parseDescription,
  parseReply,
} from '../../../../agent/proposers/llm/reply.ts'
import { baseline as fixtureTrain } from '../../helpers.ts'

describe('parseReply / applyEdits', () => {
  const parent = fixtureTrain
  it('applies SEARCH/REPLACE edits and reads the description', () => {
    const reply = `Some thoughts.\nDESCRIPTION: raise the learning rate\n\ntrain.py\n<<<<<<< SEARCH\nLR = 0.01  # learning rate; the optimum is 0.02\n=======\nLR = 0.02  # learning rate; the optimum is 0.02\n>>>>>>> REPLACE\n`
    const parsed = parseReply(reply)
    expect(parsed.description).toBe('raise the learning rate')
    expect(applyReply(parent, parsed)).toBe(parent.replace('LR = 0.01', 'LR = 0.02'))
  })
  it('takes a whole file from a python block', () => {
    const text = parent.replace('WIDTH = 64', 'WIDTH = 96')
    const parsed = parseReply(`DESCRIPTION: wider\n\`\`\`python\n${text}\`\`\`\n`)
    expect(applyReply(parent, parsed)).toBe(text)
  })
  it.each([
    { name: 'empty', reply: '   ', error: 'EmptyReplyError' },
    { name: 'prose only', reply: 'I think we should raise the LR.', error: 'EmptyReplyError' },
    { name: 'other file', reply: 'prepare.py\n```python\nx = 1\n```', error: 'WrongFileError' },
    {
      name: 'other file in fence',
      reply: '```python prepare.py\nx = 1\n```',
      error: 'WrongFileError',
    },
    {
      name: 'other file edit',
      reply: 'prepare.py\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE',
      error: 'WrongFileError',
    },
    {
      name: 'unclosed edit',
      reply: '<<<<<<< SEARCH\na\n=======\nb\n',
      error: 'UnparseableReplyError',
    },
  ])('$name -> $error', ({ reply, error }) => {
    expect(() => applyReply(parent, parseReply(reply))).toThrow(
      expect.objectContaining({ name: error }),
    )
  })
  it('rejects edits that do not apply, and fragments posing as files', () => {
    expect(() => applyEdits(parent, [{ search: 'LR = 0.5', replace: 'LR = 1' }])).toThrow(
      expect.objectContaining({ name: 'EditNotAppliedError', kind: 'edit-not-applied' }),
    )
    expect(() => applyEdits('a\nb\na\n', [{ search: 'a', replace: 'c' }])).toThrow(/occurs 2 times/)
    expect(applyEdits('x = 1   \ny = 2\n', [{ search: 'x = 1\ny = 2', replace: 'x = 3' }])).toBe(
      'x = 3\n',
    )
    expect(() => applyReply(parent, parseReply('```python\nLR = 0.02\n```'))).toThrow(
      expect.objectContaining({ name: 'UnparseableReplyError' }),
    )
  })
  it('bounds the description to one line', () => {
    expect(parseDescription(`**DESCRIPTION:** ${'x'.repeat(500)}`)).toHaveLength(200)
    expect(parseDescription('```python\nx\n```')).toBe('edit by the model')
  })
})
