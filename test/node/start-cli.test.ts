/**
 * `loopnet start` and `loopnet status` as real processes: a short run of the real trainer, a
 * clean SIGTERM mid-run, and a SIGKILL mid-run followed by a resume that loses nothing and
 * repairs results.tsv and git from the store.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa, type ResultPromise } from 'execa'
import { simpleGit } from 'simple-git'
import { afterEach, describe, expect, it } from 'vitest'
import { Store } from '../../node/store/store.ts'
import { startScriptedServer } from '../fixtures/agent/openai-server.ts'
import { runPython, smallSource, trainerDir } from '../trainer/helpers.ts'

const bin = fileURLToPath(new URL('../../bin/loopnet.js', import.meta.url))
const fixtureTrainer = fileURLToPath(new URL('../fixtures/agent/trainer', import.meta.url))
const children: ResultPromise[] = []

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL')
})

interface Event {
  event: string
  [key: string]: unknown
}

/** A `loopnet start --json` process whose events can be awaited (never slept on). */
function start(args: string[], env: Record<string, string> = {}) {
  const child = execa(process.execPath, ['--no-warnings', bin, 'start', '--json', ...args], {
    env,
    reject: false,
    buffer: { stdout: false, stderr: true },
  })
  children.push(child)
  const events: Event[] = []
  const waiters: Array<{ match: (e: Event) => boolean; resolve: (e: Event) => void }> = []
  let partial = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) {
      if (line.trim() === '') continue
      const e = JSON.parse(line) as Event
      events.push(e)
      for (const w of [...waiters])
        if (w.match(e)) waiters.splice(waiters.indexOf(w), 1) && w.resolve(e)
    }
  })
  const next = (match: (e: Event) => boolean, ms = 60_000): Promise<Event> => {
    const seen = events.find(match)
    if (seen !== undefined) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching event within ${ms} ms`)), ms)
      waiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer)
          resolve(e)
        },
      })
    })
  }
  return { child, events, next }
}

async function status(dataDir: string): Promise<Record<string, unknown>> {
  const res = await execa(process.execPath, [
    '--no-warnings',
    bin,
    'status',
    '--json',
    '--data-dir',
    dataDir,
  ])
  return JSON.parse(res.stdout) as Record<string, unknown>
}

const finished = (seq: number) => (e: Event) =>
  e.event === 'experiment-finished' && (e.record as { seq: number }).seq === seq

describe('loopnet start (real trainer)', () => {
  it('runs the baseline and one edit, journals both and reports status', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'loopnet-cli-'))
    // the second run is an edit, not a noise run of the baseline
    const run = start([
      '--data-dir',
      dataDir,
      '--budget',
      '2',
      '--max-experiments',
      '2',
      '--noise-runs',
      '0',
    ])
    const result = await run.child
    expect(result.exitCode).toBe(0)
    const statuses = run.events
      .filter((e) => e.event === 'experiment-finished')
      .map((e) => (e.record as { status: string }).status)
    expect(statuses).toHaveLength(2)
    expect(statuses[0]).toBe('keep')
    expect(['keep', 'discard']).toContain(statuses[1])
    expect(run.events.some((e) => e.event === 'progress')).toBe(true)
    const tsv = readFileSync(join(dataDir, 'results.tsv'), 'utf8').trimEnd().split('\n')
    expect(tsv[0]).toMatch(/^commit\tval_bpb\tmemory_gb\tstatus\tdescription\t/)
    for (const line of tsv.slice(1))
      expect(line).toMatch(/^[0-9a-f]{7}\t\d+\.\d{6}\t\d+\.\d\t(keep|discard)\t/)
    const s = await status(dataDir)
    expect(s).toMatchObject({ running: false, counts: { total: 2, crash: 0 } })
    expect((s.best as { tier: string }).tier).toMatch(/^cpu-([a-z0-9-]+-)?\d+c$/)
  })

  it('trains on the --corpus it is given, in the swarm of that corpus', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'loopnet-cli-corpus-'))
    // An empty cache and a stray $LOOPNET_CORPUS: a trainer handed anything but the given
    // corpus finds no data and crashes.
    const env = { LOOPNET_CACHE: join(dataDir, 'cache'), LOOPNET_CORPUS: '0'.repeat(64) }
    const run = start(
      ['--data-dir', dataDir, '--corpus', smallSource, '--budget', '2', '--max-experiments', '1'],
      env,
    )
    const result = await run.child
    expect(result.exitCode, result.stderr).toBe(0)
    const finished = run.events.find((e) => e.event === 'experiment-finished')
    const record = finished?.record as { status: string; genesis: string; valBpb: number }
    expect(record.status).toBe('keep')
    expect(record.valBpb).toBeGreaterThan(0)
    const prepared = await runPython(
      join(trainerDir, 'prepare.py'),
      ['--genesis', '--source', smallSource],
      { env },
    )
    expect(record.genesis).toBe(prepared.stdout.trim())
  })

  it('stops cleanly on SIGTERM: the run is killed and recorded as interrupted, nothing published', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'loopnet-cli-term-'))
    const run = start(['--data-dir', dataDir, '--budget', '30'])
    await run.next((e) => e.event === 'experiment-started')
    const during = await status(dataDir)
    expect(during).toMatchObject({
      running: true,
      phase: 'training',
      current: { seq: 1, description: 'baseline' },
    })
    const trainerPid = (during.current as { trainerPid: number }).trainerPid
    run.child.kill('SIGTERM')
    const result = await run.child
    expect(result.exitCode).toBe(0)
    expect(run.events.map((e) => e.event).slice(-2)).toEqual(['experiment-interrupted', 'stopped'])
    expect(() => process.kill(trainerPid, 0)).toThrow() // the trainer's group is gone
    expect(await status(dataDir)).toMatchObject({
      running: false,
      counts: { total: 0 },
      interrupted: { seq: 1, description: 'baseline' },
    })
  })
})

describe('loopnet start (bad input)', () => {
  it('refuses a budget or grace whose records every peer would refuse, before any run', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'loopnet-cli-usage-'))
    for (const [flags, message] of [
      [['--budget', '301'], /--budget may be at most 300 s/],
      [['--grace', '2941'], /--grace may be at most 2940 s/],
    ] as const) {
      const res = await execa(process.execPath, [bin, 'start', '--data-dir', dataDir, ...flags], {
        reject: false,
      })
      expect(res.exitCode).toBe(2)
      expect(res.stderr).toMatch(message)
    }
    expect(existsSync(join(dataDir, 'store.sqlite'))).toBe(false) // refused before anything ran
  })

  it('stops with one line, not a stack, on a corrupt identity file, and leaves the file', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'loopnet-cli-identity-'))
    writeFileSync(join(dataDir, 'identity.key'), 'not a key')
    const res = await execa(
      process.execPath,
      ['--no-warnings', bin, 'start', '--data-dir', dataDir, '--max-experiments', '1'],
      { reject: false, env: { LOOPNET_TRAINER_DIR: fixtureTrainer } },
    )
    expect(res.exitCode).toBe(1)
    expect(res.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^loopnet: .*identity\.key is not a libp2p private key \(.*move it away/,
      ),
    ])
    expect(readFileSync(join(dataDir, 'identity.key'), 'utf8')).toBe('not a key')
  })

  it('stops with one line naming the address when its listen port is taken', async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const port = (taken.address() as AddressInfo).port
    const dataDir = await mkdtemp(join(tmpdir(), 'loopnet-cli-port-'))
    const res = await execa(
      process.execPath,
      [
        '--no-warnings',
        bin,
        'start',
        '--data-dir',
        dataDir,
        '--listen',
        `/ip4/127.0.0.1/tcp/${port}`,
        '--max-experiments',
        '1',
      ],
      { reject: false, env: { LOOPNET_TRAINER_DIR: fixtureTrainer } },
    )
    await new Promise((resolve) => taken.close(resolve))
    expect(res.exitCode).toBe(1)
    expect(res.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^loopnet: cannot listen on /ip4/127.0.0.1/tcp/${port} \\(listen EADDRINUSE`),
      ),
    ])
  })
})

describe('loopnet train', () => {
  it('exits 0 when stopped by a signal mid-run, as start does', async () => {
    const child = execa(process.execPath, ['--no-warnings', bin, 'train'], {
      reject: false,
      env: {
        LOOPNET_TRAINER_DIR: fixtureTrainer,
        FIXTURE_STEPS: '1000',
        FIXTURE_STEP_SECONDS: '0.1',
      },
    })
    children.push(child)
    await new Promise<void>((resolve) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('step ')) resolve()
      })
    })
    child.kill('SIGTERM')
    const res = await child
    expect(res.exitCode).toBe(0)
  })
})

describe('loopnet start (fixture trainer)', () => {
  it('loses nothing to a SIGKILL mid-run and resumes from the best kept commit', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'loopnet-cli-kill-'))
    const env = {
      LOOPNET_TRAINER_DIR: fixtureTrainer,
      FIXTURE_STEP_SECONDS: '0.1',
      FIXTURE_STEPS: '5',
    }
    const first = start(['--data-dir', dataDir, '--budget', '1', '--seed', '5'], env)
    await first.next(finished(4))
    await first.next((e) => e.event === 'progress' && e.seq === 5)
    first.child.kill('SIGKILL')
    await first.child
    const recorded = first.events.filter((e) => e.event === 'experiment-finished').length

    const store = new Store(join(dataDir, 'store.sqlite'))
    const author = store.nodeId()
    const before = store.ownRuns(author)
    store.close()
    expect(before).toHaveLength(recorded)
    // the CLI's default: two noise runs of the baseline (the fixture has no seed noise: 0)
    expect(before.slice(0, 3).map((r) => r.local.source)).toEqual(['baseline', 'noise', 'noise'])
    const estimated = first.events.filter((e) => e.event === 'noise-estimated')
    expect(estimated.map((e) => [e.measured, e.sigma, e.dof])).toEqual([
      [false, 0.02, 0],
      [true, 0, 2],
    ])
    // worst cases of a kill between the store and the rest: a lost tsv line, a torn one, and
    // the branch left on a discarded commit
    const tsvPath = join(dataDir, 'results.tsv')
    const lines = readFileSync(tsvPath, 'utf8').split('\n')
    writeFileSync(tsvPath, lines.slice(0, -2).join('\n'))
    appendFileSync(tsvPath, '\nabc1234\t2.1')
    const git = simpleGit(join(dataDir, 'workspace'))
    const parked = before.find((r) => r.fields.status !== 'keep') ?? before[0]
    await git.raw(['reset', '-q', '--hard', parked?.local.commit ?? 'HEAD'])

    const second = start(
      ['--data-dir', dataDir, '--budget', '1', '--seed', '5', '--max-experiments', '2'],
      env,
    )
    const resumed = await second.next((e) => e.event === 'resumed')
    const lastKeep = before.filter((r) => r.fields.status === 'keep').at(-1)
    expect(resumed).toMatchObject({
      experiments: recorded,
      parentHash: lastKeep?.fields.fileHash,
      commit: lastKeep?.local.commit,
    })
    expect((await second.child).exitCode).toBe(0)
    // the noise runs are in the journal: measured from the start, not run again
    expect(second.events.find((e) => e.event === 'noise-estimated')).toMatchObject({
      measured: true,
      dof: 2,
    })

    const after = new Store(join(dataDir, 'store.sqlite'))
    const runs = after.ownRuns(author)
    after.close()
    expect(runs.map((r) => r.fields.seq)).toEqual(runs.map((_, i) => i + 1))
    expect(runs).toHaveLength(recorded + 2)
    expect(runs.slice(0, recorded)).toEqual(before)
    expect(runs[recorded]?.fields.parentHash).toBe(lastKeep?.fields.fileHash)
    const tsv = readFileSync(tsvPath, 'utf8').trimEnd().split('\n')
    expect(tsv.slice(1).map((l) => l.split('\t')[0])).toEqual(
      runs.map((r) => r.local.commit.slice(0, 7)),
    )
    const kept = runs.filter((r) => r.fields.status === 'keep')
    expect((await git.raw(['rev-parse', 'HEAD'])).trim()).toBe(kept.at(-1)?.local.commit)
    expect((await git.status()).isClean()).toBe(true)
  })
})

describe('loopnet start: without a sandbox', () => {
  it.each<{ name: string; env: Record<string, string>; args: string[]; mode: string | undefined }>([
    {
      name: 'a working sandbox: nothing to say, records sandboxed',
      env: {},
      args: [],
      mode: undefined,
    },
    {
      name: 'none here: one line, only its own built-in proposals (not the LLM), records say so',
      env: { FIXTURE_SANDBOX: 'broken' },
      args: ['--proposer', 'llm', '--model', 'scripted'],
      mode: 'own-only',
    },
    {
      name: 'the opt-out: a warning, every record says so',
      env: {},
      args: ['--unsafe-no-sandbox'],
      mode: 'off',
    },
  ])('$name', async ({ env, args, mode }) => {
    const llm = await startScriptedServer([], 'DESCRIPTION: never asked\n```python\nA = 1\n```')
    try {
      const dataDir = await mkdtemp(join(tmpdir(), 'loopnet-sandbox-'))
      const run = start(
        [
          '--data-dir',
          dataDir,
          '--budget',
          '1',
          '--max-experiments',
          '2',
          // the second run is a proposal, not a noise run of the baseline
          '--noise-runs',
          '0',
          '--base-url',
          llm.url,
          ...args,
        ],
        { LOOPNET_TRAINER_DIR: fixtureTrainer, ...env },
      )
      expect((await run.child).exitCode).toBe(0)
      const said = run.events.filter((e) => e.event === 'sandbox')
      expect(said.map((e) => e.mode)).toEqual(mode === undefined ? [] : [mode])
      if (mode === 'own-only') {
        expect(String(said[0]?.message)).toMatch(/no sandbox \(bwrap cannot create its namespaces/)
        expect(String(said[0]?.message)).toMatch(/LLM-written files .* are refused/)
      }
      const records = run.events
        .filter((e) => e.event === 'experiment-finished')
        .map((e) => e.record as { unsandboxed: boolean })
      const sources = run.events
        .filter((e) => e.event === 'experiment-started')
        .map((e) => e.source)
      expect(records).toHaveLength(2)
      expect(records.map((r) => r.unsandboxed)).toEqual(
        mode === undefined ? [false, false] : [true, true],
      )
      if (mode === 'own-only') {
        expect(sources).toEqual(['baseline', 'builtin'])
        expect(llm.requests).toHaveLength(0)
      }
    } finally {
      await llm.close()
    }
  })
})
