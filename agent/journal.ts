/**
 * results.tsv in autoresearch's format (commit, val_bpb, memory_gb, status, description) with
 * loopnet's columns after them. Formatting is pure; writing is one append + fsync per line, so
 * a SIGKILL leaves either the whole line or none of it (reconcile repairs a torn tail).
 */
import { closeSync, fstatSync, fsyncSync, openSync, writeSync } from 'node:fs'
import { readFile, rename, writeFile } from 'node:fs/promises'
import type { PublishedRun } from './interfaces.ts'

export const TSV_COLUMNS = [
  'commit',
  'val_bpb',
  'memory_gb',
  'status',
  'description',
  'parent',
  'file_hash',
  'seconds',
  'budget',
  'tier',
  'source',
  'reason',
] as const

export const TSV_HEADER = TSV_COLUMNS.join('\t')

function clean(text: string): string {
  return text.replace(/[\t\r\n]+/g, ' ').trim()
}

export function formatTsvLine({ fields, local }: Pick<PublishedRun, 'fields' | 'local'>): string {
  return [
    local.commit.slice(0, 7),
    fields.valBpb.toFixed(6),
    (fields.peakMemMb / 1024).toFixed(1),
    fields.status,
    clean(fields.description),
    local.parentCommit.slice(0, 7),
    fields.fileHash.slice(0, 12),
    local.wallSeconds.toFixed(1),
    String(fields.budgetSeconds),
    clean(fields.tier),
    clean(local.source),
    clean(fields.reason),
  ].join('\t')
}

export function expectedTsv(runs: readonly Pick<PublishedRun, 'fields' | 'local'>[]): string {
  return [TSV_HEADER, ...runs.map(formatTsvLine)].map((l) => `${l}\n`).join('')
}

/** Appends one line with a single write and fsyncs it (writes the header first if new). */
export function appendTsvLine(path: string, line: string): void {
  const fd = openSync(path, 'a+')
  try {
    const size = fstatSync(fd).size
    writeSync(fd, `${size === 0 ? `${TSV_HEADER}\n` : ''}${line}\n`)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * Makes the file equal the store's view (the store is the source of truth): appends what is
 * missing when the file is a prefix of it, else rewrites atomically. Returns lines added.
 */
export async function reconcileTsv(
  path: string,
  runs: readonly Pick<PublishedRun, 'fields' | 'local'>[],
): Promise<number> {
  const expected = expectedTsv(runs)
  const actual = await readFile(path, 'utf8').catch(() => '')
  if (actual === expected) return 0
  const missing = expected.split('\n').length - actual.split('\n').length
  const tmp = `${path}.tmp${process.pid}`
  await writeFile(tmp, expected, { flush: true })
  await rename(tmp, path)
  return Math.max(0, missing)
}
