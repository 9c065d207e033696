/**
 * The `files` table: train files by the sha256 of their text (content-addressed, so a file
 * stored twice is one row, and a text is never stored under a hash it does not have).
 */
import { sha256Hex } from '../../protocol/hash.ts'
import type { Db, Row } from './db.ts'

/** The file text does not hash to the hash it was stored or asked for under. */
export class FileHashMismatchError extends Error {
  override name = 'FileHashMismatchError'
}

/** Stores a train file by its hash (inside the caller's transaction); returns the hash. */
export function putFile(db: Db, text: string, expectedHash?: string): string {
  const hash = sha256Hex(text)
  if (expectedHash !== undefined && expectedHash !== hash)
    throw new FileHashMismatchError(`file hashes to ${hash}, expected ${expectedHash}`)
  db.prepare('INSERT OR IGNORE INTO files (hash, text, size, added_at) VALUES (?, ?, ?, ?)').run(
    hash,
    text,
    Buffer.byteLength(text),
    Date.now(),
  )
  return hash
}

export function getFile(db: Db, hash: string): string | undefined {
  const row = db.prepare('SELECT text FROM files WHERE hash = ?').get(hash) as Row | undefined
  return row === undefined ? undefined : String(row.text)
}

export function hasFile(db: Db, hash: string): boolean {
  return db.prepare('SELECT 1 FROM files WHERE hash = ?').get(hash) !== undefined
}
