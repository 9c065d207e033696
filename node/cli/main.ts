/**
 * The `loopnet` entry point. The only place that decides exit codes and how errors print:
 * user errors (CliUsageError and friends, see isUserError) as one line, bugs with a stack.
 */
import { readFileSync } from 'node:fs'
import { commands } from './commands.ts'

const EXIT_OK = 0
const EXIT_FAILURE = 1
const EXIT_USAGE = 2
const EXIT_INTERRUPTED = 130

/**
 * Error classes whose message is meant for the user, by name (checked by name, not instanceof):
 * the command could not do what was asked (exit 1). Usage errors (*UsageError, and node's
 * parseArgs errors for unknown or malformed flags) exit 2.
 */
const USER_ERROR_NAMES = new Set([
  'ConfigError',
  'CorpusError',
  'NodeNotRunningError',
  'NoNodeDataError',
  'PrepareFailedError',
  'BaselineCrashError',
  'UnknownHashError',
  'AmbiguousPrefixError',
  'BadHashError',
  'NoDiffError',
  'StoreSchemaError',
  'InvalidIdentityError',
  'ListenFailedError',
])

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  return pkg.version as string
}

function help(): string {
  const lines = ['Usage: loopnet <command> [options]', '', 'Commands:']
  for (const [name, entry] of Object.entries(commands)) {
    lines.push(`  ${name.padEnd(12)} ${entry.summary}`)
  }
  lines.push('', 'Options:', '  --help       show help', '  --version    print the version')
  lines.push('', 'Run `loopnet <command> --help` for the options of a command.')
  return lines.join('\n')
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help())
    return name === undefined ? EXIT_USAGE : EXIT_OK
  }
  if (name === '--version' || name === '-v') {
    console.log(version())
    return EXIT_OK
  }
  const entry = commands[name]
  if (entry === undefined) {
    console.error(`loopnet: unknown command '${name}' (see loopnet --help)`)
    return EXIT_USAGE
  }
  const command = await entry.load()
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage)
    return EXIT_OK
  }
  const controller = new AbortController()
  let interrupted = false
  const onSignal = (): void => {
    if (interrupted) process.exit(EXIT_INTERRUPTED) // a second ^C means "now"
    interrupted = true
    controller.abort(new Error('interrupted'))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    // a command stopped by the first ^C or a SIGTERM says itself how that went (start: 0)
    return await command.run(rest, controller.signal)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

function isUsageError(err: unknown): err is Error {
  if (!(err instanceof Error)) return false
  const code = (err as NodeJS.ErrnoException).code
  return err.name.endsWith('UsageError') || (code?.startsWith('ERR_PARSE_ARGS_') ?? false)
}

function isUserError(err: unknown): err is Error {
  return err instanceof Error && USER_ERROR_NAMES.has(err.name)
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    if (isUsageError(err)) {
      console.error(`loopnet: ${err.message}`)
      process.exitCode = EXIT_USAGE
    } else if (isUserError(err)) {
      console.error(`loopnet: ${err.message}`)
      process.exitCode = EXIT_FAILURE
    } else {
      console.error(err)
      process.exitCode = EXIT_FAILURE
    }
  },
)
