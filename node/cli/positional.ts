/**
 * The argument shape of `show` and `diff`: one positional (an id or hash), --json, --data-dir.
 */
import { parseArgs } from 'node:util'
import { resolveDataDir } from './data-dir.ts'
import { CliUsageError } from './errors.ts'

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
