/**
 * Claims in the agent's decisions (docs/ARCHITECTURE.md "Claims"), pure: what the loop
 * announces before an experiment, what proposers avoid, and when a re-measure waits for
 * trusted peers. Trust is this node's own (standing.ts): a claim, a discard or a verdict
 * costs its signer nothing, so only those of authors whose claims reproduced here may rule
 * work out; the rest only reorder it, so a sybil can delay an edit here, never bury it.
 */
import {
  CLAIM_MAX_TTL_SECONDS,
  CLAIM_MIN_TTL_SECONDS,
  MAX_CLAIM_DESCRIPTION_BYTES,
} from '../protocol/claim.ts'
import type { ExperimentFields } from '../protocol/types.ts'
import type { PeerClaim, PublishedRun } from './interfaces.ts'
import { trustedAuthors } from './standing.ts'

/**
 * Authors whose tries and claims this node takes as its own: the one place the proposers and
 * the re-measure planner ask (standing.ts says what trust is).
 */
export function trustedPeers(history: readonly PublishedRun[]): Set<string> {
  return trustedAuthors(history.map((r) => r.local))
}

/**
 * A claim lasts as long as its run may: the runner kills it at its timeout (2x budget +
 * grace), and the evaluation and the record follow within this slack. The record supersedes
 * it earlier; the ttl only bounds how long a node that died holding it blocks anything.
 */
export const CLAIM_SLACK_SECONDS = 60

export function claimTtlSeconds(timeoutSeconds: number): number {
  const ttl = Math.ceil(timeoutSeconds + CLAIM_SLACK_SECONDS)
  return Math.min(CLAIM_MAX_TTL_SECONDS, Math.max(CLAIM_MIN_TTL_SECONDS, ttl))
}

/** A proposal's description as a claim carries it: one line, at most the cap, whole characters. */
export function claimDescription(description: string): string {
  let out = description.replace(/[\r\n]+/g, ' ').trim()
  while (Buffer.byteLength(out, 'utf8') > MAX_CLAIM_DESCRIPTION_BYTES)
    out = [...out].slice(0, -1).join('')
  return out
}

/** What others did or hold on one parent: a record's file, or a live claim's. */
export interface OthersWork {
  author: string
  fileHash: string
}

export interface ProposerExclusions {
  /** Never proposed: tried or claimed by a trusted author. */
  exclude: Set<string>
  /** Proposed only when nothing else is left: tried or claimed by untrusted authors only. */
  deprioritized: Set<string>
}

/**
 * Splits what other authors tried or claimed on a parent by who did it. This node's own tries
 * are the caller's (always excluded); `self` is left out here in case the swarm echoes them.
 */
export function splitOthersWork(
  work: readonly OthersWork[],
  trusted: ReadonlySet<string>,
  self: string,
): ProposerExclusions {
  const exclude = new Set<string>()
  const deprioritized = new Set<string>()
  for (const w of work) if (w.author !== self && trusted.has(w.author)) exclude.add(w.fileHash)
  for (const w of work)
    if (w.author !== self && !exclude.has(w.fileHash)) deprioritized.add(w.fileHash)
  return { exclude, deprioritized }
}

/** Live EDIT claims of others on exactly this parent. */
export function editClaimsOn(
  claims: readonly PeerClaim[],
  parentHash: string,
  self: string,
): PeerClaim[] {
  return claims.filter((c) => c.kind === 'edit' && c.parentHash === parentHash && c.author !== self)
}

/**
 * The re-measure of a peer's claimed file, staggered:
 * - skip: a trusted peer re-measured it and the claim did not reproduce there (its number
 *   above the claim's tolerance, or the harness rejected the file);
 * - wait: a trusted peer holds a live REMEASURE claim of it: propose meanwhile, and look again
 *   at the next experiment (its verdict may be in by then);
 * - run: otherwise. Untrusted peers' claims and verdicts change nothing: adoption needs this
 *   node's own re-measure anyway, and a sybil must not be able to hold a better file off.
 */
export type StaggerDecision =
  | { action: 'run' }
  | { action: 'wait'; claimants: string[] }
  | { action: 'skip'; refutedBy: string[] }

export interface StaggerInput {
  candidate: { fileHash: string; author: string; valBpb: number }
  /** Live claims of others on the candidate file. */
  claims: readonly PeerClaim[]
  /** Records of others on the candidate file as parent (its re-measures among them). */
  records: readonly Pick<
    ExperimentFields,
    'author' | 'parentHash' | 'fileHash' | 'status' | 'valBpb'
  >[]
  trusted: ReadonlySet<string>
  self: string
  /** How far above the claim a re-measure may land and still reproduce it (this node's noise). */
  tolerance: number
}

export function staggerRemeasure(input: StaggerInput): StaggerDecision {
  const { candidate, trusted, self, tolerance } = input
  const byTrusted = (author: string) =>
    author !== self && author !== candidate.author && trusted.has(author)
  const refutedBy = input.records
    .filter(
      (r) =>
        byTrusted(r.author) &&
        r.parentHash === candidate.fileHash &&
        r.fileHash === candidate.fileHash &&
        (r.status === 'rejected' ||
          ((r.status === 'keep' || r.status === 'discard') &&
            r.valBpb > candidate.valBpb + tolerance)),
    )
    .map((r) => r.author)
  if (refutedBy.length > 0) return { action: 'skip', refutedBy }
  const claimants = input.claims
    .filter(
      (c) =>
        c.kind === 'remeasure' &&
        c.fileHash === candidate.fileHash &&
        c.parentHash === candidate.fileHash &&
        byTrusted(c.author),
    )
    .map((c) => c.author)
  if (claimants.length > 0) return { action: 'wait', claimants }
  return { action: 'run' }
}
