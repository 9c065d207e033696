/**
 * node/cli/commands/diff.ts: `loopnet diff` (the record's diff, or one computed from the held
 * files), and the one-line user errors of diff and show for hashes they cannot answer.
 */
import { applyPatch } from 'diff'
import { beforeAll, describe, expect, it } from 'vitest'
import { A1, A2, B1, BASE, cli, h, historyDataDir, type Offline } from '../helpers.ts'

let dataDir: string
let ids: Record<string, string>
let offline: Offline

beforeAll(async () => {
  ;({ dataDir, ids, offline } = await historyDataDir([['diff', h(A2)]]))
})

describe('loopnet diff', () => {
  it('diff prints the unified diff that turns the parent into the file', async () => {
    const stdout = offline.get(`diff ${h(A2)}`)?.stdout ?? ''
    expect(stdout).toMatch(/^--- train\.py/m)
    expect(applyPatch(A1, `${stdout}\n`)).toBe(A2)
    // bob's record has no diff: one is computed from the held parent and file
    const computed = await cli(['diff', h(B1).slice(0, 12), '--data-dir', dataDir])
    expect(computed.exitCode).toBe(0)
    expect(applyPatch(BASE, computed.stdout)).toBe(B1)
    const json = JSON.parse((await cli(['diff', h(B1), '--json', '--data-dir', dataDir])).stdout)
    expect(json).toMatchObject({ fileHash: h(B1), parentHash: h(BASE), computed: true })
    expect(json.record.id).toBe(ids.b1)
  })

  it('unknown, malformed and diff-less hashes are one-line user errors', async () => {
    const unknown = await cli(['show', 'deadbeefdeadbeef', '--data-dir', dataDir])
    expect(unknown.exitCode).not.toBe(0)
    expect(unknown.stdout).toBe('')
    expect(unknown.stderr).toBe(
      `loopnet: no record id or train file hash in ${dataDir} starts with deadbeefdeadbeef`,
    )
    const short = await cli(['show', 'abc', '--data-dir', dataDir])
    expect(short.stderr).toBe("loopnet: 'abc' is too short: give at least 8 hex digits")
    const noDiff = await cli(['diff', h(BASE), '--data-dir', dataDir])
    expect(noDiff.exitCode).toBe(unknown.exitCode)
    expect(noDiff.stderr).toBe(
      `loopnet: file ${h(BASE).slice(0, 12)} is a baseline: it has no parent to diff against`,
    )
    const unknownDiff = await cli(['diff', 'deadbeefdeadbeef', '--data-dir', dataDir])
    expect(unknownDiff.stderr).toBe('loopnet: no train file hash starts with deadbeefdeadbeef')
    expect(unknownDiff.exitCode).toBe(unknown.exitCode)
  })
})
