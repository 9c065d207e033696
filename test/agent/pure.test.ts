/**
 * The agent's pure parts, table-driven: the decision rule, the summary and progress parsers,
 * the constant scanner and mutator, the reply parser, trailers and results.tsv lines.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { decide } from '../../agent/decide.ts'
import {
  CompileError,
  DuplicateProposalError,
  EditNotAppliedError,
  EmptyReplyError,
  LlmRequestError,
  LlmTimeoutError,
  NoChangeError,
  ProposalRejectedError,
  UnparseableReplyError,
  WrongFileError,
} from '../../agent/errors.ts'
import { formatTsvLine, TSV_HEADER } from '../../agent/journal.ts'
import { chooseMutation, listMutations } from '../../agent/proposers/builtin/mutate.ts'
import { seededRng } from '../../agent/proposers/builtin/rng.ts'
import {
  applyEdits,
  applyReply,
  parseDescription,
  parseReply,
} from '../../agent/proposers/llm/reply.ts'
import { parseProgressLine, parseSummary } from '../../agent/summary.ts'
import { formatCommitMessage, parseTrailers } from '../../agent/trailers.ts'
import { parseConstants, replaceLiteral } from '../../agent/train-constants.ts'
import { rebaseProposal } from '../../agent/validate.ts'
import { sha256Hex } from '../../protocol/hash.ts'
import type { ExperimentFields } from '../../protocol/types.ts'
import { HARNESS_FIELDS } from './helpers.ts'

const fixtureTrain = readFileSync(
  new URL('../fixtures/agent/trainer/train.py', import.meta.url),
  'utf8',
)
const realTrain = readFileSync(new URL('../../trainer/train.py', import.meta.url), 'utf8')

describe('decide', () => {
  it.each([
    { valBpb: 1.0, parentValBpb: 1.1, minDelta: 0, want: 'keep' },
    { valBpb: 1.1, parentValBpb: 1.1, minDelta: 0, want: 'discard' }, // equal is not better
    { valBpb: 1.2, parentValBpb: 1.1, minDelta: 0, want: 'discard' },
    { valBpb: 1.099, parentValBpb: 1.1, minDelta: 0.002, want: 'discard' }, // gain within noise
    { valBpb: 1.097, parentValBpb: 1.1, minDelta: 0.002, want: 'keep' },
    { valBpb: 3.0, parentValBpb: undefined, minDelta: 0, want: 'keep' }, // baseline
    { valBpb: undefined, parentValBpb: 1.1, minDelta: 0, want: 'crash' },
    { valBpb: undefined, parentValBpb: undefined, minDelta: 0, want: 'crash' },
    { valBpb: Number.NaN, parentValBpb: 1.1, minDelta: 0, want: 'crash' },
    { valBpb: 0, parentValBpb: 1.1, minDelta: 0, want: 'crash' },
  ] as const)('$valBpb vs $parentValBpb (min delta $minDelta) -> $want', ({ want, ...input }) => {
    expect(decide(input)).toBe(want)
  })
})

// the harness's block, as trainer/harness.py writes it on fd 3
const SUMMARY = `---
verdict:          ok
val_bpb:          1.234567
training_seconds: 60.1
startup_seconds:  1.9
eval_seconds:     3.1
probe_seconds:    3.4
total_seconds:    71.9
weights_mb:       5.5
num_params:       1443072
peak_mem_mb:      812.5
probe_max_diff:   1e-06
probe_mean_gain:  -2e-08
budget_seconds:   60
seed:             1402651658
device:           cpu-2c
sandbox:          bwrap`

describe('parseSummary', () => {
  it("reads the harness's block", () => {
    expect(parseSummary(SUMMARY)).toEqual({
      ok: true,
      summary: {
        verdict: 'ok',
        reason: '',
        detail: '',
        valBpb: 1.234567,
        budgetSeconds: 60,
        trainingSeconds: 60.1,
        startupSeconds: 1.9,
        evalSeconds: 3.1,
        probeSeconds: 3.4,
        totalSeconds: 71.9,
        weightsMb: 5.5,
        numParams: 1443072,
        peakMemMb: 812.5,
        probeMaxDiff: 1e-6,
        probeMeanGain: -2e-8,
        seed: 1402651658,
        device: 'cpu-2c',
        sandbox: 'bwrap',
      },
    })
  })
  it('reads a rejection with its reason and detail', () => {
    const text = SUMMARY.replace(
      'verdict:          ok',
      'verdict: rejected\nreason: non-causal\ndetail: outputs changed by 22.5 nats',
    )
    expect(parseSummary(text)).toMatchObject({
      ok: true,
      summary: {
        verdict: 'rejected',
        reason: 'non-causal',
        detail: 'outputs changed by 22.5 nats',
      },
    })
  })
  it.each([
    { name: 'no block', text: 'step 1\nstep 2', kind: 'missing' },
    { name: 'no verdict', text: SUMMARY.replace(/verdict.*\n/, ''), kind: 'malformed' },
    {
      name: 'odd verdict',
      text: SUMMARY.replace('verdict:          ok', 'verdict: great'),
      kind: 'malformed',
    },
    {
      name: 'a rejection without a reason',
      text: SUMMARY.replace('verdict:          ok', 'verdict: rejected'),
      kind: 'malformed',
    },
    {
      name: 'a reason that is no token',
      text: SUMMARY.replace('verdict:          ok', 'verdict: crash\nreason: Exit Code!'),
      kind: 'malformed',
    },
    { name: 'NaN val_bpb', text: SUMMARY.replace('1.234567', 'nan'), kind: 'malformed' },
    { name: 'missing seed', text: SUMMARY.replace(/seed.*\n/, ''), kind: 'malformed' },
    { name: 'bad number', text: SUMMARY.replace('60.1', 'sixty'), kind: 'malformed' },
    { name: 'odd device', text: SUMMARY.replace('cpu-2c', 'cpu 2c'), kind: 'malformed' },
    { name: 'ok with zero bpb', text: SUMMARY.replace('1.234567', '0.0'), kind: 'malformed' },
  ])('$name -> $kind', ({ text, kind }) => {
    const r = parseSummary(text)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.kind).toBe(kind)
  })
  it('uses the last block and tolerates stray lines and optional keys', () => {
    const text = `---\nverdict: ok\nval_bpb: 9.0\n${SUMMARY.replace(/probe_max_diff.*\n/, 'UserWarning: noise\n')}`
    const r = parseSummary(text)
    expect(r.ok && r.summary.valBpb).toBe(1.234567)
    expect(r.ok && r.summary.probeMaxDiff).toBe(0)
  })
})

describe('parseProgressLine', () => {
  it.each([
    [
      'step    12 | loss 5.1234 | 320 ms | 1193 tok/s | 3.1 s',
      { step: 12, loss: 5.1234, trainingSeconds: 3.1 },
    ],
    ['step 00012 (45.2%) | loss: 5.0', { step: 12, fraction: 0.452, loss: 5 }],
    ['step 3: loss nan', { step: 3, loss: Number.NaN }],
    ['val_bpb: 1.2', undefined],
    ['budget: 2 s  tokens/step: 4096  seq_len: 256', undefined],
    ['UserWarning: steps are slow', undefined],
  ])('%s', (line, want) => {
    expect(parseProgressLine(line)).toEqual(want)
  })
})

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

describe('mutations', () => {
  it('keeps ints ints within bounds, flips bools, swaps choices, never touches SEED', () => {
    const ms = listMutations(fixtureTrain)
    const by = (name: string) =>
      ms.filter((m) => m.changes[0]?.name === name).map((m) => m.changes[0]?.to)
    expect(by('WIDTH')).toEqual(['32', '128'])
    expect(by('USE_NORM')).toEqual(['False'])
    expect(by('ACTIVATION')).toEqual(['"gelu"', '"silu"'])
    expect(by('LR')).toEqual(['0.005', '0.0075', '0.015', '0.02'])
    expect(by('SEED')).toEqual([])
    for (const m of ms) expect(m.description).toMatch(/^[A-Z_]+ \S+ -> \S+$/)
  })
  it('bounds ints relative to the baseline', () => {
    const base = parseConstants('N = 4\n')
    const grown = listMutations('N = 64\n', { baseline: base }).map((m) => m.changes[0]?.to)
    expect(grown).toEqual(['32']) // 128 would be 32x the baseline
  })
  it('scales both branches of a per-device constant', () => {
    const ms = listMutations('DEPTH = 8 if ON_GPU else 2\n')
    expect(ms.map((m) => m.description)).toEqual([
      'DEPTH 8 if ON_GPU else 2 -> 4 if ON_GPU else 1',
      'DEPTH 8 if ON_GPU else 2 -> 16 if ON_GPU else 4',
    ])
  })
  it('never proposes a file twice on one parent, then pairs, reproducibly', () => {
    const pick = (seed: number): string[] => {
      const seen = new Set<string>([sha256Hex(fixtureTrain)])
      const order: string[] = []
      for (let i = 0; i < 20; i++) {
        const m = chooseMutation(fixtureTrain, seen, seededRng(seed, seen.size))
        if (m === undefined) break
        expect(seen.has(m.fileHash)).toBe(false)
        seen.add(m.fileHash)
        order.push(m.description)
      }
      return order
    }
    const a = pick(7)
    const singles = listMutations(fixtureTrain).length
    expect(a).toHaveLength(20)
    expect(a.slice(0, singles).every((d) => !d.includes(';'))).toBe(true)
    expect(a.slice(singles).every((d) => d.includes(';'))).toBe(true) // pairs once singles run out
    expect(pick(7)).toEqual(a)
    expect(pick(8)).not.toEqual(a)
  })
})

describe('parseReply / applyEdits', () => {
  const parent = fixtureTrain
  it('applies SEARCH/REPLACE edits and reads the description', () => {
    const reply = `Some thoughts.\nDESCRIPTION: raise the learning rate\n\ntrain.py\n<<<<<<< SEARCH\nLR = 0.01  # learning rate; the optimum is 0.02\n=======\nLR = 0.02  # learning rate; the optimum is 0.02\n>>>>>>> REPLACE\n`
    const parsed = parseReply(reply)
    expect(parsed.description).toBe('raise the learning rate')
    expect(applyReply(parent, parsed)).toBe(parent.replace('LR = 0.01', 'LR = 0.02'))
  })
  it('takes a whole file from a python block', () => {
    const text = parent.replace('WIDTH = 64', 'WIDTH = 96')
    const parsed = parseReply(`DESCRIPTION: wider\n\`\`\`python\n${text}\`\`\`\n`)
    expect(applyReply(parent, parsed)).toBe(text)
  })
  it.each([
    { name: 'empty', reply: '   ', error: 'EmptyReplyError' },
    { name: 'prose only', reply: 'I think we should raise the LR.', error: 'EmptyReplyError' },
    { name: 'other file', reply: 'prepare.py\n```python\nx = 1\n```', error: 'WrongFileError' },
    {
      name: 'other file in fence',
      reply: '```python prepare.py\nx = 1\n```',
      error: 'WrongFileError',
    },
    {
      name: 'other file edit',
      reply: 'prepare.py\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE',
      error: 'WrongFileError',
    },
    {
      name: 'unclosed edit',
      reply: '<<<<<<< SEARCH\na\n=======\nb\n',
      error: 'UnparseableReplyError',
    },
  ])('$name -> $error', ({ reply, error }) => {
    expect(() => applyReply(parent, parseReply(reply))).toThrow(
      expect.objectContaining({ name: error }),
    )
  })
  it('rejects edits that do not apply, and fragments posing as files', () => {
    expect(() => applyEdits(parent, [{ search: 'LR = 0.5', replace: 'LR = 1' }])).toThrow(
      expect.objectContaining({ name: 'EditNotAppliedError', kind: 'edit-not-applied' }),
    )
    expect(() => applyEdits('a\nb\na\n', [{ search: 'a', replace: 'c' }])).toThrow(/occurs 2 times/)
    expect(applyEdits('x = 1   \ny = 2\n', [{ search: 'x = 1\ny = 2', replace: 'x = 3' }])).toBe(
      'x = 3\n',
    )
    expect(() => applyReply(parent, parseReply('```python\nLR = 0.02\n```'))).toThrow(
      expect.objectContaining({ name: 'UnparseableReplyError' }),
    )
  })
  it('bounds the description to one line', () => {
    expect(parseDescription(`**DESCRIPTION:** ${'x'.repeat(500)}`)).toHaveLength(200)
    expect(parseDescription('```python\nx\n```')).toBe('edit by the model')
  })
})

describe('rebaseProposal', () => {
  it('re-applies a change to a parent that moved elsewhere, or gives up', () => {
    const proposal = {
      text: fixtureTrain.replace('WIDTH = 64', 'WIDTH = 128'),
      fileHash: '',
      description: 'wider',
      source: 'llm',
      parentText: fixtureTrain,
    }
    const moved = fixtureTrain.replace('LR = 0.01', 'LR = 0.02')
    expect(rebaseProposal(proposal, moved)?.text).toBe(moved.replace('WIDTH = 64', 'WIDTH = 128'))
    const clash = fixtureTrain.replace('WIDTH = 64', 'WIDTH = 32')
    expect(rebaseProposal(proposal, clash)).toBeUndefined()
  })
})

describe('journal formats', () => {
  const fields: ExperimentFields = {
    genesis: 'g',
    author: 'a',
    seq: 3,
    parentHash: 'p'.repeat(64),
    fileHash: 'f'.repeat(64),
    diff: '',
    status: 'crash',
    valBpb: 0,
    trainingSeconds: 0,
    totalSeconds: 1,
    ...HARNESS_FIELDS,
    reason: 'exit-code',
    peakMemMb: 1536,
    tier: 'cpu-2c',
    description: 'LR 0.01 -> 0.02\tweird',
    createdAt: 0,
  }
  it('writes autoresearch columns first, loopnet columns after', () => {
    const line = formatTsvLine({
      fields,
      local: {
        commit: 'abcdef0123',
        parentCommit: '0123456789',
        source: 'builtin',
        logPath: '',
        wallSeconds: 12.34,
      },
    })
    expect(TSV_HEADER.split('\t').slice(0, 5)).toEqual([
      'commit',
      'val_bpb',
      'memory_gb',
      'status',
      'description',
    ])
    expect(line.split('\t')).toEqual([
      'abcdef0',
      '0.000000',
      '1.5',
      'crash',
      'LR 0.01 -> 0.02 weird',
      '0123456',
      'ffffffffffff',
      '12.3',
      '1',
      'cpu-2c',
      'builtin',
      'exit-code',
    ])
  })
  it('puts metrics in parseable trailers', () => {
    const msg = formatCommitMessage('LR 0.01 -> 0.02\n', { Status: 'keep', 'Val-Bpb': '1.234567' })
    expect(msg.split('\n')[0]).toBe('LR 0.01 -> 0.02')
    expect(parseTrailers(msg)).toEqual({ Status: 'keep', 'Val-Bpb': '1.234567' })
  })
})

describe('proposal rejections', () => {
  it.each([
    {
      err: new EmptyReplyError(),
      name: 'EmptyReplyError',
      kind: 'empty-reply',
      message: 'the reply holds no code block and no SEARCH/REPLACE edit',
    },
    {
      err: new EmptyReplyError('the reply is empty'),
      name: 'EmptyReplyError',
      kind: 'empty-reply',
      message: 'the reply is empty',
    },
    {
      err: new UnparseableReplyError('two files'),
      name: 'UnparseableReplyError',
      kind: 'unparseable-reply',
      message: 'two files',
    },
    {
      err: new EditNotAppliedError('no match'),
      name: 'EditNotAppliedError',
      kind: 'edit-not-applied',
      message: 'no match',
    },
    {
      err: new WrongFileError('prepare.py', 'train.py'),
      name: 'WrongFileError',
      kind: 'wrong-file',
      message: 'the reply edits prepare.py; only train.py may be changed',
    },
    {
      err: new CompileError('line 3'),
      name: 'CompileError',
      kind: 'compile-error',
      message: 'line 3',
    },
    {
      err: new NoChangeError(),
      name: 'NoChangeError',
      kind: 'no-change',
      message: 'the proposed file is identical to its parent',
    },
    {
      err: new DuplicateProposalError(),
      name: 'DuplicateProposalError',
      kind: 'duplicate',
      message: 'this exact file was already tried on this parent',
    },
    {
      err: new LlmRequestError('503'),
      name: 'LlmRequestError',
      kind: 'request-failed',
      message: '503',
    },
    {
      err: new LlmTimeoutError(1500),
      name: 'LlmTimeoutError',
      kind: 'request-timeout',
      message: 'the model did not answer within 1500 ms',
    },
  ])('$name ($kind): $message', ({ err, name, kind, message }) => {
    expect(err).toBeInstanceOf(ProposalRejectedError)
    expect(err).toBeInstanceOf(Error)
    expect({ name: err.name, kind: err.kind, message: err.message }).toEqual({
      name,
      kind,
      message,
    })
    expect(err.constructor.name).toBe(name)
    expect(err.stack?.split('\n')[0]).toBe(`${name}: ${message}`)
  })
})
