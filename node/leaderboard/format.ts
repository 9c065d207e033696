/**
 * The leaderboard as text for a terminal: per tier a ranked table and the lineage of the best
 * file, then experiment counts per node. Pure: the same Leaderboard gives the same bytes.
 */
import { oneLine, shortAuthor, shortHash, table } from '../cli/text.ts'
import type { AuthorCounts, BoardRecord, Leaderboard, TierBoard } from './leaderboard.ts'

function bpb(v: number): string {
  return v.toFixed(6)
}

function signed(v: number | undefined): string {
  if (v === undefined) return '-'
  return `${v > 0 ? '+' : v < 0 ? '' : '±'}${v.toFixed(6)}`
}

function tierTable(board: TierBoard): string[] {
  const header = ['rank', 'val_bpb', 'delta', 'author', 'file', 'conf', 'description']
  const rows = board.rows.map((r) => [
    String(r.rank),
    bpb(r.valBpb),
    signed(r.deltaVsBaseline),
    shortAuthor(r.author),
    shortHash(r.fileHash),
    String(r.confirmations),
    oneLine(r.description),
  ])
  return table(header, rows, new Set([0, 1, 2, 5]))
}

function lineage(chain: readonly BoardRecord[]): string[] {
  const rows = chain.map((r) => [
    shortHash(r.fileHash),
    bpb(r.valBpb),
    shortAuthor(r.author),
    r.parentHash === '' && !/baseline/i.test(r.description)
      ? `${oneLine(r.description)} (baseline)`
      : oneLine(r.description),
  ])
  const lines = table(['file', 'val_bpb', 'author', 'description'], rows, new Set([1]))
  const last = chain.at(-1)
  if (last !== undefined && last.parentHash !== '') {
    const missing = last.parentHash === last.fileHash ? last.fileHash : last.parentHash
    lines.push(`(earlier history from ${shortHash(missing)} is not held here)`)
  }
  return lines
}

function nodesTable(nodes: readonly AuthorCounts[]): string[] {
  const rows = nodes.map((n) => [
    shortAuthor(n.author),
    String(n.keep),
    String(n.discard),
    String(n.crash),
    String(n.total),
  ])
  return table(['node', 'keep', 'discard', 'crash', 'total'], rows, new Set([1, 2, 3, 4]))
}

export function formatLeaderboard(board: Leaderboard): string {
  const out: string[] = []
  if (board.genesis !== '') out.push(`genesis ${shortHash(board.genesis)}`)
  if (board.tiers.length === 0) {
    out.push('no experiments yet: the leaderboard is empty')
    return out.join('\n')
  }
  for (const tier of board.tiers) {
    const base = tier.baselineValBpb === undefined ? 'no baseline yet' : bpb(tier.baselineValBpb)
    out.push('', `tier ${tier.tier}  baseline ${base}`)
    if (tier.rows.length === 0) {
      out.push('  no kept experiments in this tier yet')
      continue
    }
    out.push(...tierTable(tier).map((l) => `  ${l}`))
    out.push('', `  lineage of the best (newest first):`)
    out.push(...lineage(tier.lineage).map((l) => `    ${l}`))
  }
  out.push('', 'nodes')
  out.push(...nodesTable(board.nodes).map((l) => `  ${l}`))
  return out.join('\n')
}
