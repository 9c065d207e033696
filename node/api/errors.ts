/**
 * The API's answers other than 200, as named errors. A NodeApi method throws them, the routing
 * table turns them into {error: <name>, message} with their status, and the CLI turns such a
 * body back into the same class (errorFromAnswer), whether it asked a running node or answered
 * in-process over the store.
 */
import { ApiAnswerError } from './server.ts'

/** No record, or no train file, matches an id or hash (prefix). */
export class UnknownHashError extends ApiAnswerError {
  override name = 'UnknownHashError'
  readonly status = 404
}

/** A prefix matches more than one record id or file hash. */
export class AmbiguousPrefixError extends ApiAnswerError {
  override name = 'AmbiguousPrefixError'
  readonly status = 409
}

/** Not a hex id/hash, or a prefix shorter than MIN_PREFIX. */
export class BadHashError extends ApiAnswerError {
  override name = 'BadHashError'
  readonly status = 400
}

/** The file is known but no diff can be shown: a baseline, only re-measures, a missing parent. */
export class NoDiffError extends ApiAnswerError {
  override name = 'NoDiffError'
  readonly status = 404
}

/** Any other non-200 answer of the node API. */
export class ApiError extends Error {
  override name = 'ApiError'
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

const KNOWN: Record<string, new (message: string) => Error> = {
  UnknownHashError,
  AmbiguousPrefixError,
  BadHashError,
  NoDiffError,
}

/** The error an answer's {error, message} body names (ApiError for a name not known here). */
export function errorFromAnswer(status: number, body: unknown): Error {
  const { error, message } = (body ?? {}) as { error?: unknown; message?: unknown }
  const text = typeof message === 'string' ? message : `node API answered ${status}`
  const known = typeof error === 'string' ? KNOWN[error] : undefined
  return known === undefined ? new ApiError(status, text) : new known(text)
}
