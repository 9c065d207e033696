/** agent/errors.ts: the proposal rejections, each a named class with its kind and message. */
import { describe, expect, it } from 'vitest'
import {
  CompileError,
  DuplicateProposalError,
  EditNotAppliedError,
  EmptyReplyError,
  LlmRequestError,
  LlmTimeoutError,
  NoChangeError,
  ProposalRejectedError,
  UnparseableReplyError,
  WrongFileError,
} from '../../agent/errors.ts'

describe('proposal rejections', () => {
  it.each([
    {
      err: new EmptyReplyError(),
      name: 'EmptyReplyError',
      kind: 'empty-reply',
      message: 'the reply holds no code block and no SEARCH/REPLACE edit',
    },
    {
      err: new EmptyReplyError('the reply is empty'),
      name: 'EmptyReplyError',
      kind: 'empty-reply',
      message: 'the reply is empty',
    },
    {
      err: new UnparseableReplyError('two files'),
      name: 'UnparseableReplyError',
      kind: 'unparseable-reply',
      message: 'two files',
    },
    {
      err: new EditNotAppliedError('no match'),
      name: 'EditNotAppliedError',
      kind: 'edit-not-applied',
      message: 'no match',
    },
    {
      err: new WrongFileError('prepare.py', 'train.py'),
      name: 'WrongFileError',
      kind: 'wrong-file',
      message: 'the reply edits prepare.py; only train.py may be changed',
    },
    {
      err: new CompileError('line 3'),
      name: 'CompileError',
      kind: 'compile-error',
      message: 'line 3',
    },
    {
      err: new NoChangeError(),
      name: 'NoChangeError',
      kind: 'no-change',
      message: 'the proposed file is identical to its parent',
    },
    {
      err: new DuplicateProposalError(),
      name: 'DuplicateProposalError',
      kind: 'duplicate',
      message: 'this exact file was already tried on this parent',
    },
    {
      err: new LlmRequestError('503'),
      name: 'LlmRequestError',
      kind: 'request-failed',
      message: '503',
    },
    {
      err: new LlmTimeoutError(1500),
      name: 'LlmTimeoutError',
      kind: 'request-timeout',
      message: 'the model did not answer within 1500 ms',
    },
  ])('$name ($kind): $message', ({ err, name, kind, message }) => {
    expect(err).toBeInstanceOf(ProposalRejectedError)
    expect(err).toBeInstanceOf(Error)
    expect({ name: err.name, kind: err.kind, message: err.message }).toEqual({
      name,
      kind,
      message,
    })
    expect(err.constructor.name).toBe(name)
    expect(err.stack?.split('\n')[0]).toBe(`${name}: ${message}`)
  })
})
