/**
 * The contract with the trusted harness (trainer/harness.py): its summary block, which it
 * writes on a channel no train file holds (the runner's fd 3), and the progress lines a train
 * file prints (informational: they drive the progress bar and nothing else). Pure parsers.
 */

/** ok: scored; crash: failed without breaking a rule; rejected: broke a rule of the harness. */
export type Verdict = 'ok' | 'crash' | 'rejected'

/** Every number the harness measured for one run. */
export interface Summary {
  verdict: Verdict
  /** For crash and rejected: the named reason (non-causal, over-budget, timeout...). */
  reason: string
  /** One line on what happened (never published: the reason is). */
  detail: string
  valBpb: number
  budgetSeconds: number
  trainingSeconds: number
  startupSeconds: number
  evalSeconds: number
  probeSeconds: number
  totalSeconds: number
  weightsMb: number
  numParams: number
  peakMemMb: number
  probeMaxDiff: number
  probeMeanGain: number
  seed: number
  /** Hardware tier key, e.g. cpu-2c. */
  device: string
  /** 'bwrap', or 'none' for the explicit opt-out. */
  sandbox: string
}

export type SummaryErrorKind = 'missing' | 'malformed'

export type SummaryResult =
  | { ok: true; summary: Summary }
  | { ok: false; kind: SummaryErrorKind; message: string }

const NUMBER_KEYS = {
  val_bpb: 'valBpb',
  budget_seconds: 'budgetSeconds',
  training_seconds: 'trainingSeconds',
  startup_seconds: 'startupSeconds',
  eval_seconds: 'evalSeconds',
  probe_seconds: 'probeSeconds',
  total_seconds: 'totalSeconds',
  weights_mb: 'weightsMb',
  num_params: 'numParams',
  peak_mem_mb: 'peakMemMb',
  probe_max_diff: 'probeMaxDiff',
  probe_mean_gain: 'probeMeanGain',
  seed: 'seed',
} as const satisfies Record<string, keyof Summary>

/** What a summary cannot lack; the rest default to 0 (a run that ended early has no eval). */
const REQUIRED = new Set(['val_bpb', 'budget_seconds', 'total_seconds', 'seed'])
const VERDICTS = new Set<string>(['ok', 'crash', 'rejected'])
/** Reasons travel in records: one token, as every node validates them. */
export const REASON = /^[a-z][a-z0-9-]{0,47}$/

/** Parses the harness's summary block (the text after its last `---` line). */
export function parseSummary(text: string): SummaryResult {
  const lines = text.split(/\r?\n/)
  const start = lines.map((l) => l.trim()).lastIndexOf('---')
  if (start < 0) return { ok: false, kind: 'missing', message: 'the harness wrote no summary' }
  const raw = new Map<string, string>()
  for (const line of lines.slice(start + 1)) {
    const m = /^([A-Za-z_]+):\s*(.*?)\s*$/.exec(line)
    if (m?.[1] !== undefined && m[2] !== undefined && !raw.has(m[1])) raw.set(m[1], m[2])
  }
  const bad = (message: string): SummaryResult => ({ ok: false, kind: 'malformed', message })
  const verdict = raw.get('verdict') ?? ''
  if (!VERDICTS.has(verdict)) return bad(`summary verdict is '${verdict}'`)
  const summary: Summary = {
    verdict: verdict as Verdict,
    reason: raw.get('reason') ?? '',
    detail: raw.get('detail') ?? '',
    valBpb: 0,
    budgetSeconds: 0,
    trainingSeconds: 0,
    startupSeconds: 0,
    evalSeconds: 0,
    probeSeconds: 0,
    totalSeconds: 0,
    weightsMb: 0,
    numParams: 0,
    peakMemMb: 0,
    probeMaxDiff: 0,
    probeMeanGain: 0,
    seed: 0,
    device: raw.get('device') ?? '',
    sandbox: raw.get('sandbox') ?? '',
  }
  for (const [key, field] of Object.entries(NUMBER_KEYS)) {
    const value = raw.get(key)
    if (value === undefined) {
      if (REQUIRED.has(key)) return bad(`summary lacks ${key}`)
      continue
    }
    const n = Number(value)
    if (value === '' || !Number.isFinite(n))
      return bad(`summary ${key} is not a number: '${value}'`)
    summary[field] = n
  }
  if (!/^[\w.-]+$/.test(summary.device)) return bad(`summary device is odd: '${summary.device}'`)
  if (verdict === 'ok' && !(summary.valBpb > 0))
    return bad(`val_bpb must be positive, got ${summary.valBpb}`)
  if (verdict !== 'ok' && !REASON.test(summary.reason))
    return bad(`a ${verdict} needs a reason, got '${summary.reason}'`)
  return { ok: true, summary }
}

export interface Progress {
  step: number
  /** 0..1 of the time budget, when the line says so. */
  fraction?: number
  loss?: number
  /** Timed training seconds so far, when the line ends with `<x> s` (loopnet's train.py). */
  trainingSeconds?: number
}

/**
 * Reads a training progress line defensively: any line with `step N` and optionally a
 * percentage and a loss. Returns undefined for everything else (warnings, the summary).
 */
export function parseProgressLine(line: string): Progress | undefined {
  // `step 12`, `| step: 12`; not `tokens/step: 4096`
  const step = /(?:^|[\s|([])step[\s:=#]+(\d+)/i.exec(line)
  if (step?.[1] === undefined) return undefined
  const progress: Progress = { step: Number(step[1]) }
  const pct = /(\d+(?:\.\d+)?)\s*%/.exec(line)
  if (pct?.[1] !== undefined) {
    const f = Number(pct[1]) / 100
    if (f >= 0 && f <= 1.5) progress.fraction = Math.min(1, f)
  }
  const loss = /\bloss[\s:=]+([-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?|nan|inf)/i.exec(line)
  if (loss?.[1] !== undefined) progress.loss = Number(loss[1])
  const seconds = /(\d+(?:\.\d+)?)\s*s\s*$/.exec(line)
  if (seconds?.[1] !== undefined) progress.trainingSeconds = Number(seconds[1])
  return progress
}
