/**
 * <dataDir>/run.json: what the daemon is doing right now, for `loopnet status` (another
 * process). Written atomically (temp + rename), so a reader never sees half a file.
 */
import { readFileSync } from 'node:fs'
import { rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface RunState {
  /** The daemon's pid (status checks it is alive). */
  pid: number
  phase: 'starting' | 'proposing' | 'training' | 'idle' | 'stopped'
  updatedAt: number
  startedAt: number
  experiments: number
  current?: {
    seq: number
    description: string
    source: string
    startedAt: number
    budgetSeconds: number
    /** The trainer's pid: its process group is killed if a crashed daemon left it behind. */
    trainerPid?: number
    step?: number
    fraction?: number
    loss?: number
    logPath: string
  }
  best?: { valBpb: number; fileHash: string; commit: string }
  /** The run a stop cut short: not published (it says nothing about the idea), retried later. */
  interrupted?: { seq: number; description: string; at: number }
}

export function runStatePath(dataDir: string): string {
  return join(dataDir, 'run.json')
}

export async function writeRunState(dataDir: string, state: RunState): Promise<void> {
  const path = runStatePath(dataDir)
  const tmp = `${path}.tmp${process.pid}`
  await writeFile(tmp, `${JSON.stringify(state)}\n`)
  await rename(tmp, path)
}

export function readRunState(dataDir: string): RunState | undefined {
  try {
    return JSON.parse(readFileSync(runStatePath(dataDir), 'utf8')) as RunState
  } catch {
    return undefined
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Kills a trainer a killed daemon left running (its pipe closes, but only when it next
 * prints), if the pid still is a python running train.py.
 */
export function killOrphanTrainer(state: RunState | undefined, trainFile: string): boolean {
  const pid = state?.current?.trainerPid
  if (pid === undefined || state === undefined || isAlive(state.pid) || !isAlive(pid)) return false
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    // a cold run names the train file; a warm one runs it through runpy
    if (!cmdline.includes(trainFile) && !cmdline.includes('runpy.run_path')) return false
    process.kill(-pid, 'SIGKILL')
    return true
  } catch {
    return false
  }
}

/** The node's best as the loop knows it; run.json shows it once it has a val_bpb. */
export interface CurrentBest {
  fileHash: string
  valBpb: number | undefined
  commit: string
}

/**
 * The loop's run.json: the state in memory, written through one chain of writes so they land
 * in order. Progress lines come many per second and status needs about one update a second,
 * so an unforced write within a second of the last one is skipped (the next one carries it).
 */
export class RunStateWriter {
  private readonly dataDir: string
  private readonly best: () => CurrentBest | undefined
  private current: RunState
  private writes: Promise<void> = Promise.resolve()
  private lastWrite = 0

  /** `best`: the node's best now, copied into every state that set() writes. */
  constructor(dataDir: string, startedAt: number, best: () => CurrentBest | undefined) {
    this.dataDir = dataDir
    this.best = best
    this.current = {
      pid: process.pid,
      phase: 'starting',
      startedAt,
      updatedAt: startedAt,
      experiments: 0,
    }
  }

  get state(): Readonly<RunState> {
    return this.current
  }

  /** Merges `patch`; a new phase other than training drops the current run. */
  set(patch: Partial<RunState>, force = false): void {
    this.current = { ...this.current, ...patch, updatedAt: Date.now() }
    if (patch.phase !== undefined && patch.phase !== 'training') delete this.current.current
    const best = this.best()
    if (best?.valBpb !== undefined)
      this.current.best = { valBpb: best.valBpb, fileHash: best.fileHash, commit: best.commit }
    this.flush(force)
  }

  /** Merges into the current run, if there is one. */
  patchCurrent(patch: Partial<NonNullable<RunState['current']>>, force = false): void {
    if (this.current.current === undefined) return
    this.current = {
      ...this.current,
      current: { ...this.current.current, ...patch },
      updatedAt: Date.now(),
    }
    this.flush(force)
  }

  /** Merges `patch` without writing: the next write carries it. */
  remember(patch: Partial<RunState>): void {
    Object.assign(this.current, patch)
  }

  /** Resolves once every write begun so far has ended (a failed write is ignored). */
  settled(): Promise<void> {
    return this.writes
  }

  private flush(force: boolean): void {
    const now = Date.now()
    if (!force && now - this.lastWrite < 1000) return
    this.lastWrite = now
    const snapshot = this.current
    this.writes = this.writes.then(() => writeRunState(this.dataDir, snapshot)).catch(() => {})
  }
}
