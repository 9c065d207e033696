/**
 * What the tests of trainer/harness.py share: the small corpus prepared in a temp dir, a run of
 * the harness on a train file with its summary read from fd 3 only, the hostile fixtures
 * (test/fixtures/hostile/base.py with one snippet of that folder spliced in at its `# HOSTILE`
 * marker), and the checks every run's summary must pass.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { python, repoRoot, runPython, smallSource, trainerDir } from '../helpers.ts'

const hostileDir = join(repoRoot, 'test', 'fixtures', 'hostile')
const harness = join(trainerDir, 'harness.py')
const MARKER = '\n# HOSTILE\n'
/** Every run but the baseline's: a one-second budget and a memory bound of its own. */
export const COMMON = ['--budget', '1', '--memory-mb', '2048']

// Set by setUpRuns (each test file's beforeAll); importers read them as live bindings.
export let tmp = ''
let cache = ''
let corpus = ''
export let dataDir = ''
export let valText = ''

/** Prepares the small corpus in a fresh temp dir and reads ~300 bytes of its val text. */
export async function setUpRuns(): Promise<void> {
  tmp = await mkdtemp(join(tmpdir(), 'loopnet-harness-test-'))
  cache = join(tmp, 'cache')
  const r = await runPython(join(trainerDir, 'prepare.py'), ['--source', smallSource, '--json'], {
    env: { LOOPNET_CACHE: cache },
  })
  expect(r.code, r.stderr).toBe(0)
  const info = JSON.parse(r.stdout) as { corpus_sha256: string; data_dir: string }
  corpus = info.corpus_sha256
  dataDir = info.data_dir
  // ~300 bytes of whole lines of the val split, decoded from its tokens
  const script = [
    'import sys, prepare, numpy as np',
    'tr, val, tb, meta = prepare.load_data(sys.argv[1])',
    "vocab = prepare.vocab_bytes(np.load(sys.argv[2] + '/merges.npy'))",
    "text = b''.join(vocab[i] for i in val[1000:1120].tolist()).decode('utf-8', 'replace')",
    "sys.stdout.write(text[text.index('\\n') + 1 : text.rindex('\\n') + 1])",
  ].join('\n')
  const v = await runPython('-c', [script, corpus, dataDir], { env: { LOOPNET_CACHE: cache } })
  expect(v.code, v.stderr).toBe(0)
  valText = v.stdout
  expect(Buffer.byteLength(valText)).toBeGreaterThan(250)
  // a raw triple-quoted literal keeps the text's bytes exactly as they are in val
  expect(valText).not.toMatch(/"""|\\|\r|\uFFFD/)
}

export async function tearDownRuns(): Promise<void> {
  if (tmp) await rm(tmp, { recursive: true, force: true })
}

export interface HarnessResult {
  code: number | null
  /** The run's log: the children's output and the harness's own lines (stdout). */
  log: string
  stderr: string
  /** The harness's summary block, read from fd 3 only. */
  raw: string
  summary: Record<string, string>
  seconds: number
}

/** Strictly parses the block on fd 3: '---', then `key:` padded to column 18 and its value. */
function parseSummary(raw: string): Record<string, string> {
  const lines = raw.trimEnd().split('\n')
  if (lines[0] !== '---') throw new Error(`the summary on fd 3 does not start with '---': ${raw}`)
  const out: Record<string, string> = {}
  for (const line of lines.slice(1)) {
    const m = /^([a-z_A-Z]+):$/.exec(line.slice(0, 18).trimEnd())
    if (!m?.[1] || line.length <= 18) throw new Error(`bad summary line '${line}'`)
    out[m[1]] = line.slice(18)
  }
  return out
}

/** Runs the harness on a train file; resolves when it exits (no sleeps, no polling). */
export function runHarness(
  trainFile: string,
  args: string[],
  env: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<HarnessResult> {
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(
      python,
      [harness, trainFile, '--corpus', corpus, '--summary-fd', '3', ...args],
      {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: homedir(),
          LOOPNET_CACHE: cache,
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
        signal,
      },
    )
    const chunks: Record<'log' | 'stderr' | 'raw', Buffer[]> = { log: [], stderr: [], raw: [] }
    child.stdout?.on('data', (d: Buffer) => chunks.log.push(d))
    child.stderr?.on('data', (d: Buffer) => chunks.stderr.push(d))
    child.stdio[3]?.on('data', (d: Buffer) => chunks.raw.push(d))
    child.on('error', reject)
    child.on('close', (code) => {
      const [log, stderr, raw] = [chunks.log, chunks.stderr, chunks.raw].map((c) =>
        Buffer.concat(c).toString('utf8'),
      ) as [string, string, string]
      try {
        const summary = parseSummary(raw)
        resolve({ code, log, stderr, raw, summary, seconds: (performance.now() - t0) / 1000 })
      } catch (e) {
        reject(
          new Error(`${(e as Error).message}\nlog tail: ${log.slice(-2000)}\nstderr: ${stderr}`),
        )
      }
    })
  })
}

/** base.py with one snippet spliced in at its marker, its {{PLACEHOLDERS}} filled. */
export async function compose(
  fixture: string,
  fills: Record<string, string> = {},
): Promise<string> {
  const base = await readFile(join(hostileDir, 'base.py'), 'utf8')
  let snippet = await readFile(join(hostileDir, `${fixture}.py`), 'utf8')
  for (const [key, value] of Object.entries(fills))
    snippet = snippet.replaceAll(`{{${key}}}`, value)
  expect(snippet).not.toMatch(/\{\{[A-Z_]+\}\}/)
  expect(base.split(MARKER)).toHaveLength(2)
  const file = join(tmp, `${fixture}-${randomBytes(4).toString('hex')}.py`)
  await writeFile(file, base.replace(MARKER, `\n${snippet}\n`))
  return file
}

/** At most `n` harness runs at once (the machine has two cores), whatever vitest starts. */
function limiter(n: number) {
  let active = 0
  const waiting: (() => void)[] = []
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    while (active >= n) await new Promise<void>((r) => waiting.push(r))
    active++
    try {
      return await fn()
    } finally {
      active--
      waiting.shift()?.()
    }
  }
}
export const slot = limiter(2)

/** What every run must give, whatever its verdict: exit 0, no traceback, a sandboxed run. */
function expectWellFormed(r: HarnessResult, e: typeof expect): void {
  e(r.code).toBe(0)
  e(r.stderr).not.toMatch(/Traceback/)
  e(r.summary.sandbox).toBe('bwrap')
  // the summary goes to fd 3 only: no block of the harness's on stdout (a child may print one)
  e(r.log).not.toMatch(/^(sandbox|probe_max_diff): /m)
  if (r.summary.verdict !== 'ok') e(Number(r.summary.val_bpb)).toBe(0)
}

export function expectVerdict(
  r: HarnessResult,
  verdict: string,
  reason: string | undefined,
  e: typeof expect,
) {
  const got = { verdict: r.summary.verdict, reason: r.summary.reason }
  const detail = `detail: ${r.summary.detail}\nlog tail: ${r.log.slice(-1500)}`
  e(got, detail).toEqual({ verdict, reason })
  expectWellFormed(r, e)
}

export interface Case {
  fixture: string
  args?: string[]
  fills?: () => Record<string, string>
  verdict: 'ok' | 'crash' | 'rejected'
  reason?: string
  check?: (r: HarnessResult, e: typeof expect) => void
}

/** One concurrent test per case: the fixture composed, run with COMMON and its args, checked. */
export function testCases(cases: Case[]): void {
  const named = cases.map((c) => ({ ...c, name: `${c.fixture}: ${c.verdict} ${c.reason ?? ''}` }))
  it.concurrent.for(named)('$name', { timeout: 120_000 }, async (c, { expect: e, signal }) => {
    const file = await compose(c.fixture, c.fills?.())
    const r = await slot(() => runHarness(file, [...COMMON, ...(c.args ?? [])], {}, signal))
    expectVerdict(r, c.verdict, c.reason, e)
    c.check?.(r, e)
  })
}
