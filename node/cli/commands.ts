/**
 * The command table. Each command lives in its own file under commands/ and is imported lazily,
 * so `loopnet --help` does not pay for loading libp2p, sqlite or the trainer glue.
 */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util'

export interface Command {
  /** Full usage text for `loopnet <command> --help`. */
  usage: string
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[], signal: AbortSignal): Promise<number>
}

/** The flags parseArgs makes of argv with these options. */
export type ParsedFlags<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O }>
>['values']

/**
 * A command whose argv parseArgs reads with `options`: an unknown or malformed flag, or any
 * positional, is a usage error. `run` gets the flags.
 */
export function defineCommand<const O extends ParseArgsOptionsConfig>(
  usage: string,
  options: O,
  run: (flags: ParsedFlags<O>, signal: AbortSignal) => Promise<number>,
): Command {
  return {
    usage,
    run: async (argv, signal) => run(parseArgs({ args: argv, options }).values, signal),
  }
}

export interface CommandEntry {
  /** One line for `loopnet --help` (here, so help imports no command). */
  summary: string
  load: () => Promise<Command>
}

export const commands: Record<string, CommandEntry> = {
  start: {
    summary: 'run the experiment loop on this node, in a new swarm or one it joins',
    load: async () => (await import('./commands/start.ts')).default,
  },
  status: {
    summary: "show this node's best result, counts and current run",
    load: async () => (await import('./commands/status.ts')).default,
  },
  leaderboard: {
    summary:
      "show the swarm's leaderboard per tier and budget, the best file's lineage and per-node counts",
    load: async () => (await import('./commands/leaderboard.ts')).default,
  },
  show: {
    summary: 'show an experiment record by id, or a train file by hash',
    load: async () => (await import('./commands/show.ts')).default,
  },
  diff: {
    summary: 'print the diff that produced a train file from its parent',
    load: async () => (await import('./commands/diff.ts')).default,
  },
  train: {
    summary: 'prepare data and run one training run of the baseline',
    load: async () => (await import('./commands/train.ts')).default,
  },
}
