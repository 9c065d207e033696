/**
 * agent/claims.ts, pure: the stagger rule for re-measures as a table, the split of others'
 * work by trust, and what a claim carries.
 */
import { describe, expect, it } from 'vitest'
import {
  claimDescription,
  claimTtlSeconds,
  editClaimsOn,
  type StaggerDecision,
  type StaggerInput,
  splitOthersWork,
  staggerRemeasure,
} from '../../agent/claims.ts'
import type { PeerClaim } from '../../agent/interfaces.ts'
import { CLAIM_MAX_TTL_SECONDS, MAX_CLAIM_DESCRIPTION_BYTES } from '../../protocol/claim.ts'
import { sha256Hex } from '../../protocol/hash.ts'

const FILE = sha256Hex('candidate')
const SELF = 'self'
const AUTHOR = 'claimant'
const TRUSTED = 'trusted'
const STRANGER = 'stranger'
const CLAIMED = 2.0
const TOLERANCE = 0.01

const claimBy = (author: string, kind: PeerClaim['kind'] = 'remeasure'): PeerClaim => ({
  author,
  kind,
  parentHash: kind === 'remeasure' ? FILE : sha256Hex('p'),
  fileHash: FILE,
  description: 'x',
  expiresAt: 0,
})
const remeasureBy = (
  author: string,
  status: 'keep' | 'discard' | 'crash' | 'rejected',
  valBpb: number,
) => ({
  author,
  parentHash: FILE,
  fileHash: FILE,
  status,
  valBpb,
})

const table: Array<[string, Partial<StaggerInput>, StaggerDecision['action']]> = [
  ['nobody else on it', {}, 'run'],
  ['a trusted peer is re-measuring it', { claims: [claimBy(TRUSTED)] }, 'wait'],
  ['an untrusted peer is re-measuring it', { claims: [claimBy(STRANGER)] }, 'run'],
  ['the claimant itself claims it again', { claims: [claimBy(AUTHOR)] }, 'run'],
  [
    "a trusted peer's edit claim on the file is no re-measure",
    { claims: [claimBy(TRUSTED, 'edit')] },
    'run',
  ],
  [
    'a trusted peer refuted it (above claim + tolerance)',
    { records: [remeasureBy(TRUSTED, 'discard', 2.011)] },
    'skip',
  ],
  [
    'a trusted peer reproduced it within tolerance',
    { records: [remeasureBy(TRUSTED, 'discard', 2.009)] },
    'run',
  ],
  ['a trusted peer kept it', { records: [remeasureBy(TRUSTED, 'keep', 1.99)] }, 'run'],
  [
    'the harness rejected it on a trusted peer',
    { records: [remeasureBy(TRUSTED, 'rejected', 0)] },
    'skip',
  ],
  [
    'it crashed on a trusted peer (its hardware, maybe)',
    { records: [remeasureBy(TRUSTED, 'crash', 0)] },
    'run',
  ],
  ['an untrusted peer refuted it', { records: [remeasureBy(STRANGER, 'discard', 3)] }, 'run'],
  [
    'this node refuted it (rebaseSkips owns that)',
    { records: [remeasureBy(SELF, 'discard', 3)] },
    'run',
  ],
  [
    'refuted by one trusted peer while another re-measures: skip wins',
    { records: [remeasureBy(TRUSTED, 'discard', 3)], claims: [claimBy('trusted-2')] },
    'skip',
  ],
  [
    'an edit of the file by a trusted peer is no verdict on it',
    { records: [{ ...remeasureBy(TRUSTED, 'discard', 3), fileHash: sha256Hex('child') }] },
    'run',
  ],
]

describe('staggerRemeasure', () => {
  it.each(table)('%s -> %s', (_name, over, action) => {
    const input: StaggerInput = {
      candidate: { fileHash: FILE, author: AUTHOR, valBpb: CLAIMED },
      claims: [],
      records: [],
      trusted: new Set([TRUSTED, 'trusted-2', AUTHOR, SELF]),
      self: SELF,
      tolerance: TOLERANCE,
      ...over,
    }
    expect(staggerRemeasure(input).action).toBe(action)
  })
})

describe('what others did on a parent', () => {
  it('excludes what a trusted peer tried or claimed, deprioritizes what only strangers did', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((s) => sha256Hex(s)) as [string, string, string]
    const split = splitOthersWork(
      [
        { author: TRUSTED, fileHash: a },
        { author: STRANGER, fileHash: a },
        { author: STRANGER, fileHash: b },
        { author: SELF, fileHash: c },
      ],
      new Set([TRUSTED]),
      SELF,
    )
    expect(split.exclude).toEqual(new Set([a]))
    expect(split.deprioritized).toEqual(new Set([b]))
  })

  it('keeps only edit claims of others on exactly the parent', () => {
    const parent = sha256Hex('p')
    const claims = [
      claimBy(TRUSTED, 'edit'),
      claimBy(SELF, 'edit'),
      claimBy(TRUSTED, 'remeasure'),
      { ...claimBy(TRUSTED, 'edit'), parentHash: sha256Hex('other') },
    ]
    expect(editClaimsOn(claims, parent, SELF)).toEqual([claims[0]])
  })
})

describe('a claim', () => {
  it('lives the run timeout plus a minute, within the protocol bounds', () => {
    expect(claimTtlSeconds(2 * 300 + 60)).toBe(720)
    expect(claimTtlSeconds(0)).toBe(60)
    expect(claimTtlSeconds(10_000)).toBe(CLAIM_MAX_TTL_SECONDS)
  })

  it('carries one line of the description, cut at whole characters', () => {
    expect(claimDescription('a\nb\r\nc')).toBe('a b c')
    const long = claimDescription('é'.repeat(150))
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(MAX_CLAIM_DESCRIPTION_BYTES)
    expect(long).toBe('é'.repeat(100))
  })
})
