/**
 * The shape of `show` and `diff`: one positional (an id or hash), --json, --data-dir; the
 * answer printed as JSON, or as text that may hold a peer's bytes.
 */
import { parseArgs } from 'node:util'
import type { Command } from './commands.ts'
import { resolveDataDir } from './data-dir.ts'
import { CliUsageError } from './errors.ts'
import { visibleControls } from './text.ts'

export interface OneQuery {
  query: string
  dataDir: string
  json: boolean
}

/** Parses argv; `what` names the positional in the usage error ("one train file hash"). */
export function parseOneQuery(argv: string[], command: string, what: string): OneQuery {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, 'data-dir': { type: 'string' } },
  })
  const [query, ...extra] = positionals
  if (query === undefined || extra.length > 0)
    throw new CliUsageError(`${command} takes ${what} (see loopnet ${command} --help)`)
  return { query, dataDir: resolveDataDir(values['data-dir']), json: values.json === true }
}

export interface OneQueryCommand<T> {
  usage: string
  command: string
  /** The positional, for the usage error ("one train file hash"). */
  what: string
  answer(dataDir: string, query: string, signal: AbortSignal): Promise<T>
  /** The answer as text, newline-terminated. */
  text(answer: T): string
}

/**
 * A command of this shape: --json prints the answer as one JSON line; else its text, control
 * characters other than newline and tab shown as \xNN on a terminal (a peer's diff or file could
 * rewrite the screen) and byte for byte when piped (diff | patch).
 */
export function oneQueryCommand<T>(spec: OneQueryCommand<T>): Command {
  return {
    usage: spec.usage,
    async run(argv, signal) {
      const { query, dataDir, json } = parseOneQuery(argv, spec.command, spec.what)
      const answer = await spec.answer(dataDir, query, signal)
      if (json) console.log(JSON.stringify(answer))
      else {
        const text = spec.text(answer)
        process.stdout.write(process.stdout.isTTY ? visibleControls(text) : text)
      }
      return 0
    },
  }
}
