import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The repository's trainer/ folder: prepare.py, the baseline train.py, program.md.
 * $LOOPNET_TRAINER_DIR points loopnet at another trainer (a custom game, or test fixtures).
 */
export const trainerDir = process.env.LOOPNET_TRAINER_DIR
  ? resolve(process.env.LOOPNET_TRAINER_DIR)
  : fileURLToPath(new URL('../trainer', import.meta.url))

/**
 * Debian's torch lives in the system python; a pyenv or venv python on PATH usually lacks it,
 * so the default is the absolute system path, overridable for other set-ups.
 */
export function pythonPath(): string {
  return process.env.LOOPNET_PYTHON ?? '/usr/bin/python3'
}
