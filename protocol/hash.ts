import { createHash } from 'node:crypto'

const HEX_SHA256 = /^[0-9a-f]{64}$/

/** sha256 of bytes or of a string's UTF-8 bytes, as lowercase hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex')
}

/** The content hash of a train file (parent_hash, file_hash, fetch keys). */
export function fileHash(text: string): string {
  return sha256Hex(text)
}

export function isSha256Hex(value: string): boolean {
  return HEX_SHA256.test(value)
}
