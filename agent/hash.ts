import { createHash } from 'node:crypto'

/** sha256 hex of a train file's UTF-8 bytes: the content address used everywhere. */
export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex')
}
