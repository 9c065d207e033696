/**
 * The leaderboard as text for a terminal: per tier a ranked table and the lineage of the best
 * file, then experiment counts per node. Pure: the same Leaderboard gives the same bytes.
 */
import type { AuthorCounts, BoardRecord, Leaderboard, TierBoard } from './leaderboard.ts'

/** Peer ids are 52 characters; the ends are enough to tell nodes apart on a screen. */
export function shortAuthor(author: string): string {
  const a = oneLine(author)
  return a.length <= 16 ? a : `${a.slice(0, 6)}…${a.slice(-6)}`
}

export function shortHash(hash: string): string {
  return hash.slice(0, 12)
}

/** Peers write descriptions: control characters (escape sequences, newlines) print as spaces. */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const SHOWN_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

/**
 * Multi-line text from peers (a diff, a train file) for a terminal: control characters other
 * than newline and tab shown as \xNN. Escape codes in a peer's diff could otherwise rewrite the
 * screen, hiding lines of code that nodes run from the person reviewing it. Only for a TTY:
 * piped output (diff | patch) stays byte for byte.
 */
export function visibleControls(text: string): string {
  return text.replace(SHOWN_CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

function bpb(v: number): string {
  return v.toFixed(6)
}

function signed(v: number | undefined): string {
  if (v === undefined) return '-'
  return `${v > 0 ? '+' : v < 0 ? '' : '±'}${v.toFixed(6)}`
}

/**
 * Rows as aligned columns, two spaces apart; `right` lists the right-aligned columns. The last
 * column is not padded (no trailing spaces).
 */
export function table(header: string[], rows: string[][], right: ReadonlySet<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => {
        if (i === cells.length - 1 && !right.has(i)) return cell
        const w = widths[i] ?? 0
        return right.has(i) ? cell.padStart(w) : cell.padEnd(w)
      })
      .join('  ')
  return [line(header), ...rows.map(line)]
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
