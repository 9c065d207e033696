/**
 * One error class per failure mode, each with a stable `name` that callers check (never
 * instanceof across module copies). Proposal errors carry a `kind` for journals and events.
 */

/** Why a proposal was refused before it ever ran. */
export type RejectionKind =
  | 'empty-reply'
  | 'unparseable-reply'
  | 'edit-not-applied'
  | 'wrong-file'
  | 'compile-error'
  | 'no-change'
  | 'duplicate'
  | 'request-failed'
  | 'request-timeout'

export class ProposalRejectedError extends Error {
  override name = 'ProposalRejectedError'
  readonly kind: RejectionKind
  constructor(kind: RejectionKind, message: string) {
    super(message)
    this.kind = kind
  }
}

export class EmptyReplyError extends ProposalRejectedError {
  override name = 'EmptyReplyError'
  constructor(message = 'the reply holds no code block and no SEARCH/REPLACE edit') {
    super('empty-reply', message)
  }
}

export class UnparseableReplyError extends ProposalRejectedError {
  override name = 'UnparseableReplyError'
  constructor(message: string) {
    super('unparseable-reply', message)
  }
}

export class EditNotAppliedError extends ProposalRejectedError {
  override name = 'EditNotAppliedError'
  constructor(message: string) {
    super('edit-not-applied', message)
  }
}

export class WrongFileError extends ProposalRejectedError {
  override name = 'WrongFileError'
  constructor(file: string, trainFile: string) {
    super('wrong-file', `the reply edits ${file}; only ${trainFile} may be changed`)
  }
}

export class CompileError extends ProposalRejectedError {
  override name = 'CompileError'
  constructor(message: string) {
    super('compile-error', message)
  }
}

export class NoChangeError extends ProposalRejectedError {
  override name = 'NoChangeError'
  constructor(message = 'the proposed file is identical to its parent') {
    super('no-change', message)
  }
}

export class DuplicateProposalError extends ProposalRejectedError {
  override name = 'DuplicateProposalError'
  constructor(message = 'this exact file was already tried on this parent') {
    super('duplicate', message)
  }
}

export class LlmRequestError extends ProposalRejectedError {
  override name = 'LlmRequestError'
  constructor(message: string) {
    super('request-failed', message)
  }
}

export class LlmTimeoutError extends ProposalRejectedError {
  override name = 'LlmTimeoutError'
  constructor(ms: number) {
    super('request-timeout', `the model did not answer within ${ms} ms`)
  }
}

/** The LLM proposer gave up after its bounded retries; the loop moves on (falls back). */
export class ProposalFailedError extends Error {
  override name = 'ProposalFailedError'
  readonly attempts: ProposalRejectedError[]
  constructor(attempts: ProposalRejectedError[]) {
    const last = attempts.at(-1)
    super(`no valid proposal after ${attempts.length} attempts${last ? `: ${last.message}` : ''}`)
    this.attempts = attempts
  }
}

/** The built-in proposer found no untried single or paired mutation on this parent. */
export class ProposalsExhaustedError extends Error {
  override name = 'ProposalsExhaustedError'
}

/** The unmodified baseline keeps crashing: the machine cannot train, no edit can fix that. */
export class BaselineCrashError extends Error {
  override name = 'BaselineCrashError'
  /** For the user, not a bug: the CLI prints it as one line (node/errors.ts isUserError). */
  readonly userFacing = true
}

/** The git workspace is not in a state the loop can work from. */
export class WorkspaceError extends Error {
  override name = 'WorkspaceError'
}

export function isAbortError(err: unknown): boolean {
  return (
    err instanceof Error &&
    (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR')
  )
}
