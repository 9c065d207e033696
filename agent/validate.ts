/**
 * Checks every proposal passes before it may run, whoever made it, and the rebase of a
 * speculative proposal onto a parent that moved while it was being made.
 */
import { applyPatch, createPatch } from 'diff'
import { sha256Hex } from '../protocol/hash.ts'
import type { CompileCheck } from './compile.ts'
import { DuplicateProposalError, NoChangeError } from './errors.ts'
import type { Proposal } from './proposer.ts'

export async function validateProposal(
  proposal: Proposal,
  parentText: string,
  exclude: ReadonlySet<string>,
  compile: CompileCheck,
  signal: AbortSignal,
): Promise<void> {
  if (proposal.text === parentText || proposal.text.trim() === '') throw new NoChangeError()
  if (exclude.has(proposal.fileHash)) throw new DuplicateProposalError()
  await compile(proposal.text, signal)
}

/**
 * The same change re-applied to another parent: the diff parent -> proposal applied with the
 * `diff` package (context must match). Undefined when it does not apply.
 */
export function rebaseProposal(proposal: Proposal, newParentText: string): Proposal | undefined {
  if (proposal.parentText === newParentText) return proposal
  // no context lines: a change next to one the parent gained meanwhile still applies, while
  // the lines it removes must still be there, unchanged
  const patch = createPatch('train.py', proposal.parentText, proposal.text, '', '', { context: 0 })
  const text = applyPatch(newParentText, patch)
  if (text === false || text === newParentText) return undefined
  return { ...proposal, text, fileHash: sha256Hex(text), parentText: newParentText }
}

/** Unified diff parent -> file for the record (empty for a baseline). */
export function recordDiff(
  parentText: string | undefined,
  text: string,
  name = 'train.py',
): string {
  if (parentText === undefined) return ''
  return createPatch(name, parentText, text, '', '')
}
