/**
 * trainer/harness.py, the trusted harness, against hostile train files: each case is one threat
 * of docs/ARCHITECTURE.md "Trusted measurement" (a forged summary, peeking at future tokens,
 * learning from or caching eval queries, untimed compute, hangs, floods, forks, memory, reading
 * the node's secrets or the docs, writing outside the run dir, the network, the terminal, val
 * text pasted into the file, a symlink as the train file), plus the honest tiny file and the
 * real baseline train.py, which must pass every check. The fixtures are
 * test/fixtures/hostile/base.py with one snippet of that folder spliced in at its `# HOSTILE`
 * marker. Real processes under bubblewrap, no mocks: the harness writes its summary to fd 3,
 * which no child holds, so a summary a child prints on stdout can never pass for the harness's.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { python, repoRoot, runPython, smallSource, trainerDir } from './helpers.ts'

const hostileDir = join(repoRoot, 'test', 'fixtures', 'hostile')
const harness = join(trainerDir, 'harness.py')
const MARKER = '\n# HOSTILE\n'
/** Every run but the baseline's: a one-second budget and a memory bound of its own. */
const COMMON = ['--budget', '1', '--memory-mb', '2048']

let tmp = ''
let cache = ''
let corpus = ''
let dataDir = ''
let valText = ''

interface HarnessResult {
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
function runHarness(
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
async function compose(fixture: string, fills: Record<string, string> = {}): Promise<string> {
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
const slot = limiter(2)

/** What every run must give, whatever its verdict: exit 0, no traceback, a sandboxed run. */
function expectWellFormed(r: HarnessResult, e: typeof expect): void {
  e(r.code).toBe(0)
  e(r.stderr).not.toMatch(/Traceback/)
  e(r.summary.sandbox).toBe('bwrap')
  // the summary goes to fd 3 only: no block of the harness's on stdout (a child may print one)
  e(r.log).not.toMatch(/^(sandbox|probe_max_diff): /m)
  if (r.summary.verdict !== 'ok') e(Number(r.summary.val_bpb)).toBe(0)
}

function expectVerdict(
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

interface Case {
  fixture: string
  args?: string[]
  fills?: () => Record<string, string>
  verdict: 'ok' | 'crash' | 'rejected'
  reason?: string
  check?: (r: HarnessResult, e: typeof expect) => void
}

const noLeak = (r: HarnessResult, e: typeof expect) => e(r.log).not.toMatch(/LEAK/)

const CASES: Case[] = [
  {
    fixture: 'honest',
    verdict: 'ok',
    check: (r, e) => {
      e(Number(r.summary.val_bpb)).toBeGreaterThan(2.5)
      e(Number(r.summary.val_bpb)).toBeLessThan(4.5)
      e(Number(r.summary.probe_max_diff)).toBe(0)
      e(Number(r.summary.training_seconds)).toBeLessThan(1 + 3)
    },
  },
  {
    // the original capture: a summary on stdout and nothing else
    fixture: 'forged_summary',
    verdict: 'crash',
    reason: 'exit-code',
    check: (r, e) => {
      e(r.log).toContain('val_bpb:          0.123456')
      e(r.summary.val_bpb).toBe('0.000000')
    },
  },
  {
    // the contract followed, nothing trained: the harness scores the untrained model itself
    fixture: 'forged_summary_contract',
    verdict: 'ok',
    check: (r, e) => {
      e(r.log).toContain('val_bpb:          0.123456')
      e(Number(r.summary.val_bpb)).toBeGreaterThan(3)
    },
  },
  ...['peek_next', 'peek_some', 'peek_neighbour', 'prefix_cache', 'learns_from_eval'].map(
    (fixture): Case => ({ fixture, verdict: 'rejected', reason: 'non-causal' }),
  ),
  {
    // inside the per-position bound: caught by the mean gain at the probes' boundaries
    fixture: 'peek_tiny',
    verdict: 'rejected',
    reason: 'non-causal',
    check: (r, e) => {
      e(Number(r.summary.probe_max_diff)).toBeLessThan(1e-3)
      e(Number(r.summary.probe_mean_gain)).toBeGreaterThan(2e-4)
    },
  },
  {
    fixture: 'output_flood',
    verdict: 'rejected',
    reason: 'output-flood',
    // the log is capped at 4 MiB of child output (plus the harness's own lines)
    check: (r, e) => e(Buffer.byteLength(r.log)).toBeLessThanOrEqual(4 * 2 ** 20 + 4096),
  },
  {
    fixture: 'docs_lookup',
    verdict: 'ok',
    check: (r, e) => {
      e(r.log).toContain('docs: none')
      noLeak(r, e)
    },
  },
  {
    // killed by the memory bound (SIGKILL: bwrap reports 128 + 9) before it held it all
    fixture: 'memory_hog',
    args: ['--memory-mb', '512'],
    verdict: 'crash',
    reason: 'exit-code',
    check: (r, e) => {
      e(r.summary.detail).toMatch(/status (137|-9)$/)
      noLeak(r, e)
    },
  },
  { fixture: 'nan_logits', verdict: 'rejected', reason: 'malformed-reply' },
  { fixture: 'wrong_shape', verdict: 'rejected', reason: 'malformed-reply' },
  {
    fixture: 'eval_hang',
    args: ['--batch-seconds', '3'],
    verdict: 'rejected',
    reason: 'malformed-reply',
    check: (r, e) => e(r.summary.detail).toMatch(/no reply within 3 s/),
  },
  { fixture: 'nan_loss', verdict: 'crash', reason: 'fail' },
  {
    fixture: 'tiocsti',
    verdict: 'ok',
    check: (r, e) => {
      e(r.log).toContain('tiocsti /dev/tty:')
      noLeak(r, e)
    },
  },
  {
    // a pasted paragraph of the (public) val text, byte for byte in the file
    fixture: 'val_pasted',
    fills: () => ({ VAL_TEXT: `r"""${valText}"""` }),
    verdict: 'rejected',
    reason: 'val-text',
  },
]

describe('harness.py against hostile train files', () => {
  beforeAll(async () => {
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
  })
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })

  const named = CASES.map((c) => ({ ...c, name: `${c.fixture}: ${c.verdict} ${c.reason ?? ''}` }))
  it.concurrent.for(named)('$name', { timeout: 120_000 }, async (c, { expect: e, signal }) => {
    const file = await compose(c.fixture, c.fills?.())
    const r = await slot(() => runHarness(file, [...COMMON, ...(c.args ?? [])], {}, signal))
    expectVerdict(r, c.verdict, c.reason, e)
    c.check?.(r, e)
  })

  it.concurrent('fork_bomb: rejected process-limit, under a process bound that holds as root', {
    timeout: 120_000,
  }, async ({ expect: e, signal }) => {
    const check = await runPython(join(trainerDir, 'sandbox.py'), ['--check'])
    const info = JSON.parse(check.stdout) as { ok: boolean; process_bound: string }
    e(info.ok).toBe(true)
    // the bound must hold before anything forks: RLIMIT_NPROC alone does not bind root
    e(['cgroup', 'uid']).toContain(info.process_bound)
    const file = await compose('fork_bomb')
    const r = await slot(() => runHarness(file, COMMON, {}, signal))
    expectVerdict(r, 'rejected', 'process-limit', e)
  })

  it.concurrent("reads_secrets: the node's key, store, home, val split and env stay out of the sandbox", {
    timeout: 120_000,
  }, async ({ expect: e, signal }) => {
    const node = await mkdtemp(join(tmp, 'node-'))
    const home = join(homedir(), `.loopnet-test-secret-${randomBytes(6).toString('hex')}`)
    const paths = [
      join(node, 'identity.key'),
      home,
      join(dataDir, 'val.npy'),
      join(node, 'store.sqlite'),
    ]
    try {
      await writeFile(paths[0] as string, 'loopnet-secret-identity')
      await writeFile(home, 'loopnet-secret-home')
      await writeFile(paths[3] as string, 'loopnet-secret-store')
      e(existsSync(paths[2] as string)).toBe(true)
      const file = await compose('reads_secrets', { PATHS: JSON.stringify(paths) })
      const r = await slot(() =>
        runHarness(file, COMMON, { OPENAI_API_KEY: 'loopnet-secret-api' }, signal),
      )
      expectVerdict(r, 'ok', undefined, e)
      for (const p of paths) e(r.log).toContain(`read ${p}: `) // it tried each one
      e(r.log).not.toMatch(/LEAK/)
      e(r.log).not.toMatch(/loopnet-secret/)
    } finally {
      await rm(home, { force: true })
    }
  })

  it.concurrent('writes_outside: nothing it writes reaches the host, its run dir included', {
    timeout: 120_000,
  }, async ({ expect: e, signal }) => {
    const id = randomBytes(6).toString('hex')
    const mine = await mkdtemp(join(tmp, 'outside-'))
    const harnessTmp = await mkdtemp(join(tmp, 'harness-tmp-'))
    const paths = [
      join(mine, 'written.txt'),
      join(homedir(), `.loopnet-test-${id}`),
      `/usr/lib/loopnet-test-${id}`,
      `/tmp/loopnet-test-${id}`,
    ]
    const hadRunMany = existsSync('/run/many')
    try {
      const file = await compose('writes_outside', { PATHS: JSON.stringify(paths) })
      const r = await slot(() => runHarness(file, COMMON, { TMPDIR: harnessTmp }, signal))
      expectVerdict(r, 'ok', undefined, e)
      for (const p of paths) e(r.log).toMatch(new RegExp(`(write|wrote) ${p}`))
      e(r.log).toContain('small files: 20000')
      for (const p of paths) e(existsSync(p), p).toBe(false)
      if (!hadRunMany) e(existsSync('/run/many')).toBe(false)
      e(await readdir(harnessTmp)).toEqual([]) // the harness's private copy is gone too
    } finally {
      await Promise.all(paths.map((p) => rm(p, { force: true })))
    }
  })

  it.concurrent("network: a server on the host's loopback gets no connection", {
    timeout: 120_000,
  }, async ({ expect: e, signal }) => {
    let connections = 0
    const server = createServer((s) => {
      connections++
      s.destroy()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const address = server.address()
      if (address === null || typeof address === 'string') throw new Error('no port')
      const file = await compose('network', { PORT: String(address.port) })
      const r = await slot(() => runHarness(file, COMMON, {}, signal))
      expectVerdict(r, 'ok', undefined, e)
      e(r.log).toMatch(/^connect: /m)
      e(r.log).not.toMatch(/LEAK/)
      e(connections).toBe(0)
      // the control: the same port from the host does count
      await new Promise<void>((r, j) => connect(address.port, '127.0.0.1', r).on('error', j))
      await new Promise<void>((r) => (connections > 0 ? r() : server.once('connection', () => r())))
      e(connections).toBe(1)
    } finally {
      await new Promise((r) => server.close(r))
    }
  })

  it.concurrent('a symlink as the train file: rejected unreadable-file, the target never read', {
    timeout: 60_000,
  }, async ({ expect: e, signal }) => {
    // the target is a train file that would print its secret if it ran
    const dir = await mkdtemp(join(tmp, 'link-'))
    const secret = await compose('honest')
    const text = await readFile(secret, 'utf8')
    await writeFile(secret, `${text}\nprint("loopnet-secret-" + "link")  # loopnet-secret-link\n`)
    const link = join(dir, 'train.py')
    await symlink(secret, link)
    const r = await slot(() => runHarness(link, COMMON, {}, signal))
    expectVerdict(r, 'rejected', 'unreadable-file', e)
    for (const out of [r.log, r.stderr, r.raw]) e(out).not.toMatch(/loopnet-secret/)
  })

  // Timed cases, one at a time: each asserts how long the harness took.

  it('untimed_training: compute before begin() is bounded (startup-too-long)', async ({
    signal,
  }) => {
    const file = await compose('untimed_training')
    const r = await runHarness(file, [...COMMON, '--startup-max', '5'], {}, signal)
    expectVerdict(r, 'rejected', 'startup-too-long', expect)
    expect(Number(r.summary.total_seconds)).toBeLessThan(15) // the file computes for 30 s
  })

  it('after_finish: killed at finish(), SIGTERM ignored, the harness returns promptly', async ({
    signal,
  }) => {
    const file = await compose('after_finish')
    const r = await runHarness(file, COMMON, {}, signal)
    expectVerdict(r, 'ok', undefined, expect)
    expect(Number(r.summary.val_bpb)).toBeGreaterThan(2.5)
    expect(r.seconds).toBeLessThan(25) // the file would never stop by itself
  })

  it('hang_after_begin: a crash (timeout) at 2 x budget + 6 s after begin()', async ({
    signal,
  }) => {
    const file = await compose('hang_after_begin')
    const r = await runHarness(file, COMMON, {}, signal)
    expectVerdict(r, 'crash', 'timeout', expect)
    expect(r.summary.detail).toMatch(/no finish\(\) within 8 s of begin\(\)/)
    const afterBegin = Number(r.summary.total_seconds) - Number(r.summary.startup_seconds)
    expect(afterBegin).toBeGreaterThanOrEqual(8)
    expect(afterBegin).toBeLessThan(20)
  })

  it('the baseline trainer/train.py (budget 3) passes every check', { timeout: 120_000 }, async ({
    signal,
  }) => {
    const r = await runHarness(join(trainerDir, 'train.py'), ['--budget', '3'], {}, signal)
    expectVerdict(r, 'ok', undefined, expect)
    const s = r.summary
    expect(Number(s.val_bpb)).toBeGreaterThan(0)
    expect(Number(s.val_bpb)).toBeLessThan(4)
    expect(Number(s.probe_max_diff)).toBeLessThan(1e-3)
    expect(Number(s.probe_mean_gain)).toBeLessThanOrEqual(2e-4)
    expect(Number(s.training_seconds)).toBeLessThanOrEqual(3 + 3)
    expect(Number(s.weights_mb)).toBeGreaterThan(1) // the real model, not the tiny one
  })
})
