/**
 * The contract with train.py: the `---` summary block at the end of its stdout, and the step
 * lines it prints while training. Pure parsers; the runner feeds them lines.
 */

export interface Summary {
  valBpb: number
  trainingSeconds: number
  totalSeconds: number
  peakVramMb: number
  mfuPercent: number
  totalTokensM: number
  numSteps: number
  numParamsM: number
  /** Hardware tier key, e.g. cpu-2c. */
  device: string
}

export type SummaryErrorKind = 'missing' | 'malformed' | 'nan' | 'fail'

export type SummaryResult =
  | { ok: true; summary: Summary }
  | { ok: false; kind: SummaryErrorKind; message: string }

const NUMERIC_KEYS = {
  val_bpb: 'valBpb',
  training_seconds: 'trainingSeconds',
  total_seconds: 'totalSeconds',
  peak_vram_mb: 'peakVramMb',
  mfu_percent: 'mfuPercent',
  total_tokens_M: 'totalTokensM',
  num_steps: 'numSteps',
  num_params_M: 'numParamsM',
} as const satisfies Record<string, keyof Summary>

/** Informational keys a train file may drop without being counted as broken. */
const OPTIONAL_KEYS = new Set(['mfu_percent', 'num_params_M', 'peak_vram_mb', 'total_tokens_M'])

/**
 * Parses the last `---` block of a run's stdout. A FAIL line anywhere wins (train.py prints it
 * on NaN loss), then a NaN val_bpb, then missing or malformed keys.
 */
export function parseSummary(output: string | readonly string[]): SummaryResult {
  const lines = typeof output === 'string' ? output.split(/\r?\n|\r/) : output
  const fail = lines.find((l) => /^\s*FAIL\b/.test(l))
  if (fail !== undefined) return { ok: false, kind: 'fail', message: fail.trim() }
  let start = -1
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]?.trim() === '---') {
      start = i
      break
    }
  }
  if (start < 0) return { ok: false, kind: 'missing', message: 'no summary block (---) in output' }
  const raw = new Map<string, string>()
  for (const line of lines.slice(start + 1)) {
    const m = /^([A-Za-z_]+):\s*(.*?)\s*$/.exec(line)
    if (m?.[1] !== undefined && m[2] !== undefined && !raw.has(m[1])) raw.set(m[1], m[2])
  }
  const bpb = raw.get('val_bpb')
  if (bpb !== undefined && /^[-+]?(nan|inf)/i.test(bpb))
    return { ok: false, kind: 'nan', message: `val_bpb is ${bpb}` }
  const summary: Summary = {
    valBpb: 0,
    trainingSeconds: 0,
    totalSeconds: 0,
    peakVramMb: 0,
    mfuPercent: 0,
    totalTokensM: 0,
    numSteps: 0,
    numParamsM: 0,
    device: '',
  }
  for (const [key, field] of Object.entries(NUMERIC_KEYS)) {
    const text = raw.get(key)
    if (text === undefined) {
      if (OPTIONAL_KEYS.has(key)) continue
      return { ok: false, kind: 'malformed', message: `summary lacks ${key}` }
    }
    const value = Number(text)
    if (text === '' || !Number.isFinite(value))
      return { ok: false, kind: 'malformed', message: `summary ${key} is not a number: '${text}'` }
    summary[field] = value
  }
  if (!(summary.valBpb > 0))
    return {
      ok: false,
      kind: 'malformed',
      message: `val_bpb must be positive, got ${summary.valBpb}`,
    }
  const device = raw.get('device')
  if (device === undefined || !/^[\w.-]+$/.test(device))
    return {
      ok: false,
      kind: 'malformed',
      message: `summary device is missing or odd: '${device}'`,
    }
  summary.device = device
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
