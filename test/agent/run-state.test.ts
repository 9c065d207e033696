/**
 * The loop's run.json writer (agent/run-state.ts RunStateWriter): what it writes, when it
 * skips a write, and what it merges, read back as `loopnet status` reads it.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  type CurrentBest,
  type RunState,
  RunStateWriter,
  readRunState,
} from '../../agent/run-state.ts'

async function writer(
  best: () => CurrentBest | undefined = () => undefined,
): Promise<{ w: RunStateWriter; read: () => RunState | undefined }> {
  const dir = await mkdtemp(join(tmpdir(), 'loopnet-run-state-'))
  const w = new RunStateWriter(dir, 1000, best)
  return { w, read: () => readRunState(dir) }
}

const CURRENT = {
  seq: 3,
  description: 'LR 0.01 -> 0.02',
  source: 'builtin',
  startedAt: 2000,
  budgetSeconds: 30,
  logPath: '/logs/3.log',
}

afterEach(() => {
  vi.useRealTimers()
})

describe('RunStateWriter', () => {
  it('writes a forced state at once, an unforced one only a second after the last write', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(10_000)
    const { w, read } = await writer()
    w.set({ phase: 'idle', experiments: 0 }, true)
    await w.settled()
    expect(read()).toMatchObject({ pid: process.pid, phase: 'idle', startedAt: 1000 })
    vi.setSystemTime(10_999)
    w.set({ phase: 'proposing' })
    await w.settled()
    expect(read()?.phase).toBe('idle')
    vi.setSystemTime(11_000)
    w.set({ phase: 'training', current: CURRENT })
    await w.settled()
    expect(read()).toMatchObject({ phase: 'training', current: CURRENT, updatedAt: 11_000 })
    w.patchCurrent({ step: 5 }) // within the second again
    await w.settled()
    expect(read()?.current?.step).toBeUndefined()
  })

  it('patches the current run, and drops it when a phase other than training begins', async () => {
    const { w, read } = await writer()
    w.patchCurrent({ step: 1 }, true) // no current run: nothing to patch, nothing written
    await w.settled()
    expect(read()).toBeUndefined()
    w.set({ phase: 'training', current: CURRENT })
    w.patchCurrent({ trainerPid: 42, step: 7 }, true)
    await w.settled()
    expect(read()?.current).toEqual({ ...CURRENT, trainerPid: 42, step: 7 })
    w.set({ phase: 'idle' }, true)
    await w.settled()
    expect(read()).not.toHaveProperty('current')
  })

  it('carries a remembered patch in the next write, without writing it', async () => {
    const { w, read } = await writer()
    w.set({ phase: 'training', current: CURRENT }, true)
    await w.settled()
    w.remember({ interrupted: { seq: 3, description: 'LR', at: 5000 } })
    await w.settled()
    expect(read()).not.toHaveProperty('interrupted')
    expect(w.state.interrupted).toEqual({ seq: 3, description: 'LR', at: 5000 })
    w.set({ phase: 'stopped' }, true)
    await w.settled()
    expect(read()).toMatchObject({ phase: 'stopped', interrupted: { seq: 3 } })
  })

  it.each([
    { name: 'no best yet', best: undefined, want: undefined },
    {
      name: 'a best without a val_bpb',
      best: { fileHash: 'f', valBpb: undefined, commit: 'c' },
      want: undefined,
    },
    {
      name: 'a measured best',
      best: { fileHash: 'f', valBpb: 2.5, commit: 'c' },
      want: { valBpb: 2.5, fileHash: 'f', commit: 'c' },
    },
  ])('copies the best into what it writes: $name', async ({ best, want }) => {
    const { w, read } = await writer(() => best)
    w.set({ phase: 'idle' }, true)
    await w.settled()
    expect(read()?.best).toEqual(want)
  })
})
