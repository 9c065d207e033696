/**
 * The runner against real python processes playing the harness (test/fixtures/agent/runs: a
 * stand-in harness.py runs each script, which prints the log and writes the summary block on
 * fd 3): the verdict comes from fd 3 only, each crash kind with its reason and log tail, a hang
 * killed at 2x budget + grace with its whole process group, a warm harness, and an abort.
 */
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { Runner, type RunOutcome } from '../../agent/runner.ts'

const runs = fileURLToPath(new URL('../fixtures/agent/runs', import.meta.url))
const python = process.env.LOOPNET_PYTHON ?? '/usr/bin/python3'
let logs: string

beforeAll(async () => {
  logs = await mkdtemp(join(tmpdir(), 'loopnet-runner-'))
})

/** Running = exists and not a zombie (a container's pid 1 may never reap orphans). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

/** Polls a condition (the kernel delivers the kill asynchronously), failing after a deadline. */
async function eventually(check: () => boolean, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) return false
    await new Promise((r) => setTimeout(r, 20))
  }
  return true
}

function runner(budgetSeconds = 1, graceSeconds = 5): Runner {
  return new Runner({ python, trainerDir: runs, budgetSeconds, graceSeconds, killAfterMs: 500 })
}

async function run(file: string, r = runner(), signal = new AbortSignal()): Promise<RunOutcome> {
  return r.run({ cwd: runs, trainFile: file, logPath: join(logs, `${file}.log`), signal })
}

describe('Runner', () => {
  it('parses the summary, streams progress and logs stdout and stderr', async () => {
    const steps: number[] = []
    const out = await runner().run({
      cwd: runs,
      trainFile: 'ok.py',
      logPath: join(logs, 'ok.log'),
      signal: new AbortController().signal,
      onProgress: (p) => steps.push(p.step),
    })
    expect(out.kind).toBe('ok')
    if (out.kind === 'ok')
      expect(out.summary).toMatchObject({
        valBpb: 1.234567,
        numParams: 100000,
        evalSeconds: 0.3,
        probeSeconds: 0.4,
        seed: 7,
        device: 'cpu-test',
        sandbox: 'bwrap',
      })
    expect(steps).toEqual([1, 2])
    const log = readFileSync(join(logs, 'ok.log'), 'utf8')
    expect(log).toContain('some warning on stderr')
    expect(log).not.toContain('val_bpb') // the summary is not the log's
  })

  it('takes the verdict from the harness, never from a summary the train file printed', async () => {
    const out = await run('forged.py', runner(), new AbortController().signal)
    expect(out).toMatchObject({ kind: 'rejected', reason: 'non-causal', message: /22 nats/ })
    if (out.kind === 'rejected') expect(out.summary.valBpb).toBe(0)
    expect(readFileSync(join(logs, 'forged.py.log'), 'utf8')).toContain('0.123456')
  })

  it('reads a progress line whole when stderr lands between it and its newline', async () => {
    const steps: number[] = []
    const out = await runner().run({
      cwd: runs,
      trainFile: 'interleaved.py',
      logPath: join(logs, 'interleaved.py.log'),
      signal: new AbortController().signal,
      onProgress: (p) => steps.push(p.step),
    })
    expect(out).toMatchObject({ kind: 'ok', summary: { valBpb: 1.5 } })
    expect(steps).toEqual([1])
    const log = readFileSync(join(logs, 'interleaved.py.log'), 'utf8')
    expect(log).toContain('UserWarning: something torch says')
  })

  it.each([
    {
      file: 'raises.py',
      reason: 'exit-code',
      message: /exited with 1: RuntimeError: boom/,
      tail: /Traceback/,
    },
    { file: 'nan.py', reason: 'fail', message: /FAIL/, tail: /loss nan/ },
    {
      file: 'no_summary.py',
      reason: 'no-summary',
      message: /no summary/,
      tail: /done, but no summary/,
    },
    { file: 'bad_summary.py', reason: 'bad-summary', message: /not a number/, tail: /^$/ },
    { file: 'missing.py', reason: 'exit-code', message: /exited with 1/, tail: /No such file/ },
  ])('$file -> crash $reason', async ({ file, reason, message, tail }) => {
    const out = await run(file, runner(), new AbortController().signal)
    expect(out).toMatchObject({ kind: 'crash', reason })
    if (out.kind !== 'crash') return
    expect(out.message).toMatch(message)
    expect(out.tail).toMatch(tail)
  })

  it('kills a hung run and its children at 2x budget + grace', async () => {
    const t0 = performance.now()
    const out = await run('sleeps_forever.py', runner(0.25, 0.5), new AbortController().signal)
    const seconds = (performance.now() - t0) / 1000
    expect(out).toMatchObject({ kind: 'crash', reason: 'timeout' })
    expect(seconds).toBeGreaterThanOrEqual(1)
    expect(seconds).toBeLessThan(8)
    const child = Number(/child (\d+)/.exec(out.kind === 'crash' ? out.tail : '')?.[1])
    expect(child).toBeGreaterThan(0)
    expect(await eventually(() => !running(child))).toBe(true)
  })

  it('runs the next run in a prewarmed harness, handed its arguments on stdin', async () => {
    const withPids = async (r: Runner, file: string) => {
      const pids: number[] = []
      const out = await r.run({
        cwd: runs,
        trainFile: file,
        logPath: join(logs, `warm-${file}.log`),
        signal: new AbortController().signal,
        onSpawn: (pid) => pids.push(pid),
      })
      return { out, pid: pids[0] }
    }
    const warmPid = (r: Runner): number =>
      (r as unknown as { warm: { child: { pid: number } } }).warm.child.pid
    const r = new Runner({ python, trainerDir: runs, budgetSeconds: 1, graceSeconds: 5 })
    r.prewarm(runs)
    let pid = warmPid(r)
    const ok = await withPids(r, 'warm.py')
    expect(ok.pid).toBe(pid) // it ran in the warm harness
    expect(ok.out).toMatchObject({ kind: 'ok', summary: { valBpb: 1.5 } })
    const log = readFileSync(join(logs, 'warm-warm.py.log'), 'utf8')
    expect(log).toContain(`"warm_pid": "${pid}"`)
    expect(log).toContain('"argv": ["--budget", "1", "--summary-fd", "3"]')

    const raising = new Runner({
      python,
      trainerDir: runs,
      budgetSeconds: 1,
      graceSeconds: 5,
      env: { WARM_RAISE: '1' },
    })
    raising.prewarm(runs)
    const crash = await withPids(raising, 'warm.py')
    expect(crash.out).toMatchObject({
      kind: 'crash',
      reason: 'exit-code',
      message: /RuntimeError: boom in a warm run/,
    })
    if (crash.out.kind === 'crash') expect(crash.out.tail).toMatch(/Traceback/)

    // a warm harness that died meanwhile is not used: the run starts a cold one
    r.prewarm(runs)
    pid = warmPid(r)
    process.kill(-pid, 'SIGKILL')
    expect(await eventually(() => !running(pid))).toBe(true)
    const cold = await withPids(r, 'ok.py')
    expect(cold.pid).not.toBe(pid)
    expect(cold.out.kind).toBe('ok')

    r.prewarm(runs)
    pid = warmPid(r)
    r.close()
    expect(await eventually(() => !running(pid))).toBe(true)
  })

  it('passes --no-sandbox only for the explicit opt-out', () => {
    const on = new Runner({ python, trainerDir: runs, budgetSeconds: 5, graceSeconds: 5 })
    const off = new Runner({
      python,
      trainerDir: runs,
      budgetSeconds: 5,
      graceSeconds: 5,
      sandboxed: false,
    })
    expect(on.harnessArgs('train.py')).toEqual(['train.py', '--budget', '5', '--summary-fd', '3'])
    expect(off.harnessArgs('train.py')).toContain('--no-sandbox')
  })

  it('stops on abort and reports interrupted, not a crash', async () => {
    const controller = new AbortController()
    const r = runner(60, 60)
    const pending = r.run({
      cwd: runs,
      trainFile: 'sleeps_forever.py',
      logPath: join(logs, 'abort.log'),
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('stop')),
    })
    const out = await pending
    expect(out.kind).toBe('interrupted')
    const child = Number(/child (\d+)/.exec(out.kind === 'interrupted' ? out.tail : '')?.[1])
    expect(await eventually(() => !running(child))).toBe(true)
    expect(existsSync(join(logs, 'abort.log'))).toBe(true)
  })
})
