/**
 * Runs one training process: `python train.py` in the workspace, its output streamed to a log
 * file (never held whole in memory), progress lines parsed as they come, the whole process
 * group killed at 2x budget + grace or on abort, and the summary block parsed at the end.
 */
import { createWriteStream } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import { execa, type ResultPromise } from 'execa'
import { type Progress, parseProgressLine, parseSummary, type Summary } from './summary.ts'
import { scanLine } from './train-constants.ts'

/** Named crash reasons, as journals and records carry them. */
export type CrashReason =
  | 'exit-code'
  | 'fail'
  | 'nan'
  | 'no-summary'
  | 'bad-summary'
  | 'timeout'
  | 'killed'
  | 'spawn-error'

export interface RunTiming {
  /** Spawn to the first progress line (interpreter, imports, data, model set-up). */
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
      /** The summary, when the process printed one before failing. */
      summary?: Summary
    }
  | { kind: 'interrupted'; tail: string; timing: RunTiming }

export interface RunnerInit {
  python: string
  /** Folder with prepare.py, put on PYTHONPATH. */
  trainerDir: string
  budgetSeconds: number
  /** Added to 2x budget before the kill (interpreter start-up, eval, compile). */
  graceSeconds: number
  /** Extra environment for the trainer (LOOPNET_CACHE, LOOPNET_CORPUS...). */
  env?: Record<string, string>
  /** How long SIGTERM gets before SIGKILL. */
  killAfterMs?: number
  /**
   * Let prewarm() start the next interpreter, imports done, while the current run evaluates,
   * so the next run skips seconds of `import torch` (default true).
   */
  warmStart?: boolean
}

/**
 * The warm interpreter: runs the train file's prologue (its imports and the environment it sets
 * before them, e.g. OMP_WAIT_POLICY), then waits for the path of the train file on stdin and
 * runs the whole file as __main__, exactly as `python train.py` would; the imports then hit the
 * module cache. EOF on stdin (the daemon went away) ends it.
 */
const WARM_PRELUDE = `
import os, runpy, sys
sys.path.insert(0, os.getcwd())
try:
    exec(compile(sys.argv[1], os.path.abspath("train.py"), "exec"), {"__name__": "__loopnet_warm__"})
except BaseException:
    pass  # the real run meets the same error and reports it
line = sys.stdin.readline()
if not line.strip():
    sys.exit(0)
path = os.path.abspath(line.strip())
sys.argv = [path]
runpy.run_path(path, run_name="__main__")
`

/**
 * The head of a train file up to its last top-level import before the first def/class: the
 * imports and whatever must precede them. A warm interpreter is only used for a file with the
 * same prologue, so it never runs with settings the file would not have chosen.
 */
export function trainPrologue(text: string): string {
  const lines = text.split('\n')
  let inTriple: string | undefined
  let depth = 0
  let end = -1
  let statementIsImport = false
  for (const [i, line] of lines.entries()) {
    const atTop = inTriple === undefined && depth === 0
    if (atTop) {
      if (/^(def|class|async\s+def|if\s+__name__)\b|^@/.test(line)) break
      statementIsImport = /^(import\s|from\s+\S+\s+import\b)/.test(line)
    }
    ;[inTriple, depth] = scanLine(line, inTriple, depth)
    if (
      statementIsImport &&
      inTriple === undefined &&
      depth === 0 &&
      !line.trimEnd().endsWith('\\')
    )
      end = i
  }
  return end < 0 ? '' : `${lines.slice(0, end + 1).join('\n')}\n`
}

/**
 * The trainer's two output streams are read apart: Python writes a printed line and its newline
 * separately, so a stderr write (a warning) can land between them, and a merged stream then
 * breaks a summary line in two ("num_params_M: 0.1some warning"): a good run read as a crash.
 */
type OutputStream = 'stdout' | 'stderr'

interface WarmProcess {
  child: ResultPromise<{ stdin: 'pipe'; buffer: false; detached: true; reject: false }>
  cwd: string
  prologue: string
  /** Output before the run began (import warnings), replayed into its log. */
  early: Array<{ stream: OutputStream; chunk: Buffer }>
  onData: ((stream: OutputStream, chunk: Buffer) => void) | undefined
  exited: boolean
}

export interface RunRequest {
  cwd: string
  trainFile: string
  logPath: string
  signal: AbortSignal
  onProgress?: (progress: Progress) => void
  /** The child's pid as soon as it exists (the run-state file records it). */
  onSpawn?: (pid: number) => void
}

/** Lines kept for the summary and the crash tail. */
const RING_LINES = 200
const TAIL_LINES = 40
const TAIL_CHARS = 4000

export class Runner {
  readonly init: RunnerInit

  constructor(init: RunnerInit) {
    this.init = init
  }

  get timeoutSeconds(): number {
    return 2 * this.init.budgetSeconds + this.init.graceSeconds
  }

  private warm: WarmProcess | undefined

  private spawn(cwd: string, args: string[], stdin: 'ignore' | 'pipe' = 'ignore') {
    return execa(this.init.python, args, {
      cwd,
      env: {
        PYTHONPATH: this.init.trainerDir,
        LOOPNET_TIME_BUDGET: String(this.init.budgetSeconds),
        PYTHONUNBUFFERED: '1',
        ...this.init.env,
      },
      // own process group: the kill reaches torch's workers and compile subprocesses too
      detached: true,
      stdin,
      buffer: false,
      reject: false,
      cleanup: false,
    })
  }

  /**
   * Starts the next run's interpreter now with the prologue of `trainText` (call it when the
   * current run has finished training: the imports then overlap its eval and the bookkeeping,
   * never the timed training).
   */
  prewarm(cwd: string, trainText: string): void {
    if (this.init.warmStart === false || this.warm !== undefined) return
    const prologue = trainPrologue(trainText)
    if (prologue === '') return
    const child = this.spawn(cwd, ['-c', WARM_PRELUDE, prologue], 'pipe') as WarmProcess['child']
    const warm: WarmProcess = { child, cwd, prologue, early: [], onData: undefined, exited: false }
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]?.on('data', (chunk: Buffer) => {
        if (warm.onData !== undefined) warm.onData(stream, chunk)
        else if (warm.early.length < 256) warm.early.push({ stream, chunk })
      })
    }
    void child.finally(() => {
      warm.exited = true
    })
    this.warm = warm
  }

  /** The warm interpreter, if one is alive for this file's prologue; a stale one is discarded. */
  private async takeWarm(cwd: string, trainFile: string): Promise<WarmProcess | undefined> {
    const warm = this.warm
    this.warm = undefined
    if (warm === undefined) return undefined
    const text = await readFile(join(cwd, trainFile), 'utf8').catch(() => undefined)
    const fits = text !== undefined && trainPrologue(text) === warm.prologue
    if (fits && !warm.exited && warm.cwd === cwd && warm.child.pid !== undefined) return warm
    this.discard(warm)
    return undefined
  }

  private discard(warm: WarmProcess): void {
    warm.child.stdin?.end()
    if (warm.child.pid !== undefined && !warm.exited) signalGroup(warm.child.pid, 'SIGKILL')
  }

  /** Ends a waiting warm interpreter (at stop). */
  close(): void {
    if (this.warm !== undefined) this.discard(this.warm)
    this.warm = undefined
  }

  async run(req: RunRequest): Promise<RunOutcome> {
    await mkdir(dirname(req.logPath), { recursive: true })
    const log = createWriteStream(req.logPath)
    const ring: string[] = []
    const t0 = performance.now()
    let firstStepAt: number | undefined
    let killedFor: 'timeout' | 'interrupted' | undefined

    const warm = await this.takeWarm(req.cwd, req.trainFile)
    const child = warm?.child ?? this.spawn(req.cwd, [req.trainFile])
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

    // Both streams feed the log and the crash tail (a traceback is on stderr); the summary is
    // read from stdout's lines alone (see OutputStream).
    const stdoutRing: string[] = []
    const partial: Record<OutputStream, string> = { stdout: '', stderr: '' }
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') }
    const onLine = (stream: OutputStream, line: string): void => {
      ring.push(line)
      if (ring.length > RING_LINES) ring.shift()
      if (stream === 'stdout') {
        stdoutRing.push(line)
        if (stdoutRing.length > RING_LINES) stdoutRing.shift()
      }
      const progress = parseProgressLine(line)
      if (progress !== undefined) {
        firstStepAt ??= performance.now()
        req.onProgress?.(progress)
      }
    }
    const onData = (stream: OutputStream, chunk: Buffer): void => {
      log.write(chunk)
      const parts = (partial[stream] + decoders[stream].write(chunk)).split(/\r\n|\r|\n/)
      partial[stream] = parts.pop() ?? ''
      for (const line of parts) onLine(stream, line)
    }
    if (warm !== undefined) {
      for (const { stream, chunk } of warm.early.splice(0)) onData(stream, chunk)
      warm.onData = onData
      warm.child.stdin?.end(`${req.trainFile}\n`)
    } else {
      for (const stream of ['stdout', 'stderr'] as const)
        child[stream]?.on('data', (chunk: Buffer) => onData(stream, chunk))
    }

    const result = await child
    clearTimeout(timer)
    req.signal.removeEventListener('abort', onAbort)
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = partial[stream] + decoders[stream].end()
      if (rest !== '') onLine(stream, rest)
    }
    await new Promise<void>((resolve) => log.end(resolve))

    const end = performance.now()
    const timing: RunTiming = {
      startupSeconds: ((firstStepAt ?? end) - t0) / 1000,
      processSeconds: (end - t0) / 1000,
    }
    const tail = tailOf(ring)
    if (killedFor === 'interrupted') return { kind: 'interrupted', tail, timing }
    if (killedFor === 'timeout')
      return {
        kind: 'crash',
        reason: 'timeout',
        message: `killed after ${this.timeoutSeconds} s (2x budget + ${this.init.graceSeconds} s grace)`,
        tail,
        timing,
      }
    if (result.failed && result.exitCode === undefined && result.signal === undefined)
      return {
        kind: 'crash',
        reason: 'spawn-error',
        message: result.shortMessage ?? String(result.cause),
        tail,
        timing,
      }
    const parsed = parseSummary(stdoutRing)
    if (parsed.ok && result.exitCode === 0) return { kind: 'ok', summary: parsed.summary, timing }
    if (!parsed.ok && (parsed.kind === 'fail' || parsed.kind === 'nan'))
      return { kind: 'crash', reason: parsed.kind, message: parsed.message, tail, timing }
    if (result.signal !== undefined && result.signal !== null)
      return {
        kind: 'crash',
        reason: 'killed',
        message: `killed by ${result.signal}`,
        tail,
        timing,
      }
    if (result.exitCode !== 0)
      return {
        kind: 'crash',
        reason: 'exit-code',
        message: `exit code ${result.exitCode}${lastErrorLine(ring)}`,
        tail,
        timing,
        ...(parsed.ok ? { summary: parsed.summary } : {}),
      }
    if (!parsed.ok)
      return {
        kind: 'crash',
        reason: parsed.kind === 'missing' ? 'no-summary' : 'bad-summary',
        message: parsed.message,
        tail,
        timing,
      }
    return { kind: 'ok', summary: parsed.summary, timing }
  }
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
