/**
 * In-process tests of node/cli's pure parts: how an error surfaces (exit code, one line or a
 * stack), the data dir's paths, prepare.py's report, and the text helpers of the output.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { execa } from 'execa'
import { describe, expect, it } from 'vitest'
import { BaselineCrashError } from '../../agent/errors.ts'
import { NodeNotRunningError } from '../../node/api/client.ts'
import {
  AmbiguousPrefixError,
  ApiError,
  BadHashError,
  NoDiffError,
  UnknownHashError,
} from '../../node/api/errors.ts'
import { defineCommand } from '../../node/cli/commands.ts'
import { NoNodeDataError, resolveDataDir, STORE_FILE, storePath } from '../../node/cli/data-dir.ts'
import { CliUsageError, EXIT_FAILURE, EXIT_USAGE, failure } from '../../node/cli/errors.ts'
import {
  firstLine,
  oneLine,
  shortAuthor,
  shortHash,
  shortPeer,
  table,
  visibleControls,
} from '../../node/cli/text.ts'
import { PrepareFailedError, parseCorpusInfo } from '../../node/cli/trainer.ts'
import { InvalidIdentityError } from '../../node/p2p/identity.ts'
import { ListenFailedError } from '../../node/p2p/node.ts'
import { FileHashMismatchError, StoreSchemaError } from '../../node/store/store.ts'
import { sha256Hex } from '../../protocol/hash.ts'

const bin = fileURLToPath(new URL('../../bin/loopnet.js', import.meta.url))

function parseArgsError(args: string[]): unknown {
  try {
    parseArgs({ args, options: { json: { type: 'boolean' } } })
  } catch (err) {
    return err
  }
  throw new Error('parseArgs accepted the arguments')
}

describe('how a command error surfaces', () => {
  const userErrors: Error[] = [
    new NodeNotRunningError('no node API answers at http://127.0.0.1:1'),
    new NoNodeDataError('no loopnet data in /x (run `loopnet start` there first)'),
    new PrepareFailedError('prepare.py failed (exit 1); see its output above'),
    new BaselineCrashError('the baseline crashed 3 times in a row: the machine cannot train'),
    new UnknownHashError('no record id or train file hash in /x starts with deadbeef'),
    new AmbiguousPrefixError('deadbeef names 2 records'),
    new BadHashError("'abc' is too short: give at least 8 hex digits"),
    new NoDiffError('file 0123456789ab is a baseline: it has no parent to diff against'),
    new StoreSchemaError('store /x/store.sqlite has schema 9, newer than this loopnet (4)'),
    new InvalidIdentityError('/x/identity.key is not an Ed25519 libp2p private key'),
    new ListenFailedError('cannot listen on /ip4/127.0.0.1/tcp/4001 (EADDRINUSE)'),
  ]

  it.each(userErrors.map((err) => ({ name: err.name, err })))(
    '$name is a user error: one line, exit 1',
    ({ err }) => {
      expect(failure(err)).toEqual({ exitCode: EXIT_FAILURE, line: `loopnet: ${err.message}` })
      expect(failure(err).line?.split('\n')).toHaveLength(1)
    },
  )

  it.each([
    { name: 'CliUsageError', err: new CliUsageError('--rows must be a positive integer') },
    { name: 'unknown flag', err: parseArgsError(['--nope']) },
    { name: 'stray positional', err: parseArgsError(['extra']) },
  ])('$name is a usage error: one line, exit 2', ({ err }) => {
    const { exitCode, line } = failure(err)
    expect(exitCode).toBe(EXIT_USAGE)
    expect(line).toBe(`loopnet: ${(err as Error).message}`)
  })

  it.each([
    { name: 'Error', err: new Error('boom') },
    { name: 'TypeError', err: new TypeError('x is undefined') },
    { name: 'ApiError (an answer the CLI does not know)', err: new ApiError(500, 'oops') },
    { name: 'FileHashMismatchError', err: new FileHashMismatchError('file hashes to a') },
    { name: 'a named look-alike', err: Object.assign(new Error('x'), { name: 'NoDiffError' }) },
    { name: 'a non-Error', err: 'a thrown string' },
  ])('$name is a bug: printed with its stack, exit 1', ({ err }) => {
    expect(failure(err)).toEqual({ exitCode: EXIT_FAILURE, line: undefined })
  })

  it('a store from a newer loopnet is one line from the real CLI', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'loopnet-cli-schema-'))
    const db = new DatabaseSync(storePath(dataDir))
    db.exec('PRAGMA user_version = 999')
    db.close()
    const res = await execa(
      process.execPath,
      ['--no-warnings', bin, 'status', '--data-dir', dataDir],
      { reject: false },
    )
    expect(res.exitCode).toBe(EXIT_FAILURE)
    expect(res.stderr).toMatch(
      /^loopnet: store \S+store\.sqlite has schema 999, newer than this loopnet \(\d+\)$/,
    )
  })
})

describe('a command defined by its flags', () => {
  const seen: unknown[] = []
  const command = defineCommand(
    'usage',
    { json: { type: 'boolean' }, rows: { type: 'string' } },
    async (flags) => {
      seen.push(flags)
      return 0
    },
  )
  it.each([
    { argv: [], flags: {} },
    { argv: ['--json', '--rows', '3'], flags: { json: true, rows: '3' } },
    { argv: ['--rows=5'], flags: { rows: '5' } },
  ])('runs with $argv', async ({ argv, flags }) => {
    expect(await command.run(argv, new AbortController().signal)).toBe(0)
    expect(seen.at(-1)).toEqual(flags)
  })
  it.each([{ argv: ['--nope'] }, { argv: ['stray'] }, { argv: ['--rows'] }])(
    'refuses $argv as a usage error',
    async ({ argv }) => {
      const err = await command.run(argv, new AbortController().signal).catch((e: unknown) => e)
      expect(failure(err).exitCode).toBe(EXIT_USAGE)
    },
  )
})

describe('the data dir', () => {
  it.each([
    { flag: '/a/b', env: { LOOPNET_DATA_DIR: '/c' }, dir: '/a/b' },
    { flag: undefined, env: { LOOPNET_DATA_DIR: '/c' }, dir: '/c' },
    { flag: undefined, env: {}, dir: resolve('.loopnet') },
    { flag: 'rel', env: {}, dir: resolve('rel') },
  ])('--data-dir $flag with $env is $dir', ({ flag, env, dir }) => {
    expect(resolveDataDir(flag, env)).toBe(dir)
    expect(storePath(dir)).toBe(join(dir, STORE_FILE))
  })
})

describe("prepare.py's report", () => {
  const genesis = sha256Hex('g')
  const corpus = sha256Hex('c')
  const report = JSON.stringify({ genesis, corpus_sha256: corpus })
  it.each([
    { name: 'the last line', exit: 0, stdout: `tokenizing...\n${report}\n`, ok: true },
    { name: 'a failed run', exit: 1, stdout: report, ok: false },
    { name: 'a killed run', exit: undefined, stdout: report, ok: false },
    { name: 'no JSON', exit: 0, stdout: 'done\n', ok: false },
    { name: 'JSON null', exit: 0, stdout: 'null', ok: false },
    { name: 'no output', exit: 0, stdout: '', ok: false },
    {
      name: 'a short genesis',
      exit: 0,
      stdout: JSON.stringify({ genesis: 'abc', corpus_sha256: corpus }),
      ok: false,
    },
    { name: 'no corpus hash', exit: 0, stdout: JSON.stringify({ genesis }), ok: false },
  ])('$name', ({ exit, stdout, ok }) => {
    expect(parseCorpusInfo(exit, stdout)).toEqual(
      ok ? { genesis, corpusSha256: corpus } : undefined,
    )
  })
})

describe('text helpers', () => {
  const peer = '12D3KooWAliceAliceAliceAliceAliceAliceAliceAliceAlic'
  it.each([
    { fn: oneLine, input: 'a\tb\nc\u001b[2J\u007f', out: 'a b c [2J ' },
    { fn: firstLine, input: 'first \u001b line\nsecond', out: 'first   line' },
    { fn: firstLine, input: '', out: '' },
    { fn: visibleControls, input: 'a\tb\n\u001b[2J\r', out: 'a\tb\n\\x1b[2J\\x0d' },
    { fn: shortHash, input: sha256Hex('x'), out: sha256Hex('x').slice(0, 12) },
    { fn: shortAuthor, input: peer, out: '12D3Ko…ceAlic' },
    { fn: shortAuthor, input: 'carol\n', out: 'carol ' },
    { fn: shortPeer, input: peer, out: '12D3KooW…ceAlic' },
    { fn: shortPeer, input: 'carol', out: 'carol' },
  ])('$fn.name($input)', ({ fn, input, out }) => {
    expect(fn(input)).toBe(out)
  })

  it('aligns a table: right-aligned columns padded left, no trailing spaces', () => {
    expect(
      table(
        ['rank', 'name', 'note'],
        [
          ['1', 'alice', 'x'],
          ['10', 'bo', 'a longer note'],
        ],
        new Set([0]),
      ),
    ).toEqual(['rank  name   note', '   1  alice  x', '  10  bo     a longer note'])
  })
})
