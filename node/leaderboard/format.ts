/**
 * The leaderboard as text for a terminal: per tier and budget a ranked table, the lineage of
 * the best file and the claims this node ran and could not reproduce (never ranked), then
 * experiment counts per node. Pure: the same Leaderboard gives the same bytes.
 */
import { oneLine, shortAuthor, shortHash, table } from '../cli/text.ts'
import type {
  AuthorCounts,
  BoardRecord,
  BoardRow,
  Leaderboard,
  NotRankedRow,
  TierBoard,
  VerdictHere,
} from './leaderboard.ts'

function bpb(v: number): string {
  return v.toFixed(6)
}

function signed(v: number | undefined): string {
  if (v === undefined) return '-'
  return `${v > 0 ? '+' : v < 0 ? '' : '±'}${v.toFixed(6)}`
}

/** The level column: a short word and how many reproduced the claim (this node included). */
export function levelText(row: Pick<BoardRow, 'verification' | 'reproducedBy'>): string {
  const word = { provisional: 'prov', 'reproduced-here': 'here', verified: 'verified' }
  return `${word[row.verification]} ${row.reproducedBy.length}`
}

function tierTable(board: TierBoard): string[] {
  const header = ['rank', 'val_bpb', 'delta', 'author', 'file', 'level', 'description']
  const rows = board.rows.map((r) => [
    String(r.rank),
    bpb(r.valBpb),
    signed(r.deltaVsBaseline),
    shortAuthor(r.author),
    shortHash(r.fileHash),
    levelText(r),
    oneLine(r.description),
  ])
  return table(header, rows, new Set([0, 1, 2]))
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

/** A budget as the heading prints it: 300 s, 0.5 s. */
export function budget(seconds: number): string {
  return `${Number(seconds.toFixed(3))} s`
}

/** What this node found when it ran the file itself. */
export function verdictText(here: VerdictHere): string {
  switch (here.verdict) {
    case 'rejected':
      return `rejected here: ${oneLine(here.reason)}`
    case 'refuted':
      return `refuted here (ran ${bpb(here.valBpb)})`
    case 'crashed':
      return `crashed here: ${oneLine(here.reason || 'no number')}`
  }
}

function notRankedTable(rows: readonly NotRankedRow[]): string[] {
  return table(
    ['claims', 'author', 'file', 'this node', 'description'],
    rows.map((r) => [
      bpb(r.valBpb),
      shortAuthor(r.author),
      shortHash(r.fileHash),
      verdictText(r.here),
      oneLine(r.description),
    ]),
    new Set([0]),
  )
}

function nodesTable(nodes: readonly AuthorCounts[]): string[] {
  const rows = nodes.map((n) => [
    shortAuthor(n.author),
    String(n.keep),
    String(n.discard),
    String(n.crash),
    String(n.rejected),
    String(n.total),
  ])
  return table(
    ['node', 'keep', 'discard', 'crash', 'rejected', 'total'],
    rows,
    new Set([1, 2, 3, 4, 5]),
  )
}

export function formatLeaderboard(board: Leaderboard): string {
  const out: string[] = []
  if (board.genesis !== '') out.push(`genesis ${shortHash(board.genesis)}`)
  if (board.tiers.length === 0) {
    out.push('no experiments yet: the leaderboard is empty')
    return out.join('\n')
  }
  out.push(
    `level: prov = the author's word, here = reproduced here, verified = by ${board.verifyK} trusted authors (${board.trusted.length} trusted here); then how many reproduced it`,
  )
  for (const tier of board.tiers) {
    const base = tier.baselineValBpb === undefined ? 'no baseline yet' : bpb(tier.baselineValBpb)
    out.push('', `tier ${tier.tier}  budget ${budget(tier.budgetSeconds)}  baseline ${base}`)
    if (tier.rows.length === 0) out.push('  no kept experiments in this tier and budget yet')
    else {
      out.push(...tierTable(tier).map((l) => `  ${l}`))
      out.push('', `  lineage of the best (newest first):`)
      out.push(...lineage(tier.lineage).map((l) => `    ${l}`))
    }
    if (tier.notRanked.length > 0) {
      out.push('', '  not ranked: claims this node ran and could not reproduce')
      out.push(...notRankedTable(tier.notRanked).map((l) => `    ${l}`))
    }
  }
  out.push('', 'nodes')
  out.push(...nodesTable(board.nodes).map((l) => `  ${l}`))
  return out.join('\n')
}
