/** protocol/sign.ts: signRecord refuses what the swarm would reject, before signing it. */
import { describe, expect, it } from 'vitest'
import {
  gossipVerdict,
  ImplausibleValBpbError,
  InvalidFieldError,
  RecordVersionError,
  signRecord,
} from '../../protocol/index.ts'
import type { ExperimentFields } from '../../protocol/types.ts'
import { makeFields } from '../fixtures/p2p/records.ts'
import { key, otherKey } from './helpers.ts'

describe('signRecord', () => {
  it('refuses to sign for another author or a field the swarm would reject', async () => {
    await expect(signRecord(makeFields(otherKey), key)).rejects.toBeInstanceOf(InvalidFieldError)
    await expect(signRecord(makeFields(key, { seq: 1.5 }), key)).rejects.toBeInstanceOf(
      InvalidFieldError,
    )
    await expect(signRecord(makeFields(key, { valBpb: Number.NaN }), key)).rejects.toBeInstanceOf(
      ImplausibleValBpbError,
    )
  })

  // What the wire cannot even carry (it would be truncated or wrapped into something else, and
  // the author would sign a record other than the one it holds): refused before signing.
  it.each([
    [{ numParams: 1.5 }, 'numParams'],
    [{ numParams: -1 }, 'numParams'],
    [{ numParams: 2 ** 53 }, 'numParams'],
    [{ seed: 2 ** 32 }, 'seed'],
    [{ seed: -1 }, 'seed'],
    [{ seed: 0.5 }, 'seed'],
    [{ unsandboxed: 'no' as unknown as boolean }, 'unsandboxed'],
    [{ version: 2.5 }, 'version'],
    [{ reason: 7 as unknown as string }, 'reason'],
    [{ budgetSeconds: '60' as unknown as number }, 'budgetSeconds'],
    [{ evalSeconds: undefined as unknown as number }, 'evalSeconds'],
  ] as Array<[Partial<ExperimentFields>, string]>)(
    'refuses to sign %j (InvalidFieldError on %s)',
    async (over, field) => {
      const err = await signRecord(makeFields(key, over), key).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(InvalidFieldError)
      expect((err as InvalidFieldError).field).toBe(field)
      expect(gossipVerdict(err)).toBe('reject')
    },
  )

  it('refuses to sign a record of another format, by name', async () => {
    for (const version of [1, 3]) {
      const err = await signRecord(makeFields(key, { version }), key).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(RecordVersionError)
      expect((err as Error).message).toBe(`record format ${version}: this node reads format 2`)
    }
  })
})
