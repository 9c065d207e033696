/**
 * Text helpers of the CLI's output: peers' text made safe for a terminal, short forms of
 * hashes and peer ids, aligned tables. Pure.
 */

/** Peers write descriptions: control characters (escape sequences, newlines) print as spaces. */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
}

/**
 * An error's first line, control characters blanked: messages may quote an LLM's reply or a
 * peer's record, and a terminal would obey escape codes in them.
 */
export function firstLine(text: string): string {
  return oneLine(text.split('\n')[0] ?? '')
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

/** A file hash or record id as the leaderboard prints it (12 hex digits: a unique prefix). */
export function shortHash(hash: string): string {
  return hash.slice(0, 12)
}

/** Peer ids are 52 characters; the ends are enough to tell nodes apart on a screen. */
export function shortAuthor(author: string): string {
  const a = oneLine(author)
  return a.length <= 16 ? a : `${a.slice(0, 6)}…${a.slice(-6)}`
}

/** Peer ids in the network log: the tail is what differs between them. */
export function shortPeer(id: string): string {
  return id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id
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

/** How `loopnet start` prints: a terminal (progress bar), plain lines, or a JSON object a line. */
export type ViewMode = 'json' | 'tty' | 'plain'

/** Where a view writes its text (stdout; a test collects it). */
export type Write = (text: string) => void

export const writeStdout: Write = (text) => {
  process.stdout.write(text)
}
