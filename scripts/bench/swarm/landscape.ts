/**
 * The TypeScript side of bench:swarm's SIMULATED objective (sim-trainer/landscape.py is the
 * only definition of it): describe it, score files noise-free, and check what the issue asks of
 * it: its optimum is reachable by the built-in proposer's moves, and most single moves from the
 * baseline are neutral or harmful.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { pythonPath } from '../../../agent/paths.ts'
import { listMutations } from '../../../agent/proposers/builtin/mutate.ts'
import { parseConstants } from '../../../agent/train-constants.ts'
import { sha256Hex } from '../../../protocol/hash.ts'

export const SIM_TRAINER_DIR = join(dirname(fileURLToPath(import.meta.url)), 'sim-trainer')
const LANDSCAPE_PY = join(SIM_TRAINER_DIR, 'landscape.py')

export interface LandscapeDescription {
  simulated: true
  what: string
  sigma: number
  optimum_bpb: number
  optimum: Record<string, number | string | boolean>
  baseline_bpb: number
  baseline_terms: Record<string, number>
}

export async function describeLandscape(sigma: number): Promise<LandscapeDescription> {
  const res = await execa(pythonPath(), [LANDSCAPE_PY, '--describe', '--sigma', String(sigma)])
  return JSON.parse(res.stdout) as LandscapeDescription
}

/** The noise-free val_bpb of each file (null when the landscape cannot read its constants). */
export async function trueValues(texts: Iterable<string>): Promise<Map<string, number | null>> {
  const byHash: Record<string, string> = {}
  for (const text of texts) byHash[sha256Hex(text)] = text
  const res = await execa(pythonPath(), [LANDSCAPE_PY, '--eval'], {
    input: JSON.stringify(byHash),
    maxBuffer: 1 << 30,
  })
  return new Map(Object.entries(JSON.parse(res.stdout) as Record<string, number | null>))
}

export function baselineText(): string {
  return readFileSync(join(SIM_TRAINER_DIR, 'train.py'), 'utf8')
}

export interface LandscapeCheck {
  /** Single moves from the baseline by their noise-free effect (gain: < -0.002 bpb). */
  moves: { total: number; gain: number; neutral: number; harm: number; belowNoise: number }
  /** Noise-free steepest descent by single built-in moves, from the baseline. */
  descent: { steps: string[]; reached: number }
}

const NEUTRAL_BPB = 0.002

/** Every single move scored noise-free; then steepest descent until no move gains. */
export async function checkLandscape(sigma: number): Promise<LandscapeCheck> {
  const base = baselineText()
  const baseline = parseConstants(base)
  const first = listMutations(base, { baseline })
  const values = await trueValues([base, ...first.map((m) => m.text)])
  const baseValue = values.get(sha256Hex(base)) ?? Number.NaN
  const moves = { total: first.length, gain: 0, neutral: 0, harm: 0, belowNoise: 0 }
  for (const m of first) {
    const delta = (values.get(m.fileHash) ?? Number.POSITIVE_INFINITY) - baseValue
    if (delta < -NEUTRAL_BPB) {
      moves.gain++
      if (-delta < sigma) moves.belowNoise++
    } else if (delta > NEUTRAL_BPB) moves.harm++
    else moves.neutral++
  }
  const steps: string[] = []
  let text = base
  let value = baseValue
  for (let i = 0; i < 64; i++) {
    // single moves first; pairs (the proposer's next resort) only when no single one gains
    const best =
      (await bestMove(listMutations(text, { baseline }), value)) ??
      (await bestMove(pairMoves(text, baseline), value))
    if (best === undefined) break
    steps.push(`${best.description} (${best.value.toFixed(4)})`)
    text = best.text
    value = best.value
  }
  return { moves, descent: { steps, reached: value } }
}

interface Move {
  description: string
  text: string
  fileHash: string
}

async function bestMove(
  options: Move[],
  below: number,
): Promise<(Move & { value: number }) | undefined> {
  const scored = await trueValues(options.map((m) => m.text))
  let best: (Move & { value: number }) | undefined
  for (const m of options) {
    const v = scored.get(m.fileHash)
    if (typeof v === 'number' && v < (best?.value ?? below - 1e-9)) best = { ...m, value: v }
  }
  return best
}

/** Every two single moves of different constants, applied together. */
function pairMoves(text: string, baseline: ReturnType<typeof parseConstants>): Move[] {
  const out = new Map<string, Move>()
  for (const a of listMutations(text, { baseline })) {
    const name = a.changes[0]?.name
    for (const b of listMutations(a.text, { baseline })) {
      if (b.changes[0]?.name === name) continue
      out.set(b.fileHash, { ...b, description: `${a.description}; ${b.description}` })
    }
  }
  return [...out.values()]
}
