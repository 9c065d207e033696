/**
 * Benchmarks the trainer on this machine: prepare (cold or warm), train.py for a budget, and on
 * CPU the naive same-size PyTorch GPT (test/fixtures/trainer/naive_train.py) for comparison.
 * Reports tokens/s, params, MFU, val_bpb and the time spent outside the training budget.
 *
 *   npm run bench:trainer                      # the tier's budget (60 s CPU, 300 s GPU)
 *   npm run bench:trainer -- --budget 20       # or LOOPNET_BENCH_BUDGET=20
 *   npm run bench:trainer -- --json            # JSON only on stdout
 *   npm run bench:trainer -- --no-naive        # skip the baseline
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  fixturesDir,
  type PyResult,
  parseTrainSummary,
  runPython,
  trainerDir,
} from '../test/trainer-helpers.ts'

class BenchError extends Error {
  override name = 'BenchError'
}

interface RunReport {
  name: string
  tokensPerSecond: number
  numParamsM: number
  mfuPercent: number
  valBpb: number
  trainingSeconds: number
  totalSeconds: number
  /** Wall time of the process minus the training budget it used: start-up, warm-up, eval. */
  overheadSeconds: number
  numSteps: number
  device: string
}

function report(name: string, r: PyResult): RunReport {
  if (r.code !== 0) throw new BenchError(`${name} exited ${r.code}: ${r.stderr.trim().slice(-400)}`)
  const s = parseTrainSummary(r.stdout)
  const training = Number(s.training_seconds)
  // train files print "throughput: N tok/s" over timed steps; else estimate from the summary
  const m = /^throughput: +(\d+(?:\.\d+)?) tok\/s/m.exec(r.stdout)
  const tps = m?.[1] ? Number(m[1]) : (Number(s.total_tokens_M) * 1e6) / training
  // the summary rounds params to 0.1 M; the header line ("params: 1.44M") is finer, so a
  // same-size comparison shows as one
  const p = /params:? +(\d+(?:\.\d+)?)M/.exec(r.stdout)
  return {
    name,
    tokensPerSecond: Math.round(tps),
    numParamsM: p?.[1] ? Number(p[1]) : Number(s.num_params_M),
    mfuPercent: Number(s.mfu_percent),
    valBpb: Number(s.val_bpb),
    trainingSeconds: training,
    totalSeconds: Number(s.total_seconds),
    overheadSeconds: Math.round((r.seconds - training) * 10) / 10,
    numSteps: Number(s.num_steps),
    device: s.device,
  }
}

async function main(signal: AbortSignal): Promise<void> {
  const { values } = parseArgs({
    options: {
      budget: { type: 'string' },
      json: { type: 'boolean', default: false },
      'no-naive': { type: 'boolean', default: false },
    },
  })
  const budget = values.budget ?? process.env.LOOPNET_BENCH_BUDGET
  const env: Record<string, string> = budget ? { LOOPNET_TIME_BUDGET: budget } : {}
  const log = values.json ? () => {} : (line: string) => console.log(line)

  log('bench: prepare.py (default corpus)')
  const prep = await runPython(join(trainerDir, 'prepare.py'), ['--json'], { signal })
  if (prep.code !== 0) throw new BenchError(`prepare.py failed: ${prep.stderr.trim()}`)
  const info = JSON.parse(prep.stdout) as { genesis: string; data_dir: string }
  const built = /trained BPE/.test(prep.stderr)

  log(`bench: train.py, budget ${budget ?? 'of the tier'}`)
  const runs = [
    report('train.py', await runPython(join(trainerDir, 'train.py'), [], { env, signal })),
  ]
  if (!values['no-naive'] && runs[0]?.device.startsWith('cpu')) {
    log('bench: naive baseline GPT')
    const naive = await runPython(join(fixturesDir, 'naive_train.py'), [], { env, signal })
    runs.push(report('naive', naive))
  }
  const [ours, naive] = runs
  const result = {
    genesis: info.genesis,
    prepare: { seconds: Math.round(prep.seconds * 10) / 10, cold: built },
    runs,
    speedup:
      ours && naive ? Math.round((ours.tokensPerSecond / naive.tokensPerSecond) * 100) / 100 : null,
  }
  if (values.json) {
    console.log(JSON.stringify(result, null, 2))
    return
  }
  console.log(`\nprepare: ${result.prepare.seconds} s (${built ? 'cold' : 'warm'})`)
  console.table(
    runs.map((r) => ({
      run: r.name,
      device: r.device,
      'tok/s': r.tokensPerSecond,
      'params M': r.numParamsM,
      'mfu %': r.mfuPercent,
      val_bpb: r.valBpb,
      'train s': r.trainingSeconds,
      'overhead s': r.overheadSeconds,
      steps: r.numSteps,
    })),
  )
  if (result.speedup !== null) console.log(`speed-up over naive: ${result.speedup}x`)
  console.log(JSON.stringify(result))
}

const controller = new AbortController()
process.once('SIGINT', () => controller.abort())
try {
  await main(controller.signal)
} catch (err) {
  if (err instanceof BenchError) {
    console.error(`${err.name}: ${err.message}`)
    process.exit(1)
  }
  throw err
}
