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

type RejectionClass<A extends unknown[]> = new (...args: A) => ProposalRejectedError

/**
 * A ProposalRejectedError of one kind whose class and instances are named `name` (the name
 * callers check); its message is `message` of the constructor's arguments.
 */
function rejection<A extends unknown[]>(
  name: string,
  kind: RejectionKind,
  message: (...args: A) => string,
): RejectionClass<A> {
  const Rejection = class extends ProposalRejectedError {
    constructor(...args: A) {
      super(kind, message(...args))
      this.name = name
    }
  }
  Object.defineProperty(Rejection, 'name', { value: name })
  return Rejection
}

const given = (message: string): string => message
const givenOr =
  (fallback: string) =>
  (message?: string): string =>
    message ?? fallback

export const EmptyReplyError = rejection(
  'EmptyReplyError',
  'empty-reply',
  givenOr('the reply holds no code block and no SEARCH/REPLACE edit'),
)
export const UnparseableReplyError = rejection('UnparseableReplyError', 'unparseable-reply', given)
export const EditNotAppliedError = rejection('EditNotAppliedError', 'edit-not-applied', given)
export const WrongFileError = rejection(
  'WrongFileError',
  'wrong-file',
  (file: string, trainFile: string) => `the reply edits ${file}; only ${trainFile} may be changed`,
)
export const CompileError = rejection('CompileError', 'compile-error', given)
export const NoChangeError = rejection(
  'NoChangeError',
  'no-change',
  givenOr('the proposed file is identical to its parent'),
)
export const DuplicateProposalError = rejection(
  'DuplicateProposalError',
  'duplicate',
  givenOr('this exact file was already tried on this parent'),
)
export const LlmRequestError = rejection('LlmRequestError', 'request-failed', given)
export const LlmTimeoutError = rejection(
  'LlmTimeoutError',
  'request-timeout',
  (ms: number) => `the model did not answer within ${ms} ms`,
)

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
