/**
 * What the tests of the read-only commands (leaderboard, show, diff) share: a real store holding
 * a small swarm history (three nodes, baselines, keeps, a discard, a crash, a re-measure, a
 * rejection, two tiers), the CLI as a real process, and what it printed with no node running.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createPatch } from 'diff'
import { execa } from 'execa'
import { expect } from 'vitest'
import type { LocalRun } from '../../../agent/interfaces.ts'
import { Store } from '../../../node/store/store.ts'
import { sha256Hex } from '../../../protocol/hash.ts'
import {
  type ExperimentFields,
  type ExperimentStatus,
  RECORD_VERSION,
} from '../../../protocol/types.ts'
import { LOCAL_RUN } from '../../fixtures/p2p/records.ts'

const bin = fileURLToPath(new URL('../../../bin/loopnet.js', import.meta.url))
export const G = sha256Hex('leaderboard-cli genesis')

export const ALICE = '12D3KooWAliceAliceAliceAliceAliceAliceAliceAliceAlic'
export const BOB = '12D3KooWBobBobBobBobBobBobBobBobBobBobBobBobBobBobBo'
const CAROL = 'carol'

export const BASE = 'LR = 0.01\nDEPTH = 4\nWIDTH = 128\n'
export const A1 = 'LR = 0.02\nDEPTH = 4\nWIDTH = 128\n'
export const A2 = 'LR = 0.02\nDEPTH = 6\nWIDTH = 128\n'
export const B1 = 'LR = 0.01\nDEPTH = 4\nWIDTH = 192\n'
const C1 = 'LR = 0.05\nDEPTH = 6\nWIDTH = 128\n'
const B2 = 'LR = 0.01\nDEPTH = 4\nWIDTH = 4096\n'
export const h = sha256Hex

/** `loopnet <args>` as a real process; a non-zero exit is a result, not a throw. */
export async function cli(args: string[]) {
  return execa(process.execPath, ['--no-warnings', bin, ...args], { reject: false })
}

/** The history: who found what, in order. Returns record ids by name. */
export function buildHistory(store: Store): Record<string, string> {
  const seq = new Map<string, number>()
  let t = 1_763_900_000_000
  const ids: Record<string, string> = {}
  const add = (
    name: string,
    author: string,
    parent: string | undefined,
    text: string,
    status: ExperimentStatus,
    valBpb: number,
    description: string,
    over: Partial<ExperimentFields> = {},
    local?: LocalRun,
  ): void => {
    const s = (seq.get(author) ?? 0) + 1
    seq.set(author, s)
    t += 60_000
    const fields: ExperimentFields = {
      version: RECORD_VERSION,
      genesis: G,
      author,
      seq: s,
      parentHash: parent === undefined ? '' : h(parent),
      fileHash: h(text),
      diff:
        parent === undefined || parent === text
          ? ''
          : createPatch('train.py', parent, text, '', ''),
      status,
      valBpb,
      budgetSeconds: 60,
      trainingSeconds: 60,
      startupSeconds: 4.5,
      evalSeconds: 5.25,
      probeSeconds: 1.5,
      totalSeconds: 71.5,
      numParams: 3_407_872,
      peakMemMb: 812,
      seed: 4242,
      tier: 'cpu-2c',
      reason: '',
      unsandboxed: false,
      description,
      createdAt: t,
      ...over,
    }
    ids[name] = store.insertRecord(fields, { fileText: text, ...(local ? { local } : {}) }).id
  }
  add('aliceBase', ALICE, undefined, BASE, 'keep', 1.5, 'baseline')
  add('bobBase', BOB, undefined, BASE, 'keep', 1.52, 'baseline')
  add('carolBase', CAROL, undefined, BASE, 'keep', 1.51, 'baseline')
  add('a1', ALICE, BASE, A1, 'keep', 1.45, 'double the learning rate')
  // bob's record carries no diff: `loopnet diff` computes one from the two held files
  add('b1', BOB, BASE, B1, 'keep', 1.48, 'wider model', { diff: '' })
  add('a2', ALICE, A1, A2, 'keep', 1.41, 'deeper model')
  add('c1', CAROL, A2, C1, 'discard', 1.43, 'learning rate 0.05')
  add('b2', BOB, B1, B2, 'crash', 0, 'OOM: width 4096', { reason: 'exit-code' })
  // carol's own re-measure (her local facts): alice's claim held, so alice is trusted here
  add(
    'carolRemeasure',
    CAROL,
    A2,
    A2,
    'keep',
    1.412,
    'confirm deeper model',
    {},
    {
      ...LOCAL_RUN,
      source: 'rebase',
      claimedBy: ALICE,
      rebaseVerdict: 'confirmed',
    },
  )
  add('dave', 'dave', undefined, BASE, 'keep', 1.2, 'baseline', {
    tier: 'cuda-h100-80g',
    budgetSeconds: 300,
  })
  // this store is carol's: her harness rejected bob's wider model when she re-ran it
  store.setState('node_id', CAROL)
  add('carolRejects', CAROL, B1, B1, 'rejected', 0, 'wider model, run here', {
    reason: 'non-causal',
  })
  return ids
}

/** What the CLI printed with no node running, by argument list. */
export type Offline = Map<string, { stdout: string; exitCode: number | undefined }>

export const VIEWS: string[][] = [
  ['leaderboard'],
  ['leaderboard', '--json'],
  ['leaderboard', '--tier', 'cpu-2c', '--rows', '2'],
  ['leaderboard', '--budget', '300'],
  ['leaderboard', '--verify-k', '1'],
]
/** Every command whose offline output the tests compare with, VIEWS first. */
export const COMMANDS: string[][] = [...VIEWS, ['show', h(A2).slice(0, 12)], ['diff', h(A2)]]

/**
 * A data dir whose store holds the history, the history's record ids by name, and what the
 * CLI printed for each of `commands` there with no node running (each with nothing on stderr).
 */
export async function historyDataDir(
  commands: string[][],
): Promise<{ dataDir: string; ids: Record<string, string>; offline: Offline }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'loopnet-lb-cli-'))
  const store = new Store(join(dataDir, 'store.sqlite'))
  let ids: Record<string, string>
  try {
    ids = buildHistory(store)
  } finally {
    store.close()
  }
  const offline: Offline = new Map()
  for (const args of commands) {
    const res = await cli([...args, '--data-dir', dataDir])
    expect(res.stderr).toBe('')
    offline.set(args.join(' '), { stdout: res.stdout, exitCode: res.exitCode })
  }
  return { dataDir, ids, offline }
}

/** A data dir whose store holds only erin's baseline records, under chosen ids. */
export async function storeWithBaselines(
  records: Array<{ seq: number; id: string; createdAt: number }>,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loopnet-lb-erin-'))
  const store = new Store(join(dir, 'store.sqlite'))
  try {
    for (const { seq, id, createdAt } of records)
      store.insertRecord(
        {
          version: RECORD_VERSION,
          genesis: G,
          author: 'erin',
          seq,
          parentHash: '',
          fileHash: h(BASE),
          diff: '',
          status: 'keep',
          valBpb: 1.5,
          budgetSeconds: 1,
          trainingSeconds: 1,
          startupSeconds: 0,
          evalSeconds: 0,
          probeSeconds: 0,
          totalSeconds: 1,
          numParams: 1,
          peakMemMb: 1,
          seed: 1,
          tier: 'cpu-2c',
          reason: '',
          unsandboxed: false,
          description: 'baseline',
          createdAt,
        },
        { id },
      )
  } finally {
    store.close()
  }
  return dir
}
