/**
 * Benchmarks the agent loop: N experiments with each proposer (built-in, and LLM against a local
 * OpenAI-compatible server that answers after a set delay), with and without pipelining.
 * Reports wall time, time in training, the overhead per experiment split by phase (propose,
 * git, start-up, eval, journal) and the fraction of wall time spent training.
 *
 *   npm run bench:loop                              # real trainer, 3 experiments, 5 s budget
 *   npm run bench:loop -- --n 5 --budget 10 --delay-ms 3000
 *   npm run bench:loop -- --trainer fixture         # the test fixture trainer: loop overhead only
 *   npm run bench:loop -- --proposers builtin --budget 60 --n 2   # the default CPU budget
 *   npm run bench:loop -- --json                    # JSON only on stdout
 */
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { execa } from 'execa'
import { pyCompileCheck } from '../agent/compile.ts'
import { AgentLoop } from '../agent/loop.ts'
import type { PhaseSeconds } from '../agent/loop-events.ts'
import { pythonPath, trainerDir as realTrainerDir } from '../agent/paths.ts'
import type { Proposer } from '../agent/proposer.ts'
import { BuiltinProposer } from '../agent/proposers/builtin/builtin.ts'
import { listMutations } from '../agent/proposers/builtin/mutate.ts'
import { LlmProposer } from '../agent/proposers/llm/llm.ts'
import { soloLoopInit } from '../node/solo.ts'
import { Store } from '../node/store/store.ts'
import {
  type ChatRequest,
  editReply,
  startScriptedServer,
} from '../test/fixtures/agent/openai-server.ts'

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '3' },
    budget: { type: 'string', default: '5' },
    'delay-ms': { type: 'string', default: '2000' },
    trainer: { type: 'string', default: 'real' },
    proposers: { type: 'string', default: 'builtin,llm' },
    json: { type: 'boolean', default: false },
  },
})
const n = Number(values.n)
const budget = Number(values.budget)
const delayMs = Number(values['delay-ms'])
const python = pythonPath()
const trainerDir =
  values.trainer === 'fixture'
    ? fileURLToPath(new URL('../test/fixtures/agent/trainer', import.meta.url))
    : realTrainerDir
const baselineText = readFileSync(join(trainerDir, 'train.py'), 'utf8')
const log = (text: string): void => {
  if (!values.json) process.stderr.write(`${text}\n`)
}

/** A model stand-in: answers after delayMs with a valid one-constant edit of the prompt's file. */
function fakeModelReply(): (req: ChatRequest) => string {
  let count = 0
  return (req) => {
    const prompt = req.messages.at(-1)?.content ?? ''
    const file = /```python\n([\s\S]*?)```/.exec(prompt)?.[1] ?? ''
    const tried = prompt
    const options = listMutations(file).filter((m) => !tried.includes(m.description))
    const m = options[count++ % Math.max(1, options.length)]
    const change = m?.changes[0]
    if (m === undefined || change === undefined) return 'GIVE UP'
    const line =
      file
        .split('\n')
        .find((l) => l.startsWith(`${change.name} =`) || l.startsWith(`${change.name}:`)) ?? ''
    return editReply(m.description, line, line.replace(change.from, change.to))
  }
}

interface BenchRow {
  proposer: string
  pipeline: boolean
  experiments: number
  wallSeconds: number
  trainingSeconds: number
  trainingFraction: number
  /** Per experiment, seconds. */
  perExperiment: PhaseSeconds
  /** Time the loop itself adds per experiment: propose wait + git + journal. */
  loopOverheadSeconds: number
}

async function bench(
  name: string,
  makeProposer: () => Proposer,
  pipeline: boolean,
): Promise<BenchRow> {
  const dataDir = await mkdtemp(join(tmpdir(), 'loopnet-bench-'))
  const store = new Store(join(dataDir, 'store.sqlite'))
  try {
    const loop = new AgentLoop({
      dataDir,
      ...soloLoopInit(store, 'bench'),
      proposer: makeProposer(),
      baselineText,
      python,
      trainerDir,
      budgetSeconds: budget,
      maxExperiments: n,
      pipeline,
      env: { FIXTURE_STEP_SECONDS: String(budget / 3) },
    })
    loop.addListener('experiment-finished', (e) =>
      log(
        `  ${name}${pipeline ? '' : ' (no pipeline)'} #${e.record.seq} ${e.record.status} ${e.record.description} propose ${e.phases.propose.toFixed(2)} s, total ${e.phases.total.toFixed(1)} s`,
      ),
    )
    const r = await loop.run(AbortSignal.timeout(3_600_000))
    const per = Object.fromEntries(
      Object.entries(r.phases).map(([k, v]) => [k, v / Math.max(1, r.experiments)]),
    ) as unknown as PhaseSeconds
    return {
      proposer: name,
      pipeline,
      experiments: r.experiments,
      wallSeconds: r.wallSeconds,
      trainingSeconds: r.trainingSeconds,
      trainingFraction: r.trainingSeconds / r.wallSeconds,
      perExperiment: per,
      loopOverheadSeconds: per.propose + per.git + per.journal,
    }
  } finally {
    store.close()
    await rm(dataDir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  if (values.trainer !== 'fixture')
    await execa(python, [join(trainerDir, 'prepare.py')], { stdout: 'ignore' })
  const server = await startScriptedServer([], { content: fakeModelReply(), delayMs })
  const compile = pyCompileCheck(python)
  const builtin = () => new BuiltinProposer({ seed: 1, baselineText })
  const llm = () => new LlmProposer({ baseURL: server.url, model: 'bench', compile })
  const rows: BenchRow[] = []
  try {
    log(
      `bench:loop: ${n} experiments per run, budget ${budget} s, LLM delay ${delayMs} ms, trainer ${values.trainer}`,
    )
    const wanted = new Set(values.proposers.split(','))
    for (const [name, make] of [
      ['builtin', builtin],
      ['llm', llm],
    ] as const) {
      if (!wanted.has(name)) continue
      for (const pipeline of [true, false]) rows.push(await bench(name, make, pipeline))
    }
  } finally {
    await server.close()
  }
  const result = {
    n,
    budgetSeconds: budget,
    llmDelayMs: delayMs,
    trainer: values.trainer,
    cores: availableParallelism(),
    rows,
  }
  if (values.json) {
    console.log(JSON.stringify(result, null, 2))
    return
  }
  const f = (x: number, d = 2): string => x.toFixed(d)
  const header = [
    'proposer',
    'pipeline',
    'wall s',
    'train s',
    'train %',
    'propose',
    'git',
    'start-up',
    'eval',
    'journal',
    'loop ovh',
  ]
  const table = rows.map((r) => [
    r.proposer,
    r.pipeline ? 'yes' : 'no',
    f(r.wallSeconds, 1),
    f(r.trainingSeconds, 1),
    f(100 * r.trainingFraction, 1),
    f(r.perExperiment.propose),
    f(r.perExperiment.git),
    f(r.perExperiment.startup),
    f(r.perExperiment.eval),
    f(r.perExperiment.journal),
    f(r.loopOverheadSeconds),
  ])
  const widths = header.map((h, i) =>
    Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)),
  )
  const fmt = (row: string[]): string => row.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ')
  console.log('per-experiment phases in seconds; loop ovh = propose wait + git + journal')
  console.log(fmt(header))
  for (const row of table) console.log(fmt(row))
  console.log(JSON.stringify(result))
}

await main()
