/**
 * Seed noise (docs/ARCHITECTURE.md "Sharing decisions"): how far two runs of one file on this
 * node land apart, and the margins every decision derives from it. Pure: the loop feeds it
 * this node's own repeated runs (the noise runs of the baseline, and any file it ran twice).
 *
 * One run's val_bpb is the file's true value plus noise of spread sigma; the difference of
 * two runs then has spread sigma * sqrt(2), so a keep, an adoption and a reproduction each
 * allow k of those.
 */

/**
 * One run's sigma assumed until this node has measured its own: above the spread measured
 * here (0.015 bpb at 30 s on a loaded 2-core CPU, 10 runs of the baseline, mostly from how
 * many steps fit in the budget under load), so an unmeasured node keeps too little rather
 * than keeping noise.
 */
export const DEFAULT_NOISE_SIGMA = 0.02
/**
 * How many sigmas of a difference a gain must clear. 2 lets through about 1 in 44 neutral
 * edits as a keep (one-sided normal tail). With the 0.015 measured at 30 s on a loaded 2-core
 * CPU the margin is 0.042 bpb: above the keeps seen there that did not reproduce on a peer
 * (0.011, 0.014), below the real gain that did (DEPTH 2 -> 1: 0.08 to 0.13 on three nodes).
 */
export const DEFAULT_NOISE_K = 2
/** Fewer degrees of freedom than this and the estimate is not trusted over the default. */
export const MIN_NOISE_DOF = 2

export interface NoiseEstimate {
  /** One run's standard deviation of val_bpb (bpb). */
  sigma: number
  /** Degrees of freedom behind it (runs minus files); 0 for the default. */
  dof: number
  /** Whether sigma was measured here, or is DEFAULT_NOISE_SIGMA. */
  measured: boolean
}

/** One measurement of a file on this node: which file, and what it scored. */
export interface NoiseSample {
  fileHash: string
  valBpb: number
}

/**
 * The pooled estimate over every file this node ran more than once: the squared deviations
 * from each file's own mean, over runs minus files. The default until MIN_NOISE_DOF.
 */
export function estimateNoise(samples: readonly NoiseSample[]): NoiseEstimate {
  const byFile = new Map<string, number[]>()
  for (const s of samples) {
    if (!Number.isFinite(s.valBpb) || s.valBpb <= 0) continue
    byFile.set(s.fileHash, [...(byFile.get(s.fileHash) ?? []), s.valBpb])
  }
  let squares = 0
  let dof = 0
  for (const values of byFile.values()) {
    if (values.length < 2) continue
    // deviations from the first run: identical runs give exactly 0, not a rounding residue
    const shifted = values.map((v) => v - (values[0] ?? 0))
    const mean = shifted.reduce((a, b) => a + b, 0) / shifted.length
    for (const v of shifted) squares += (v - mean) ** 2
    dof += values.length - 1
  }
  if (dof < MIN_NOISE_DOF) return { sigma: DEFAULT_NOISE_SIGMA, dof: 0, measured: false }
  return { sigma: Math.sqrt(squares / dof), dof, measured: true }
}

/** The margin a difference of two runs must clear: k sigmas of it. */
export function differenceMargin(noise: Pick<NoiseEstimate, 'sigma'>, k = DEFAULT_NOISE_K): number {
  return k * noise.sigma * Math.SQRT2
}

/** The estimate in words, for the start view and the LLM's prompt. */
export function describeNoise(noise: NoiseEstimate, k = DEFAULT_NOISE_K): string {
  const margin = differenceMargin(noise, k).toFixed(4)
  return noise.measured
    ? `seed noise ${noise.sigma.toFixed(4)} bpb per run (${noise.dof + 1}+ runs); a gain must exceed ${margin}`
    : `seed noise not measured yet: assuming ${noise.sigma.toFixed(4)} bpb per run; a gain must exceed ${margin}`
}

/** The estimate of a node that has not measured yet. */
export const UNMEASURED_NOISE: NoiseEstimate = Object.freeze({
  sigma: DEFAULT_NOISE_SIGMA,
  dof: 0,
  measured: false,
})

/** Whether two estimates say the same (the views are told only of a change). */
export function sameNoise(a: NoiseEstimate, b: NoiseEstimate): boolean {
  return a.sigma === b.sigma && a.dof === b.dof && a.measured === b.measured
}

/**
 * What a record carries of its author's estimate (protocol/types.ts noiseSigma, noiseDof):
 * nothing until measured; a zero is left out, as the canonical encoding leaves it out.
 */
export function noiseFields(noise: NoiseEstimate): { noiseSigma?: number; noiseDof?: number } {
  if (!noise.measured) return {}
  return { ...(noise.sigma > 0 ? { noiseSigma: noise.sigma } : {}), noiseDof: noise.dof }
}

/**
 * describeNoise, and the user's --min-delta where it raises the margin above the noise's: the
 * line the start view prints and the LLM's prompt states.
 */
export function describeProposalNoise(noise: {
  estimate: NoiseEstimate
  k: number
  margin: number
}): string {
  const text = describeNoise(noise.estimate, noise.k)
  return noise.margin > differenceMargin(noise.estimate, noise.k)
    ? `${text}; this node's --min-delta raises that to ${noise.margin.toFixed(4)}`
    : text
}
