/**
 * What the protocol tests share: two Ed25519 keys (the fixtures' author and someone else), a
 * validation context holding the fixtures' parent file, signing without signRecord's checks,
 * and the check that validateRecord refuses a record by its error class, code and verdict.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { expect } from 'vitest'
import {
  encodeRecord,
  fileHash,
  gossipVerdict,
  signingBytes,
  type ValidationContext,
  validateRecord,
} from '../../protocol/index.ts'
import type { ExperimentFields } from '../../protocol/types.ts'
import { GENESIS, PARENT_TEXT } from '../fixtures/p2p/records.ts'

export const key: PrivateKey = await generateKeyPair('Ed25519')
export const otherKey: PrivateKey = await generateKeyPair('Ed25519')

/** Signs without signRecord's checks: how a buggy or hostile peer would build a record. */
export async function forceSign(
  fields: ExperimentFields,
  signer: PrivateKey = key,
): Promise<Uint8Array> {
  const signature = await signer.sign(signingBytes(fields))
  return encodeRecord({ ...fields, signature })
}

const files = new Map([[fileHash(PARENT_TEXT), PARENT_TEXT]])
export const ctx: ValidationContext = { genesis: GENESIS, getFile: (h) => files.get(h) }

/** A record validateRecord must refuse (with ctx unless it names its own), and how. */
export type RefusalCase = {
  name: string
  bytes: () => Promise<Uint8Array>
  ctx?: ValidationContext
  error: new (...args: never[]) => Error
  code: string
  verdict: 'ignore' | 'reject'
}

export async function expectRefused(c: RefusalCase): Promise<void> {
  const bytes = await c.bytes()
  const err = await validateRecord(bytes, c.ctx ?? ctx).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(c.error)
  expect((err as { code: string }).code).toBe(c.code)
  expect((err as Error).name).toBe(c.error.name)
  expect(gossipVerdict(err)).toBe(c.verdict)
}
