/**
 * How the CLI reports a failed command: a usage error (a bad flag, a missing argument) as one
 * line and exit 2, a user error (node/errors.ts: the command could not do what was asked) as
 * one line and exit 1, anything else, a bug, with its stack and exit 1.
 */
import { isUserError } from '../errors.ts'

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2
export const EXIT_INTERRUPTED = 130

/** A flag or argument the command cannot take. */
export class CliUsageError extends Error {
  override name = 'CliUsageError'
}

/** A usage error: any *UsageError, or node's parseArgs errors for unknown or malformed flags. */
export function isUsageError(err: unknown): err is Error {
  if (!(err instanceof Error)) return false
  const code = (err as NodeJS.ErrnoException).code
  return err.name.endsWith('UsageError') || (code?.startsWith('ERR_PARSE_ARGS_') ?? false)
}

export interface Failure {
  exitCode: number
  /** The line to print for the user; undefined for a bug (print the error with its stack). */
  line: string | undefined
}

/** How a command's error surfaces: exit code, and its one line unless it is a bug. */
export function failure(err: unknown): Failure {
  if (isUsageError(err)) return { exitCode: EXIT_USAGE, line: `loopnet: ${err.message}` }
  if (isUserError(err)) return { exitCode: EXIT_FAILURE, line: `loopnet: ${err.message}` }
  return { exitCode: EXIT_FAILURE, line: undefined }
}
