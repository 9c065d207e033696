/**
 * The SIMULATED trainer of bench:swarm, run for real (python): it reads constants as the
 * proposer writes them, keeps the harness's summary contract, and its noise is what it is set
 * to. The landscape's shape (its optimum reachable by built-in moves) is checked too.
 */
import { readFileSync } from 'node:fs'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { describe, expect, it } from 'vitest'
import { pythonPath } from '../../../../agent/paths.ts'
import { listMutations } from '../../../../agent/proposers/builtin/mutate.ts'
import { parseSummary } from '../../../../agent/summary.ts'
import { sha256Hex } from '../../../../protocol/hash.ts'
import {
  baselineText,
  checkLandscape,
  describeLandscape,
  SIM_TRAINER_DIR,
  trueValues,
} from '../../../../scripts/bench/swarm/landscape.ts'

async function harness(text: string, sigma: string): Promise<ReturnType<typeof parseSummary>> {
  const dir = await mkdtemp(join(tmpdir(), 'sim-trainer-'))
  const file = join(dir, 'train.py')
  await writeFile(file, text)
  const res = await execa(
    pythonPath(),
    [join(SIM_TRAINER_DIR, 'harness.py'), file, '--budget', '30', '--summary-fd', '1'],
    { env: { LOOPNET_SIM_SIGMA: sigma } },
  )
  expect(res.stdout).toContain('SIMULATED')
  return parseSummary(res.stdout)
}

describe('the SIMULATED trainer', () => {
  it('scores the baseline with the harness contract and no noise at sigma 0', async () => {
    const d = await describeLandscape(0)
    const s = await harness(baselineText(), '0')
    expect(s.ok && s.summary).toMatchObject({
      verdict: 'ok',
      valBpb: Number(d.baseline_bpb.toFixed(6)),
      device: 'simulated',
      budgetSeconds: 30,
    })
  })

  it('adds fresh noise every run at the sigma it is given', async () => {
    const [a, b] = await Promise.all([
      harness(baselineText(), '0.5'),
      harness(baselineText(), '0.5'),
    ])
    if (!a.ok || !b.ok) throw new Error('no summary')
    expect(a.summary.valBpb).not.toBe(b.summary.valBpb)
  })

  it('reads the constants the proposer edits, not look-alikes in strings or later lines', async () => {
    const base = baselineText()
    const deeper = base.replace('DEPTH = 4', 'DEPTH = 8')
    // hostile: a docstring line and a keyword argument a naive reader would take for constants
    const decoy = `${deeper}\n"""\nDEPTH = 2\n"""\nx = dict(\nDEPTH = 2\n)\n`
    // and a second definition, which wins when Python runs the file
    const redefined = `${base}\nDEPTH = 8\n`
    const values = await trueValues([base, deeper, decoy, redefined])
    expect(values.get(sha256Hex(decoy))).toBe(values.get(sha256Hex(deeper)))
    expect(values.get(sha256Hex(redefined))).toBe(values.get(sha256Hex(deeper)))
    expect(values.get(sha256Hex(deeper))).toBeLessThan(values.get(sha256Hex(base)) ?? 0)
    // a file the landscape cannot read is a crash of its own, not a score
    const broken = await harness(base.replace('DEPTH = 4', 'DEPTH = "four"'), '0')
    expect(broken.ok && broken.summary).toMatchObject({
      verdict: 'crash',
      reason: 'sim-unparsable',
    })
  })

  it('scores every single built-in move of the baseline', async () => {
    const moves = listMutations(baselineText())
    const values = await trueValues(moves.map((m) => m.text))
    expect(moves.every((m) => typeof values.get(m.fileHash) === 'number')).toBe(true)
  })

  it('has its optimum reachable by built-in moves, most of them neutral or harmful', async () => {
    const d = await describeLandscape(0.015)
    const check = await checkLandscape(0.015)
    expect(check.descent.reached).toBeCloseTo(d.optimum_bpb, 9)
    expect(check.moves.neutral + check.moves.harm).toBeGreaterThan(check.moves.total / 2)
    expect(readFileSync(join(SIM_TRAINER_DIR, 'train.py'), 'utf8')).toContain('SIMULATED')
  })
})
