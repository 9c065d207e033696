/**
 * `loopnet start`: the composition root of a solo node. Opens the store, asks prepare.py for
 * the genesis (preparing data if needed), builds the proposer, the store-backed sink and swarm
 * view, and runs the agent loop until --max-experiments or a signal.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { execa } from 'execa'
import { pyCompileCheck } from '../../../agent/compile.ts'
import { AgentLoop } from '../../../agent/loop.ts'
import { trainerDir } from '../../../agent/paths.ts'
import type { Proposer } from '../../../agent/proposer.ts'
import { BuiltinProposer } from '../../../agent/proposers/builtin.ts'
import { LlmProposer } from '../../../agent/proposers/llm.ts'
import { SoloSink, SoloSwarmView } from '../../solo.ts'
import { Store } from '../../store/store.ts'
import type { Command } from '../commands.ts'
import { resolveStartOptions, type StartFlags } from './start-config.ts'
import { attachView } from './start-view.ts'

const usage = `Usage: loopnet start [options]

Runs the autoresearch loop on this machine, forever by default: propose an edit of the train
file, train it for the time budget, keep it if val_bpb improved, journal everything.

Options:
  --data-dir DIR         node data (default: $LOOPNET_DATA_DIR or ./.loopnet)
  --proposer NAME        builtin (offline, default) or llm
  --budget SECONDS       training time budget per experiment (default: the tier's, CPU 60, GPU 300)
  --grace SECONDS        extra time before a run is killed at 2x budget (default 60)
  --max-experiments N    stop after N experiments (default: run forever)
  --seed N               seed of the built-in proposer (default 0)
  --min-delta X          keep only gains larger than X bpb (default 0)
  --python PATH          python interpreter (default: /usr/bin/python3 or $LOOPNET_PYTHON)
  --no-pipeline          do not prepare the next proposal while training, nor the next
                         interpreter (imports) during the current run's eval
  --json                 one JSON object per event on stdout
  --base-url URL         OpenAI-compatible endpoint for --proposer llm ($OPENAI_BASE_URL)
  --api-key KEY          its key ($OPENAI_API_KEY)
  --model NAME           its model ($LOOPNET_MODEL)
The LLM settings may also live in <data-dir>/llm.json: {"baseURL", "apiKey", "model",
"temperature", "requestTimeoutMs", "maxAttempts"}.`

/** prepare.py failed: no corpus, wrong corpus, no numpy... Its message is for the user. */
export class PrepareFailedError extends Error {
  override name = 'PrepareFailedError'
}

async function genesisOf(python: string, signal: AbortSignal): Promise<string> {
  const res = await execa(python, [join(trainerDir, 'prepare.py'), '--genesis'], {
    cancelSignal: signal,
    reject: false,
    stderr: 'inherit',
  })
  if (signal.aborted) throw signal.reason
  const genesis = `${res.stdout}`.trim().split('\n').at(-1) ?? ''
  if (res.exitCode !== 0 || !/^[0-9a-f]{64}$/.test(genesis))
    throw new PrepareFailedError(
      `prepare.py --genesis failed (exit ${res.exitCode}); see its output above`,
    )
  return genesis
}

/** The tier's default budget, from the trainer's own tier table (imports torch: ~1-2 s). */
async function defaultBudget(python: string, signal: AbortSignal): Promise<number> {
  const res = await execa(
    python,
    ['-c', 'from prepare import TIERS, detect_tier; print(TIERS[detect_tier()[0]]["time_budget"])'],
    { cancelSignal: signal, reject: false, env: { PYTHONPATH: trainerDir } },
  )
  const v = Number(`${res.stdout}`.trim())
  return res.exitCode === 0 && v > 0 ? v : 60
}

async function readProgram(): Promise<string | undefined> {
  return readFile(join(trainerDir, 'program.md'), 'utf8').catch(() => undefined)
}

const command: Command = {
  summary: 'run the experiment loop (propose, train, keep or discard) on this node',
  usage,
  async run(argv, signal) {
    const { values } = parseArgs({
      args: argv,
      options: {
        'data-dir': { type: 'string' },
        proposer: { type: 'string' },
        budget: { type: 'string' },
        grace: { type: 'string' },
        'max-experiments': { type: 'string' },
        seed: { type: 'string' },
        'min-delta': { type: 'string' },
        python: { type: 'string' },
        'no-pipeline': { type: 'boolean' },
        json: { type: 'boolean' },
        'base-url': { type: 'string' },
        'api-key': { type: 'string' },
        model: { type: 'string' },
      },
    })
    const opts = resolveStartOptions(values as StartFlags)
    const store = new Store(join(opts.dataDir, 'store.sqlite'))
    try {
      const [genesis, budgetSeconds, baselineText, program] = await Promise.all([
        genesisOf(opts.python, signal),
        opts.budgetSeconds ?? defaultBudget(opts.python, signal),
        readFile(join(trainerDir, 'train.py'), 'utf8'),
        readProgram(),
      ])
      const compile = pyCompileCheck(opts.python)
      const builtin = new BuiltinProposer({ seed: opts.seed, baselineText })
      let proposer: Proposer = builtin
      if (opts.llm !== undefined)
        proposer = new LlmProposer({
          ...opts.llm,
          compile,
          ...(program !== undefined ? { program } : {}),
        })
      const loop = new AgentLoop({
        dataDir: opts.dataDir,
        genesis,
        author: store.nodeId(),
        sink: new SoloSink(store),
        swarm: new SoloSwarmView(store, genesis),
        proposer,
        ...(proposer !== builtin ? { fallback: builtin } : {}),
        baselineText,
        python: opts.python,
        trainerDir,
        budgetSeconds,
        ...(opts.graceSeconds !== undefined ? { graceSeconds: opts.graceSeconds } : {}),
        minDelta: opts.minDelta,
        ...(opts.maxExperiments !== undefined ? { maxExperiments: opts.maxExperiments } : {}),
        pipeline: opts.pipeline,
        compile,
      })
      const detach = attachView(loop, opts.json ? 'json' : process.stdout.isTTY ? 'tty' : 'plain')
      try {
        await loop.run(signal)
      } finally {
        detach()
      }
      return 0
    } catch (err) {
      // stopped while preparing (prepare.py, the tier probe): nothing ran, nothing to report
      if (signal.aborted) return 0
      throw err
    } finally {
      store.close()
    }
  },
}

export default command
