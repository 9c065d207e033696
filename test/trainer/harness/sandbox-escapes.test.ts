/**
 * trainer/harness.py, the trusted harness, against train files that try to escape its sandbox
 * or its bounds: each case is one threat of docs/ARCHITECTURE.md "Trusted measurement" (floods,
 * forks, memory, reading the node's secrets or the docs, writing outside the run dir, the
 * network, the terminal, a symlink as the train file). Real processes under bubblewrap, no
 * mocks. Cheats of the measurement itself: measurement-cheats.test.ts.
 */

import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, type expect, it } from 'vitest'
import { runPython, trainerDir } from '../helpers.ts'
import {
  type Case,
  COMMON,
  compose,
  dataDir,
  expectVerdict,
  type HarnessResult,
  runHarness,
  setUpRuns,
  slot,
  tearDownRuns,
  testCases,
  tmp,
} from './helpers.ts'

const noLeak = (r: HarnessResult, e: typeof expect) => e(r.log).not.toMatch(/LEAK/)

const CASES: Case[] = [
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
  {
    // the same in the eval process: killed there, the run's own failure, not a broken rule
    fixture: 'eval_memory_hog',
    args: ['--memory-mb', '1024'],
    verdict: 'crash',
    reason: 'eval-killed',
  },
  {
    fixture: 'tiocsti',
    verdict: 'ok',
    check: (r, e) => {
      e(r.log).toContain('tiocsti /dev/tty:')
      noLeak(r, e)
    },
  },
]

describe('harness.py against train files that try to escape the sandbox', () => {
  beforeAll(setUpRuns)
  afterAll(tearDownRuns)

  testCases(CASES)

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

  it.concurrent('pickle_weights: a pickle in the weights never runs outside a sandbox', {
    timeout: 120_000,
  }, async ({ expect: e, signal }) => {
    const marker = join(tmp, `unpickled-${randomBytes(6).toString('hex')}`)
    const file = await compose('pickle_weights', { MARKER: JSON.stringify(marker) })
    const r = await slot(() => runHarness(file, COMMON, {}, signal))
    // the eval sandbox loads them (the command runs there, or fails there); then nothing loads
    e(r.summary.verdict).not.toBe('ok')
    e(existsSync(marker), 'the command ran on the host').toBe(false)
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
})
