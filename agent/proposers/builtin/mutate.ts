/**
 * The built-in proposer's pure core: every single-constant mutation of a train file, and a
 * seeded choice among those not tried yet. No I/O here; builtin.ts beside it does that.
 */
import { sha256Hex } from '../../../protocol/hash.ts'
import {
  type Constant,
  type NumberValue,
  parseConstants,
  replaceLiteral,
} from '../../train-constants.ts'
import type { Rng } from './rng.ts'

export interface Mutation {
  /** The constants changed, in file order. */
  changes: Array<{ name: string; from: string; to: string }>
  text: string
  fileHash: string
  /** Exactly what changed, e.g. "LR 0.004 -> 0.006". */
  description: string
}

/**
 * Constants the mutator leaves alone: the seed (changing it only measures noise), and anything
 * that is about logging, the device or the time budget rather than the model (UNTIMED steps
 * would buy free training time; WARMUP passes before begin() only cost untimed start-up).
 */
export const DEFAULT_FROZEN =
  /SEED|BUDGET|DEVICE|LOG|PRINT|VERBOSE|EVAL|DTYPE|COMPILE|UNTIMED|WARMUP/

/** Multipliers for numbers: small and large steps both ways. */
const FACTORS = [0.5, 0.75, 1.5, 2]
/** Ints may wander at most this far from the baseline value, either way. */
const INT_RANGE = 16

export interface MutationOptions {
  /** The baseline's constants, to bound how far ints may drift from where the swarm began. */
  baseline?: Constant[]
  frozen?: RegExp
}

/** Every new literal for one constant. */
export function candidateLiterals(c: Constant, baseline?: Constant): string[] {
  const p = c.parsed
  switch (p.type) {
    case 'bool':
      return [p.value ? 'False' : 'True']
    case 'string':
      return p.choices.filter((x) => x !== p.value).map((x) => `${p.quote}${x}${p.quote}`)
    case 'int':
      return intCandidates(
        p.value,
        baseline?.parsed.type === 'int' ? baseline.parsed.value : p.value,
      )
    case 'float':
      return floatCandidates(p.value, c.literal, c.name)
    case 'conditional':
      return conditionalCandidates(p.cond, p.then, p.otherwise)
  }
}

/**
 * `8 if ON_GPU else 2`: both branches scaled by the same factor, so the change means the same
 * on every tier (the proposer does not know which branch this machine takes).
 */
function conditionalCandidates(cond: string, a: NumberValue, b: NumberValue): string[] {
  const out: string[] = []
  const pow2 = (n: NumberValue): boolean =>
    n.type === 'int' && n.value > 0 && (n.value & (n.value - 1)) === 0
  for (const f of pow2(a) && pow2(b) ? [0.5, 2] : FACTORS) {
    const scale = (n: NumberValue): string | undefined => {
      if (n.type === 'int') {
        const v = Math.round(n.value * f)
        return v === n.value || (n.value > 0 && v < 1) ? undefined : String(v)
      }
      const text = formatFloat(n.value * f, n.literal)
      return Number(text) === n.value ? undefined : text
    }
    const [x, y] = [scale(a), scale(b)]
    if (x !== undefined && y !== undefined) out.push(`${x} if ${cond} else ${y}`)
  }
  return out
}

function intCandidates(value: number, base: number): string[] {
  const out = new Set<number>()
  const pow2 = value > 0 && (value & (value - 1)) === 0
  if (value === 0) {
    out.add(1)
  } else {
    const factors = pow2 ? [0.5, 2] : FACTORS
    for (const f of factors) {
      const v = Math.round(value * f)
      out.add(v === value ? value + Math.sign(f - 1) * Math.sign(value) : v)
    }
  }
  const lo = base > 0 ? Math.max(1, Math.floor(base / INT_RANGE)) : base < 0 ? base * INT_RANGE : 0
  const hi =
    base > 0 ? base * INT_RANGE : base < 0 ? Math.min(-1, Math.ceil(base / INT_RANGE)) : INT_RANGE
  return [...out]
    .filter((v) => v !== value && v >= lo && v <= hi && (value < 0 || v >= 0))
    .sort((a, b) => a - b)
    .map(String)
}

/** Names of quantities that are fractions by meaning: they stay in (0, 1). */
const FRACTION_NAME = /FRAC|RATIO|DROPOUT|MOMENTUM|BETA|PROB|EMA/

function floatCandidates(value: number, literal: string, name: string): string[] {
  const fraction = value > 0 && value < 1 && (FRACTION_NAME.test(name) || value >= 0.8)
  const values = new Set<number>()
  if (value === 0) {
    values.add(0.01)
    values.add(0.1)
  } else if (fraction && value >= 0.5) {
    // momenta and betas (0.9, 0.95) live near 1: step their distance to 1 as well
    for (const f of FACTORS) {
      values.add(value * f)
      values.add(1 - (1 - value) * f)
    }
  } else {
    for (const f of FACTORS) values.add(value * f)
  }
  const out = new Set<string>()
  for (const v of values) {
    // fractions stay fractions (a warm-down of 1.2 means nothing)
    if (fraction && !(v > 0 && v < 1)) continue
    if (Math.sign(v) !== Math.sign(value) && value !== 0) continue
    const text = formatFloat(v, literal)
    if (Number(text) !== value) out.add(text)
  }
  return [...out]
}

/** A float in the style of the original literal: scientific stays scientific, `.` is kept. */
export function formatFloat(v: number, original: string): string {
  if (/e/i.test(original)) {
    const [mant, exp] = v.toExponential(2).split('e')
    const m = String(Number(mant))
    return `${m}e${Number(exp)}`
  }
  let text = String(Number(v.toPrecision(3)))
  if (/e/.test(text)) return text
  if (!text.includes('.')) text += '.0'
  return text
}

export function listMutations(parentText: string, options: MutationOptions = {}): Mutation[] {
  const frozen = options.frozen ?? DEFAULT_FROZEN
  const base = new Map((options.baseline ?? []).map((c) => [c.name, c]))
  const out: Mutation[] = []
  for (const c of parseConstants(parentText)) {
    if (frozen.test(c.name)) continue
    for (const to of candidateLiterals(c, base.get(c.name))) {
      const text = replaceLiteral(parentText, c, to)
      out.push({
        changes: [{ name: c.name, from: c.literal, to }],
        text,
        fileHash: sha256Hex(text),
        description: `${c.name} ${c.literal} -> ${to}`,
      })
    }
  }
  return out
}

/**
 * A seeded choice of an untried mutation: first single-constant ones nobody tried or claimed,
 * then single ones only `deprioritized` holds (tried or claimed by untrusted peers: a sybil
 * flooding fake discards of every single edit must not push them all behind the pairs), then
 * (when every single one is excluded) two independent ones combined, those nobody touched
 * first. Undefined when nothing is left.
 */
export function chooseMutation(
  parentText: string,
  excludedHashes: ReadonlySet<string>,
  rng: Rng,
  options: MutationOptions & { deprioritized?: ReadonlySet<string> } = {},
): Mutation | undefined {
  const later = options.deprioritized ?? new Set<string>()
  const singles = listMutations(parentText, options)
  const open = singles.filter((m) => !excludedHashes.has(m.fileHash))
  const fresh = open.filter((m) => !later.has(m.fileHash))
  if (fresh.length > 0) return fresh[rng.int(fresh.length)]
  if (open.length > 0) return open[rng.int(open.length)]
  const names = [...new Set(singles.map((m) => m.changes[0]?.name))]
  if (names.length < 2) return undefined
  let fallback: Mutation | undefined
  for (let attempt = 0; attempt < 64; attempt++) {
    const a = singles[rng.int(singles.length)]
    const b = singles[rng.int(singles.length)]
    if (a === undefined || b === undefined) continue
    const [ca, cb] = [a.changes[0], b.changes[0]]
    if (ca === undefined || cb === undefined || ca.name === cb.name) continue
    const pair = combine(parentText, [a, b], options)
    if (pair === undefined || excludedHashes.has(pair.fileHash)) continue
    if (!later.has(pair.fileHash)) return pair
    fallback ??= pair
  }
  return fallback
}

function combine(
  parentText: string,
  parts: Mutation[],
  options: MutationOptions,
): Mutation | undefined {
  const wanted = new Map(parts.flatMap((m) => m.changes.map((c) => [c.name, c.to] as const)))
  let text = parentText
  // apply from the end of the file so earlier offsets stay valid
  const constants = parseConstants(parentText)
    .filter((c) => wanted.has(c.name) && !(options.frozen ?? DEFAULT_FROZEN).test(c.name))
    .sort((x, y) => y.start - x.start)
  if (constants.length !== wanted.size) return undefined
  for (const c of constants) text = replaceLiteral(text, c, wanted.get(c.name) ?? c.literal)
  const changes = constants
    .reverse()
    .map((c) => ({ name: c.name, from: c.literal, to: wanted.get(c.name) ?? c.literal }))
  return {
    changes,
    text,
    fileHash: sha256Hex(text),
    description: changes.map((c) => `${c.name} ${c.from} -> ${c.to}`).join('; '),
  }
}
