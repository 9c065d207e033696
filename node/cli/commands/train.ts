/**
 * `loopnet train`: prepare the data (idempotent) and run the baseline train file once through
 * the trusted harness (sandboxed, measured by the harness), streaming its output and printing
 * the harness's summary. The smallest end-to-end check that a machine can take part in a swarm.
 */
import { execa } from 'execa'
import { defineCommand } from '../commands.ts'
import { CliUsageError } from '../errors.ts'
import { HARNESS_PY, PREPARE_PY, resolvePython, TRAIN_PY, trainerEnv } from '../trainer.ts'

const usage = `Usage: loopnet train [--budget SECONDS] [--python PATH] [--file TRAIN_PY] [--unsafe-no-sandbox]

Prepares the corpus and tokenizer if needed, then runs one training run through the harness
(sandboxed) and prints the harness's summary.

Options:
  --budget SECONDS     training time budget (default: the tier's, CPU 60 s, GPU 300 s)
  --python PATH        python interpreter (default: /usr/bin/python3 or $LOOPNET_PYTHON)
  --file TRAIN_PY      train file to run (default: trainer/train.py)
  --unsafe-no-sandbox  run it without the sandbox (bubblewrap)`

const command = defineCommand(
  usage,
  {
    budget: { type: 'string' },
    python: { type: 'string' },
    file: { type: 'string' },
    'unsafe-no-sandbox': { type: 'boolean' },
  },
  async (values, signal) => {
    const env = trainerEnv()
    const args = [HARNESS_PY, values.file ?? TRAIN_PY]
    if (values.budget !== undefined) {
      if (!(Number(values.budget) > 0))
        throw new CliUsageError(
          `--budget must be a positive number of seconds, got '${values.budget}'`,
        )
      args.push('--budget', values.budget)
    }
    if (values['unsafe-no-sandbox'] === true) args.push('--no-sandbox')
    const python = resolvePython(values.python)
    const opts = {
      stdio: 'inherit',
      env,
      cancelSignal: signal,
      reject: false,
      forceKillAfterDelay: 5_000,
    } as const
    const prepared = await execa(python, [PREPARE_PY], opts)
    // stopped by the user (^C, SIGTERM), as `start` is: not a failure
    if (signal.aborted) return 0
    if (prepared.exitCode !== 0) return prepared.exitCode ?? 1
    const trained = await execa(python, args, opts)
    if (signal.aborted) return 0
    return trained.exitCode ?? 1
  },
)

export default command
