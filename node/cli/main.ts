/**
 * The `loopnet` entry point. The only place that prints a command's error, as errors.ts
 * failure() says: usage and user errors as one line, bugs with a stack.
 */
import { readFileSync } from 'node:fs'
import { commands } from './commands.ts'
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, failure } from './errors.ts'

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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    const { exitCode, line } = failure(err)
    console.error(line ?? err)
    process.exitCode = exitCode
  },
)
