/**
 * Errors whose message is for the person running loopnet: the command could not do what was
 * asked (no data dir, a port in use, a store from a newer loopnet). The CLI prints them as one
 * line and exits 1; any other error is a bug and prints its stack (node/cli/errors.ts).
 *
 * Checked by a property, not by class or name: classes that extend another base (the API's
 * answers) or live where node/ cannot be imported (agent/errors.ts BaselineCrashError) set
 * `userFacing = true` themselves.
 */
export class UserError extends Error {
  readonly userFacing = true
}

export function isUserError(err: unknown): err is Error {
  return err instanceof Error && (err as { userFacing?: unknown }).userFacing === true
}
