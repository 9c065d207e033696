/**
 * Helpers for the trainer tests and benchmark: run the system python on trainer/ scripts with
 * a chosen cache, and read the harness's summary block. Real processes, no mocks.
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

/**
 * The harness's summary block (trainer/harness.py): the `key: value` lines after the last
 * '---' of its output, as strings. Undefined when there is no block.
 */
export function parseHarnessSummary(text: string): Record<string, string> | undefined {
  const lines = text.trimEnd().split('\n')
  const start = lines.lastIndexOf('---')
  if (start < 0) return undefined
  const out: Record<string, string> = {}
  for (const line of lines.slice(start + 1)) {
    const m = /^([a-z_]+):\s*(.*)$/i.exec(line)
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2].trim()
  }
  return out
}
