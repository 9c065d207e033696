/**
 * bench:swarm: swarm dynamics on a SIMULATED objective (scripts/bench/swarm/README.md). The
 * trainer is a stand-in (scripts/bench/swarm/sim-trainer/: val_bpb = a fixed landscape of the
 * train file's constants + N(0, sigma), in milliseconds); everything else is real: N
 * `loopnet start` processes on loopback with the built-in proposer, git, the store, gossip and
 * rebase. Sharing on: every node bootstraps off node 1; off: unconnected nodes. Counted in
 * experiments per node (rounds), never wall time.
 *
 *   npm run bench:swarm                                   # N=1,4,16, 3 seeds, 20 rounds
 *   npm run bench:swarm -- --n 1,4 --rounds 10 --seeds 1  # a quick look
 *   npm run bench:swarm -- --sigma 0.005 --node-args="--min-delta 0.01"
 *   npm run bench:swarm -- --noise-runs 0                 # no noise runs (loopnet start: 2)
 *   npm run bench:swarm -- --real                         # the REAL trainer: 2 nodes, 1 core
 *   npm run bench:swarm -- --real --real-minutes 1 --real-budget 5 --repeats 1  # dry run
 *   npm run bench:swarm -- --from .loopnet/bench-swarm/bench-swarm.json  # report it again
 *
 * The single node (N=1) runs rounds x max(N) experiments: its curve gives each N its target
 * (the best it reached after N x rounds). Prints a table (every line SIMULATED), the landscape
 * and the noise, and writes JSON and a PNG plot of the best-so-far curves.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { type RunRow, spread } from './bench/swarm/analysis.ts'
import { runArm } from './bench/swarm/arm.ts'
import {
  checkLandscape,
  describeLandscape,
  type LandscapeDescription,
  SIM_TRAINER_DIR,
  trueValues,
} from './bench/swarm/landscape.ts'
import { type Rgb, type Series, writePlot } from './bench/swarm/plot.ts'
import {
  type ArmMeasures,
  addSpeedUps,
  checks,
  fmt,
  formatTable,
  measureArm,
  summarize,
} from './bench/swarm/report.ts'

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1,4,16' },
    rounds: { type: 'string', default: '20' },
    seeds: { type: 'string', default: '3' },
    sigma: { type: 'string', default: '0.015' },
    'run-seconds': { type: 'string', default: '0' },
    arms: { type: 'string', default: 'on,off' },
    budget: { type: 'string', default: '1' },
    'noise-runs': { type: 'string' },
    'node-args': { type: 'string', default: '' },
    dir: { type: 'string', default: '.loopnet/bench-swarm' },
    out: { type: 'string' },
    plot: { type: 'string' },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    real: { type: 'boolean', default: false },
    'real-minutes': { type: 'string', default: '10' },
    'real-budget': { type: 'string', default: '30' },
    repeats: { type: 'string', default: '2' },
    from: { type: 'string' },
  },
})

const dir = resolve(values.dir)
const log = (text: string): void => {
  if (!values.json) process.stderr.write(`${text}\n`)
}
const nodeArgs = [
  ...values['node-args'].split(/\s+/).filter((a) => a !== ''),
  ...(values['noise-runs'] !== undefined ? ['--noise-runs', values['noise-runs']] : []),
]
const seeds = values.seeds.includes(',')
  ? values.seeds.split(',').map(Number)
  : Array.from({ length: Number(values.seeds) }, (_, i) => i + 1)

async function simulated(): Promise<void> {
  const sigma = Number(values.sigma)
  const rounds = Number(values.rounds)
  const ns = values.n.split(',').map(Number)
  const maxN = Math.max(...ns)
  const sharingArms = values.arms.split(',').map((a) => a === 'on')
  const landscape = await describeLandscape(sigma)
  const landscapeCheck = await checkLandscape(sigma)
  const say = (line: string): void => log(`SIMULATED ${line}`)
  log(landscape.what)
  say(
    `noise: sigma ${sigma} bpb per run; optimum ${landscape.optimum_bpb.toFixed(4)} at ${JSON.stringify(landscape.optimum)}`,
  )
  say(`baseline ${landscape.baseline_bpb.toFixed(4)}: ${JSON.stringify(landscape.baseline_terms)}`)
  const m = landscapeCheck.moves
  say(
    `single moves from the baseline: ${m.total}: ${m.gain} gain (${m.belowNoise} by less than sigma), ${m.neutral} neutral, ${m.harm} harm`,
  )
  say(
    `noise-free descent by built-in moves reaches ${landscapeCheck.descent.reached.toFixed(4)}: ${landscapeCheck.descent.steps.join(', ')}`,
  )
  const simEnv = {
    LOOPNET_SIM_SIGMA: String(sigma),
    LOOPNET_SIM_RUN_SECONDS: values['run-seconds'],
  }
  const arms: ArmMeasures[] = []
  /** Every arm's finished experiments, for analyses this script does not make. */
  const runsByArm: Record<string, RunRow[]> = {}
  const benchStart = performance.now()
  for (const seed of seeds) {
    for (const n of ns) {
      for (const sharing of n === 1 ? [false] : sharingArms) {
        const armRounds = n === 1 ? rounds * maxN : rounds
        const name = `seed${seed}-n${n}-${n === 1 ? 'single' : sharing ? 'on' : 'off'}`
        log(`SIMULATED arm ${name}: ${n} node(s), ${armRounds} rounds`)
        const res = await runArm({
          n,
          sharing,
          rounds: armRounds,
          seed,
          dir: join(dir, name),
          trainerDir: SIM_TRAINER_DIR,
          simEnv,
          budgetSeconds: Number(values.budget),
          nodeArgs,
          log,
        })
        const truth = await trueValues(res.files.values())
        const runs: RunRow[] = res.runs.map((r) => ({
          ...r,
          trueBpb: truth.get(r.fileHash) ?? undefined,
        }))
        const measured = measureArm(
          {
            n,
            sharing,
            seed,
            rounds: armRounds,
            wallSeconds: res.wallSeconds,
            startupSeconds: res.startupSeconds,
            rssMbMax: Math.max(...res.rssMb),
            invalidRecords: res.invalidRecords,
          },
          runs,
        )
        arms.push(measured)
        runsByArm[name] = runs
        log(
          `SIMULATED   ${res.runs.length} experiments in ${res.wallSeconds.toFixed(1)} s (+${res.startupSeconds.toFixed(1)} s start-up); true best ${measured.finalTrue?.toFixed(4)}, measured best ${measured.finalMeasured?.toFixed(4)}, RSS max ${measured.rssMbMax.toFixed(0)} MiB`,
        )
        if (!values.keep) await rm(join(dir, name), { recursive: true, force: true })
      }
    }
  }
  await report({
    bench: 'swarm',
    simulated: true,
    note: 'SIMULATED objective: val_bpb = landscape(constants) + N(0, sigma); the loop, git, proposer, gossip, store and rebase are real',
    landscape,
    landscapeCheck,
    params: { ns, rounds, seeds, sigma, runSeconds: Number(values['run-seconds']), nodeArgs },
    benchSeconds: (performance.now() - benchStart) / 1000,
    arms,
    runs: runsByArm,
  })
}

/** What a sweep measured: enough to report it again (--from) without re-running it. */
interface SweepResult {
  bench: 'swarm'
  simulated: true
  note: string
  landscape: LandscapeDescription
  landscapeCheck: unknown
  params: {
    ns: number[]
    rounds: number
    seeds: number[]
    sigma: number
    runSeconds: number
    nodeArgs: string[]
  }
  benchSeconds: number
  arms: ArmMeasures[]
  runs: Record<string, RunRow[]>
}

/** Speed-ups, the summary over seeds and the checks; the JSON, the plot and the table. */
async function report(sweep: SweepResult): Promise<void> {
  const { arms, landscape } = sweep
  addSpeedUps(arms)
  const summary = summarize(arms)
  const result = { ...sweep, checks: checks(summary, arms), summary }
  await mkdir(dir, { recursive: true })
  const out = values.out ?? join(dir, 'bench-swarm.json')
  await writeFile(out, `${JSON.stringify(result)}\n`)
  const png = values.plot ?? join(dir, 'bench-swarm.png')
  writePlot(png, plotSpec(summary, landscape.optimum_bpb, sweep.params.ns))
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`)
    return
  }
  const say = (line: string): boolean => process.stdout.write(`${line}\n`)
  say(formatTable(summary))
  say(
    "SIMULATED true best: the noise-free value of the best kept or adopted file after the arm's rounds (mean ±sd over seeds); speed-up: median over seeds, * = some seeds did not reach the target (a lower bound)",
  )
  for (const c of result.checks)
    say(`SIMULATED check ${c.pass ? 'PASS' : 'FAIL'}: ${c.name}: ${c.detail}`)
  say(
    `SIMULATED landscape: optimum ${landscape.optimum_bpb}, baseline ${landscape.baseline_bpb.toFixed(4)}, sigma ${sweep.params.sigma}; seeds ${sweep.params.seeds.join(',')}`,
  )
  say(`SIMULATED bench took ${sweep.benchSeconds.toFixed(0)} s; JSON ${out}; plot ${png}`)
  say(
    JSON.stringify({
      bench: 'swarm',
      simulated: true,
      checks: result.checks,
      summary: summary.map(({ curveTrue: _t, curveMeasured: _m, ...s }) => s),
    }),
  )
}

const PALETTE: Rgb[] = [
  [0, 0, 0],
  [31, 119, 180],
  [214, 39, 40],
  [44, 160, 44],
  [148, 103, 189],
  [255, 127, 14],
]

function plotSpec(summary: ReturnType<typeof summarize>, optimum: number, ns: number[]) {
  const series: Series[] = summary.map((s) => ({
    label: s.n === 1 ? 'N=1' : `N=${s.n} ${s.sharing ? 'ON' : 'OFF'}`,
    color: PALETTE[ns.indexOf(s.n) % PALETTE.length] ?? [0, 0, 0],
    dashed: s.n > 1 && !s.sharing,
    points: s.curveTrue,
  }))
  return {
    title: 'SIMULATED: BEST-SO-FAR TRUE VAL_BPB (MEAN OVER SEEDS)',
    xLabel: 'EXPERIMENTS PER NODE (ROUNDS, LOG2)',
    yLabel: 'TRUE VAL_BPB',
    series,
    hlines: [{ y: optimum, label: `OPTIMUM ${optimum.toFixed(3)}`, color: [120, 120, 120] as Rgb }],
  }
}

/** The real-trainer check: 2 nodes, one core each, sharing on vs off, the same wall time. */
async function real(): Promise<void> {
  const minutes = Number(values['real-minutes'])
  const repeats = Number(values.repeats)
  const rows: Array<Record<string, unknown>> = []
  for (let rep = 1; rep <= repeats; rep++) {
    for (const sharing of [true, false]) {
      const name = `real-rep${rep}-${sharing ? 'on' : 'off'}`
      log(
        `REAL trainer arm ${name}: 2 nodes, one core each, ${minutes} min, budget ${values['real-budget']} s`,
      )
      const res = await runArm({
        n: 2,
        sharing,
        rounds: undefined,
        seed: rep,
        dir: join(dir, name),
        trainerDir: undefined,
        budgetSeconds: Number(values['real-budget']),
        nodeArgs,
        cpus: (i) => String(i - 1),
        wallSeconds: minutes * 60,
        log,
      })
      const keeps = res.runs.filter((r) => r.status === 'keep')
      const best = keeps.length === 0 ? null : Math.min(...keeps.map((r) => r.valBpb))
      const row = {
        arm: sharing ? 'on' : 'off',
        repeat: rep,
        experiments: res.runs.length,
        keeps: keeps.length,
        adoptions: keeps.filter((r) => r.source === 'rebase').length,
        bestValBpb: best,
        perNodeBest: [1, 2].map((k) => {
          const own = keeps.filter((r) => r.node === k).map((r) => r.valBpb)
          return own.length === 0 ? null : Math.min(...own)
        }),
        wallSeconds: res.wallSeconds,
      }
      rows.push(row)
      log(`REAL   ${JSON.stringify(row)}`)
      if (!values.keep) await rm(join(dir, name), { recursive: true, force: true })
    }
  }
  const by = (arm: string) =>
    spread(rows.filter((r) => r.arm === arm).map((r) => r.bestValBpb as number | null))
  const result = {
    bench: 'swarm-real',
    simulated: false,
    minutes,
    budget: Number(values['real-budget']),
    repeats,
    rows,
    on: by('on'),
    off: by('off'),
  }
  await mkdir(dir, { recursive: true })
  const out = values.out ?? join(dir, 'bench-swarm-real.json')
  await writeFile(out, `${JSON.stringify(result)}\n`)
  if (!values.json) {
    process.stdout.write('REAL trainer  arm  repeat  experiments  keeps  adoptions  best val_bpb\n')
    for (const r of rows)
      process.stdout.write(
        `REAL trainer  ${String(r.arm).padEnd(3)}  ${String(r.repeat).padStart(6)}  ${String(r.experiments).padStart(11)}  ${String(r.keeps).padStart(5)}  ${String(r.adoptions).padStart(9)}  ${(r.bestValBpb as number | null)?.toFixed(6) ?? 'n/a'}\n`,
      )
    process.stdout.write(
      `REAL trainer best val_bpb: on ${fmt(result.on, 4)}; off ${fmt(result.off, 4)}; JSON ${out}\n`,
    )
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

if (values.from !== undefined)
  await report(JSON.parse(await readFile(resolve(values.from), 'utf8')) as SweepResult)
else await (values.real ? real() : simulated())
