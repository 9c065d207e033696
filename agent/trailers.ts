/**
 * Commit messages of the workspace: the description as subject, the metrics as git trailers, so
 * `git log` reads as the experiment journal and `git interpret-trailers` can parse it.
 */

export const TRAILER_PREFIX = 'Loopnet-'

export function formatCommitMessage(
  subject: string,
  trailers: Record<string, string | number>,
): string {
  const oneLine = subject.replace(/\s+/g, ' ').trim() || '(no description)'
  const lines = Object.entries(trailers).map(
    ([key, value]) => `${TRAILER_PREFIX}${key}: ${String(value).replace(/\s+/g, ' ').trim()}`,
  )
  return `${oneLine}\n\n${lines.join('\n')}\n`
}

/** The Loopnet-* trailers of a message, keys without the prefix. */
export function parseTrailers(message: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of message.split('\n')) {
    const m = /^Loopnet-([\w-]+):\s*(.*)$/.exec(line)
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2]
  }
  return out
}
