/**
 * The command table. Each command lives in its own file under commands/ and is imported lazily,
 * so `loopnet --help` does not pay for loading libp2p, sqlite or the trainer glue.
 */
export interface Command {
  /** One line for `loopnet --help`. */
  summary: string
  /** Full usage text for `loopnet <command> --help`. */
  usage: string
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[], signal: AbortSignal): Promise<number>
}

export const commands: Record<string, () => Promise<Command>> = {
  train: async () => (await import('./commands/train.ts')).default,
  start: async () => (await import('./commands/start.ts')).default,
  status: async () => (await import('./commands/status.ts')).default,
  leaderboard: async () => (await import('./commands/leaderboard.ts')).default,
  show: async () => (await import('./commands/show.ts')).default,
  diff: async () => (await import('./commands/diff.ts')).default,
}
