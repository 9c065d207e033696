import { applyPatch } from 'diff'
import { DiffMismatchError } from '../errors.ts'
import { fileHash } from '../hash.ts'

/** Thrown out of jsdiff's line comparison once a diff has used up its comparisons. */
class ComparisonsExhausted extends Error {
  override name = 'ComparisonsExhausted'
}

/**
 * The file a record's diff produces from its parent's text. An empty diff means "same file"
 * (a re-measurement). Throws DiffMismatchError when the diff does not apply.
 *
 * Each line comparison is counted, and a diff may make at most as many as it has lines. A diff
 * written by createPatch puts every hunk at the line its header names, so applying it compares
 * each context and removed line once. Where a hunk does not fit there, jsdiff searches the
 * parent outward for a place that fits: thousands of hunks with lying headers made that a
 * search per hunk over the whole file, 3.6 s for one 256 KiB diff on a 20k-line parent (13 s
 * on 60k lines), on every node's event loop, twice per record. The bound is the same on every
 * node, so every node gives the same verdict.
 */
export function applyRecordDiff(parentText: string, diff: string): string {
  if (diff === '') return parentText
  let comparisons = lineCount(diff)
  const compareLine = (_n: number, line: string | undefined, _op: string, content: string) => {
    if (--comparisons < 0) throw new ComparisonsExhausted()
    return line === content
  }
  let result: string | false
  try {
    // fuzzFactor 0 (the default): a diff applies exactly or not at all, the same on every node.
    result = applyPatch(parentText, diff, { compareLine })
  } catch (err) {
    if (err instanceof ComparisonsExhausted)
      throw new DiffMismatchError('diff does not apply at the lines its hunks name')
    throw new DiffMismatchError(`diff does not parse: ${(err as Error).message}`)
  }
  if (result === false) throw new DiffMismatchError('diff does not apply to the parent')
  return result
}

function lineCount(text: string): number {
  let n = 1
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++
  return n
}

/** Checks that diff applied to the parent yields exactly file_hash. */
export function checkDiffYieldsFile(parentText: string, diff: string, expectedHash: string): void {
  const got = fileHash(applyRecordDiff(parentText, diff))
  if (got !== expectedHash) {
    throw new DiffMismatchError(`diff yields ${got}, record claims ${expectedHash}`)
  }
}
