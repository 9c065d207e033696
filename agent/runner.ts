/**
 * Runs one experiment through the trusted harness: `python harness.py train.py` (trainer/),
 * which runs the train file sandboxed and measures it itself. The harness's output (the train
 * file's, relayed and capped) streams to a log file and feeds the progress bar; the verdict
 * and every number come only from the summary block the harness writes on fd 3, which no train
 * file holds. The whole process group is killed at 2x budget + grace or on abort.
 */
import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { execa, type ResultPromise } from 'execa'
import { type Progress, parseProgressLine, parseSummary, type Summary } from './summary.ts'

/**
 * Named crash reasons: the harness's (exit-code, fail, nan, timeout, eval-crash...) and the
 * runner's own when the harness itself failed (no-summary, bad-summary, killed, spawn-error).
 */
export type CrashReason = string

export interface RunTiming {
  /** Spawn to the first progress line (interpreter, imports, sandbox, model set-up). */
  startupSeconds: number
  /** Spawn to exit. */
  processSeconds: number
}

export type RunOutcome =
  | { kind: 'ok'; summary: Summary; timing: RunTiming }
  | {
      kind: 'crash'
      reason: CrashReason
      message: string
      tail: string
      timing: RunTiming
      /** The harness's summary, when it wrote one (a crash of the run, not of the harness). */
      summary?: Summary
    }
  | {
      /** The run broke a rule of the harness: a verdict, never kept, never anyone's parent. */
      kind: 'rejected'
      reason: string
      message: string
      tail: string
      timing: RunTiming
      summary: Summary
    }
  | { kind: 'interrupted'; tail: string; timing: RunTiming }

export interface RunnerInit {
  python: string
  /** trainer/: harness.py and prepare.py. */
  trainerDir: string
  budgetSeconds: number
  /** Added to 2x budget before the kill (interpreter start-up, eval, probes, compile). */
  graceSeconds: number
  /** Run the train file in the sandbox (default true); false is the explicit opt-out. */
  sandboxed?: boolean
  /** Extra environment for the harness (LOOPNET_CACHE, LOOPNET_CORPUS...). */
  env?: Record<string, string>
  /** How long SIGTERM gets before SIGKILL. */
  killAfterMs?: number
  /**
   * Let prewarm() start the next harness, imports done, while the current run evaluates, so
   * the next run skips seconds of `import torch` (default true). Only the harness's own code
   * runs early: a train file runs nowhere but in its sandbox, on the clock.
   */
  warmStart?: boolean
}

export interface RunRequest {
  cwd: string
  trainFile: string
  logPath: string
  signal: AbortSignal
  onProgress?: (progress: Progress) => void
  /** The harness's pid as soon as it exists (the run-state file records it). */
  onSpawn?: (pid: number) => void
}

type Harness = ResultPromise<{
  buffer: false
  detached: true
  reject: false
  stdio: ['ignore' | 'pipe', 'pipe', 'pipe', 'pipe']
}>

/** A harness started early (prewarm), waiting for its run's arguments on stdin. */
interface WarmHarness {
  child: Harness
  exited: boolean
}

/** Lines kept for the crash tail. */
const TAIL_LINES = 40
const TAIL_CHARS = 4000
/** The summary block is a few hundred bytes; more is a broken harness. */
const MAX_SUMMARY_BYTES = 64 * 1024

export class Runner {
  readonly init: RunnerInit
  private warm: WarmHarness | undefined

  constructor(init: RunnerInit) {
    this.init = init
  }

  get timeoutSeconds(): number {
    return 2 * this.init.budgetSeconds + this.init.graceSeconds
  }

  /** The harness's arguments for one run. */
  harnessArgs(trainFile: string): string[] {
    return [
      trainFile,
      '--budget',
      String(this.init.budgetSeconds),
      '--summary-fd',
      '3',
      ...(this.init.sandboxed === false ? ['--no-sandbox'] : []),
    ]
  }

  private spawn(cwd: string, args: string[], stdin: 'ignore' | 'pipe'): Harness {
    return execa(this.init.python, ['-u', join(this.init.trainerDir, 'harness.py'), ...args], {
      cwd,
      env: { PYTHONPATH: this.init.trainerDir, PYTHONUNBUFFERED: '1', ...this.init.env },
      // own process group: the kill reaches the harness; its sandboxes die with it
      detached: true,
      stdio: [stdin, 'pipe', 'pipe', 'pipe'],
      buffer: false,
      reject: false,
      cleanup: false,
    }) as unknown as Harness
  }

  /** Starts the next run's harness now (call it once the current run has finished training). */
  prewarm(cwd: string): void {
    if (this.init.warmStart === false || this.warm !== undefined) return
    const warm: WarmHarness = { child: this.spawn(cwd, ['--warm'], 'pipe'), exited: false }
    void warm.child.finally(() => {
      warm.exited = true
    })
    this.warm = warm
  }

  /** Ends a waiting warm harness (at stop). */
  close(): void {
    const warm = this.warm
    this.warm = undefined
    if (warm === undefined) return
    warm.child.stdin?.end()
    if (warm.child.pid !== undefined && !warm.exited) signalGroup(warm.child.pid, 'SIGKILL')
  }

  private take(cwd: string, trainFile: string): Harness {
    const warm = this.warm
    this.warm = undefined
    if (warm !== undefined && warm.child.pid !== undefined && !warm.exited) {
      warm.child.stdin?.end(`${JSON.stringify(this.harnessArgs(trainFile))}\n`)
      return warm.child
    }
    return this.spawn(cwd, this.harnessArgs(trainFile), 'ignore')
  }

  async run(req: RunRequest): Promise<RunOutcome> {
    await mkdir(dirname(req.logPath), { recursive: true })
    const log = createWriteStream(req.logPath)
    const ring: string[] = []
    const t0 = performance.now()
    let firstStepAt: number | undefined
    let killedFor: 'timeout' | 'interrupted' | undefined

    const child = this.take(req.cwd, req.trainFile)
    if (child.pid !== undefined) req.onSpawn?.(child.pid)

    const killGroup = (why: 'timeout' | 'interrupted'): void => {
      if (killedFor !== undefined || child.pid === undefined) return
      killedFor = why
      signalGroup(child.pid, 'SIGTERM')
      const hard = setTimeout(() => {
        if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL')
      }, this.init.killAfterMs ?? 3000)
      hard.unref()
      void child.finally(() => clearTimeout(hard))
    }
    const timer = setTimeout(() => killGroup('timeout'), this.timeoutSeconds * 1000)
    const onAbort = (): void => killGroup('interrupted')
    if (req.signal.aborted) onAbort()
    else req.signal.addEventListener('abort', onAbort, { once: true })

    // stdout and stderr (the train file's output, relayed) feed the log, the progress bar and
    // the crash tail; each stream is split into lines on its own (a stderr write can land
    // between a stdout line and its newline)
    for (const stream of ['stdout', 'stderr'] as const) {
      const decoder = new StringDecoder('utf8')
      let partial = ''
      const onLine = (line: string): void => {
        ring.push(line)
        if (ring.length > TAIL_LINES) ring.shift()
        const progress = parseProgressLine(line)
        if (progress !== undefined) {
          firstStepAt ??= performance.now()
          req.onProgress?.(progress)
        }
      }
      child[stream]?.on('data', (chunk: Buffer) => {
        log.write(chunk)
        const parts = (partial + decoder.write(chunk)).split(/\r\n|\r|\n/)
        partial = parts.pop() ?? ''
        for (const line of parts) onLine(line)
      })
      child[stream]?.on('end', () => {
        const rest = partial + decoder.end()
        if (rest !== '') onLine(rest)
      })
    }
    const summaryText = readCapped(child.stdio[3] as Readable | undefined, MAX_SUMMARY_BYTES)

    const result = await child
    clearTimeout(timer)
    req.signal.removeEventListener('abort', onAbort)
    await new Promise<void>((resolve) => log.end(resolve))
    const text = await summaryText

    const end = performance.now()
    const timing: RunTiming = {
      startupSeconds: ((firstStepAt ?? end) - t0) / 1000,
      processSeconds: (end - t0) / 1000,
    }
    const tail = tailOf(ring)
    if (killedFor === 'interrupted') return { kind: 'interrupted', tail, timing }
    const crash = (reason: CrashReason, message: string): RunOutcome => ({
      kind: 'crash',
      reason,
      message,
      tail,
      timing,
    })
    if (killedFor === 'timeout')
      return crash(
        'timeout',
        `killed after ${this.timeoutSeconds} s (2x budget + ${this.init.graceSeconds} s grace)`,
      )
    if (result.failed && result.exitCode === undefined && result.signal === undefined)
      return crash('spawn-error', result.shortMessage ?? String(result.cause))
    const parsed = parseSummary(text)
    if (!parsed.ok) {
      if (result.signal !== undefined && result.signal !== null)
        return crash('killed', `the harness was killed by ${result.signal}`)
      if (result.exitCode !== 0)
        return crash(
          'exit-code',
          `the harness exited with ${result.exitCode}${lastErrorLine(ring)}`,
        )
      return crash(parsed.kind === 'missing' ? 'no-summary' : 'bad-summary', parsed.message)
    }
    const { summary } = parsed
    if (summary.verdict === 'ok') return { kind: 'ok', summary, timing }
    const message = summary.detail || summary.reason
    if (summary.verdict === 'rejected')
      return { kind: 'rejected', reason: summary.reason, message, tail, timing, summary }
    return { kind: 'crash', reason: summary.reason, message, tail, timing, summary }
  }
}

/** A stream's text, at most `max` bytes of it (a broken harness cannot fill our memory). */
function readCapped(stream: Readable | undefined, max: number): Promise<string> {
  if (stream === undefined) return Promise.resolve('')
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    stream.on('data', (chunk: Buffer) => {
      if (size + chunk.length <= max) chunks.push(chunk)
      size += chunk.length
    })
    stream.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')))
    stream.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig)
  } catch {
    // the group is gone already
  }
}

function tailOf(lines: readonly string[]): string {
  const text = lines.slice(-TAIL_LINES).join('\n')
  return text.length > TAIL_CHARS ? text.slice(-TAIL_CHARS) : text
}

/** The exception line of a Python traceback, to make `exit code 1` say something. */
function lastErrorLine(lines: readonly string[]): string {
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 30); i--) {
    const line = lines[i]?.trim()
    if (line !== undefined && /^[A-Za-z_.]*(Error|Exception|Interrupt)\b.*:?/.test(line))
      return `: ${line.slice(0, 200)}`
  }
  return ''
}
