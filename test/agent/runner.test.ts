/**
 * The runner against real python processes: a clean summary, each crash kind with its reason
 * and log tail, a hang killed at 2x budget + grace with its whole process group, and an abort.
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
      expect(out.summary).toMatchObject({ valBpb: 1.234567, numSteps: 2, device: 'cpu-test' })
    expect(steps).toEqual([1, 2])
    const log = readFileSync(join(logs, 'ok.log'), 'utf8')
    expect(log).toContain('some warning on stderr')
    expect(log).toContain('val_bpb:          1.234567')
  })

  it('reads the summary whole when stderr lands between a line and its newline', async () => {
    const out = await run('interleaved.py', runner(), new AbortController().signal)
    expect(out).toMatchObject({ kind: 'ok', summary: { numSteps: 1, device: 'cpu-test' } })
    const log = readFileSync(join(logs, 'interleaved.py.log'), 'utf8')
    expect(log).toContain('UserWarning: something torch says')
  })

  it.each([
    {
      file: 'raises.py',
      reason: 'exit-code',
      message: /exit code 1: RuntimeError: boom/,
      tail: /Traceback/,
    },
    { file: 'nan.py', reason: 'fail', message: /FAIL/, tail: /loss nan/ },
    {
      file: 'no_summary.py',
      reason: 'no-summary',
      message: /no summary/,
      tail: /done, but no summary/,
    },
    {
      file: 'bad_summary.py',
      reason: 'bad-summary',
      message: /not a number/,
      tail: /not-a-number/,
    },
    { file: 'missing.py', reason: 'exit-code', message: /exit code 2/, tail: /No such file/ },
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

  it('runs train files in a prewarmed interpreter exactly as a cold one would', async () => {
    const warmText = readFileSync(join(runs, 'warm.py'), 'utf8')
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
    r.prewarm(runs, warmText)
    let pid = warmPid(r)
    const ok = await withPids(r, 'warm.py')
    expect(ok.pid).toBe(pid) // it ran in the warm interpreter
    expect(ok.out).toMatchObject({ kind: 'ok', summary: { valBpb: 1.5 } })
    const log = readFileSync(join(logs, 'warm-warm.py.log'), 'utf8')
    expect(log).toContain('{"env": "set-by-prologue", "name": "__main__"}')

    const raising = new Runner({
      python,
      trainerDir: runs,
      budgetSeconds: 1,
      graceSeconds: 5,
      env: { WARM_RAISE: '1' },
    })
    raising.prewarm(runs, warmText)
    const crash = await withPids(raising, 'warm.py')
    expect(crash.out).toMatchObject({
      kind: 'crash',
      reason: 'exit-code',
      message: /RuntimeError: boom in a warm run/,
    })
    if (crash.out.kind === 'crash') expect(crash.out.tail).toMatch(/Traceback/)

    // another prologue: the warm interpreter is not used (and is killed), the run is cold
    r.prewarm(runs, warmText)
    pid = warmPid(r)
    const cold = await withPids(r, 'ok.py')
    expect(cold.pid).not.toBe(pid)
    expect(cold.out.kind).toBe('ok')
    expect(await eventually(() => !running(pid))).toBe(true)

    r.prewarm(runs, warmText)
    pid = warmPid(r)
    r.close()
    expect(await eventually(() => !running(pid))).toBe(true)
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
