/**
 * Errors the user caused (a bad flag, a missing file). The CLI entry prints their message as one
 * line and exits non-zero; any other error is a bug and prints its stack.
 */
export class CliUsageError extends Error {
  override name = 'CliUsageError'
}
