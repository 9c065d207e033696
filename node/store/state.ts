/**
 * The `state` table: small key-value facts of this node (its node id, sync cursors, the
 * agent's state), one statement each: inside an open group of peers' records they commit with
 * it.
 */
import { randomBytes } from 'node:crypto'
import type { Db, Row } from './db.ts'

export function getState(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM state WHERE key = ?').get(key) as Row | undefined
  return row === undefined ? undefined : String(row.value)
}

export function setState(db: Db, key: string, value: string): void {
  db.prepare(
    'INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value)
}

/** A persistent local node id, made once (the swarm replaces it with the libp2p peer id). */
export function nodeId(db: Db): string {
  return db.transaction(() => {
    const existing = getState(db, 'node_id')
    if (existing !== undefined) return existing
    const id = `local-${randomBytes(8).toString('hex')}`
    setState(db, 'node_id', id)
    return id
  })
}
