/**
 * bench:swarm's measures, pure functions of what the nodes reported (scripts/bench/swarm/
 * README.md defines each one). A round is one experiment of one node: node i's round r is its
 * r-th finished experiment, whatever it was (baseline, proposal, re-measure), so a swarm's
 * progress is counted in experiments per node, never in wall time.
 */

/** One finished experiment of one node, as its experiment-finished event said. */
export interface RunRow {
  node: number
  /** 1-based: the node's r-th finished experiment. */
  round: number
  /** ms since the epoch, when the node journaled it. */
  time: number
  status: string
  /** baseline, builtin, rebase... */
  source: string
  parentHash: string
  fileHash: string
  /** The measured (noisy) val_bpb; 0 for crashes. */
  valBpb: number
  /** The SIMULATED noise-free val_bpb of the file; undefined on the real trainer. */
  trueBpb?: number | undefined
}

export type Curve = Array<number | null>

/**
 * Best-so-far after each round 1..rounds: the lowest value among the keeps (own or adopted)
 * of every node up to that round of its own. null until the first keep.
 */
export function bestSoFar(runs: readonly RunRow[], rounds: number, by: 'true' | 'measured'): Curve {
  const bestAt: number[] = Array(rounds + 1).fill(Number.POSITIVE_INFINITY)
  for (const r of runs) {
    if (r.status !== 'keep' || r.round > rounds) continue
    const v = by === 'true' ? r.trueBpb : r.valBpb
    if (v === undefined || v === null || !Number.isFinite(v)) continue
    bestAt[r.round] = Math.min(bestAt[r.round] ?? Number.POSITIVE_INFINITY, v)
  }
  const out: Curve = []
  let best = Number.POSITIVE_INFINITY
  for (let i = 1; i <= rounds; i++) {
    best = Math.min(best, bestAt[i] ?? Number.POSITIVE_INFINITY)
    out.push(Number.isFinite(best) ? best : null)
  }
  return out
}

/** The first round (1-based) at which the curve is at or below the target; undefined if never. */
export function roundsTo(curve: Curve, target: number): number | undefined {
  const i = curve.findIndex((v) => v !== null && v <= target + 1e-9)
  return i < 0 ? undefined : i + 1
}

export interface SpeedUp {
  /** The best a single node reached after n x rounds experiments. */
  target: number
  /** The round at which the single node first reached it. */
  singleRounds: number
  /** The round at which the swarm reached it; undefined when it did not within its rounds. */
  swarmRounds: number | undefined
  /** singleRounds / swarmRounds; a lower bound singleRounds / rounds when not reached. */
  speedUp: number
  reached: boolean
}

/** Time-to-target: the single node's rounds to its best after n x R, over the swarm's. */
export function speedUp(single: Curve, swarm: Curve, n: number): SpeedUp | undefined {
  const horizon = Math.min(single.length, n * swarm.length)
  const target = single[horizon - 1]
  if (target === null || target === undefined) return undefined
  const singleRounds = roundsTo(single, target) ?? horizon
  const swarmRounds = roundsTo(swarm, target)
  return {
    target,
    singleRounds,
    swarmRounds,
    speedUp: singleRounds / (swarmRounds ?? swarm.length),
    reached: swarmRounds !== undefined,
  }
}

export interface Duplicates {
  total: number
  /** Proposals (not baselines, not re-measures) whose parent and file were run before. */
  duplicated: number
  share: number
  baselines: number
  remeasures: number
  /** Repeats of a node's own baseline that measure its seed noise (source 'noise'). */
  noiseRuns: number
}

/**
 * Duplicated experiments: the same (parent hash, file hash) run more than once across the
 * swarm, each run after the first counting once. Baselines (every node runs one), noise runs
 * (a node's repeats of its own baseline) and re-measures (deliberate second opinions: parent =
 * file) are counted apart.
 */
export function duplicates(runs: readonly RunRow[]): Duplicates {
  const seen = new Set<string>()
  let duplicated = 0
  let baselines = 0
  let remeasures = 0
  let noiseRuns = 0
  for (const r of [...runs].sort((a, b) => a.time - b.time)) {
    if (r.parentHash === '') {
      baselines++
      continue
    }
    if (r.source === 'noise') {
      noiseRuns++
      continue
    }
    if (r.parentHash === r.fileHash) {
      remeasures++
      continue
    }
    const key = `${r.parentHash}:${r.fileHash}`
    if (seen.has(key)) duplicated++
    else seen.add(key)
  }
  const total = runs.length
  return {
    total,
    duplicated,
    share: total === 0 ? 0 : duplicated / total,
    baselines,
    remeasures,
    noiseRuns,
  }
}

export interface Adoptions {
  /** Own (non-re-measure) keeps that another node could adopt. */
  keeps: number
  /** (keep, other node) pairs where the other node adopted that very file. */
  adoptions: number
  /** Median seconds and rounds of the adopter, from the keep to its adoption. */
  medianSeconds: number | null
  medianRounds: number | null
  meanSeconds: number | null
}

/**
 * Adoption latency: for each own keep on one node and each other node that later adopted the
 * same file (a re-measure kept there), the seconds between the two journal times and the
 * adopter's rounds in between.
 */
export function adoptionLatency(runs: readonly RunRow[]): Adoptions {
  const byNode = new Map<number, RunRow[]>()
  for (const r of runs) byNode.set(r.node, [...(byNode.get(r.node) ?? []), r])
  const ownKeeps = runs.filter(
    (r) => r.status === 'keep' && r.source !== 'rebase' && r.parentHash !== '',
  )
  const seconds: number[] = []
  const rounds: number[] = []
  for (const k of ownKeeps) {
    for (const [node, list] of byNode) {
      if (node === k.node) continue
      const adopted = list.find(
        (r) => r.source === 'rebase' && r.status === 'keep' && r.fileHash === k.fileHash,
      )
      if (adopted === undefined || adopted.time < k.time) continue
      const before = list.filter((r) => r.time <= k.time).length
      seconds.push((adopted.time - k.time) / 1000)
      rounds.push(adopted.round - before)
    }
  }
  return {
    keeps: ownKeeps.length,
    adoptions: seconds.length,
    medianSeconds: median(seconds),
    medianRounds: median(rounds),
    meanSeconds: seconds.length === 0 ? null : seconds.reduce((a, b) => a + b, 0) / seconds.length,
  }
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[mid] ?? null) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2
}

export interface Spread {
  mean: number
  sd: number
  min: number
  max: number
  n: number
}

/** Mean, sample standard deviation and range over seeds (nulls left out). */
export function spread(values: ReadonlyArray<number | null | undefined>): Spread | null {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
  if (xs.length === 0) return null
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length
  const sd =
    xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1))
  return { mean, sd, min: Math.min(...xs), max: Math.max(...xs), n: xs.length }
}

/** The pointwise mean of curves of one length (a null point counts as absent). */
export function meanCurve(curves: readonly Curve[]): Curve {
  const len = Math.max(0, ...curves.map((c) => c.length))
  return Array.from({ length: len }, (_, i) => spread(curves.map((c) => c[i]))?.mean ?? null)
}
