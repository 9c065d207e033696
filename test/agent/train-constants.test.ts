/** agent/train-constants.ts: the top-level literal constants of a train file, and replacing one. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseConstants, replaceLiteral } from '../../agent/train-constants.ts'
import { baseline as fixtureTrain } from './helpers.ts'

const realTrain = readFileSync(new URL('../../trainer/train.py', import.meta.url), 'utf8')

describe('constants', () => {
  it('finds the top-level literal constants of the fixture and of trainer/train.py', () => {
    expect(parseConstants(fixtureTrain).map((c) => `${c.name}=${c.literal}`)).toEqual([
      'LR=0.01',
      'WIDTH=64',
      'USE_NORM=True',
      'ACTIVATION="relu"',
      'SEED=1',
    ])
    const names = parseConstants(realTrain).map((c) => c.name)
    expect(names.length).toBeGreaterThan(5)
    expect(names).not.toContain('T_START') // an expression, not a literal
  })
  it('skips docstrings, brackets and expressions', () => {
    const text = `"""\nFAKE = 1\n"""\nX = dict(\nINNER = 2,\n)\nY = 2**10\nZ = 3  # ok\nS = 'a#b'\n`
    expect(parseConstants(text).map((c) => c.name)).toEqual(['Z'])
  })
  it('reads choices from the comment only when they name the current value', () => {
    const [act] = parseConstants(fixtureTrain).filter((c) => c.name === 'ACTIVATION')
    expect(act?.parsed).toMatchObject({ type: 'string', choices: ['relu', 'gelu', 'silu'] })
    const [opt] = parseConstants(`OPT = "sgd"  # not "adam" or "muon"\n`)
    expect(opt?.parsed).toMatchObject({ choices: [] })
  })
  it('replaces one literal and leaves every other byte alone', () => {
    const c = parseConstants(fixtureTrain).find((x) => x.name === 'WIDTH')
    if (c === undefined) throw new Error('no WIDTH')
    const out = replaceLiteral(fixtureTrain, c, '128')
    expect(out.replace('WIDTH = 128', 'WIDTH = 64')).toBe(fixtureTrain)
  })
})
