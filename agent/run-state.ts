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
