/**
 * Helpers for the trainer tests and benchmark: run the system python on trainer/ scripts with
 * a chosen cache, and read train.py's summary block. Real processes, no mocks.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
export const trainerDir = fileURLToPath(new URL('../../trainer', import.meta.url))
export const fixturesDir = fileURLToPath(new URL('../fixtures/trainer', import.meta.url))
/** Debian's torch lives in the system python, not in a pyenv/venv one. */
export const python = process.env.LOOPNET_PYTHON ?? '/usr/bin/python3'
/** The offline default corpus, and a small part of it that still yields 4096 BPE tokens. */
export const docsSources = '/usr/share/doc/python3.11/html/_sources'
export const smallSource = `${docsSources}/tutorial`

export interface PyResult {
  code: number | null
  stdout: string
  stderr: string
  seconds: number
}

export interface PyOptions {
  env?: Record<string, string>
  cwd?: string
  signal?: AbortSignal
}

/** Runs `python script args...` with trainer/ on PYTHONPATH; resolves when it exits. */
export function runPython(script: string, args: string[], opts: PyOptions = {}): Promise<PyResult> {
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script, ...args], {
      cwd: opts.cwd ?? repoRoot,
      env: { ...process.env, PYTHONPATH: trainerDir, PYTHONUNBUFFERED: '1', ...opts.env },
      signal: opts.signal,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code) => {
      resolve({ code, stdout, stderr, seconds: (performance.now() - t0) / 1000 })
    })
  })
}

export class SummaryFormatError extends Error {
  override name = 'SummaryFormatError'
}

/** The exact keys, in order, of train.py's summary block. */
export const SUMMARY_KEYS = [
  'val_bpb',
  'training_seconds',
  'total_seconds',
  'peak_vram_mb',
  'mfu_percent',
  'total_tokens_M',
  'num_steps',
  'num_params_M',
  'device',
] as const

export type TrainSummary = Record<(typeof SUMMARY_KEYS)[number], string>

/**
 * Strictly parses the block: '---', then the nine keys in order, each padded to column 18,
 * and nothing after it. Throws SummaryFormatError on any deviation.
 */
export function parseTrainSummary(stdout: string): TrainSummary {
  const lines = stdout.trimEnd().split('\n')
  const block = lines.slice(-SUMMARY_KEYS.length - 1)
  if (block[0] !== '---') throw new SummaryFormatError(`no '---' before the last 9 lines`)
  const out: Partial<TrainSummary> = {}
  SUMMARY_KEYS.forEach((key, i) => {
    const line = block[i + 1] ?? ''
    const m = /^([A-Za-z_]+): +(\S+)$/.exec(line)
    if (!m || m[1] !== key || line.indexOf(m[2] ?? '') !== 18)
      throw new SummaryFormatError(`line ${i + 1} of the block is '${line}', expected key ${key}`)
    out[key] = m[2]
  })
  return out as TrainSummary
}
