/** protocol/validation/diff.ts: applying a record's diff, at most one comparison per line. */
import { createPatch } from 'diff'
import { describe, expect, it } from 'vitest'
import { applyRecordDiff, DiffMismatchError } from '../../../protocol/index.ts'

describe('applyRecordDiff', () => {
  const parentLines = Array.from({ length: 3000 }, (_, i) => `a${i.toString(36)}`)
  const parent = `${parentLines.join('\n')}\n`

  it('applies a many-hunk diff as createPatch wrote it', () => {
    const child = parentLines.map((l, i) => (i % 40 === 0 ? `${l} changed` : l))
    const text = `${child.join('\n')}\n`
    expect(applyRecordDiff(parent, createPatch('train.py', parent, text, '', ''))).toBe(text)
  })

  it('refuses hunks whose headers name other lines than where they fit, before searching', () => {
    // Each hunk deletes the next line from the top while its header points near the end, so
    // jsdiff would search the whole file for every hunk (minutes for a 256 KiB diff). It does
    // apply that way: the refusal is the bound, not a mismatch.
    let diff = '--- a/train.py\n+++ b/train.py\n'
    let offset = 0
    for (let p = 0; p < 500; p++) {
      const start = parentLines.length - p - offset
      diff += `@@ -${start},1 +1,0 @@\n-${parentLines[p]}\n`
      offset = p + 1 - start
    }
    expect(() => applyRecordDiff(parent, diff)).toThrow(DiffMismatchError)
    expect(() => applyRecordDiff(parent, diff)).toThrow(/at the lines its hunks name/)
  })
})
