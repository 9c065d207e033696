import { applyPatch } from 'diff'
import { DiffMismatchError } from '../errors.ts'
import { fileHash } from '../hash.ts'

/**
 * The file a record's diff produces from its parent's text. An empty diff means "same file"
 * (a re-measurement). Throws DiffMismatchError when the diff does not apply.
 */
export function applyRecordDiff(parentText: string, diff: string): string {
  if (diff === '') return parentText
  let result: string | false
  try {
    // fuzzFactor 0 (the default): a diff applies exactly or not at all, the same on every node.
    result = applyPatch(parentText, diff)
  } catch (err) {
    throw new DiffMismatchError(`diff does not parse: ${(err as Error).message}`)
  }
  if (result === false) throw new DiffMismatchError('diff does not apply to the parent')
  return result
}

/** Checks that diff applied to the parent yields exactly file_hash. */
export function checkDiffYieldsFile(parentText: string, diff: string, expectedHash: string): void {
  const got = fileHash(applyRecordDiff(parentText, diff))
  if (got !== expectedHash) {
    throw new DiffMismatchError(`diff yields ${got}, record claims ${expectedHash}`)
  }
}
