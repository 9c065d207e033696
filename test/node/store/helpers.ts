/**
 * What the store tests share: fresh stores in temp dirs, closed after each test, and a
 * record builder (alice's discards in genesis g1 unless told otherwise).
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Store } from '../../../node/store/store.ts'
import { type ExperimentFields, RECORD_VERSION } from '../../../protocol/types.ts'

/** Every store a test opened; closeStores (each file's afterEach) closes them. */
export const stores: Store[] = []

export function closeStores(): void {
  for (const s of stores.splice(0)) s.close()
}

/** A new, empty store in a temp dir of its own, closed after the test. */
export async function open(): Promise<Store> {
  const dir = await mkdtemp(join(tmpdir(), 'loopnet-store-'))
  const store = new Store(join(dir, 'store.sqlite'))
  stores.push(store)
  return store
}

/** Alice's discard `seq` in genesis g1 (file f<seq> on p0), with `over` on top. */
export function record(seq: number, over: Partial<ExperimentFields> = {}): ExperimentFields {
  return {
    version: RECORD_VERSION,
    genesis: 'g1',
    author: 'alice',
    seq,
    parentHash: 'p0',
    fileHash: `f${seq}`,
    diff: '',
    status: 'discard',
    valBpb: 2 + seq / 100,
    budgetSeconds: 60,
    trainingSeconds: 60,
    startupSeconds: 3.5,
    evalSeconds: 4.25,
    probeSeconds: 1.5,
    totalSeconds: 70,
    numParams: 123_456,
    peakMemMb: 0,
    seed: 1000 + seq,
    tier: 'cpu-2c',
    reason: '',
    unsandboxed: false,
    description: `experiment ${seq}`,
    createdAt: 1000 + seq,
    ...over,
  }
}
