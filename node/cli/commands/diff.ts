import type { DiffAnswer } from '../../api/node-api.ts'
import { askNode } from '../node-answer.ts'
import { oneQueryCommand } from '../positional.ts'

const usage = `Usage: loopnet diff <file-hash> [--json] [--data-dir DIR]

Prints the unified diff that turned the file's parent into the file (the hash, or a unique
prefix of at least 8 hex digits). The diff goes to stdout alone, so it can be piped to patch.

Options:
  --json           one JSON object on stdout: {fileHash, parentHash, record, diff, computed}
  --data-dir DIR   node data (default: $LOOPNET_DATA_DIR or ./.loopnet)`

export async function readDiff(
  dataDir: string,
  hash: string,
  signal?: AbortSignal,
): Promise<DiffAnswer> {
  const opts = signal === undefined ? {} : { signal }
  return (await askNode<DiffAnswer>(dataDir, `/diff/${encodeURIComponent(hash)}`, opts)).body
}

/** The diff alone, newline-terminated: what `patch` reads. */
export function formatDiff(d: DiffAnswer): string {
  return d.diff.endsWith('\n') ? d.diff : `${d.diff}\n`
}

const command = oneQueryCommand({
  usage,
  command: 'diff',
  what: 'one train file hash',
  answer: readDiff,
  text: formatDiff,
})

export default command
