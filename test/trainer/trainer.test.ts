/**
 * trainer/: prepare.py (corpus, split, tokenizer, genesis), the harness's scoring, and train.py
 * through the harness (a short sandboxed CPU run, NaN handling), as real python processes on
 * temporary caches. The hostile train files are in test/trainer/harness/.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  docsSources,
  fixturesDir,
  parseHarnessSummary,
  python,
  runPython,
  smallSource,
  trainerDir,
} from './helpers.ts'

const prepare = join(trainerDir, 'prepare.py')
const train = join(trainerDir, 'train.py')
const harness = join(trainerDir, 'harness.py')
let tmp = ''

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'loopnet-trainer-'))
})
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

interface PrepareInfo {
  corpus_sha256: string
  merges_sha256: string
  genesis: string
  data_dir: string
  vocab_size: number
  train_tokens: number
  val_tokens: number
  val_bytes: number
}

async function prepareJson(cache: string, args: string[]): Promise<PrepareInfo> {
  const r = await runPython(prepare, [...args, '--json'], { env: { LOOPNET_CACHE: cache } })
  expect(r.stderr.split('\n').filter((l) => l.startsWith('CorpusError'))).toEqual([])
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout) as PrepareInfo
}

describe('prepare.py on a small --source corpus', () => {
  it('is deterministic across caches, idempotent, and splits train/val disjointly', async () => {
    const a = await prepareJson(join(tmp, 'a'), ['--source', smallSource])
    const b = await prepareJson(join(tmp, 'b'), ['--source', smallSource])
    expect(a.vocab_size).toBe(4096)
    expect(a.genesis).toMatch(/^[0-9a-f]{64}$/)
    for (const key of ['corpus_sha256', 'merges_sha256', 'genesis', 'train_tokens'] as const)
      expect(b[key]).toBe(a[key])

    // second run in the same cache: nothing rebuilt, it just says where the data is
    const again = await runPython(prepare, ['--source', smallSource], {
      env: { LOOPNET_CACHE: join(tmp, 'a') },
    })
    expect(again.code).toBe(0)
    expect(again.stdout).not.toMatch(/trained BPE/)
    expect(again.stdout).toContain(`data:     ${a.data_dir}`)
    expect(again.stdout).toContain(`genesis:  ${a.genesis}`)

    const genesisOnly = await runPython(prepare, ['--source', smallSource, '--genesis'], {
      env: { LOOPNET_CACHE: join(tmp, 'a') },
    })
    expect(genesisOnly.stdout).toBe(`${a.genesis}\n`)

    const splits = await Promise.all(
      ['a', 'b'].map(async (c) => {
        const r = await runPython(join(fixturesDir, 'check_split.py'), [smallSource], {
          env: { LOOPNET_CACHE: join(tmp, c) },
        })
        expect(r.stderr).toBe('')
        return JSON.parse(r.stdout) as {
          train_keys: string[]
          val_keys: string[]
          train_matches: boolean
          val_matches: boolean
          train_sha256: string
          val_sha256: string
        }
      }),
    )
    const [s, t] = splits as [(typeof splits)[0], (typeof splits)[0]]
    expect(s.val_keys.length).toBeGreaterThan(0)
    expect(s.train_keys.filter((k) => s.val_keys.includes(k))).toEqual([])
    expect(s.train_matches && s.val_matches).toBe(true) // token files hold exactly their split
    expect([t.train_sha256, t.val_sha256]).toEqual([s.train_sha256, s.val_sha256])
  })

  it('refuses a corpus whose hash differs, with one clear line and exit code 2', async () => {
    const r = await runPython(
      prepare,
      ['--source', smallSource, '--expect-sha256', '0'.repeat(64)],
      {
        env: { LOOPNET_CACHE: join(tmp, 'wrong') },
      },
    )
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^CorpusError: corpus .* has sha256 [0-9a-f]{64}, expected 0{64}/)
  })

  it('refuses a source that does not exist', async () => {
    const r = await runPython(prepare, ['--source', join(tmp, 'nope')], {
      env: { LOOPNET_CACHE: join(tmp, 'wrong') },
    })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^CorpusError: source .* does not exist/)
  })
})

describe('the hardware tier', () => {
  it('names the CPU model and the cores this process may run on', async () => {
    const names = [
      ['AMD EPYC 7B13 64-Core Processor', 'amd-epyc-7b13'],
      ['Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz', 'intel-i7-9750h'],
      ['12th Gen Intel(R) Core(TM) i5-12400', 'intel-i5-12400'],
      ['AMD Ryzen 9 7950X 16-Core Processor', 'amd-ryzen-9-7950x'],
      ['', ''],
    ]
    const r = await runPython('-c', [
      `import json, prepare; print(json.dumps([prepare.cpu_model_key(n) for n, _ in ${JSON.stringify(names)}]))`,
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual(names.map(([, key]) => key))
    // pinned to one core (as the local swarm pins each node): a tier of its own
    const pinned = await execa(
      'taskset',
      ['-c', '0', python, '-c', 'import prepare; print(prepare.detect_tier()[1])'],
      {
        env: { PYTHONPATH: trainerDir },
      },
    )
    expect(pinned.stdout.trim()).toMatch(/^cpu-([a-z0-9-]+-)?1c$/)
  })
})

describe("the harness's scoring", () => {
  it('scores a uniform model over 256 byte tokens at 8.0 bits per byte', async () => {
    const r = await runPython(join(fixturesDir, 'eval_uniform.py'), [])
    expect(r.stderr).toBe('')
    const out = JSON.parse(r.stdout) as { bytes: number; mixed: number; mixed_expected: number }
    expect(Math.abs(out.bytes - 8)).toBeLessThan(1e-6)
    // multi-byte tokens count their raw bytes; zero-byte BOS targets are left out
    expect(Math.abs(out.mixed - out.mixed_expected)).toBeLessThan(1e-6)
  })
})

describe('train.py on the default corpus (CPU)', () => {
  let cache = ''
  let info: PrepareInfo

  beforeAll(async () => {
    cache = join(tmp, 'default')
    info = await prepareJson(cache, [])
  })

  it('pins the default corpus hash', async () => {
    const src = await readFile(prepare, 'utf8')
    expect(src).toContain(`DEFAULT_CORPUS_SHA256 = "${info.corpus_sha256}"`)
    const r = await runPython(join(fixturesDir, 'check_split.py'), [docsSources], {
      env: { LOOPNET_CACHE: cache },
    })
    const split = JSON.parse(r.stdout) as { train_keys: string[]; val_keys: string[] }
    expect(split.train_keys.filter((k) => split.val_keys.includes(k))).toEqual([])
  })

  it('trains sandboxed for a 5 s budget, and the harness scores it below the uniform baseline', async () => {
    // run from a copy outside the repo, as the runner does from its workspace
    const ws = join(tmp, 'ws')
    await rm(ws, { recursive: true, force: true })
    await mkdir(ws)
    await writeFile(join(ws, 'train.py'), await readFile(train))
    const r = await runPython(harness, [join(ws, 'train.py'), '--budget', '5'], {
      cwd: ws,
      env: { LOOPNET_CACHE: cache },
    })
    expect(r.code, r.stderr).toBe(0)
    const s = parseHarnessSummary(r.stdout) ?? {}
    const bytesPerToken = info.val_bytes / info.val_tokens
    const uniform = Math.log2(info.vocab_size) / bytesPerToken
    expect(s.verdict, s.detail).toBe('ok')
    expect(Number(s.val_bpb)).toBeGreaterThan(0)
    expect(Number(s.val_bpb)).toBeLessThan(uniform)
    expect(Number(s.training_seconds)).toBeGreaterThanOrEqual(5)
    expect(Number(s.training_seconds)).toBeLessThan(10)
    expect(Number(s.num_params)).toBeGreaterThan(1e6)
    expect(Number(s.probe_max_diff)).toBeLessThan(1e-3)
    expect(s.sandbox).toBe('bwrap')
    expect(s.device).toMatch(/^cpu-([a-z0-9-]+-)?\d+c$/)
  })

  it("computes the same loss and gradients with its CPU kernels as with the GPU path's formulas", async () => {
    const r = await runPython(join(fixturesDir, 'check_cpu_kernels.py'), [train], {
      env: { LOOPNET_CACHE: cache },
    })
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as {
      loss_cpu: number
      loss_ref: number
      max_rel_grad_err: number
      worst: string
    }
    expect(Math.abs(out.loss_cpu - out.loss_ref)).toBeLessThan(1e-4 * out.loss_ref)
    expect(out.max_rel_grad_err, out.worst).toBeLessThan(1e-4)
  })

  it('stops on a NaN loss with FAIL: a crash, not a rejection', async () => {
    const src = await readFile(train, 'utf8')
    const broken = src.replace(/^EMBEDDING_LR = .*$/m, 'EMBEDDING_LR = float("nan")')
    expect(broken).not.toBe(src)
    const file = join(tmp, 'train_nan.py')
    await writeFile(file, broken)
    const r = await runPython(harness, [file, '--budget', '5'], { env: { LOOPNET_CACHE: cache } })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^FAIL$/m)
    expect(parseHarnessSummary(r.stdout)).toMatchObject({ verdict: 'crash', reason: 'fail' })
  })
})
