/**
 * Does a proposed train file compile? `python -m py_compile` on a temp file: catches syntax
 * errors (the most common LLM breakage) for ~30 ms instead of a whole training start-up.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { CompileError } from './errors.ts'

export type CompileCheck = (text: string, signal: AbortSignal) => Promise<void>

export function pyCompileCheck(python: string): CompileCheck {
  return async (text, signal) => {
    const dir = await mkdtemp(join(tmpdir(), 'loopnet-compile-'))
    try {
      const file = join(dir, 'train.py')
      await writeFile(file, text)
      const result = await execa(python, ['-m', 'py_compile', file], {
        reject: false,
        cancelSignal: signal,
        env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONPYCACHEPREFIX: dir },
      })
      if (signal.aborted) throw signal.reason
      if (result.exitCode !== 0) {
        const message = `${result.stderr}`
          .split(dir)
          .join('')
          .trim()
          .split('\n')
          .slice(-6)
          .join('\n')
        throw new CompileError(message || `py_compile exited with ${result.exitCode}`)
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
}
